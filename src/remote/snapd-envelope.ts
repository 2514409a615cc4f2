// snapd's response envelope, which is not LXD's: `{type, status-code, status, result, change}`,
// an error's `result` being `{message, kind?, value?}` (canonical/snapd daemon/response.go respJSON
// and daemon/errors.go errorResult at bee548f7; the client reads it the same way, client/client.go).
// An async answer names a change by id, for the caller to follow on /v2/changes/{id}.
import type { ApiResult, RawResponse, RequestContext } from './envelope.js';
import { decodeEnvelope, EXCERPT } from './json-envelope.js';
import { ApiError } from './errors.js';

interface SnapdEnvelope {
  type: 'sync' | 'async' | 'error';
  'status-code'?: unknown;
  result?: unknown;
  change?: unknown;
}

export function parseSnapdResponse<T = unknown>(ctx: RequestContext, res: RawResponse): ApiResult<T> {
  const env = decodeEnvelope<SnapdEnvelope>(res.body);
  const fail = (status: number, message: string, detail?: { kind?: string; value?: unknown }): ApiError =>
    new ApiError(ctx.host, ctx.service, ctx.method, ctx.path, status, message, undefined, detail);
  if (!env) {
    const text = res.body.trim().slice(0, EXCERPT);
    throw fail(res.status, `response is not a snapd JSON envelope (HTTP ${res.status}${text ? `: ${text}` : ', empty body'})`);
  }
  if (env.type === 'error') {
    const r = (typeof env.result === 'object' && env.result !== null ? env.result : {}) as { message?: unknown; kind?: unknown; value?: unknown };
    const code = typeof env['status-code'] === 'number' && env['status-code'] >= 400 ? env['status-code'] : res.status >= 400 ? res.status : 500;
    const message = typeof r.message === 'string' && r.message !== '' ? r.message : '(no error message)';
    throw fail(code, message, { ...(typeof r.kind === 'string' && r.kind ? { kind: r.kind } : {}), ...(r.value !== undefined ? { value: r.value } : {}) });
  }
  if (res.status >= 400) throw fail(res.status, `HTTP ${res.status} with a ${env.type} body`);
  return {
    type: env.type,
    httpStatus: res.status,
    metadata: env.result as T,
    operation: env.type === 'async' && (typeof env.change === 'string' || typeof env.change === 'number') ? String(env.change) : '',
  };
}
