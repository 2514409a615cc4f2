// The lab's LXD wired to the lab's MicroCeph and MicroOVN (src/lab/lab-site.ts createWorlds): a
// ceph/cephfs pool needs a Ceph cluster the machine's ceph CLI reaches, and LXD creates its OSD
// pools and filesystem there at osd_pool_default_size; an OVN network needs a northbound that
// answers (LXD 6.8's dynamic connection from MicroOVN's env file, or network.ovn.northbound_connection).
// Also MicroCeph's PUT /1.0/configs with wait: the restarts member by member.
import { createWorlds } from '../../src/lab/lab-site.js';
import type { LxdWorld } from '../../src/lab/lxd/index.js';
import type { MicroCephWorld } from '../../src/lab/micro/ceph.js';
import type { MicroOvnWorld } from '../../src/lab/micro/ovn.js';
import type { LxdFlavor } from '../../src/lab/types.js';
import { LxdClient, bootstrap, failure, join, ok, type Lab, type Reply } from './lxd-helpers.js';
import { call, expectError, formCluster, ok as microOk } from './micro-client.js';
import { labContext, labSpec } from './specs.js';

const PUBLIC = { PublicNet: '10.1.0.0/24', ClusterNet: '10.1.0.0/24' };
const SDA = (i: number) => `/dev/disk/by-id/wwn-0x5002538f4${(i * 16 + 1).toString(16).padStart(7, '0')}`;
const NO_CONF = "Error initializing cluster client: ObjectNotFound('RADOS object not found (error calling conf_read_file)')";

interface WiredLab extends Lab { ceph: MicroCephWorld; ovn: MicroOvnWorld }

function wired(n: number, flavor: LxdFlavor = 'snap-5.21', restartMs = 0): WiredLab {
  const specs = Array.from({ length: n }, (_, k) => labSpec(`node${k + 1}`, {
    lxdFlavor: flavor, snapPatch: flavor === 'snap-6.8' ? { lxd: { version: '6.8', channel: '6/stable' } } : {},
  }));
  const ctx = labContext(specs, { diskAdd: restartMs });
  const worlds = createWorlds(ctx);
  const world = worlds.lxd as LxdWorld;
  const clients = new Map<string, LxdClient>();
  return {
    ctx, world, ceph: worlds.microceph as MicroCephWorld, ovn: worlds.microovn as MicroOvnWorld,
    c: (m) => {
      let cl = clients.get(m);
      if (!cl) { cl = new LxdClient(world, m); clients.set(m, cl); }
      return cl;
    },
  };
}

const names = (n: number) => Array.from({ length: n }, (_, k) => `node${k + 1}`);

async function lxdCluster(lab: WiredLab, n: number): Promise<void> {
  await bootstrap(lab, 'node1');
  for (const m of names(n).slice(1)) ok(await join(lab, m, 'node1'));
}

/** MicroCeph on node1..nodeN, `osds` of them with one OSD each; pools-op `size` when given. */
async function microceph(lab: WiredLab, n: number, osds: number, size?: number): Promise<void> {
  await formCluster(lab.ceph, 'node1', names(n).slice(1), { bootstrapConfig: PUBLIC });
  for (let i = 1; i <= osds; i++) {
    const r = microOk(await call(lab.ceph, 'node1', 'POST', `/1.0/disks?target=node${i}`, { path: [SDA(i)], wipe: true, encrypt: false }));
    expect(r.report[0].report).toBe('Success');
  }
  if (size !== undefined) microOk(await call(lab.ceph, 'node1', 'PUT', '/1.0/pools-op', { pools: [''], size }));
}

/** The sizes the lab's MicroCeph reports through its own API (GET /1.0/pools). */
async function cephPools(lab: WiredLab): Promise<Record<string, number>> {
  const pools = microOk(await call(lab.ceph, 'node1', 'GET', '/1.0/pools')) as { pool: string; size: number }[];
  return Object.fromEntries(pools.map((p) => [p.pool, p.size]));
}

/** Pending rows for a pool on every member, as MicroCloud sends them on 5.21 (with `source`). */
async function pendingPool(lab: WiredLab, n: number, name: string, driver: string, source: string): Promise<void> {
  for (const m of names(n)) ok(await lab.c('node1').post('/1.0/storage-pools', { name, driver, config: { source } }, { target: m }));
}

const finalizePool = (lab: WiredLab, body: Record<string, unknown>): Promise<Reply> => lab.c('node1').run('POST', '/1.0/storage-pools', body);

const REMOTE = { name: 'remote', driver: 'ceph', description: 'Distributed storage on Ceph', config: { 'ceph.rbd.du': 'false', 'ceph.osd.pool_name': 'lxd_remote' } };
const REMOTE_FS = {
  name: 'remote-fs', driver: 'cephfs', description: 'Distributed file-system storage using CephFS',
  config: { 'cephfs.create_missing': 'true', 'cephfs.meta_pool': 'lxd_cephfs_meta', 'cephfs.data_pool': 'lxd_cephfs_data', 'cephfs.path': 'lxd_cephfs' },
};

describe('ceph pools need the lab\'s MicroCeph (LXD 5.21: the finalize fails with a synchronous 500)', () => {
  test('no MicroCeph on the machine: FillConfig\'s `ceph config get` fails; nothing reaches Ceph', async () => {
    const lab = wired(3);
    await lxdCluster(lab, 3);
    await pendingPool(lab, 3, 'remote', 'ceph', 'lxd_remote');
    const r = await finalizePool(lab, REMOTE);
    expect(failure(r)).toEqual({ http: 500, code: 500, message:
      `Failed running: ceph --name client.admin --cluster ceph config get mon osd_pool_default_size --format json: exit status 1 (${NO_CONF})` });
    expect(ok(await lab.c('node1').get('/1.0/storage-pools/remote')).status).toBe('Errored');
  });

  test('bootstrapped with OSDs: LXD creates lxd_remote at osd_pool_default_size and records it', async () => {
    const lab = wired(3);
    await lxdCluster(lab, 3);
    await microceph(lab, 3, 2, 2);
    expect(Object.keys(await cephPools(lab))).toEqual(['.mgr']);
    await pendingPool(lab, 3, 'remote', 'ceph', 'lxd_remote');
    ok(await finalizePool(lab, REMOTE));
    expect(await cephPools(lab)).toEqual({ '.mgr': 3, lxd_remote: 2 });
    const pool = ok(await lab.c('node1').get('/1.0/storage-pools/remote'));
    expect(pool).toMatchObject({ status: 'Created', config: { 'ceph.osd.pool_name': 'lxd_remote', 'ceph.osd.pool_size': '2', 'volatile.pool.pristine': 'true' } });

    // An explicit ceph.osd.pool_size wins over the default; a second LXD pool on the same OSD pool is refused.
    await pendingPool(lab, 3, 'three', 'ceph', 'lxd_three');
    ok(await finalizePool(lab, { name: 'three', driver: 'ceph', config: { 'ceph.osd.pool_name': 'lxd_three', 'ceph.osd.pool_size': '3' } }));
    expect((await cephPools(lab))['lxd_three']).toBe(3);
    await pendingPool(lab, 3, 'again', 'ceph', 'lxd_remote');
    expect(failure(await finalizePool(lab, { name: 'again', driver: 'ceph', config: { 'ceph.osd.pool_name': 'lxd_remote' } })).message)
      .toBe('Pool "lxd_remote" in cluster "ceph" seems to be in use by another LXD instance');
  });

  test('before any pools-op the size is Ceph\'s default 3; without an OSD the placeholder image never gets written', async () => {
    const lab = wired(1);
    await bootstrap(lab, 'node1');
    await microceph(lab, 1, 0);
    await pendingPool(lab, 1, 'remote', 'ceph', 'lxd_remote');
    expect(failure(await finalizePool(lab, REMOTE)).message).toBe(
      'Failed running: rbd --id admin --cluster ceph --image-feature layering --size 0B create lxd_remote/lxd_lxd_remote: exit status 110 (rbd: create error: (110) Connection timed out)');
    // The OSD pool was created before that, at Ceph's default; a retry (without global config) adopts it.
    expect(await cephPools(lab)).toEqual({ '.mgr': 3, lxd_remote: 3 });
    microOk(await call(lab.ceph, 'node1', 'POST', '/1.0/disks', { path: [SDA(1)], wipe: true, encrypt: false }));
    ok(await finalizePool(lab, { name: 'remote', driver: 'ceph' }));
    expect(ok(await lab.c('node1').get('/1.0/storage-pools/remote')).config['ceph.osd.pool_size']).toBe('3');
  });

  test('monitors without quorum: the ceph CLI times out (a standalone LXD answers 500 too)', async () => {
    const lab = wired(3);
    await microceph(lab, 3, 3, 3);
    lab.ctx.setUp('node2', false);
    lab.ctx.setUp('node3', false);
    const r = await lab.c('node1').run('POST', '/1.0/storage-pools', REMOTE);
    expect(failure(r)).toMatchObject({ http: 500, message:
      'Failed running: ceph --name client.admin --cluster ceph config get mon osd_pool_default_size --format json: exit status 1 ([errno 110] RADOS timed out (error connecting to the cluster))' });
  });

  test('cephfs: the meta and data pools at the default size, then the filesystem; an existing one refuses create keys', async () => {
    const lab = wired(3);
    await lxdCluster(lab, 3);
    await microceph(lab, 3, 2, 2);
    await pendingPool(lab, 3, 'remote-fs', 'cephfs', 'lxd_cephfs');
    ok(await finalizePool(lab, REMOTE_FS));
    expect(await cephPools(lab)).toEqual({ '.mgr': 3, lxd_cephfs_meta: 2, lxd_cephfs_data: 2 });
    expect(lab.ceph.filesystems('node1')).toEqual([{ name: 'lxd_cephfs', metadata_pool: 'lxd_cephfs_meta', data_pools: ['lxd_cephfs_data'] }]);
    expect(ok(await lab.c('node1').get('/1.0/storage-pools/remote-fs')).config['cephfs.osd_pool_size']).toBe('2');

    await pendingPool(lab, 3, 'fs2', 'cephfs', 'lxd_cephfs');
    expect(failure(await finalizePool(lab, { ...REMOTE_FS, name: 'fs2' })).message)
      .toBe('Invalid config key "cephfs.create_missing": CephFS filesystem already exists');
    await pendingPool(lab, 3, 'fs3', 'cephfs', 'other_fs');
    expect(failure(await finalizePool(lab, { name: 'fs3', driver: 'cephfs', config: { 'cephfs.path': 'other_fs' } })).message)
      .toBe('The requested "other_fs" CephFS does not exist');
  });
});

describe('OVN networks need a northbound that answers', () => {
  async function uplink(lab: WiredLab, n: number): Promise<void> {
    for (const m of names(n)) ok(await lab.c('node1').post('/1.0/networks', { name: 'UPLINK', type: 'physical', config: { parent: 'eth1' } }, { target: m }));
    ok(await lab.c('node1').run('POST', '/1.0/networks', { name: 'UPLINK', type: 'physical', config: { 'ipv4.gateway': '10.1.1.1/24', 'ipv4.ovn.ranges': '10.1.1.100-10.1.1.254' } }));
  }
  const DEFAULT = { name: 'default', type: 'ovn', description: 'Default OVN network', config: { network: 'UPLINK' } };

  test('5.21: the default unix socket has no OVN behind it; MicroCloud\'s northbound_connection to the centrals works', async () => {
    const lab = wired(3);
    await lxdCluster(lab, 3);
    await uplink(lab, 3);
    await formCluster(lab.ovn, 'node1', ['node2', 'node3']);
    expect(failure(await lab.c('node1').run('POST', '/1.0/networks', DEFAULT))).toEqual({ http: 500, code: 500, message:
      'Failed running: ovn-nbctl --timeout=10 --db unix:/var/run/ovn/ovnnb_db.sock ha-chassis-group-add lxd-net2: exit status 1 (ovn-nbctl: unix:/var/run/ovn/ovnnb_db.sock: database connection failed (No such file or directory))' });
    const nb = lab.ovn.northboundConnection('node1');
    expect(nb).toBe('ssl:10.1.0.11:6641,ssl:10.1.0.12:6641,ssl:10.1.0.13:6641');
    ok(await lab.c('node1').patch('/1.0', { config: { 'network.ovn.northbound_connection': nb } }));
    // The OVN network is Errored, and LXD takes no retry for it (its pending rows are not Pending
    // any more): delete it and create it again, as the tool does.
    expect(failure(await lab.c('node1').run('POST', '/1.0/networks', { name: 'default', type: 'ovn' })).message)
      .toBe('Failed creating pending network for member "node1": Network is not in pending state');
    ok(await lab.c('node1').run('DELETE', '/1.0/networks/default'));
    ok(await lab.c('node1').run('POST', '/1.0/networks', DEFAULT));
    expect(ok(await lab.c('node1').get('/1.0/networks/default')).status).toBe('Created');
  });

  test('a connection to centrals without raft quorum (or to no central) fails with ovn-nbctl\'s error', async () => {
    const lab = wired(3);
    await formCluster(lab.ovn, 'node1', ['node2', 'node3']);
    const c = lab.c('node1');
    ok(await c.post('/1.0/networks', { name: 'UPLINK', type: 'physical', config: { parent: 'eth1' } }));
    ok(await c.patch('/1.0', { config: { 'network.ovn.northbound_connection': 'ssl:10.1.0.12:6641,ssl:10.1.0.13:6641' } }));
    lab.ctx.setUp('node2', false);
    lab.ctx.setUp('node3', false);
    expect(failure(await c.run('POST', '/1.0/networks', DEFAULT)).message).toBe(
      'Failed running: ovn-nbctl --timeout=10 --db ssl:10.1.0.12:6641,ssl:10.1.0.13:6641 -c /proc/self/fd/3 -p /proc/self/fd/4 -C /proc/self/fd/5 ha-chassis-group-add lxd-net2: exit status 1 (ovn-nbctl: ssl:10.1.0.12:6641: database connection failed (Connection refused))');
    lab.ctx.setUp('node3', true);
    ok(await c.run('POST', '/1.0/networks', DEFAULT));
  });

  test('6.8 (ovn_dynamic_northbound_connection): MicroOVN\'s env file once it has initialised', async () => {
    const lab = wired(3, 'snap-6.8');
    await lxdCluster(lab, 3);
    await uplink(lab, 3);
    expect(ok(await lab.c('node1').get('/1.0')).api_extensions).toContain('ovn_dynamic_northbound_connection');
    const env = '/var/snap/lxd/current/microovn/ovn-env/env/ovn.env';
    expect(failure(await lab.c('node1').run('POST', '/1.0/networks', DEFAULT)).message)
      .toBe(`Failed getting OVN client: Failed opening MicroOVN env file "${env}": open ${env}: no such file or directory`);
    await formCluster(lab.ovn, 'node1', ['node2', 'node3']);
    ok(await lab.c('node1').run('DELETE', '/1.0/networks/default'));
    ok(await lab.c('node1').run('POST', '/1.0/networks', DEFAULT));
    expect(ok(await lab.c('node1').get('/1.0/networks/default')).status).toBe('Created');
  });
});

describe('MicroCeph PUT /1.0/configs with wait: true restarts member by member', () => {
  test('every other member, then this one, each at the restart cost; an unreachable member is a 500 with the key set', async () => {
    const lab = wired(3, 'snap-5.21', 7);
    await formCluster(lab.ceph, 'node1', ['node2', 'node3'], { bootstrapConfig: PUBLIC });
    const put = (value: string, extra: Record<string, unknown>) =>
      call(lab.ceph, 'node1', 'PUT', '/1.0/configs', { key: 'cluster_network', value, ...extra });
    lab.ctx.sleeps.length = 0;
    microOk(await put('10.2.0.0/24', { wait: true, skip_restart: false }));
    expect(lab.ctx.sleeps).toEqual([7, 7, 7]);

    lab.ctx.setUp('node3', false);
    lab.ctx.sleeps.length = 0;
    expectError(await put('10.3.0.0/24', { wait: true, skip_restart: false }), 500,
      'failed Forwarding To: https://10.1.0.13:7443: Post "https://10.1.0.13:7443/1.0/services/restart": dial tcp 10.1.0.13:7443: connect: no route to host');
    // node2 restarted, then node3 did not answer: node1 never restarted its own.
    expect(lab.ctx.sleeps).toEqual([7]);
    expect(lab.ceph.cephConfig('node1')['cluster_network']).toBe('10.3.0.0/24');

    // Without wait the fan-out is in the background; with skip_restart there is none.
    lab.ctx.sleeps.length = 0;
    microOk(await put('10.4.0.0/24', { wait: false, skip_restart: false }));
    microOk(await put('10.5.0.0/24', { wait: true, skip_restart: true }));
    expect(lab.ctx.sleeps).toEqual([]);
    expect(lab.ceph.cephConfig('node1')['cluster_network']).toBe('10.5.0.0/24');
  });
});
