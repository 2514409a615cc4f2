// The site with the real service models behind the sockets, reached the way the tool reaches them:
// SSH, stream-local channels, one keep-alive HTTP connection per socket.
import { Client as UndiciClient } from 'undici';
import { LabSite } from '../../src/lab/lab-site.js';
import { SOCKET_PATHS } from '../../src/lab/types.js';
import { type SshClient, closeAll, connect, exec } from './ssh-helpers.js';

let site: LabSite;
const clients: SshClient[] = [];
const http: UndiciClient[] = [];

/** An undici client whose connections are stream-local channels over `ssh` (design §3). */
function daemon(ssh: SshClient, socketPath: string): UndiciClient {
  const u = new UndiciClient('http://unix.socket', {
    connect: (_opts, cb) => {
      ssh.openssh_forwardOutStreamLocal(socketPath, (err, ch) => {
        if (err) cb(err, null); else cb(null, ch as unknown as import('node:net').Socket);
      });
    },
  });
  http.push(u);
  return u;
}

async function call(u: UndiciClient, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await u.request({ method: method as 'GET', path, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  site = await LabSite.start({ nodes: 3 });
});

afterAll(async () => {
  await Promise.all(http.splice(0).map((u) => u.close().catch(() => undefined)));
  closeAll(clients);
  await site?.stop();
});

test('LXD, MicroCeph and MicroOVN answer on their sockets with the shared envelope', async () => {
  const ssh = await connect(site, 'node1');
  clients.push(ssh);
  const lxd = await call(daemon(ssh, SOCKET_PATHS.lxdSnap), 'GET', '/1.0');
  expect(lxd.status).toBe(200);
  expect(lxd.json).toMatchObject({ type: 'sync', status: 'Success', status_code: 200, error_code: 0, error: '' });
  expect(lxd.json['metadata']).toMatchObject({ api_version: '1.0' });
  for (const path of [SOCKET_PATHS.microceph, SOCKET_PATHS.microovn]) {
    const core = await call(daemon(ssh, path), 'GET', '/core/1.0');
    expect(core.status).toBe(200);
    expect(core.json['metadata']).toMatchObject({ name: 'node1', ready: false });
  }
  expect(site.mutations()).toBe(0);
});

test('after a MicroCeph bootstrap over the socket, `microceph.ceph health` reports the cluster', async () => {
  const ssh = await connect(site, 'node2');
  clients.push(ssh);
  const before = await exec(ssh, "'microceph.ceph' 'health' '--format' 'json'");
  expect(before.code).toBe(1);
  expect(before.stderr).toMatch(/conf_read_file/);
  const ceph = daemon(ssh, SOCKET_PATHS.microceph);
  const boot = await call(ceph, 'POST', '/core/control', { bootstrap: true, name: 'node2', address: '10.1.0.12:7443', config: {}, join_token: '' });
  expect(boot).toMatchObject({ status: 200, json: { type: 'sync', error: '' } });
  expect(site.mutations('node2', 'microceph')).toBe(1);
  const after = await exec(ssh, "'sudo' '-n' '--' 'microceph.ceph' 'health' '--format' 'json'");
  expect(after.code).toBe(0);
  const health = JSON.parse(after.stdout) as { status: string; checks: object; mutes: unknown[] };
  expect(health.status).toMatch(/^HEALTH_(OK|WARN|ERR)$/);
  expect(Object.keys(health).sort()).toEqual(['checks', 'mutes', 'status']);
  // Another machine is not in that cluster: it has no ceph.conf.
  expect((await site.exec('node3', "'microceph.ceph' 'health'")).stderr).toMatch(/conf_read_file/);
});
