// The envelope parser and operation waiting, with the shapes of rest-apis.md §0 and §1.2.
import { ApiError, RemoteTimeout } from '../../src/remote/errors.js';
import {
  operationFailure,
  parseResponse,
  waitOperation,
  type Operation,
  type RawResponse,
  type RequestContext,
} from '../../src/remote/envelope.js';

const ctx: RequestContext = { host: 'node1', service: 'lxd', method: 'POST', path: '/1.0/storage-pools' };
const raw = (status: number, body: unknown, headers: RawResponse['headers'] = {}): RawResponse => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const env = (over: Record<string, unknown>): Record<string, unknown> => ({
  type: 'sync', status: 'Success', status_code: 200, operation: '', error_code: 0, error: '', metadata: {}, ...over,
});
const op = (status: string, status_code: number, err = '', extra: Partial<Operation> = {}): Operation => ({
  id: 'abc', class: 'task', description: 'Creating storage pool', status, status_code, err,
  metadata: { entity_url: '/1.0/storage-pools/local' }, resources: {}, may_cancel: false, location: 'node1',
  created_at: '', updated_at: '', ...extra,
});

describe('parseResponse', () => {
  test('sync 200 with metadata and ETag', () => {
    const r = parseResponse<{ a: number }>(ctx, raw(200, env({ metadata: { a: 1 } }), { etag: '"e1"' }));
    expect(r).toEqual({ type: 'sync', httpStatus: 200, metadata: { a: 1 }, operation: '', etag: '"e1"' });
  });

  test('empty sync has metadata {}', () => {
    expect(parseResponse(ctx, raw(200, env({}))).metadata).toEqual({});
  });

  test('created: 201, metadata null, Location', () => {
    const r = parseResponse(ctx, raw(201, env({ metadata: null }), { location: '/1.0/profiles/p1' }));
    expect(r).toMatchObject({ type: 'sync', httpStatus: 201, metadata: null, location: '/1.0/profiles/p1' });
  });

  test('async 202 with the operation', () => {
    const body = env({ type: 'async', status: 'Operation created', status_code: 100, operation: '/1.0/operations/abc', metadata: op('Running', 103) });
    const r = parseResponse<Operation>(ctx, raw(202, body, { location: '/1.0/operations/abc' }));
    expect(r.type).toBe('async');
    expect(r.operation).toBe('/1.0/operations/abc');
    expect(r.metadata.status).toBe('Running');
  });

  test('async without operation field falls back to Location', () => {
    const r = parseResponse(ctx, raw(202, env({ type: 'async', operation: '' }), { location: '/1.0/operations/x' }));
    expect(r.operation).toBe('/1.0/operations/x');
  });

  test('error envelope: status from error_code, message verbatim', () => {
    const e = catchErr(() => parseResponse(ctx, raw(404, env({ type: 'error', status: '', status_code: 0, error_code: 404, error: 'Storage pool not found', metadata: null }))));
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 404, apiMessage: 'Storage pool not found', service: 'lxd', method: 'POST', path: '/1.0/storage-pools', host: 'node1', transient: false });
    expect(e.message).toBe('node1: lxd POST /1.0/storage-pools failed with 404: Storage pool not found');
  });

  test('error envelope under HTTP 200 (operation wait) is still an error', () => {
    const e = catchErr(() => parseResponse(ctx, raw(200, env({ type: 'error', error_code: 500, error: 'Failed to create pool', metadata: null }))));
    expect(e).toMatchObject({ status: 500, apiMessage: 'Failed to create pool' });
  });

  test('503 is transient, 4xx and 500 are not', () => {
    const e503 = catchErr(() => parseResponse(ctx, raw(503, env({ type: 'error', error_code: 503, error: 'Database is not yet initialized' }))));
    expect((e503 as ApiError).transient).toBe(true);
    const e500 = catchErr(() => parseResponse(ctx, raw(500, env({ type: 'error', error_code: 500, error: 'Unable to initialize cluster: Database is online' }))));
    expect((e500 as ApiError).transient).toBe(false);
  });

  test('ignores Content-Type entirely (microcluster sends none)', () => {
    expect(parseResponse(ctx, raw(200, env({ metadata: [1] }), { 'content-type': 'text/plain' })).metadata).toEqual([1]);
  });

  test('non-JSON and non-envelope bodies are ApiErrors quoting an excerpt', () => {
    expect(catchErr(() => parseResponse(ctx, raw(404, '404 page not found\n'))).message).toContain('(HTTP 404: 404 page not found)');
    expect(catchErr(() => parseResponse(ctx, raw(200, ''))).message).toContain('empty body');
    expect(catchErr(() => parseResponse(ctx, raw(200, { foo: 1 })))).toBeInstanceOf(ApiError);
    expect(catchErr(() => parseResponse(ctx, raw(200, 'x'.repeat(5000)))).message.length).toBeLessThan(500);
  });

  test('HTTP >= 400 with a sync body is an error', () => {
    expect(catchErr(() => parseResponse(ctx, raw(500, env({}))))).toMatchObject({ status: 500 });
  });
});

describe('operationFailure', () => {
  test('success is null; Failure (400) and Cancelled (401) and any err are failures', () => {
    expect(operationFailure(ctx, op('Success', 200), '/1.0/operations/abc')).toBeNull();
    expect(operationFailure(ctx, op('Failure', 400, 'boom'), 'u')).toMatchObject({ apiMessage: 'boom', status: 500, operation: 'u' });
    expect(operationFailure(ctx, op('Cancelled', 401), 'u')?.apiMessage).toBe('operation "Creating storage pool" was cancelled');
    expect(operationFailure(ctx, op('Success', 200, 'odd'), 'u')?.apiMessage).toBe('odd');
    expect(operationFailure(ctx, op('Failure', 400, 'exists', { err_code: 409 }), 'u')?.status).toBe(409);
  });
});

describe('waitOperation', () => {
  type Call = { path: string; timeoutMs: number };
  function getter(replies: Record<string, RawResponse[]>): { get: (p: string, t: number) => Promise<RawResponse>; calls: Call[] } {
    const calls: Call[] = [];
    return {
      calls,
      get: async (path, timeoutMs) => {
        calls.push({ path, timeoutMs });
        const key = path.split('?')[0] ?? path;
        const queue = replies[key];
        const next = queue && queue.length > 1 ? queue.shift() : queue?.[0];
        if (!next) throw new Error(`unexpected GET ${path}`);
        return next;
      },
    };
  }
  const url = '/1.0/operations/abc';

  test('sync envelope with a successful operation', async () => {
    const g = getter({ [`${url}/wait`]: [raw(200, env({ metadata: op('Success', 200) }))] });
    const done = await waitOperation(g.get, ctx, url, { timeoutMs: 60_000 });
    expect(done.status).toBe('Success');
    expect(g.calls[0]?.path).toBe(`${url}/wait?timeout=30`);
  });

  test('keeps query parameters of the operation URL (project)', async () => {
    const g = getter({ [`${url}/wait`]: [raw(200, env({ metadata: op('Success', 200) }))] });
    await waitOperation(g.get, ctx, `${url}?project=p1`, { timeoutMs: 5_000 });
    expect(g.calls[0]?.path).toBe(`${url}/wait?project=p1&timeout=5`);
  });

  test('error envelope under HTTP 200, operation already gone: that error, tagged with the operation', async () => {
    const g = getter({
      [`${url}/wait`]: [raw(200, env({ type: 'error', error_code: 400, error: 'Storage pool "local" already defined on member "node1"', metadata: null }))],
      [url]: [raw(404, env({ type: 'error', error_code: 404, error: 'Operation not found', metadata: null }))],
    });
    const e = await waitOperation(g.get, ctx, url, { timeoutMs: 60_000 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 400, apiMessage: 'Storage pool "local" already defined on member "node1"', operation: url, method: 'POST', path: '/1.0/storage-pools' });
  });

  test('error envelope under HTTP 200 with the failed op still listed: metadata.err wins', async () => {
    const g = getter({
      [`${url}/wait`]: [raw(200, env({ type: 'error', error_code: 500, error: 'generic', metadata: null }))],
      [url]: [raw(200, env({ metadata: op('Failure', 400, 'Failed creating storage pool: exit status 1') }))],
    });
    const e = await waitOperation(g.get, ctx, url, { timeoutMs: 60_000 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ apiMessage: 'Failed creating storage pool: exit status 1', operation: url });
  });

  test('sync envelope with a failed operation (status_code 400, metadata.err)', async () => {
    const g = getter({ [`${url}/wait`]: [raw(200, env({ metadata: op('Failure', 400, 'Mismatching config for storage pool "local"') }))] });
    const e = await waitOperation(g.get, ctx, url, { timeoutMs: 60_000 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).message).toContain('Mismatching config for storage pool "local"');
    expect((e as ApiError).message).toContain('node1');
  });

  test('a timed-out wait (op still Running) waits again', async () => {
    const g = getter({ [`${url}/wait`]: [raw(200, env({ metadata: op('Running', 103) })), raw(200, env({ metadata: op('Success', 200) }))] });
    const done = await waitOperation(g.get, ctx, url, { timeoutMs: 60_000 });
    expect(done.status).toBe('Success');
    expect(g.calls.filter((c) => c.path.includes('/wait'))).toHaveLength(2);
  });

  test('a wait that errors because it timed out (main) is told apart by probing the operation', async () => {
    const g = getter({
      [`${url}/wait`]: [raw(200, env({ type: 'error', error_code: 500, error: 'context deadline exceeded' })), raw(200, env({ metadata: op('Success', 200) }))],
      [url]: [raw(200, env({ metadata: op('Running', 103) }))],
    });
    let t = 0;
    // Each round "takes" 31 s of fake time, so the quick-error guard does not apply.
    const done = await waitOperation(g.get, ctx, url, { timeoutMs: 600_000, now: () => (t += 15_500) });
    expect(done.status).toBe('Success');
  });

  test('gives up with RemoteTimeout at the deadline', async () => {
    const g = getter({ [`${url}/wait`]: [raw(200, env({ metadata: op('Running', 103) }))] });
    let t = 0;
    const e = await waitOperation(g.get, ctx, url, { timeoutMs: 90_000, now: () => (t += 20_000) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RemoteTimeout);
    expect((e as Error).message).toContain('/1.0/operations/abc');
    expect((e as Error).message).toContain('node1');
  });

  test('a wait that keeps failing at once while the op runs gives up instead of spinning', async () => {
    const g = getter({
      [`${url}/wait`]: [raw(200, env({ type: 'error', error_code: 403, error: 'not allowed' }))],
      [url]: [raw(200, env({ metadata: op('Running', 103) }))],
    });
    const e = await waitOperation(g.get, ctx, url, { timeoutMs: 60_000 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 403, apiMessage: 'not allowed' });
    expect(g.calls.filter((c) => c.path.includes('/wait')).length).toBe(3);
  });

  test('404 on /wait is final', async () => {
    const g = getter({ [`${url}/wait`]: [raw(404, env({ type: 'error', error_code: 404, error: 'Operation not found' }))] });
    await expect(waitOperation(g.get, ctx, url, { timeoutMs: 60_000 })).rejects.toMatchObject({ status: 404 });
  });
});

function catchErr(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}
