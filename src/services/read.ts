// The two ways a read of a daemon ends without an answer that are facts rather than failures: the
// daemon is not installed (no socket on the machine), and a microcluster daemon is not initialized
// yet (503 "Database is not yet initialized"). Everything else is an error the caller reports.
import { ApiError, Unreachable, withRetry, type Host, type Service } from '../remote/index.js';
import { NOT_INITIALIZED } from './micro-map.js';

/** The remote layer found no socket for the daemon (socket detection answers ENOENT). */
export const isNotInstalled = (err: unknown): boolean => err instanceof Unreachable && err.code === 'ENOENT';

export const isNotInitialized = (err: unknown): boolean =>
  err instanceof ApiError && err.status === 503 && err.apiMessage.includes(NOT_INITIALIZED);

/** One GET's metadata. `body` is for microcluster handlers that decode a JSON body even on GET. */
export async function get<T>(host: Host, service: Service, path: string, body?: unknown): Promise<T> {
  return (await host.request<T>(service, 'GET', path, body)).metadata;
}

/**
 * The retries for reading a site (the CLI's connections use it too, src/cli/site.ts): quick to give
 * up on a machine that is down (about 1.5 s of waits), yet enough that one request in ten failing
 * transiently does not fail a run of ~400 requests (with 2 retries a quarter of such runs failed:
 * tests/reliability/storm.test.ts).
 */
export const READ_RETRY = { retries: 4, minTimeoutMs: 100, maxTimeoutMs: 2000 } as const;

/**
 * A GET where 503 "not yet initialized" is an answer, not a reason to retry: the remote layer's
 * retry (which would wait out a 503) is replaced by one that retries only the other transient failures.
 */
export function getUnlessUninitialized<T>(host: Host, service: Service, path: string): Promise<T> {
  return withRetry(
    async () => (await host.request<T>(service, 'GET', path, undefined, { retry: false })).metadata,
    { ...READ_RETRY, shouldRetry: (err) => !isNotInitialized(err) },
  );
}

/** `read()`, or null when the daemon is not installed on the machine. */
export async function whenInstalled<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (isNotInstalled(err)) return null;
    throw err;
  }
}
