// The sudo relay (src/remote/relay.ts) against a real sshd, real sudo and real OpenBSD netcat:
// HTTP to a unix socket through `sudo -n -- nc -N -U <socket>`, kept alive across requests, a clear
// error when the socket refuses, and no nc left behind once the connection is given up. Plus the
// session budget that keeps relays and commands under sshd's MaxSessions.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { Unreachable } from '../../src/remote/errors.js';
import { ChannelPool, exchange } from '../../src/remote/http.js';
import { openRelay, relayArgv } from '../../src/remote/relay.js';
import { SessionBudget } from '../../src/remote/sessions.js';
import { openConnection, type SshConnection } from '../../src/remote/ssh.js';
import { useSshd } from '../helpers/sshd.js';

const haveNc = spawnSync('test', ['-x', '/usr/bin/nc']).status === 0 && spawnSync('test', ['-x', '/usr/bin/sudo']).status === 0;
if (!haveNc && process.env['MICROCLOUD_TEST_SKIP_SUDO'] !== '1') {
  throw new Error('the relay tests need /usr/bin/nc (netcat-openbsd) and /usr/bin/sudo: sudo bash .ci/run installs them');
}
const relayTest = haveNc ? test : test.skip;

const sshd = useSshd();
let server: Server;
let socketPath: string;
let conn: SshConnection;
let connections = 0;

beforeAll(async () => {
  socketPath = join(sshd().dir, `relay-${process.pid}.socket`);
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200);
      res.end(JSON.stringify({ type: 'sync', status: 'Success', status_code: 200, operation: '', error_code: 0, error: '', metadata: { url: req.url } }));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const s = sshd();
  conn = await openConnection({ name: 'node1', host: s.host, port: s.port, user: s.user, identityFile: s.clientKey.path, hostKey: s.hostKey.fingerprint }, { agent: false });
});

afterAll(async () => {
  conn?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const ctx = { host: 'node1', service: 'lxd' as const, method: 'GET', path: '/1.0' };
const relaysRunning = (): number =>
  spawnSync('pgrep', ['-f', `^nc -N -U ${socketPath}$`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;

test('the relay argv', () => {
  expect(relayArgv('/var/snap/microceph/common/state/control.socket')).toEqual(['sudo', '-n', '--', 'nc', '-N', '-U', '/var/snap/microceph/common/state/control.socket']);
});

relayTest('HTTP through the relay, one relay process reused by keep-alive, and none left once the pool is gone', async () => {
  let opened = 0;
  let released = 0;
  const pool = new ChannelPool(() => { opened++; return openRelay(conn.client, 'node1', socketPath, () => { released++; }); }, { connections: 2 });
  const before = connections;
  for (let k = 0; k < 4; k++) {
    const res = await exchange(pool, { ...ctx, path: `/1.0/${k}` }, k % 2 ? { n: k } : undefined, { timeoutMs: 10_000 });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ metadata: { url: `/1.0/${k}` } });
  }
  expect(opened).toBe(1);
  expect(connections - before).toBe(1);
  expect(relaysRunning()).toBe(1);
  await pool.destroy();
  for (let k = 0; k < 50 && (relaysRunning() > 0 || released === 0); k++) await new Promise((r) => setTimeout(r, 100));
  expect(relaysRunning()).toBe(0);
  expect(released).toBe(1);
}, 30_000);

relayTest('a daemon that closes an idle connection ends the relay: the next request opens a new one at once', async () => {
  const pool = new ChannelPool(() => openRelay(conn.client, 'node1', socketPath, () => undefined), { connections: 1 });
  server.keepAliveTimeout = 300;
  try {
    expect((await exchange(pool, ctx, undefined, { timeoutMs: 10_000 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect(relaysRunning()).toBe(0);
    expect((await exchange(pool, ctx, undefined, { timeoutMs: 10_000 })).status).toBe(200);
  } finally {
    server.keepAliveTimeout = 5000;
    await pool.destroy();
  }
}, 30_000);

relayTest('a socket that is not there fails the request with nc\'s own words, not a bare "other side closed"', async () => {
  const pool = new ChannelPool(() => openRelay(conn.client, 'node1', join(sshd().dir, 'absent.socket'), () => undefined), { connections: 1 });
  try {
    const err = await exchange(pool, ctx, undefined, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Unreachable);
    expect((err as Error).message).toMatch(/node1: the relay `sudo -n -- nc -N -U .*absent\.socket` exited with status 1: nc: .*absent\.socket: No such file or directory/);
  } finally {
    await pool.destroy();
  }
}, 30_000);

describe('session budget', () => {
  test('commands and relays share the capacity; relays take at most half; a waiting relay asks for an idle one back', async () => {
    const b = new SessionBudget(4);
    expect(b.relayCap).toBe(2);
    const r1 = await b.acquireRelay();
    const r2 = await b.acquireRelay();
    let asked = 0;
    b.evictIdleRelay = () => { asked++; return false; };
    let third = false;
    const r3p = b.acquireRelay().then((r) => { third = true; return r; });
    await new Promise((r) => setImmediate(r));
    expect([third, asked]).toEqual([false, 1]);
    // Commands still get the other half while the relay waits.
    let running = 0;
    let most = 0;
    const gate: (() => void)[] = [];
    const cmds = Array.from({ length: 4 }, () => b.run(async () => {
      running++; most = Math.max(most, running);
      await new Promise<void>((r) => gate.push(r));
      running--;
    }));
    await new Promise((r) => setImmediate(r));
    expect(most).toBe(2);
    r1();
    r1(); // releasing twice counts once
    await new Promise((r) => setImmediate(r));
    // The freed slot goes first come, first served: the waiting relay, not a third command.
    expect(third).toBe(true);
    expect(running).toBe(2);
    while (gate.length) { gate.shift()!(); await new Promise((r) => setImmediate(r)); }
    await Promise.all(cmds);
    (await r3p)();
    r2();
    expect([b.used, b.relays]).toEqual([0, 0]);
  });

  test('nudge asks for an idle relay again while a relay waits, and not otherwise', async () => {
    const b = new SessionBudget(4);
    let asked = 0;
    b.evictIdleRelay = () => { asked++; return false; };
    const r1 = await b.acquireRelay();
    b.nudge();
    expect(asked).toBe(0); // nothing waits
    const r2 = await b.acquireRelay();
    const r3p = b.acquireRelay();
    expect(asked).toBe(1); // at the moment it queued, every relay was busy
    b.nudge(); // a request ended: its connection may be idle now
    expect(asked).toBe(2);
    r1();
    (await r3p)();
    r2();
    b.nudge();
    expect(asked).toBe(2);
    expect([b.used, b.relays]).toEqual([0, 0]);
  });
});
