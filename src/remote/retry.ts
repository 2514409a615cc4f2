// The one retry policy of the remote layer: retry only what may succeed unchanged on a second try
// (connection refused/reset/lost, handshake and request timeouts, HTTP 503 "not yet initialized" or
// "shutting down"), a bounded number of times with capped exponential backoff. A 4xx, a validation
// error, a host key or authentication failure, or a failed command is never retried: repeating
// it cannot help and could hide the real problem.
import pRetry from 'p-retry';
import { ApiError, RemoteError, Unreachable, isTransientCode } from './errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  factor: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, minTimeoutMs: 500, maxTimeoutMs: 8000, factor: 2 };

const TRANSIENT_UNDICI = new Set([
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

export function isTransient(err: unknown): boolean {
  if (err instanceof RemoteError) return err.transient;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (isTransientCode(code) || TRANSIENT_UNDICI.has(code));
}

/**
 * Whether the failure proves the request never reached the daemon (or the daemon refused it before
 * doing anything), so that even a non-idempotent request may be sent again.
 */
export function nothingWasSent(err: unknown): boolean {
  if (err instanceof ApiError) return err.status === 503;
  if (err instanceof Unreachable) return err.code === 'ECONNREFUSED' || err.code === 'HANDSHAKE_TIMEOUT';
  return false;
}

export interface RetryOptions extends Partial<RetryPolicy> {
  /** Narrows the retryable set further (e.g. only nothingWasSent for a POST). */
  shouldRetry?: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, retriesLeft: number) => void;
  signal?: AbortSignal;
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const policy = { ...DEFAULT_RETRY, ...definedOnly(opts) };
  return pRetry(fn, {
    retries: policy.retries,
    minTimeout: policy.minTimeoutMs,
    maxTimeout: policy.maxTimeoutMs,
    factor: policy.factor,
    randomize: true,
    ...(opts.signal ? { signal: opts.signal } : {}),
    shouldRetry: ({ error, attemptNumber, retriesLeft }) => {
      const again = isTransient(error) && (opts.shouldRetry ? opts.shouldRetry(error) : true);
      if (again) opts.onRetry?.(error, attemptNumber, retriesLeft);
      return again;
    },
  });
}

function definedOnly(opts: RetryOptions): Partial<RetryPolicy> {
  const out: Partial<RetryPolicy> = {};
  if (opts.retries !== undefined) out.retries = opts.retries;
  if (opts.minTimeoutMs !== undefined) out.minTimeoutMs = opts.minTimeoutMs;
  if (opts.maxTimeoutMs !== undefined) out.maxTimeoutMs = opts.maxTimeoutMs;
  if (opts.factor !== undefined) out.factor = opts.factor;
  return out;
}
