// The MicroCloud daemon model (src/lab/micro/microcloud.ts) on the lab's microcluster core: its
// pre-init listener, bootstrap, tokens, joins and the PostJoin hook's need for a joining session,
// PUT /1.0/services, GET /1.0/status (what `microcloud status` draws), session stop, and OnStart's
// user.microcloud. Read from canonical/microcloud at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741 and tag
// 2.1.3 (33f6c5b4bbd77b0e5ee476a78e36d95bc6941b22), canonical/microcluster at e950e52e06d8801a422006ae5f5de4f8f471d787.
import { createWorlds } from '../../src/lab/lab-site.js';
import type { LxdWorld } from '../../src/lab/lxd/index.js';
import { DEFAULT_SNAPS, MICROCLOUD_SNAP } from '../../src/lab/machines.js';
import type { MicroCephWorld } from '../../src/lab/micro/ceph.js';
import { MicroCloudWorld } from '../../src/lab/micro/microcloud.js';
import type { MicroOvnWorld } from '../../src/lab/micro/ovn.js';
import { HandlerPanic, type MachineSpec } from '../../src/lab/types.js';
import { LxdClient, bootstrap as lxdBootstrap, join as lxdJoin, ok as lxdOk, type Lab } from './lxd-helpers.js';
import { call, decodeToken, expectError, formCluster, ok } from './micro-client.js';
import { labContext, labSpec, type TestLabContext } from './specs.js';

const HOUR_NS = 3_600_000_000_000;
const withCloud = (name: string): MachineSpec => labSpec(name, { snaps: [...DEFAULT_SNAPS, MICROCLOUD_SNAP].map((s) => ({ ...s })) });
const nodes = (n: number): string[] => Array.from({ length: n }, (_, k) => `node${k + 1}`);

interface CloudLab extends Lab { cloud: MicroCloudWorld; ceph: MicroCephWorld; ovn: MicroOvnWorld }

/** Every daemon of the lab wired as on a site (lab-site.ts createWorlds), the microcloud snap on `cloud` machines. */
function site(n: number, cloud: string[] = nodes(n)): CloudLab {
  const specs = nodes(n).map((m) => (cloud.includes(m) ? withCloud(m) : labSpec(m)));
  const ctx: TestLabContext = labContext(specs);
  const worlds = createWorlds(ctx);
  const world = worlds.lxd as LxdWorld;
  const clients = new Map<string, LxdClient>();
  return {
    ctx, world, cloud: worlds.microcloud as MicroCloudWorld, ceph: worlds.microceph as MicroCephWorld, ovn: worlds.microovn as MicroOvnWorld,
    c: (m) => {
      let cl = clients.get(m);
      if (!cl) { cl = new LxdClient(world, m); clients.set(m, cl); }
      return cl;
    },
  };
}

const bootstrapBody = (m: string) => ({ bootstrap: true, name: m, address: `10.1.0.${10 + Number(m.slice(4))}:9443`, config: null });
const joinBody = (m: string, token: string) => ({ bootstrap: false, name: m, address: `10.1.0.${10 + Number(m.slice(4))}:9443`, join_token: token, config: null });
const tokenFor = async (lab: CloudLab, anchor: string, name: string): Promise<string> =>
  ok(await call(lab.cloud, anchor, 'POST', '/core/control/tokens', { name, expire_after: HOUR_NS })) as string;
const memberNames = async (lab: CloudLab, m: string): Promise<string[]> =>
  (ok(await call(lab.cloud, m, 'GET', '/core/1.0/cluster')) as { name: string }[]).map((x) => x.name);
const ready = async (lab: CloudLab, m: string): Promise<boolean> => ok(await call(lab.cloud, m, 'GET', '/core/1.0')).ready as boolean;

/** A joiner's session as `microcloud join` leaves it once trust with the initiator is established. */
function joiningSession(lab: CloudLab, m: string) {
  const s = lab.cloud.startSession(m, 'joining');
  s.establish();
  return s;
}

/** MicroCloud's cluster over `members`, each joiner inside an established joining session. */
async function formCloud(lab: CloudLab, members: string[]): Promise<void> {
  const [first, ...joiners] = members;
  ok(await call(lab.cloud, first!, 'POST', '/core/control', bootstrapBody(first!)));
  for (const m of joiners) {
    joiningSession(lab, m);
    ok(await call(lab.cloud, m, 'PUT', '/1.0/services', { tokens: [{ service: 'MicroCloud', join_token: await tokenFor(lab, first!, m) }], address: `10.1.0.${10 + Number(m.slice(4))}` }));
  }
}

/** Lets every promise that can settle now settle. */
const drain = async (): Promise<void> => { for (let k = 0; k < 20; k++) await new Promise<void>((r) => setImmediate(r)); };

describe('the daemon before and at bootstrap', () => {
  test('only machines with the microcloud snap run it (not among the default snaps)', () => {
    const lab = site(2, ['node1']);
    expect(lab.cloud.installed('node1')).toBe(true);
    expect(lab.cloud.installed('node2')).toBe(false);
    expect(() => lab.cloud.handler('node2')).toThrow(/no microcloud snap/);
    expect(DEFAULT_SNAPS.map((s) => s.name)).not.toContain('microcloud');
  });

  // DaemonArgs.PreInitListenAddress "[::]:9443" (cmd/microcloudd/main.go): the daemon's address before init.
  test('GET /core/1.0 before init: hostname, the pre-init listener [::]:9443, version.RawVersion, not ready', async () => {
    const lab = site(1);
    expect(ok(await call(lab.cloud, 'node1', 'GET', '/core/1.0'))).toEqual({
      name: 'node1', address: '[::]:9443', version: '2.1.3', ready: false,
      extensions: ['internal:runtime_extension_v1', 'internal:rename_core_endpoints'],
    });
    // GET /1.0/status is not AllowedBeforeInit.
    expectError(await call(lab.cloud, 'node1', 'GET', '/1.0/status'), 503, 'Database is not yet initialized');
  });

  test('bootstrap on <ip>:9443: ready, one member; the daemon writes nothing on LXD (PostBootstrap records its address only)', async () => {
    const lab = site(1);
    await lxdBootstrap(lab, 'node1');
    ok(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    expect(ok(await call(lab.cloud, 'node1', 'GET', '/core/1.0'))).toMatchObject({ name: 'node1', address: '10.1.0.11:9443', ready: true });
    expect(lab.cloud.members()).toEqual([{ name: 'node1', machine: 'node1', address: '10.1.0.11:9443', role: 'voter' }]);
    expect(lxdOk(await lab.c('node1').get('/1.0')).config['user.microcloud']).toBeUndefined();
    expectError(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')), 500, 'Unable to initialize cluster: Database is online');
  });

  test('a join token names the joiner and lists the members\' 9443 addresses', async () => {
    const lab = site(2);
    ok(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    const token = decodeToken(await tokenFor(lab, 'node1', 'node2'));
    expect(token.join_addresses).toEqual(['10.1.0.11:9443']);
    expect(token.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(ok(await call(lab.cloud, 'node1', 'GET', '/core/control/tokens')).map((t: { name: string }) => t.name)).toEqual(['node2']);
  });
});

describe('joins need a joining session (PostJoin sends on Session.ExitCh)', () => {
  test('inside an established joining session the join completes and the session ends', async () => {
    const lab = site(2);
    ok(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    const session = joiningSession(lab, 'node2');
    ok(await call(lab.cloud, 'node2', 'POST', '/core/control', joinBody('node2', await tokenFor(lab, 'node1', 'node2'))));
    expect(session.stage).toBe('stopped');
    expect(await memberNames(lab, 'node1')).toEqual(['node1', 'node2']);
    expect(await memberNames(lab, 'node2')).toEqual(['node1', 'node2']);
    expect(ok(await call(lab.cloud, 'node1', 'GET', '/core/control/tokens'))).toEqual([]);
  });

  // Handler.Session is nil until a first session: the hook's nil dereference panics; net/http closes
  // the connection, and controlPost's deferred reverter (joinInfo still nil) resets the joiner
  // without deleting its record on the cluster (microcluster internal/rest/resources/control.go).
  test('without any session the handler panics: no answer, the joiner resets, the cluster keeps its record', async () => {
    const lab = site(2);
    ok(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    const token = await tokenFor(lab, 'node1', 'node2');
    await expect(call(lab.cloud, 'node2', 'POST', '/core/control', joinBody('node2', token)))
      .rejects.toThrow(new HandlerPanic('runtime error: invalid memory address or nil pointer dereference'));
    expect(await ready(lab, 'node2')).toBe(false);
    expect(ok(await call(lab.cloud, 'node2', 'GET', '/core/1.0')).address).toBe('[::]:9443');
    expect(await memberNames(lab, 'node1')).toEqual(['node1', 'node2']);
    // The half-joined record blocks a proper join afterwards (the trust store still has its address;
    // the token lists both recorded members, so two attempts).
    joiningSession(lab, 'node2');
    expectError(await call(lab.cloud, 'node2', 'POST', '/core/control', joinBody('node2', await tokenFor(lab, 'node1', 'node2'))), 500,
      '2 join attempts were unsuccessful. Last error: Remote with address "10.1.0.12:9443" exists');
  });

  test('after a session ended, the send on its closed channel panics too', async () => {
    const lab = site(2);
    ok(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    lab.cloud.startSession('node2', 'joining').stop();
    await expect(call(lab.cloud, 'node2', 'POST', '/core/control', joinBody('node2', await tokenFor(lab, 'node1', 'node2'))))
      .rejects.toThrow(new HandlerPanic('send on closed channel'));
    expect(await ready(lab, 'node2')).toBe(false);
  });

  test('a panicking joiner whose certificate name did not match is not reset: its join stands', async () => {
    const lab = site(2);
    ok(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    await expect(call(lab.cloud, 'node2', 'POST', '/core/control', { ...joinBody('node2', await tokenFor(lab, 'node1', 'other')), name: 'other' }))
      .rejects.toThrow(HandlerPanic);
    expect(ok(await call(lab.cloud, 'node2', 'GET', '/core/1.0'))).toMatchObject({ name: 'other', ready: true });
    expect(await memberNames(lab, 'node1')).toEqual(['node1', 'other']);
  });

  test('a session not yet past trust establishment holds the join until it is; one that stops meanwhile panics', async () => {
    const lab = site(3);
    ok(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    const s2 = lab.cloud.startSession('node2', 'joining');
    let answered = false;
    const join2 = call(lab.cloud, 'node2', 'POST', '/core/control', joinBody('node2', await tokenFor(lab, 'node1', 'node2')))
      .finally(() => { answered = true; });
    await drain();
    expect(answered).toBe(false);
    expect(s2.stage).toBe('open');
    s2.establish();
    ok(await join2);
    expect(s2.stage).toBe('stopped');

    const s3 = lab.cloud.startSession('node3', 'joining');
    const join3 = call(lab.cloud, 'node3', 'POST', '/core/control', joinBody('node3', await tokenFor(lab, 'node1', 'node3')));
    await drain();
    s3.stop();
    await expect(join3).rejects.toThrow(new HandlerPanic('send on closed channel'));
  });

  // canonical/microcluster clusterPost + cluster_members.mapper.go (e950e52…): 409 from the leader,
  // kept through the joiner's wrapper; the token lists both members, and each refuses the name.
  test('a duplicate name is refused with 409 "This \\"core_cluster_members\\" entry already exists"', async () => {
    const lab = site(3);
    await formCloud(lab, ['node1', 'node2']);
    const token = await tokenFor(lab, 'node1', 'node2');
    joiningSession(lab, 'node3');
    expectError(await call(lab.cloud, 'node3', 'POST', '/core/control', { ...joinBody('node3', token), name: 'node2' }), 409,
      '2 join attempts were unsuccessful. Last error: This "core_cluster_members" entry already exists');
  });
});

describe('PUT /1.0/services (how MicroCloud\'s initiator makes a joiner join)', () => {
  test('the MicroCloud token joins the daemon under its own name at <address>:9443', async () => {
    const lab = site(2);
    ok(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    joiningSession(lab, 'node2');
    ok(await call(lab.cloud, 'node2', 'PUT', '/1.0/services', { tokens: [{ service: 'MicroCloud', join_token: await tokenFor(lab, 'node1', 'node2') }], address: '10.1.0.12' }));
    expect(lab.cloud.members().map((m) => [m.name, m.address])).toEqual([['node1', '10.1.0.11:9443'], ['node2', '10.1.0.12:9443']]);
  });

  test('without a session the daemon\'s own join panics under it: 500 ending in EOF', async () => {
    const lab = site(2);
    ok(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    expectError(await call(lab.cloud, 'node2', 'PUT', '/1.0/services', { tokens: [{ service: 'MicroCloud', join_token: await tokenFor(lab, 'node1', 'node2') }], address: '10.1.0.12' }),
      500, 'Failed to join "MicroCloud" cluster: Post "http://control.socket/core/control": EOF');
    expect(await ready(lab, 'node2')).toBe(false);
  });

  test('an initialized joiner: the core\'s "Database is online", wrapped', async () => {
    const lab = site(2);
    await formCloud(lab, ['node1', 'node2']);
    expectError(await call(lab.cloud, 'node2', 'PUT', '/1.0/services', { tokens: [{ service: 'MicroCloud', join_token: 'x' }] }), 500,
      'Failed to join "MicroCloud" cluster: Unable to initialize cluster: Database is online');
  });

  test('bad bodies and service types are refused as the handler does; other services are left to their daemons', async () => {
    const lab = site(1);
    expectError(await call(lab.cloud, 'node1', 'PUT', '/1.0/services', 'x'), 400, "invalid character 'x' looking for beginning of value");
    expectError(await call(lab.cloud, 'node1', 'PUT', '/1.0/services', { tokens: {} }), 400,
      'json: cannot unmarshal object into Go struct field ServicesPut.tokens of type []types.ServiceToken');
    expectError(await call(lab.cloud, 'node1', 'PUT', '/1.0/services', { tokens: [{ service: 'MicroK8s', join_token: 'x' }] }), 404,
      'Invalid service type: "MicroK8s"');
    expect((await call(lab.cloud, 'node1', 'PUT', '/1.0/services', { tokens: [{ service: 'MicroCeph', join_token: 'x' }] })).status).toBe(501);
    expectError(await call(lab.cloud, 'node1', 'GET', '/1.0/services'), 501, 'not implemented');
  });
});

describe('sessions', () => {
  test('PUT /1.0/session/stop: 400 "No active session" without a live one; a second session cannot start beside one', async () => {
    const lab = site(1);
    expectError(await call(lab.cloud, 'node1', 'PUT', '/1.0/session/stop', { reason: 'done' }), 400, 'No active session');
    const s = lab.cloud.startSession('node1', 'initiating');
    expect(() => lab.cloud.startSession('node1', 'joining')).toThrow('There already is an active session');
    expectError(await call(lab.cloud, 'node1', 'GET', '/1.0/session/joining'), 400, 'There already is an active session');
    ok(await call(lab.cloud, 'node1', 'PUT', '/1.0/session/stop', { reason: 'done' }));
    expect(s.stage).toBe('stopped');
    expectError(await call(lab.cloud, 'node1', 'PUT', '/1.0/session/stop', { reason: 'done' }), 400, 'No active session');
  });
});

describe('GET /1.0/status (what `microcloud status` reads)', () => {
  async function fullSite(lab: CloudLab, n: number): Promise<void> {
    await lxdBootstrap(lab, 'node1');
    for (const m of nodes(n).slice(1)) lxdOk(await lxdJoin(lab, m, 'node1'));
    await formCluster(lab.ceph, 'node1', nodes(n).slice(1), { bootstrapConfig: { PublicNet: '10.1.0.0/24', ClusterNet: '10.1.0.0/24' } });
    await formCluster(lab.ovn, 'node1', nodes(n).slice(1));
    await formCloud(lab, nodes(n));
  }

  test('every member\'s own status, the asked member last; names agree across the four services', async () => {
    const lab = site(3);
    await fullSite(lab, 3);
    ok(await call(lab.ceph, 'node1', 'POST', '/1.0/disks?target=node2', { path: [`/dev/disk/by-id/wwn-0x5002538f4${(2 * 16 + 1).toString(16).padStart(7, '0')}`], wipe: true, encrypt: false }));
    const statuses = await lab.cloud.status('node1');
    expect(statuses.map((s) => [s.name, s.address])).toEqual([['node2', '10.1.0.12'], ['node3', '10.1.0.13'], ['node1', '10.1.0.11']]);
    for (const s of statuses) {
      expect(Object.keys(s.clusters)).toEqual(['LXD', 'MicroCeph', 'MicroCloud', 'MicroOVN']);
      for (const members of Object.values(s.clusters)) expect(members!.map((m) => (m as { name: string }).name).sort()).toEqual(['node1', 'node2', 'node3']);
    }
    const node1 = statuses[2]!;
    expect((node1.clusters['LXD'] as { address: string; status: string }[]).map((m) => [m.address, m.status]))
      .toEqual([['10.1.0.11:8443', 'ONLINE'], ['10.1.0.12:8443', 'ONLINE'], ['10.1.0.13:8443', 'ONLINE']]);
    // OSDs only where they are (null, not [], where MicroCeph has none); services located on the member.
    expect(statuses.map((s) => s.osds?.length ?? null)).toEqual([1, null, null]);
    expect((node1.ovn_services ?? []).map((x) => (x as { service: string }).service).sort()).toEqual(['central', 'chassis', 'switch']);
    expect((node1.ceph_services ?? []).every((x) => (x as { location: string }).location === 'node1')).toBe(true);
  });

  test('services that are not initialized list null members; a member that does not answer is left out', async () => {
    const lab = site(3);
    await formCloud(lab, nodes(3));
    lab.ctx.setUp('node3', false);
    const statuses = await lab.cloud.status('node1');
    expect(statuses.map((s) => s.name)).toEqual(['node2', 'node1']);
    expect(statuses[1]).toEqual({
      name: 'node1', address: '10.1.0.11',
      clusters: { LXD: null, MicroCeph: null, MicroCloud: expect.any(Array), MicroOVN: null },
      osds: null, ceph_services: null, ovn_services: null,
    });
    expect((statuses[1]!.clusters['MicroCloud'] as { name: string; status: string }[]).map((m) => [m.name, m.status]))
      .toEqual([['node1', 'ONLINE'], ['node2', 'ONLINE'], ['node3', 'UNREACHABLE']]);
  });

  test('without the MicroCeph and MicroOVN snaps their keys are absent and the lists stay []', async () => {
    const only = labSpec('node1', { snaps: [...DEFAULT_SNAPS.filter((s) => s.name === 'lxd'), MICROCLOUD_SNAP].map((s) => ({ ...s })) });
    const cloud = createWorlds(labContext([only])).microcloud as MicroCloudWorld;
    ok(await call(cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    expect(await cloud.status('node1')).toEqual([{
      name: 'node1', address: '10.1.0.11', clusters: { LXD: null, MicroCloud: expect.any(Array) }, osds: [], ceph_services: [], ovn_services: [],
    }]);
  });
});

describe('OnStart: user.microcloud on a restart', () => {
  test('written to the daemon\'s version once MicroCloud and LXD are initialized, not before, and only when it differs', async () => {
    const lab = site(1);
    expect(await lab.cloud.restart('node1')).toBe(false);
    ok(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    // LXD neither clustered nor with a pool: not initialized.
    expect(await lab.cloud.restart('node1')).toBe(false);
    await lxdBootstrap(lab, 'node1');
    expect(lxdOk(await lab.c('node1').get('/1.0')).config['user.microcloud']).toBeUndefined();
    expect(await lab.cloud.restart('node1')).toBe(true);
    expect(lxdOk(await lab.c('node1').get('/1.0')).config['user.microcloud']).toBe('2.1.3');
    expect(await lab.cloud.restart('node1')).toBe(false);
  });

  test('a restart ends the session a join would need', async () => {
    const lab = site(2);
    ok(await call(lab.cloud, 'node1', 'POST', '/core/control', bootstrapBody('node1')));
    joiningSession(lab, 'node2');
    await lab.cloud.restart('node2');
    await expect(call(lab.cloud, 'node2', 'POST', '/core/control', joinBody('node2', await tokenFor(lab, 'node1', 'node2'))))
      .rejects.toThrow(HandlerPanic);
  });
});
