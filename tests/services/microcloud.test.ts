// The MicroCloud daemon over SSH, against the lab: the reader (src/services/microcloud.ts) on the
// daemon's real socket, and the apply-side calls that form MicroCloud's cluster
// (src/apply/steps/microcloud.ts). Machines carry the microcloud snap only where the lab is told so.
// The lab tests run in order on one lab: each starts from the cluster the previous ones left.
import { bootstrapMicroCloud, issueMicroCloudToken, joinMicroCloud, stopMicroCloudSession } from '../../src/apply/steps/microcloud.js';
import { SecretSet, systemClock, type StepContext } from '../../src/apply/index.js';
import { DEFAULT_SNAPS, MICROCLOUD_SNAP, defaultMachineSpecs } from '../../src/lab/machines.js';
import type { MicroCloudWorld } from '../../src/lab/micro/microcloud.js';
import { ApiError, Unreachable, connect, type Host } from '../../src/remote/index.js';
import { readMicroCloud } from '../../src/services/microcloud.js';
import { startLab, type PlanLab } from '../plan-lab/lab.js';
import { FakeHost, notInitialized } from './fake-host.js';

const SOCKET = '/var/snap/microcloud/common/state/control.socket';

let lab: PlanLab;
const hosts = new Map<string, Host>();

beforeAll(async () => {
  // node1 to node4 have the snap, node5 does not.
  const specs = defaultMachineSpecs(5);
  for (const s of specs.slice(0, 4)) s.snaps.push({ ...MICROCLOUD_SNAP });
  lab = await startLab({ machines: specs });
  for (const m of ['node1', 'node2', 'node3', 'node4', 'node5']) {
    const e = lab.site.endpoint(m);
    hosts.set(m, await connect({ name: m, host: e.host, port: e.port, hostKey: e.hostKeyFingerprint, identityFile: `${lab.dir}/id_ed25519` },
      { agent: false, retry: false }));
  }
}, 30_000);

afterAll(async () => {
  for (const h of hosts.values()) await h.close();
  await lab?.stop();
});

const host = (m: string): Host => hosts.get(m)!;
const cloud = (): MicroCloudWorld => lab.site.world('microcloud') as MicroCloudWorld;
const notes: string[] = [];
const ctx: StepContext = { signal: new AbortController().signal, secrets: new SecretSet(), clock: systemClock, note: (n) => { notes.push(n); } };
const initialized = (m: string) => async (): Promise<boolean> => (await readMicroCloud(host(m)))?.initialized === true;

test('the machine shows the snap and the socket only where it is installed', async () => {
  expect((await lab.site.exec('node1', 'snap list microcloud')).stdout).toMatch(/^microcloud +2\.1\.3 +1144 +2\/stable +canonical\*\* +-$/m);
  expect((await lab.site.exec('node5', 'snap list microcloud')).stderr).toBe('error: no matching snaps installed\n');
  expect((await lab.site.exec('node1', `test -S ${SOCKET}`)).exitCode).toBe(0);
  expect((await lab.site.exec('node5', `test -S ${SOCKET}`)).exitCode).toBe(1);
  expect(DEFAULT_SNAPS.some((s) => s.name === 'microcloud')).toBe(false);
});

test('the reader: null without the snap; before init the state `microcloud status` calls uninitialized', async () => {
  expect(await readMicroCloud(host('node5'))).toBeNull();
  expect(await readMicroCloud(host('node1'))).toEqual({ version: '2.1.3', initialized: false, name: 'node1', address: '[::]:9443', members: [] });
  // Both asked at once (over two connections), so in either order.
  expect(lab.site.requests({ machine: 'node1', service: 'microcloud' }).map((r) => `${r.method} ${r.path} ${r.status}`).sort())
    .toEqual(['GET /core/1.0 200', 'GET /core/1.0/cluster 503']);
});

describe('the reader\'s parts, on a scripted host', () => {
  test('server only: one GET /core/1.0, members left empty; members only: the member list decides', async () => {
    const h = new FakeHost();
    h.answers.set('microcloud /core/1.0', { name: 'node1', address: '10.1.0.11:9443', version: '2.1.3', ready: true });
    h.answers.set('microcloud /core/1.0/cluster', [{ name: 'node1', address: '10.1.0.11:9443', role: 'voter', status: 'ONLINE' }]);
    expect(await readMicroCloud(h, { parts: ['server'] })).toEqual({ version: '2.1.3', initialized: true, name: 'node1', address: '10.1.0.11:9443', members: [] });
    expect(h.requests('microcloud')).toEqual(['microcloud GET /core/1.0']);
    expect(await readMicroCloud(h, { parts: ['members'] })).toEqual({
      version: '', initialized: true, name: '', address: '', members: [{ name: 'node1', address: '10.1.0.11:9443', role: 'voter', status: 'ONLINE' }],
    });
    h.answers.set('microcloud /core/1.0/cluster', notInitialized('node1', 'microcloud', '/core/1.0/cluster'));
    expect((await readMicroCloud(h, { parts: ['members'] }))!.initialized).toBe(false);
  });

  test('MicroCloud 1.x (no /core API: 404) is marked legacyApi; another failure stays an error', async () => {
    const h = new FakeHost();
    expect(await readMicroCloud(h)).toEqual({ version: '', initialized: false, name: '', address: '', members: [], legacyApi: true });
    h.answers.set('microcloud /core/1.0', new ApiError('node1', 'microcloud', 'GET', '/core/1.0', 500, 'boom'));
    await expect(readMicroCloud(h, { parts: ['server'] })).rejects.toMatchObject({ apiMessage: 'boom' });
  });
});

test('bootstrap, then a join inside a joining session: both daemons list both members', async () => {
  await bootstrapMicroCloud(host('node1'), { name: 'node1', address: '10.1.0.11:9443' }, ctx, initialized('node1'));
  const after = await readMicroCloud(host('node1'));
  expect(after).toMatchObject({ initialized: true, name: 'node1', address: '10.1.0.11:9443' });
  expect(after!.members.map((m) => [m.name, m.address])).toEqual([['node1', '10.1.0.11:9443']]);

  cloud().startSession('node2', 'joining').establish();
  await joinMicroCloud(host('node1'), host('node2'), { name: 'node2', ip: '10.1.0.12' }, ctx, initialized('node2'));
  for (const m of ['node1', 'node2']) {
    expect((await readMicroCloud(host(m), { parts: ['members'] }))!.members.map((x) => x.name)).toEqual(['node1', 'node2']);
  }
  // The join went through the joiner's PUT /1.0/services, as MicroCloud's initiator sends it.
  expect(lab.site.requests({ machine: 'node2', service: 'microcloud', mutating: true }).map((r) => `${r.method} ${r.path} ${r.status}`))
    .toEqual(['PUT /1.0/services 200']);
});

test('a join outside a session fails with the daemon\'s EOF; the unused token is revoked', async () => {
  await expect(joinMicroCloud(host('node1'), host('node3'), { name: 'node3', ip: '10.1.0.13' }, ctx, initialized('node3')))
    .rejects.toMatchObject({ status: 500, apiMessage: 'Failed to join "MicroCloud" cluster: Post "http://control.socket/core/control": EOF' });
  expect((await host('node1').request('microcloud', 'GET', '/core/control/tokens')).metadata).toEqual([]);
  expect((await readMicroCloud(host('node3')))!.initialized).toBe(false);
  // The panic left node3's record in the cluster, unreachable (upstream's reverter does not remove it).
  expect((await readMicroCloud(host('node1'), { parts: ['members'] }))!.members.map((m) => [m.name, m.status]))
    .toEqual([['node1', 'ONLINE'], ['node2', 'ONLINE'], ['node3', 'UNREACHABLE']]);
});

test('a direct POST /core/control join outside a session: the daemon closes the connection without an answer', async () => {
  const token = await issueMicroCloudToken(host('node1'), 'node4', ctx);
  const err = await host('node4').request('microcloud', 'POST', '/core/control',
    { bootstrap: false, name: 'node4', address: '10.1.0.14:9443', join_token: token, config: {} }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Unreachable);
  expect((err as Error).message).toBe('node4: microcloud POST /core/control: connection to the daemon failed: closed');
  // Sent once (a POST whose connection died after sending is not retried), and never answered.
  const posts = lab.site.requests({ machine: 'node4', service: 'microcloud', mutating: true });
  expect(posts.map((p) => [p.method, p.path, p.status])).toEqual([['POST', '/core/control', undefined]]);
  expect((await readMicroCloud(host('node4')))!.initialized).toBe(false);
});

test('the name check: a joiner whose hostname differs from the planned name is refused before any token', async () => {
  await expect(joinMicroCloud(host('node1'), host('node3'), { name: 'other', ip: '10.1.0.13' }, ctx, initialized('node3')))
    .rejects.toThrow('MicroCloud on node3 joins as "node3" (its hostname), not "other": name the system after its hostname');
});

test('PUT /1.0/session/stop: a live session stops; none is a 400', async () => {
  cloud().startSession('node3', 'joining');
  await stopMicroCloudSession(host('node3'), 'apply failed');
  expect(cloud().sessions.current('node3')?.stage).toBe('stopped');
  await expect(stopMicroCloudSession(host('node3'), 'again')).rejects.toMatchObject({ status: 400, apiMessage: 'No active session' });
});
