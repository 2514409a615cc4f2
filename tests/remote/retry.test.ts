// The retry policy: transient failures are retried a bounded number of times, nothing else is.
import {
  ApiError,
  AuthFailed,
  HostKeyMismatch,
  RemoteCommandFailed,
  RemoteTimeout,
  Unreachable,
} from '../../src/remote/errors.js';
import { isTransient, nothingWasSent, withRetry } from '../../src/remote/retry.js';

const fast = { minTimeoutMs: 1, maxTimeoutMs: 2 };
const api = (status: number): ApiError => new ApiError('node1', 'lxd', 'POST', '/1.0/x', status, 'msg');
const withCode = (code: string): Error => Object.assign(new Error(code), { code });

async function attempts(err: () => unknown, opts: Parameters<typeof withRetry>[1] = {}): Promise<number> {
  let n = 0;
  await withRetry(async () => {
    n++;
    throw err();
  }, { ...fast, ...opts }).catch(() => undefined);
  return n;
}

describe('isTransient', () => {
  test.each([
    ['connection refused', new Unreachable('n', 'm', { code: 'ECONNREFUSED' })],
    ['connection reset', new Unreachable('n', 'm', { code: 'ECONNRESET' })],
    ['handshake timeout', new Unreachable('n', 'm', { code: 'HANDSHAKE_TIMEOUT' })],
    ['connection lost', new Unreachable('n', 'm', { code: 'CONNECTION_LOST' })],
    ['timeout', new RemoteTimeout('n', 'x', 1000)],
    ['503', api(503)],
    ['plain ECONNRESET', withCode('ECONNRESET')],
    ['undici socket closed', withCode('UND_ERR_SOCKET')],
  ])('%s is transient', (_l, e) => expect(isTransient(e)).toBe(true));

  test.each([
    ['400', api(400)],
    ['404', api(404)],
    ['409', api(409)],
    ['412', api(412)],
    ['500', api(500)],
    ['host key', new HostKeyMismatch('n', 'changed', ['a'], 'b', 'm')],
    ['auth', new AuthFailed('n', 'root', 'm')],
    ['command failed', new RemoteCommandFailed('n', 'false', 1, null, '')],
    ['name not found', new Unreachable('n', 'm', { code: 'ENOTFOUND' })],
    ['forwarding prohibited', new Unreachable('n', 'm', { code: 'FORWARD_DENIED' })],
    ['validation (TypeError)', new TypeError('bad input')],
    ['plain Error', new Error('x')],
    ['non-error', 'string'],
  ])('%s is not transient', (_l, e) => expect(isTransient(e)).toBe(false));
});

describe('withRetry', () => {
  test('retries transient failures up to the bound, then throws the last error', async () => {
    expect(await attempts(() => api(503), { retries: 3 })).toBe(4);
    expect(await attempts(() => new Unreachable('n', 'm', { code: 'ECONNRESET' }), { retries: 2 })).toBe(3);
    await expect(withRetry(async () => {
      throw api(503);
    }, { ...fast, retries: 1 })).rejects.toMatchObject({ status: 503 });
  });

  test('never retries 4xx, validation errors or refusals', async () => {
    expect(await attempts(() => api(400))).toBe(1);
    expect(await attempts(() => api(404))).toBe(1);
    expect(await attempts(() => new TypeError('invalid'))).toBe(1);
    expect(await attempts(() => new HostKeyMismatch('n', 'unknown', [], 'b', 'm'))).toBe(1);
    expect(await attempts(() => new AuthFailed('n', 'root', 'm'))).toBe(1);
  });

  test('succeeds once the transient failure passes', async () => {
    let n = 0;
    const v = await withRetry(async () => {
      if (++n < 3) throw new Unreachable('n', 'm', { code: 'ECONNREFUSED' });
      return 'ok';
    }, fast);
    expect(v).toBe('ok');
    expect(n).toBe(3);
  });

  test('the default budget is bounded', async () => {
    expect(await attempts(() => api(503))).toBe(5);
  });

  test('shouldRetry narrows further (non-idempotent requests retry only what was never sent)', async () => {
    const lost = (): Unreachable => new Unreachable('n', 'm', { code: 'CONNECTION_LOST' });
    expect(await attempts(lost, { shouldRetry: nothingWasSent })).toBe(1);
    expect(await attempts(() => api(503), { shouldRetry: nothingWasSent, retries: 2 })).toBe(3);
    expect(await attempts(() => new Unreachable('n', 'm', { code: 'ECONNREFUSED' }), { shouldRetry: nothingWasSent, retries: 2 })).toBe(3);
  });

  test('onRetry reports each retry, not the final failure', async () => {
    const seen: number[] = [];
    await attempts(() => api(503), { retries: 2, onRetry: (_e, attempt) => seen.push(attempt) });
    expect(seen).toEqual([1, 2]);
  });
});
