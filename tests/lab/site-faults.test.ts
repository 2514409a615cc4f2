// Fault injection and counters, observed from the outside through real SSH connections.
import { LabSite } from '../../src/lab/lab-site.js';
import { SOCKET_PATHS } from '../../src/lab/types.js';
import { type SshClient, closeAll, connect, exec, httpOverSsh } from './ssh-helpers.js';
import { type EchoWorld, echoWorlds } from './stub-world.js';

let site: LabSite;
const clients: SshClient[] = [];
const client = async (machine = 'node1', opts?: Parameters<typeof connect>[2]): Promise<SshClient> => {
  const c = await connect(site, machine, opts);
  clients.push(c);
  return c;
};
const closed = (c: SshClient): Promise<void> => new Promise((resolve) => c.once('close', () => resolve()));
const lxd = (c: SshClient, method: string, path: string, body?: unknown) => httpOverSsh(c, SOCKET_PATHS.lxdSnap, method, path, body);

beforeEach(async () => {
  site = await LabSite.start({ nodes: 3, worlds: echoWorlds });
});

afterEach(async () => {
  closeAll(clients);
  await site.stop();
});

test('latency is added to every round trip: login, channel opens, commands, requests', async () => {
  const c = await client();
  const t0 = Date.now();
  await exec(c, 'hostname');
  const base = Date.now() - t0;
  site.setLatency(150);
  const t1 = Date.now();
  expect((await exec(c, 'hostname')).stdout).toBe('node1\n');
  const slow = Date.now() - t1;
  expect(slow).toBeGreaterThanOrEqual(300); // session open + exec
  expect(slow - base).toBeGreaterThanOrEqual(290);
  const t2 = Date.now();
  await lxd(c, 'GET', '/1.0');
  expect(Date.now() - t2).toBeGreaterThanOrEqual(300); // channel open + request
  // Per machine: node2 stays fast.
  site.setLatency(0, 'node2');
  const c2 = await client('node2');
  const t3 = Date.now();
  await exec(c2, 'hostname');
  expect(Date.now() - t3).toBeLessThan(150);
  site.clearFaults();
  const t4 = Date.now();
  await exec(c, 'hostname');
  expect(Date.now() - t4).toBeLessThan(150);
});

test('failNth fails exactly the Nth matching request with an error envelope', async () => {
  const c = await client('node2');
  const fault = site.failNth({
    pattern: { service: 'lxd', method: 'POST', path: /^\/1\.0\/storage-pools$/ },
    n: 2,
    error: { status: 500, message: 'Failed creating storage pool: boom' },
  });
  expect((await lxd(c, 'POST', '/1.0/storage-pools', { name: 'a' })).status).toBe(201);
  expect((await lxd(c, 'GET', '/1.0/storage-pools')).status).toBe(200);
  const failed = await lxd(c, 'POST', '/1.0/storage-pools', { name: 'b' });
  expect(failed.status).toBe(500);
  expect(failed.json).toEqual({ type: 'error', status: '', status_code: 0, operation: '', error_code: 500, error: 'Failed creating storage pool: boom', metadata: null });
  expect((await lxd(c, 'POST', '/1.0/storage-pools', { name: 'c' })).status).toBe(201);
  expect(fault).toMatchObject({ matched: 3, fired: 1 });
  // The failed request never reached the model, but it was received and counted.
  const world = site.world('lxd') as EchoWorld;
  expect(world.received.filter((r) => r.req.method === 'POST').map((r) => (r.req.body as { name: string }).name)).toEqual(['a', 'c']);
  expect(site.mutations('node2', 'lxd')).toBe(3);
  expect(site.requests({ machine: 'node2', mutating: true }).map((e) => e.injected ?? 'ok')).toEqual(['ok', 'error', 'ok']);
});

test('failNth on commands: match after sudo/env prefixes, fail several times in a row', async () => {
  const c = await client();
  site.failNth({
    pattern: { command: /^snap list\b/ }, n: 1, times: 2,
    error: { exitCode: 1, stderr: 'error: cannot communicate with server: timeout exceeded while waiting for response\n' },
  });
  const first = await exec(c, "'sudo' '-n' '--' 'env' 'LC_ALL=C' 'snap' 'list'");
  expect(first).toEqual({ stdout: '', stderr: 'error: cannot communicate with server: timeout exceeded while waiting for response\n', code: 1 });
  expect((await exec(c, "'hostname'")).code).toBe(0);
  expect((await exec(c, "'snap' 'list'")).code).toBe(1);
  expect((await exec(c, "'snap' 'list'")).stdout).toMatch(/^Name +Version/);
});

test('a drop fault resets the connection; the client can reconnect', async () => {
  const c = await client();
  const other = await client();
  site.failNth({ pattern: { machine: 'node1', command: /^hostname$/ }, n: 1, error: { drop: true } });
  const gone = Promise.all([closed(c), closed(other)]);
  // The command gets no answer: its channel closes with the connection.
  await expect(exec(c, 'hostname')).resolves.toEqual({ stdout: '', stderr: '', code: null });
  await gone;
  const again = await client();
  expect((await exec(again, 'hostname')).stdout).toBe('node1\n');
  expect(site.connections('node1')).toBe(3);
});

test('down (refuse) drops connections and refuses new ones; peers see the machine offline; up restores it', async () => {
  const c3 = await client('node3');
  const c1 = await client('node1');
  const port = site.endpoint('node3').port;
  const key = site.endpoint('node3').hostKeyFingerprint;
  const gone = closed(c3);
  await site.down('node3');
  await gone;
  expect(site.isUp('node3')).toBe(false);
  await expect(connect(site, 'node3', { readyTimeout: 2000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  const seen = await lxd(c1, 'GET', '/1.0/cluster/members');
  expect((seen.json as { metadata: { peersUp: string[] } }).metadata.peersUp).toEqual(['node1', 'node2']);
  await site.up('node3');
  expect(site.endpoint('node3')).toMatchObject({ port, hostKeyFingerprint: key });
  const back = await client('node3');
  expect((await exec(back, 'hostname')).stdout).toBe('node3\n');
});

test('down (reset) accepts TCP and resets it; down (blackhole) never answers', async () => {
  await site.down('node1', 'reset');
  await expect(connect(site, 'node1', { readyTimeout: 2000 })).rejects.toThrow(/ECONNRESET|closed|handshake/i);
  await site.up('node1');
  await client('node1');

  const c2 = await client('node2');
  await site.down('node2', 'blackhole');
  const t0 = Date.now();
  await expect(connect(site, 'node2', { readyTimeout: 600 })).rejects.toThrow(/Timed out/i);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
  // The frozen connection answers nothing; it dies when the machine comes back.
  const stuck = exec(c2, 'hostname').then(() => 'answered', () => 'failed');
  const outcome = await Promise.race([stuck, new Promise((r) => setTimeout(() => r('silent'), 400))]);
  expect(outcome).toBe('silent');
  const gone = closed(c2);
  await site.up('node2');
  await gone;
  const back = await client('node2');
  expect((await exec(back, 'hostname')).stdout).toBe('node2\n');
});

test('dropConnectionsAfterMutations: the Nth mutation is applied, then every connection drops before its answer', async () => {
  const c1 = await client('node1');
  const c2 = await client('node2');
  site.dropConnectionsAfterMutations(2);
  expect((await lxd(c1, 'POST', '/1.0/profiles', { name: 'p1' })).status).toBe(201);
  expect((await lxd(c1, 'GET', '/1.0/profiles')).status).toBe(200);
  const gone = Promise.all([closed(c1), closed(c2)]);
  await expect(lxd(c1, 'PUT', '/1.0/profiles/default', { name: 'p2' })).rejects.toThrow();
  await gone;
  const world = site.world('lxd') as EchoWorld;
  expect(world.received.filter((r) => r.req.method !== 'GET').map((r) => r.req.method)).toEqual(['POST', 'PUT']);
  expect(site.requests({ mutating: true }).map((e) => e.injected ?? 'ok')).toEqual(['ok', 'drop-after']);
  // It fires once.
  const again = await client('node1');
  expect((await lxd(again, 'DELETE', '/1.0/profiles/p1')).status).toBe(200);
});

test('dropConnectionsAfterMutations can count one machine and drop only its connections', async () => {
  const c1 = await client('node1');
  const c2 = await client('node2');
  site.dropConnectionsAfterMutations(1, { machine: 'node2', scope: 'machine' });
  expect((await lxd(c1, 'POST', '/1.0/profiles', { name: 'p' })).status).toBe(201);
  const gone = closed(c2);
  await expect(lxd(c2, 'POST', '/1.0/profiles', { name: 'q' })).rejects.toThrow();
  await gone;
  expect((await exec(c1, 'hostname')).stdout).toBe('node1\n');
});

test('counters: mutating requests per machine and service; the log keeps argv and requests', async () => {
  const c1 = await client('node1');
  const c2 = await client('node2');
  await lxd(c1, 'GET', '/1.0');
  await lxd(c1, 'PATCH', '/1.0', { config: {} });
  await httpOverSsh(c1, SOCKET_PATHS.microceph, 'POST', '/1.0/disks', { path: ['/dev/sdb'] });
  await httpOverSsh(c2, SOCKET_PATHS.microovn, 'PUT', '/1.0/service/central', {});
  await httpOverSsh(c2, SOCKET_PATHS.microovn, 'HEAD', '/1.0');
  await exec(c2, "'snap' 'list'");
  expect(site.mutations()).toBe(3);
  expect(site.mutations('node1')).toBe(2);
  expect(site.mutations('node1', 'lxd')).toBe(1);
  expect(site.mutations(undefined, 'microovn')).toBe(1);
  expect(site.mutations('node3')).toBe(0);
  expect(site.requests({ machine: 'node2' }).map((e) => `${e.service} ${e.method} ${e.path} ${e.status}`)).toEqual([
    'microovn PUT /1.0/service/central 200', 'microovn HEAD /1.0 200',
  ]);
  expect(site.commands('node2').map((e) => e.argv)).toEqual([['snap', 'list']]);
  expect(site.connections()).toBe(2);
  site.resetCounters();
  expect(site.mutations()).toBe(0);
  expect(site.log).toHaveLength(0);
});

test('fault options are checked', () => {
  expect(() => site.failNth({ pattern: { command: /x/ }, n: 1, error: { status: 500, message: 'x' } })).toThrow(TypeError);
  expect(() => site.failNth({ pattern: { path: /x/ }, n: 1, error: { exitCode: 1 } })).toThrow(TypeError);
  expect(() => site.failNth({ pattern: {}, n: 0, error: { drop: true } })).toThrow(RangeError);
  expect(() => site.dropConnectionsAfterMutations(1, { machine: 'node9' })).toThrow(/no machine named "node9"/);
});
