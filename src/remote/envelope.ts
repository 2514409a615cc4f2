// The response envelope shared by LXD and every microcluster daemon (rest-apis.md §0), and waiting
// for LXD operations (§1.2). Decisions follow the body's `type`, never Content-Type (microcluster
// does not set it) and never the daemon's version (5.21 answers sync where 6.8 answers async).
import { ApiError, RemoteTimeout } from './errors.js';
import { decodeEnvelope, EXCERPT } from './json-envelope.js';
import { parseSnapdResponse } from './snapd-envelope.js';
import type { Service } from './types.js';

export interface Envelope {
  type: 'sync' | 'async' | 'error';
  status: string;
  status_code: number;
  operation: string;
  error_code: number;
  error: string;
  metadata: unknown;
}

/** An LXD operation (shared/api/operation.go); newer servers add fields such as err_code. */
export interface Operation {
  id: string;
  class: string;
  description: string;
  status: string;
  status_code: number;
  err: string;
  err_code?: number;
  metadata: Record<string, unknown> | null;
  resources: Record<string, string[]> | null;
  may_cancel: boolean;
  location: string;
  created_at: string;
  updated_at: string;
}

/**
 * A successful answer. For `async` answers that were waited for, `metadata` is the finished
 * Operation (its own `metadata` holds e.g. entity_url); without waiting it is the Operation as created.
 */
export interface ApiResult<T = unknown> {
  type: 'sync' | 'async';
  httpStatus: number;
  metadata: T;
  /** Operation URL for async answers, "" otherwise. */
  operation: string;
  /** Location header: the created resource (201) or the operation (202). */
  location?: string;
  /** ETag header of single-object GETs, for If-Match on a later PUT/PATCH. */
  etag?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RequestContext {
  host: string;
  service: Service;
  method: string;
  path: string;
}


export function parseResponse<T = unknown>(ctx: RequestContext, res: RawResponse): ApiResult<T> {
  if (ctx.service === 'snapd') return parseSnapdResponse<T>(ctx, res);
  const env = decodeEnvelope<Envelope>(res.body);
  const fail = (status: number, message: string): ApiError =>
    new ApiError(ctx.host, ctx.service, ctx.method, ctx.path, status, message);
  if (!env) {
    const text = res.body.trim().slice(0, EXCERPT);
    throw fail(res.status, `response is not a ${ctx.service} JSON envelope (HTTP ${res.status}${text ? `: ${text}` : ', empty body'})`);
  }
  if (env.type === 'error') {
    // error_code is authoritative: /wait sends HTTP 200 headers before it knows the outcome.
    const status = typeof env.error_code === 'number' && env.error_code > 0 ? env.error_code : res.status;
    throw fail(status >= 400 ? status : 500, typeof env.error === 'string' && env.error ? env.error : '(no error message)');
  }
  if (res.status >= 400) {
    throw fail(res.status, typeof env.error === 'string' && env.error ? env.error : `HTTP ${res.status} with a ${env.type} body`);
  }
  const result: ApiResult<T> = {
    type: env.type,
    httpStatus: res.status,
    metadata: env.metadata as T,
    operation: typeof env.operation === 'string' ? env.operation : '',
  };
  const location = header(res.headers, 'location');
  const etag = header(res.headers, 'etag');
  if (location !== undefined) result.location = location;
  if (etag !== undefined) result.etag = etag;
  if (result.type === 'async' && !result.operation && location) result.operation = location;
  return result;
}

function header(headers: RawResponse['headers'], name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Operation status codes at or above 200 are final: 200 Success, 400 Failure, 401 Cancelled. */
export function isFinished(op: Operation): boolean {
  return op.status_code >= 200;
}

/** The error a finished operation represents, or null when it succeeded (the Go client's rule: err != "" fails). */
export function operationFailure(ctx: RequestContext, op: Operation, url: string): ApiError | null {
  const failed = (op.err ?? '') !== '' || op.status_code === 400 || op.status_code === 401;
  if (!failed) return null;
  const status = typeof op.err_code === 'number' && op.err_code > 0 ? op.err_code : op.status_code === 401 ? 401 : 500;
  const what = op.description ? `"${op.description}" ` : '';
  const message = op.err || (op.status_code === 401 ? `operation ${what}was cancelled` : `operation ${what}failed (${op.status})`);
  return new ApiError(ctx.host, ctx.service, ctx.method, ctx.path, status, message, url);
}

/** Performs one GET (path, per-request timeout) and returns the raw answer. */
export type Getter = (path: string, timeoutMs: number) => Promise<RawResponse>;

export interface WaitOptions {
  timeoutMs: number;
  /** Longest single /wait call; shorter chunks keep each HTTP exchange well inside its timeout. */
  chunkMs?: number;
  now?: () => number;
}

/**
 * Waits for an LXD operation to finish and returns it, or throws the ApiError it failed with.
 * `ctx` describes the request that created the operation, so failures name it.
 */
export async function waitOperation(get: Getter, ctx: RequestContext, operationUrl: string, opts: WaitOptions): Promise<Operation> {
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  const chunkMs = opts.chunkMs ?? 30_000;
  const [opPath, query] = splitQuery(operationUrl);
  const opCtx = (method: string, path: string): RequestContext => ({ ...ctx, method, path });
  let quickErrors = 0;
  for (;;) {
    const started = now();
    const remaining = deadline - started;
    if (remaining <= 0) throw new RemoteTimeout(ctx.host, `${ctx.service} operation ${operationUrl} (${ctx.method} ${ctx.path})`, opts.timeoutMs);
    const seconds = Math.max(1, Math.ceil(Math.min(remaining, chunkMs) / 1000));
    const waitPath = `${opPath}/wait?${query ? `${query}&` : ''}timeout=${seconds}`;
    let op: Operation;
    try {
      op = parseResponse<Operation>(opCtx('GET', waitPath), await get(waitPath, seconds * 1000 + 15_000)).metadata;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 404) throw err;
      // An error envelope from /wait means either "the operation failed" or "this wait timed out or
      // was interrupted"; the operation itself says which. Gone already: the envelope was the verdict.
      const current = await probe(get, opCtx('GET', operationUrl), operationUrl);
      if (current === null) throw withOperation(err, ctx, operationUrl);
      // A wait that errors at once while the operation runs on is not a timed-out wait: give up
      // after a few rather than hammer the daemon.
      if (!isFinished(current) && now() - started < MIN_ROUND_MS && ++quickErrors >= 3) throw withOperation(err, ctx, operationUrl);
      op = current;
    }
    if (isFinished(op)) {
      const failure = operationFailure(ctx, op, operationUrl);
      if (failure) throw failure;
      return op;
    }
    // Pace servers that answer /wait without waiting, so this degrades into polling, not a busy loop.
    const elapsed = now() - started;
    if (elapsed < MIN_ROUND_MS) await sleep(Math.min(MIN_ROUND_MS - elapsed, Math.max(0, deadline - now())));
  }
}

const MIN_ROUND_MS = 500;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function probe(get: Getter, ctx: RequestContext, url: string): Promise<Operation | null> {
  try {
    return parseResponse<Operation>(ctx, await get(url, 30_000)).metadata;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

function withOperation(err: ApiError, ctx: RequestContext, url: string): ApiError {
  return new ApiError(ctx.host, ctx.service, ctx.method, ctx.path, err.status, err.apiMessage, url);
}

function splitQuery(url: string): [string, string] {
  const i = url.indexOf('?');
  return i < 0 ? [url, ''] : [url.slice(0, i), url.slice(i + 1)];
}
