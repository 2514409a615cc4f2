// MicroCeph on the lab: bootstrap/join with service auto-placement, disks (with every add error),
// configs, pools and replication, health (rest-apis.md §3, §6, §7).
import { CephTimeoutError, MicroCephWorld, type MicroCephOptions } from '../../src/lab/micro/ceph.js';
import { call, expectError, formCluster, ok, type Reply } from './micro-client.js';
import { labContext, labSpec, labSpecs } from './specs.js';
import type { MachineSpec } from '../../src/lab/types.js';

const PUBLIC = { PublicNet: '10.1.0.0/24', ClusterNet: '10.1.0.0/24' };

function site(specs: MachineSpec[] = labSpecs(3), opts: MicroCephOptions = {}) {
  const ctx = labContext(specs, { microBootstrap: 4, microJoin: 3, diskAdd: 2 });
  return { ctx, world: new MicroCephWorld(ctx, opts) };
}

async function cluster(n: number, opts: MicroCephOptions = {}, specs: MachineSpec[] = labSpecs(n)) {
  const s = site(specs, opts);
  const names = specs.map((x) => x.hostname);
  await formCluster(s.world, names[0]!, names.slice(1), { bootstrapConfig: PUBLIC });
  return s;
}

const SDA = (i: number) => `/dev/disk/by-id/wwn-0x5002538f4${(i * 16 + 1).toString(16).padStart(7, '0')}`;
const SDB = (i: number) => `/dev/disk/by-id/wwn-0x5002538f4${(i * 16 + 2).toString(16).padStart(7, '0')}`;

/** POST /1.0/disks?target=<m> as MicroCloud does, expecting HTTP 200 whatever the outcome. */
async function addDisks(world: MicroCephWorld, via: string, target: string, body: Record<string, unknown>): Promise<{ validation_error: string; report: { path: string; report: string; error: string }[] | null }> {
  const r: Reply = await call(world, via, 'POST', `/1.0/disks?target=${target}`, body);
  expect(r.status).toBe(200);
  return ok(r);
}

async function addOneFailing(world: MicroCephWorld, m: string, path: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await addDisks(world, 'node1', m, { path: [path], wipe: false, encrypt: false, ...extra });
  expect(res.validation_error).toBe('');
  expect(res.report).toHaveLength(1);
  expect(res.report![0]!.report).toBe('Failure');
  expect(res.report![0]!.path).toBe(path);
  return res.report![0]!.error;
}

describe('MicroCeph: the full MicroCloud flow on 3 members', () => {
  test('bootstrap, joins, disks by any path, pools-op, healthy', async () => {
    const { ctx, world } = site();
    // Bootstrap with MicroCloud's config; public/cluster network become Ceph config.
    ok(await call(world, 'node1', 'POST', '/core/control', { bootstrap: true, name: 'node1', address: '10.1.0.11:7443', config: PUBLIC }));
    expect(ctx.sleeps).toContain(4);
    const configs = ok(await call(world, 'node1', 'GET', '/1.0/configs', {})) as { key: string; value: string }[];
    expect(configs).toEqual([
      { key: 'cluster_network', value: '10.1.0.0/24', wait: false, skip_restart: false },
      { key: 'osd_pool_default_crush_rule', value: '1', wait: false, skip_restart: false },
      { key: 'public_network', value: '10.1.0.0/24', wait: false, skip_restart: false },
      { key: 'rbd_default_features', value: '63', wait: false, skip_restart: false },
    ]);
    // Before any OSD the cluster warns.
    expect(world.cephHealth('node1')!.checks['TOO_FEW_OSDS']!.summary.message).toBe('OSD count 0 < osd_pool_default_size 3');
    for (const m of ['node2', 'node3']) {
      const token = ok(await call(world, 'node1', 'POST', '/core/control/tokens', { name: m, expire_after: 3_600_000_000_000 })) as string;
      ok(await call(world, m, 'POST', '/core/control', { bootstrap: false, name: m, address: world.defaultAddress(m), join_token: token, config: {} }));
    }
    expect(ctx.sleeps).toContain(3);
    const members = ok(await call(world, 'node3', 'GET', '/core/1.0/cluster')) as { name: string; status: string }[];
    expect(members.map((m) => [m.name, m.status])).toEqual([['node1', 'ONLINE'], ['node2', 'ONLINE'], ['node3', 'ONLINE']]);
    expect(ok(await call(world, 'node2', 'GET', '/1.0/services'))).toEqual([
      { service: 'mds', location: 'node1', group_id: '', info: '' },
      { service: 'mgr', location: 'node1', group_id: '', info: '' },
      { service: 'mon', location: 'node1', group_id: '', info: '' },
      { service: 'mds', location: 'node2', group_id: '', info: '' },
      { service: 'mgr', location: 'node2', group_id: '', info: '' },
      { service: 'mon', location: 'node2', group_id: '', info: '' },
      { service: 'mds', location: 'node3', group_id: '', info: '' },
      { service: 'mgr', location: 'node3', group_id: '', info: '' },
      { service: 'mon', location: 'node3', group_id: '', info: '' },
    ]);
    expect(ok(await call(world, 'node1', 'GET', '/1.0/services/mon'))).toEqual({ addresses: ['10.1.0.11', '10.1.0.12', '10.1.0.13'] });

    // Disks, each member through ?target=, named three different ways; all recorded by-id.
    const r1 = await addDisks(world, 'node1', 'node1', { path: ['/dev/sda'], wipe: false, encrypt: false });
    expect(r1).toEqual({ validation_error: '', report: [{ path: '/dev/sda', report: 'Success', error: '' }] });
    const r2 = await addDisks(world, 'node1', 'node2', { path: ['/dev/disk/by-path/pci-0000:00:17.0-ata-1.0'], wipe: false, encrypt: false });
    expect(r2.report![0]!.report).toBe('Success');
    const r3 = await addDisks(world, 'node1', 'node3', { path: [SDA(3)], wipe: true, encrypt: false });
    expect(r3.report![0]!.report).toBe('Success');
    expect(ctx.sleeps.filter((x) => x === 2)).toHaveLength(3);
    expect(ok(await call(world, 'node2', 'GET', '/1.0/disks'))).toEqual([
      { osd: 1, path: SDA(1), location: 'node1' },
      { osd: 2, path: SDA(2), location: 'node2' },
      { osd: 3, path: SDA(3), location: 'node3' },
    ]);
    // Three hosts with OSDs: the automatic crush rule moved from osd to host.
    expect(world.defaultCrushRule()).toBe('microceph_auto_host');

    // Replication as MicroCloud sets it: size min(#disks, 3) on the pools it knows, "" when none match.
    ok(await call(world, 'node1', 'PUT', '/1.0/pools-op', { pools: [''], size: 3 }));
    world.ensurePool('lxd_remote');
    ok(await call(world, 'node1', 'PUT', '/1.0/pools-op', { pools: ['*'], size: 3 }));
    expect(ok(await call(world, 'node1', 'GET', '/1.0/pools'))).toEqual([
      { pool: '.mgr', pool_id: 1, size: 3, min_size: 2, crush_rule: 'microceph_auto_host' },
      { pool: 'lxd_remote', pool_id: 2, size: 3, min_size: 2, crush_rule: 'microceph_auto_host' },
    ]);
    expect(world.cephHealth('node2')).toEqual({ status: 'HEALTH_OK', checks: {}, mutes: [] });
  });

  test('a 5-member cluster places mon, mgr and mds on the first 3 members only', async () => {
    const { world } = await cluster(5);
    const services = ok(await call(world, 'node5', 'GET', '/1.0/services')) as { service: string; location: string }[];
    for (const svc of ['mon', 'mgr', 'mds']) {
      expect(services.filter((s) => s.service === svc).map((s) => s.location)).toEqual(['node1', 'node2', 'node3']);
    }
    expect(world.services().filter((s) => s.location === 'node4' || s.location === 'node5')).toEqual([]);
  });
});

describe('MicroCeph: bootstrap and join parameters', () => {
  test('no PublicNet: public_network is the monitor\'s interface CIDR', async () => {
    const { world } = site(labSpecs(1));
    ok(await call(world, 'node1', 'POST', '/core/control', { bootstrap: true, name: 'node1', address: '10.1.0.11:7443', config: {} }));
    expect(world.cephConfig()).toMatchObject({ public_network: '10.1.0.11/24', cluster_network: '10.1.0.11/24' });
  });

  test('a PublicNet the machine has no address in refuses the bootstrap in the pre-init hook', async () => {
    const { world } = site(labSpecs(1));
    expectError(await call(world, 'node1', 'POST', '/core/control', { bootstrap: true, name: 'node1', address: '10.1.0.11:7443', config: { PublicNet: '10.9.0.0/24' } }), 500,
      'Failed to run pre-init hook before starting the API: no local IP belongs to any of the listed subnets [10.9.0.0/24]');
    expect(ok(await call(world, 'node1', 'GET', '/core/1.0'))).toMatchObject({ ready: false });
  });

  test('a ClusterNet not on the host is refused too', async () => {
    const { world } = site(labSpecs(1));
    expectError(await call(world, 'node1', 'POST', '/core/control', { bootstrap: true, name: 'node1', address: '10.1.0.11:7443', config: { PublicNet: '10.1.0.0/24', ClusterNet: '10.2.0.0/24' } }), 500,
      'Failed to run pre-init hook before starting the API: no local IP belongs to any of the listed subnets [10.2.0.0/24]');
  });

  test('a joiner without an address in the public network fails its join and is not left behind', async () => {
    const specs = [labSpec('node1'), labSpec('node2', { address: '10.7.0.12/24' })];
    const { world } = site(specs);
    await formCluster(world, 'node1', [], { bootstrapConfig: PUBLIC });
    const token = ok(await call(world, 'node1', 'POST', '/core/control/tokens', { name: 'node2', expire_after: 0 })) as string;
    expectError(await call(world, 'node2', 'POST', '/core/control', { bootstrap: false, name: 'node2', address: '10.7.0.12:7443', join_token: token }), 500,
      'failed to generate the configuration: failed to locate IP on public network 10.1.0.0/24: no local IP belongs to any of the listed subnets [10.1.0.0/24]');
    expect(world.members().map((m) => m.name)).toEqual(['node1']);
    expect(ok(await call(world, 'node2', 'GET', '/core/1.0'))).toMatchObject({ name: 'node2', address: '', ready: false });
  });
});

describe('MicroCeph: POST /1.0/disks errors (always HTTP 200)', () => {
  test('a disk that is not pristine, without wipe', async () => {
    const specs = [labSpec('node1', { diskPatch: { sdb: { has_data: true } } })];
    const { world } = await cluster(1, {}, specs);
    expect(await addOneFailing(world, 'node1', '/dev/sdb')).toBe(`data device ${SDB(1)} is not pristine (contains data) - use --wipe to override`);
    // With wipe it goes in.
    const res = await addDisks(world, 'node1', 'node1', { path: ['/dev/sdb'], wipe: true, encrypt: false });
    expect(res.report![0]).toEqual({ path: '/dev/sdb', report: 'Success', error: '' });
  });

  test('a disk with partitions, without wipe', async () => {
    const specs = [labSpec('node1', { diskPatch: { sda: { partitions: 2 } } })];
    const { world } = await cluster(1, {}, specs);
    expect(await addOneFailing(world, 'node1', '/dev/sda')).toBe(`data device ${SDA(1)} has partitions - use --wipe to override`);
  });

  test('a mounted disk, even with wipe', async () => {
    const specs = [labSpec('node1', { diskPatch: { sda: { mounted: true } } })];
    const { world } = await cluster(1, {}, specs);
    expect(await addOneFailing(world, 'node1', '/dev/sda', { wipe: true }))
      .toBe(`failed to prepare data device: device ${SDA(1)} is currently mounted and cannot be used - aborting`);
  });

  test('a path that is not a block device', async () => {
    const { world } = await cluster(1);
    expect(await addOneFailing(world, 'node1', '/dev/sdz')).toBe('failed to set stable disk path: invalid disk path: /dev/sdz');
    expect(await addOneFailing(world, 'node1', 'sda')).toBe('failed to set stable disk path: invalid disk path: sda');
  });

  test('encryption without the dm-crypt interface', async () => {
    const { world } = await cluster(1);
    expect(ok(await call(world, 'node1', 'GET', '/1.0/disks/encryption-support'))).toEqual({
      supported: false,
      reason_unsupported: 'dm-crypt interface connection missing: \nuse "sudo snap connect microceph:dm-crypt ; sudo snap restart microceph.daemon" to enable encryption.',
    });
    expect(await addOneFailing(world, 'node1', '/dev/sda', { encrypt: true })).toBe(
      'failed to prepare data device: encryption unsupported on this machine: dm-crypt interface connection missing: \nuse "sudo snap connect microceph:dm-crypt ; sudo snap restart microceph.daemon" to enable encryption.');
    const enc = (await cluster(1, { encryptionSupported: () => true })).world;
    expect(ok(await call(enc, 'node1', 'GET', '/1.0/disks/encryption-support'))).toEqual({ supported: true });
    expect((await addDisks(enc, 'node1', 'node1', { path: ['/dev/sda'], wipe: false, encrypt: true })).report![0]!.report).toBe('Success');
  });

  test('re-adding a recorded disk under any of its names: UNIQUE "failed to record disk"', async () => {
    const { world } = await cluster(1);
    expect((await addDisks(world, 'node1', 'node1', { path: ['/dev/sda'], wipe: false, encrypt: false })).report![0]!.report).toBe('Success');
    expect(await addOneFailing(world, 'node1', SDA(1))).toBe('failed to record disk: This "disks" entry already exists');
    expect(await addOneFailing(world, 'node1', '/dev/sda', { wipe: true })).toBe('failed to record disk: This "disks" entry already exists');
    expect(world.disks()).toEqual([{ osd: 1, path: SDA(1), location: 'node1' }]);
  });

  test('failed adds consume OSD ids (the disks table is AUTOINCREMENT)', async () => {
    const specs = [labSpec('node1', { diskPatch: { sda: { has_data: true } } })];
    const { world } = await cluster(1, {}, specs);
    await addOneFailing(world, 'node1', '/dev/sda');
    await addDisks(world, 'node1', 'node1', { path: ['/dev/sdb'], wipe: false, encrypt: false });
    expect(world.disks()).toEqual([{ osd: 2, path: SDB(1), location: 'node1' }]);
  });

  test('batches: one report per disk; WAL/DB are refused in a batch', async () => {
    const { world } = await cluster(1);
    const res = await addDisks(world, 'node1', 'node1', { path: ['/dev/sda', '/dev/sdz', '/dev/sdb'], wipe: false, encrypt: false });
    expect(res).toEqual({
      validation_error: '',
      report: [
        { path: '/dev/sda', report: 'Success', error: '' },
        { path: '/dev/sdz', report: 'Failure', error: 'failed to set stable disk path: invalid disk path: /dev/sdz' },
        { path: '/dev/sdb', report: 'Success', error: '' },
      ],
    });
    const wal = await addDisks(world, 'node1', 'node1', { path: ['/dev/sda', '/dev/sdb'], waldev: '/dev/nvme0n1' });
    expect(wal).toEqual({
      validation_error: 'wal/db devices are not supported in batch disk addition',
      report: [{ path: '/dev/sda', report: 'Failure', error: '' }, { path: '/dev/sdb', report: 'Failure', error: '' }],
    });
  });

  test('old clients may send "path" as a string; no path at all is an empty answer', async () => {
    const { world } = await cluster(1);
    expect((await addDisks(world, 'node1', 'node1', { path: '/dev/sda' })).report![0]!.report).toBe('Success');
    expect(await addDisks(world, 'node1', 'node1', {})).toEqual({ validation_error: '', report: null });
    const none = await call(world, 'node1', 'POST', '/1.0/disks');
    expect(ok(none)).toEqual({ validation_error: '', report: null });
  });

  test('request validation goes to validation_error', async () => {
    const { world } = await cluster(1);
    expect(await addDisks(world, 'node1', 'node1', { path: ['/dev/sda'], osd_match: 'eq(@type,\'nvme\')' }))
      .toEqual({ validation_error: '--osd-match/--wal-match/--db-match cannot be used with positional device arguments', report: null });
    expect(await addDisks(world, 'node1', 'node1', { dry_run: true }))
      .toEqual({ validation_error: '--dry-run requires --osd-match', report: null });
  });
});

// canonical/microceph microceph/api/disks.go (79f99b50a1abf05ca8abb463b0fcb3f749f13c89): one package-level
// mutex taken by every add and remove, i.e. one disk operation at a time per member; a ?target= request
// is served, and queued, by the target.
describe('MicroCeph: disk adds queue per member', () => {
  test("two adds on one member run one after the other, wherever they come from; two members' adds overlap", async () => {
    const ctx = labContext(labSpecs(3), { diskAdd: 40 });
    // The OSD creation itself is the diskAdd sleep: record when each one runs.
    const runs: [number, number][] = [];
    const sleep = ctx.sleep;
    ctx.sleep = async (ms) => {
      const from = performance.now();
      await sleep(ms);
      if (ms === 40) runs.push([from, performance.now()]);
    };
    const world = new MicroCephWorld(ctx);
    await formCluster(world, 'node1', ['node2', 'node3'], { bootstrapConfig: PUBLIC });
    const add = async (via: string, target: string, path: string) =>
      expect((await addDisks(world, via, target, { path: [path], wipe: false, encrypt: false })).report).toEqual([{ path, report: 'Success', error: '' }]);
    const overlap = () => {
      const [a, b] = runs.splice(0).sort((x, y) => x[0] - y[0]);
      return b![0] < a![1];
    };
    await Promise.all([add('node1', 'node2', SDA(2)), add('node3', 'node2', SDB(2))]);
    expect(overlap()).toBe(false);
    await Promise.all([add('node1', 'node1', SDA(1)), add('node1', 'node3', SDA(3))]);
    expect(overlap()).toBe(true);
    expect(world.disks().map((d) => `${d.location} ${d.path}`).sort()).toEqual(
      [`node1 ${SDA(1)}`, `node2 ${SDA(2)}`, `node2 ${SDB(2)}`, `node3 ${SDA(3)}`]);
  });
});

describe('MicroCeph: DELETE /1.0/disks/<osd>', () => {
  async function fourDisks() {
    const s = await cluster(3);
    for (const m of ['node1', 'node2', 'node3']) await addDisks(s.world, 'node1', m, { path: ['/dev/sda'] });
    await addDisks(s.world, 'node1', 'node3', { path: ['/dev/sdb'] });
    return s;
  }

  test('a body is required: 400 EOF', async () => {
    const { world } = await fourDisks();
    expectError(await call(world, 'node3', 'DELETE', '/1.0/disks/4'), 400, 'EOF');
  });

  test('unknown OSD: 404 "osd.N not found"; not a number: 400', async () => {
    const { world } = await fourDisks();
    expectError(await call(world, 'node1', 'DELETE', '/1.0/disks/9', { osdid: 9 }), 404, 'osd.9 not found');
    expectError(await call(world, 'node1', 'DELETE', '/1.0/disks/x', {}), 400, 'strconv.ParseInt: parsing "x": invalid syntax');
  });

  test('removal on the OSD\'s member; crush downgrade needs confirming; at most 3 OSDs left needs bypass', async () => {
    const { world } = await fourDisks();
    ok(await call(world, 'node1', 'DELETE', '/1.0/disks/4?target=node3', { osdid: 4 }));
    expect(world.disks().map((d) => d.osd)).toEqual([1, 2, 3]);
    // Taking the third host's last OSD would downgrade the crush rule from host to osd.
    expectError(await call(world, 'node3', 'DELETE', '/1.0/disks/3', { osdid: 3 }), 400,
      "removing osd.3 would require a downgrade of the automatic crush rule from 'host' to 'osd' level. Likely this will result in additional data movement. Please confirm by setting the '--confirm-failure-domain-downgrade' flag to true");
    expectError(await call(world, 'node3', 'DELETE', '/1.0/disks/3', { osdid: 3, confirm_downgrade: true }), 500,
      'cannot remove osd.3 we need at least 3 OSDs, have 3');
    // Through ?target= the answer keeps its status and gains the forwarding prefix.
    expectError(await call(world, 'node1', 'DELETE', '/1.0/disks/3?target=node3', { osdid: 3, confirm_downgrade: true }), 500,
      'Failed to send request to target "node3": cannot remove osd.3 we need at least 3 OSDs, have 3');
    ok(await call(world, 'node1', 'DELETE', '/1.0/disks/3?target=node3', { osdid: 3, bypass_safety: true, confirm_downgrade: true }));
    expect(world.defaultCrushRule()).toBe('microceph_auto_osd');
    expect(world.pools()[0]!.crush_rule).toBe('microceph_auto_osd');
    // The wiped disk can be added again.
    expect((await addDisks(world, 'node1', 'node3', { path: ['/dev/sda'] })).report![0]!.report).toBe('Success');
  });

  test('sent to a member that does not hold the OSD: purged from Ceph, but the record stays (404)', async () => {
    const { world } = await fourDisks();
    expectError(await call(world, 'node1', 'DELETE', '/1.0/disks/4', { osdid: 4 }), 404,
      'failed to remove osd.4 from database: Disk not found');
    expect(world.cephHealth()!.checks['OSD_DOWN']).toBeUndefined();
    expect(world.disks().map((d) => d.osd)).toEqual([1, 2, 3, 4]);
  });
});

describe('MicroCeph: configs', () => {
  test('a body is required: 500 EOF', async () => {
    const { world } = await cluster(1);
    expectError(await call(world, 'node1', 'GET', '/1.0/configs'), 500, 'EOF');
    expectError(await call(world, 'node1', 'PUT', '/1.0/configs'), 500, 'EOF');
    expectError(await call(world, 'node1', 'DELETE', '/1.0/configs'), 500, 'EOF');
  });

  test('public_network is read-only', async () => {
    const { world } = await cluster(1);
    expectError(await call(world, 'node1', 'PUT', '/1.0/configs', { key: 'public_network', value: '10.2.0.0/24', wait: true }), 500,
      'config set(public_network) failed: requested key public_network does not support write operation');
    expectError(await call(world, 'node1', 'DELETE', '/1.0/configs', { key: 'public_network' }), 500,
      'requested key public_network does not support write operation');
  });

  test('unknown keys are refused', async () => {
    const { world } = await cluster(1);
    expectError(await call(world, 'node1', 'GET', '/1.0/configs', { key: 'osd_pool_default_size' }), 500,
      'requested key osd_pool_default_size is not a MicroCeph supported cluster config');
    expectError(await call(world, 'node1', 'PUT', '/1.0/configs', { key: 'foo', value: 'bar' }), 500,
      'config set(foo) failed: requested key foo is not a MicroCeph supported cluster config');
  });

  test('cluster_network is read-write; GET returns ceph\'s raw output; PUT is idempotent', async () => {
    const { world } = await cluster(1);
    expect(ok(await call(world, 'node1', 'GET', '/1.0/configs', { key: 'cluster_network' })))
      .toEqual([{ key: 'cluster_network', value: '10.1.0.0/24\n', wait: false, skip_restart: false }]);
    for (let k = 0; k < 2; k++) {
      expect(ok(await call(world, 'node1', 'PUT', '/1.0/configs', { key: 'cluster_network', value: '10.3.0.0/24', wait: true, skip_restart: false }))).toEqual({});
    }
    expect(ok(await call(world, 'node1', 'GET', '/1.0/configs', { key: 'cluster_network' }))[0].value).toBe('10.3.0.0/24\n');
    ok(await call(world, 'node1', 'DELETE', '/1.0/configs', { key: 'cluster_network', wait: true }));
    expect(ok(await call(world, 'node1', 'GET', '/1.0/configs', { key: 'cluster_network' }))[0].value).toBe('\n');
  });
});

describe('MicroCeph: pools', () => {
  test('"" sets only the default; "*" every pool; unknown pools fail with Ceph\'s error', async () => {
    const { world } = await cluster(1);
    world.ensurePool('lxd_remote');
    ok(await call(world, 'node1', 'PUT', '/1.0/pools-op', { pools: [''], size: 1 }));
    expect(world.cephConfig()).toMatchObject({ osd_pool_default_size: '1', mon_allow_pool_size_one: 'true' });
    expect(world.poolSizes()).toEqual({ '.mgr': 3, lxd_remote: 3 });
    expect(world.ensurePool('lxd_cephfs_meta')).toMatchObject({ size: 1, min_size: 1 });
    ok(await call(world, 'node1', 'PUT', '/1.0/pools-op', { pools: ['*'], size: 2 }));
    expect(world.poolSizes()).toEqual({ '.mgr': 2, lxd_remote: 2, lxd_cephfs_meta: 2 });
    expect(world.cephConfig()['mon_allow_pool_size_one']).toBe('false');
    expectError(await call(world, 'node1', 'PUT', '/1.0/pools-op', { pools: ['lxd_cephfs'], size: 3 }), 500,
      "failed to set pool size for lxd_cephfs: Failed to run: ceph osd pool set lxd_cephfs size 3 --yes-i-really-mean-it: exit status 2 (Error ENOENT: unrecognized pool 'lxd_cephfs')");
    expectError(await call(world, 'node1', 'PUT', '/1.0/pools-op'), 500, 'EOF');
  });
});

describe('MicroCeph: resources and membership', () => {
  test('GET /1.0/resources?target= gives that member\'s LXD storage resources', async () => {
    const { world } = await cluster(2);
    const res = ok(await call(world, 'node1', 'GET', '/1.0/resources?target=node2')) as { disks: Record<string, unknown>[]; total: number };
    expect(res.total).toBe(3);
    expect(res.disks.map((d) => [d['id'], d['device_id']])).toEqual([
      ['nvme0n1', expect.stringMatching(/^nvme-/)], ['sda', SDA(2).slice('/dev/disk/by-id/'.length)], ['sdb', SDB(2).slice('/dev/disk/by-id/'.length)],
    ]);
    expect(res.disks[1]).toMatchObject({ partitions: [], mounted: false, device_path: 'pci-0000:00:17.0-ata-1.0' });
  });

  test('removing a member that still has disks fails in its pre-remove hook', async () => {
    const { world } = await cluster(4);
    await addDisks(world, 'node1', 'node4', { path: ['/dev/sda'] });
    expectError(await call(world, 'node1', 'DELETE', '/core/1.0/cluster/node4'), 500,
      'Failed to execute pre-remove hook on cluster member "node4": Node node4 still has disks configured, remove before proceeding');
  });

  test('removing a member with a monitor that would leave fewer than 3 fails unless forced', async () => {
    const { world } = await cluster(3);
    expectError(await call(world, 'node1', 'DELETE', '/core/1.0/cluster/node3'), 500,
      "Failed to execute pre-remove hook on cluster member \"node3\": Insufficient non OSD services: need at least 3 mon, 1 mds, and 1 mgr services in the cluster besides those in node 'node3'");
    ok(await call(world, 'node1', 'DELETE', '/core/1.0/cluster/node3?force=1'));
    expect(world.services().map((s) => s.location)).not.toContain('node3');
  });
});

describe('MicroCeph: health', () => {
  test('OSD_DOWN / OSD_HOST_DOWN / MON_DOWN / PG_DEGRADED when a member is down; no quorum times out', async () => {
    const { ctx, world } = await cluster(3);
    for (const m of ['node1', 'node2', 'node3']) await addDisks(world, 'node1', m, { path: ['/dev/sda'] });
    expect(world.cephHealth()!.status).toBe('HEALTH_OK');
    ctx.setUp('node3', false);
    const h = world.cephHealth('node1')!;
    expect(h.status).toBe('HEALTH_WARN');
    expect(Object.keys(h.checks)).toEqual(['MON_DOWN', 'OSD_DOWN', 'OSD_HOST_DOWN', 'PG_DEGRADED']);
    expect(h.checks['MON_DOWN']!.summary.message).toBe('1/3 mons down, quorum node1,node2');
    expect(h.checks['OSD_DOWN']!.summary.message).toBe('1 osds down');
    expect(h.checks['OSD_HOST_DOWN']!.summary.message).toBe('1 host (1 osds) down');
    expect(h.checks['PG_DEGRADED']).toEqual({
      severity: 'HEALTH_WARN', summary: { message: 'Degraded data redundancy: 1 pg undersized', count: 1 },
      detail: [{ message: 'pg 1.0 is active+undersized+degraded, acting [1,2]' }], muted: false,
    });
    expect(h.checks['MON_DOWN']!.detail).toEqual([
      { message: 'mon.node3 (rank 2) addr [v2:10.1.0.13:3300/0,v1:10.1.0.13:6789/0] is down (out of quorum)' },
    ]);
    expect(h.checks['OSD_DOWN']!.detail).toEqual([{ message: 'osd.3 (root=default,host=node3) is down' }]);
    ctx.setUp('node2', false);
    expect(() => world.cephHealth('node1')).toThrow(CephTimeoutError);
    expect(world.cephHealth('node9' as string)).toBeNull();
  });

  test('size-1 pools: POOL_NO_REDUNDANCY', async () => {
    const { world } = await cluster(1);
    await addDisks(world, 'node1', 'node1', { path: ['/dev/sda'] });
    ok(await call(world, 'node1', 'PUT', '/1.0/pools-op', { pools: ['*'], size: 1 }));
    expect(world.cephHealth()).toEqual({
      status: 'HEALTH_WARN',
      checks: {
        POOL_NO_REDUNDANCY: {
          severity: 'HEALTH_WARN', summary: { message: '1 pool(s) have no replicas configured', count: 1 },
          detail: [{ message: "pool '.mgr' has no replicas configured" }], muted: false,
        },
      },
      mutes: [],
    });
  });
});

describe('MicroCeph: PUT/DELETE /1.0/services/<svc>', () => {
  test('placing a mon on a 4th member, twice; removing it; removing it again', async () => {
    const { world } = await cluster(4);
    expect(ok(await call(world, 'node1', 'PUT', '/1.0/services/mon?target=node4', { name: 'mon', bool: true, payload: '' }))).toBeNull();
    expect(ok(await call(world, 'node1', 'GET', '/1.0/services/mon')).addresses).toEqual(['10.1.0.11', '10.1.0.12', '10.1.0.13', '10.1.0.14']);
    expectError(await call(world, 'node4', 'PUT', '/1.0/services/mon', { name: 'mon', bool: true }), 500,
      'host failed hospitality check for mon enablement: mon service already active on host');
    ok(await call(world, 'node4', 'DELETE', '/1.0/services/mon'));
    expectError(await call(world, 'node4', 'DELETE', '/1.0/services/mon'), 404,
      'failed to remove service "mon" from database: Service not found');
    expectError(await call(world, 'node4', 'PUT', '/1.0/services/mgr', { name: 'osd', bool: true }), 500, 'osd enablement is not supported');
    expectError(await call(world, 'node4', 'PUT', '/1.0/services/mgr'), 500, 'EOF');
  });
});
