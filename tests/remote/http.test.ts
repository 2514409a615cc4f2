// REST over SSH against a real sshd: a Node http server on a unix socket in the fixture's temp dir
// stands in for a daemon; requests travel as OpenSSH stream-local channels over one SSH connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { connect, type Host } from '../../src/remote/host.js';
import { ApiError, RemoteTimeout, Unreachable } from '../../src/remote/errors.js';
import type { Operation } from '../../src/remote/envelope.js';
import type { SshTarget } from '../../src/remote/types.js';
import { useSshd } from '../helpers/sshd.js';

const sshd = useSshd();

type Reply = { status: number; body: unknown; headers?: Record<string, string>; delayMs?: number; raw?: string };
const sync = (metadata: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  status,
  ...(headers ? { headers } : {}),
  body: { type: 'sync', status: 'Success', status_code: 200, operation: '', error_code: 0, error: '', metadata },
});
const error = (code: number, message: string, httpStatus = code): Reply => ({
  status: httpStatus,
  body: { type: 'error', status: '', status_code: 0, operation: '', error_code: code, error: message, metadata: null },
});
const op = (id: string, status: string, statusCode: number, err = ''): Operation => ({
  id, class: 'task', description: 'Creating storage pool', status, status_code: statusCode, err,
  metadata: { entity_url: '/1.0/storage-pools/p' }, resources: {}, may_cancel: false, location: 'none',
  created_at: '', updated_at: '',
});
const async = (id: string): Reply => ({
  status: 202,
  headers: { Location: `/1.0/operations/${id}` },
  body: {
    type: 'async', status: 'Operation created', status_code: 100, operation: `/1.0/operations/${id}`,
    error_code: 0, error: '', metadata: op(id, 'Running', 103),
  },
});

let server: Server;
let socketPath: string;
let connections = 0;
const timers = new Set<NodeJS.Timeout>();
const seen: { method: string; url: string; body: string }[] = [];
const counters = new Map<string, number>();
const bump = (k: string): number => {
  const n = (counters.get(k) ?? 0) + 1;
  counters.set(k, n);
  return n;
};

function route(method: string, url: string, body: string): Reply {
  const key = `${method} ${url.split('?')[0]}`;
  switch (key) {
    case 'GET /1.0':
      return sync({ server_name: 'node1', api_extensions: ['clustering'] }, 200, { ETag: '"abc"' });
    case 'POST /1.0/echo':
      return sync({ received: JSON.parse(body), contentType: 'checked-below' });
    case 'POST /1.0/profiles':
      return sync(null, 201, { Location: '/1.0/profiles/p1' });
    case 'POST /1.0/storage-pools':
      return async('op-ok');
    case 'GET /1.0/operations/op-ok/wait':
      return { ...sync(op('op-ok', 'Success', 200)), delayMs: 300 };
    case 'POST /1.0/networks':
      return async('op-err200');
    case 'GET /1.0/operations/op-err200/wait':
      return error(400, 'Network "n1" already exists on member "node1"', 200);
    case 'GET /1.0/operations/op-err200':
      return error(404, 'Operation not found');
    case 'POST /1.0/instances':
      return async('op-failed');
    case 'GET /1.0/operations/op-failed/wait':
      return sync(op('op-failed', 'Failure', 400, 'Failed creating instance: boom'));
    case 'POST /1.0/cluster/members':
      return async('op-token');
    case 'GET /1.0/missing':
      return error(404, 'Storage pool not found');
    case 'GET /1.0/validation':
      return error(400, 'Invalid config key "foo"');
    case 'GET /1.0/unready':
      return bump(key) < 3 ? error(503, 'Database is not yet initialized') : sync({ ready: true });
    case 'POST /core/control':
      return bump(key) < 2 ? error(503, 'Daemon is shutting down') : sync({ bootstrapped: true });
    case 'POST /1.0/conflict':
      bump(key);
      return error(409, 'Certificate already in trust store');
    case 'GET /plain':
      return { status: 404, body: null, raw: '404 page not found\n' };
    case 'GET /slow':
      return { ...sync({}), delayMs: 1500 };
    default:
      return error(404, `no route ${key}`);
  }
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d: string) => (body += d));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', body });
    const reply = route(req.method ?? '', req.url ?? '', body);
    const timer = setTimeout(() => {
      timers.delete(timer);
      // Like microcluster: no Content-Type on purpose; the client must not depend on it.
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.raw ?? JSON.stringify(reply.body));
    }, reply.delayMs ?? 0);
    timers.add(timer);
  });
}

let host: Host;

function target(extra: Partial<SshTarget> = {}): SshTarget {
  const s = sshd();
  return {
    name: 'node1', host: s.host, port: s.port, user: s.user, identityFile: s.clientKey.path,
    hostKey: s.hostKey.fingerprint, socketPaths: { lxd: socketPath, microceph: socketPath }, ...extra,
  };
}

beforeAll(async () => {
  socketPath = join(sshd().dir, 'lxd.socket');
  server = createServer(handle);
  server.keepAliveTimeout = 60_000;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  host = await connect(target(), { agent: false, retry: { retries: 3, minTimeoutMs: 10, maxTimeoutMs: 50 } });
});

afterAll(async () => {
  await host?.close();
  timers.forEach((t) => clearTimeout(t));
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  counters.clear();
});

describe('stream-local forwarding', () => {
  test('several requests over one SSH connection reuse one HTTP connection', async () => {
    const before = connections;
    for (let i = 0; i < 5; i++) {
      const r = await host.request<{ server_name: string }>('lxd', 'GET', '/1.0');
      expect(r.type).toBe('sync');
      expect(r.metadata.server_name).toBe('node1');
      expect(r.etag).toBe('"abc"');
    }
    expect(connections - before).toBe(1);
    // Another service has its own connection (here to the same socket), over the same SSH link.
    await host.request('microceph', 'GET', '/1.0');
    await host.request('microceph', 'GET', '/1.0');
    expect(connections - before).toBe(2);
    for (let i = 0; i < 5; i++) await host.request('lxd', 'GET', '/1.0');
    expect(connections - before).toBe(2);
    expect(seen).toHaveLength(12);
  });

  test('JSON bodies arrive intact; headers pass through', async () => {
    const body = { name: 'p1', config: { 'user.note': "it's \"quoted\" ✓" } };
    const r = await host.request<{ received: unknown }>('lxd', 'POST', '/1.0/echo', body, { headers: { 'If-Match': '"abc"' } });
    expect(r.metadata.received).toEqual(body);
    expect(seen.at(-1)?.body).toBe(JSON.stringify(body));
  });

  test('a long request does not block others (small pool over the same SSH connection)', async () => {
    const started = Date.now();
    const slow = host.request('lxd', 'GET', '/slow', undefined, { timeoutMs: 10_000 });
    const fast = await host.request('lxd', 'GET', '/1.0');
    expect(fast.type).toBe('sync');
    expect(Date.now() - started).toBeLessThan(1000);
    await slow;
  });

  test('a missing socket is Unreachable naming host and path', async () => {
    const h = await connect(target({ socketPaths: { lxd: join(sshd().dir, 'nope.socket') } }), { agent: false, retry: false });
    try {
      const err = await h.request('lxd', 'GET', '/1.0').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Unreachable);
      expect((err as Error).message).toContain('node1');
      expect((err as Error).message).toContain('nope.socket');
    } finally {
      await h.close();
    }
  });

  test('socket detection probes candidates in order; none found is a clear error', async () => {
    const h = await connect(target({ socketPaths: {} }), {
      agent: false,
      retry: false,
      socketCandidates: { lxd: [join(sshd().dir, 'absent.socket'), socketPath], microovn: ['/nonexistent/control.socket'] },
    });
    try {
      expect(await h.socketPath('lxd')).toBe(socketPath);
      expect((await h.request<{ server_name: string }>('lxd', 'GET', '/1.0')).metadata.server_name).toBe('node1');
      const err = await h.request('microovn', 'GET', '/1.0').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Unreachable);
      expect((err as Error).message).toMatch(/node1: no microovn socket found \(looked for \/nonexistent\/control\.socket\)/);
    } finally {
      await h.close();
    }
  });

  test('default candidates are the snap and Debian paths', async () => {
    const { SOCKET_CANDIDATES } = await import('../../src/remote/host.js');
    expect(SOCKET_CANDIDATES.lxd).toEqual(['/var/snap/lxd/common/lxd/unix.socket', '/var/lib/lxd/unix.socket']);
    expect(SOCKET_CANDIDATES.microceph).toEqual(['/var/snap/microceph/common/state/control.socket']);
    expect(SOCKET_CANDIDATES.microovn).toEqual(['/var/snap/microovn/common/state/control.socket']);
  });
});

describe('envelopes and operations end to end', () => {
  test('201 created: metadata null and Location', async () => {
    const r = await host.request('lxd', 'POST', '/1.0/profiles', { name: 'p1' });
    expect(r).toMatchObject({ type: 'sync', httpStatus: 201, metadata: null, location: '/1.0/profiles/p1' });
  });

  test('202 async is awaited through /wait and returns the finished operation', async () => {
    const r = await host.request<Operation>('lxd', 'POST', '/1.0/storage-pools', { name: 'p' });
    expect(r.type).toBe('async');
    expect(r.operation).toBe('/1.0/operations/op-ok');
    expect(r.metadata.status).toBe('Success');
    expect(seen.map((s) => s.url)).toContain('/1.0/operations/op-ok/wait?timeout=30');
  });

  test('wait: false returns the created operation (token operations stay Running)', async () => {
    const r = await host.request<Operation>('lxd', 'POST', '/1.0/cluster/members', { server_name: 'n2' }, { wait: false });
    expect(r.type).toBe('async');
    expect(r.metadata.status).toBe('Running');
    expect(seen.some((s) => s.url.includes('/wait'))).toBe(false);
  });

  test('error envelope under HTTP 200 from /wait is an ApiError with the operation', async () => {
    const err = await host.request('lxd', 'POST', '/1.0/networks', { name: 'n1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const a = err as ApiError;
    expect(a.status).toBe(400);
    expect(a.apiMessage).toBe('Network "n1" already exists on member "node1"');
    expect(a.operation).toBe('/1.0/operations/op-err200');
    expect(a.method).toBe('POST');
    expect(a.path).toBe('/1.0/networks');
  });

  test('failed operation (status_code 400, metadata.err) is an ApiError', async () => {
    const err = await host.request('lxd', 'POST', '/1.0/instances', { secretish: 'do-not-show-me' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).apiMessage).toBe('Failed creating instance: boom');
    expect((err as Error).message).not.toContain('do-not-show-me');
  });

  test('4xx is thrown at once, never retried', async () => {
    await expect(host.request('lxd', 'GET', '/1.0/missing')).rejects.toMatchObject({ status: 404, apiMessage: 'Storage pool not found', service: 'lxd' });
    await expect(host.request('lxd', 'GET', '/1.0/validation')).rejects.toMatchObject({ status: 400 });
    expect(seen.filter((s) => s.url === '/1.0/validation')).toHaveLength(1);
    await expect(host.request('lxd', 'POST', '/1.0/conflict', {})).rejects.toMatchObject({ status: 409 });
    expect(counters.get('POST /1.0/conflict')).toBe(1);
  });

  test('503 is retried (bounded) until the daemon is ready, also for POST', async () => {
    const r = await host.request<{ ready: boolean }>('lxd', 'GET', '/1.0/unready');
    expect(r.metadata.ready).toBe(true);
    expect(counters.get('GET /1.0/unready')).toBe(3);
    const p = await host.request<{ bootstrapped: boolean }>('microceph', 'POST', '/core/control', { bootstrap: true });
    expect(p.metadata.bootstrapped).toBe(true);
    expect(counters.get('POST /core/control')).toBe(2);
  });

  test('503 gives up after the retry budget', async () => {
    counters.set('GET /1.0/unready', -10);
    const err = await host.request('lxd', 'GET', '/1.0/unready', undefined, { retry: { retries: 2, minTimeoutMs: 5 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect(seen.filter((s) => s.url === '/1.0/unready')).toHaveLength(3);
  });

  test('a non-JSON body is an ApiError quoting it', async () => {
    await expect(host.request('lxd', 'GET', '/plain')).rejects.toThrow(/lxd GET \/plain failed with 404: response is not a lxd JSON envelope \(HTTP 404: 404 page not found\)/);
  });

  test('request timeout is RemoteTimeout; the connection recovers', async () => {
    const err = await host.request('lxd', 'GET', '/slow', undefined, { timeoutMs: 300, retry: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteTimeout);
    expect((err as Error).message).toBe('node1: lxd GET /slow did not finish within 0.3 s');
    expect((await host.request('lxd', 'GET', '/1.0')).type).toBe('sync');
  });
});
