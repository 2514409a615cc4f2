// Storage pools and networks on the LXD model: every idempotency signal and error of the two-phase
// protocol, with each flavor's wording and delivery (sync on 5.x, through the operation on 6.8).
import { labSpec } from './specs.js';
import { cluster, expectErr, makeLab, nvmeById, ok } from './lxd-helpers.js';
import type { Lab } from './lxd-helpers.js';
import type { LxdFlavor } from '../../src/lab/types.js';

function lab(n: number, flavor: LxdFlavor): Lab {
  return makeLab(Array.from({ length: n }, (_, k) => labSpec(`node${k + 1}`, { lxdFlavor: flavor })));
}

const flavors: LxdFlavor[] = ['snap-5.21', 'snap-6.8', 'deb-5.0'];

describe.each(flavors)('storage pools on %s', (flavor) => {
  const v6 = flavor === 'snap-6.8';
  // Debian's LXD has no ZFS (no module, no zfsutils): the local pool is LVM there.
  const driver = flavor === 'deb-5.0' ? 'lvm' : 'zfs';
  let l: Lab;
  const n1 = () => l.c('node1');
  const pending = (target: string, body: Record<string, unknown> = { name: 'local', driver }) =>
    n1().run('POST', '/1.0/storage-pools', body, { target });
  const finalize = (body: Record<string, unknown> = { name: 'local', driver }) => n1().run('POST', '/1.0/storage-pools', body);

  beforeEach(async () => {
    l = lab(3, flavor);
    await cluster(l, 3);
  });

  it('pending create answers 201 + Location (5.x) or a 202 "Creating storage pool" operation (6.8)', async () => {
    const r = await n1().post('/1.0/storage-pools', { name: 'local', driver, config: { source: nvmeById(l.ctx.spec('node1')) } }, { target: 'node1' });
    if (v6) {
      expect(r.status).toBe(202);
      expect(r.body.metadata).toMatchObject({ class: 'task', description: 'Creating storage pool', metadata: { entity_url: '/1.0/storage-pools/local' } });
    } else {
      expect(r.status).toBe(201);
      expect(r.headers.Location).toBe('/1.0/storage-pools/local');
      expect(r.body).toEqual({ type: 'sync', status: 'Success', status_code: 200, operation: '', error_code: 0, error: '', metadata: null });
    }
  });

  it('pending repeated for a member', async () => {
    ok(await pending('node1'));
    const msg = v6 ? 'Storage pool "local" already defined on member "node1"' : 'The storage pool already defined on member "node1"';
    expectErr(await pending('node1'), 400, msg, v6);
  });

  it('pending on an already created pool: "Storage pool is not in pending state"', async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m));
    ok(await finalize());
    expectErr(await pending('node1'), 500, 'Storage pool is not in pending state', v6);
  });

  it('pending with another driver: "Storage pool already exists with a different driver"', async () => {
    ok(await pending('node1'));
    expectErr(await pending('node2', { name: 'local', driver: 'dir' }), 500, 'Storage pool already exists with a different driver', v6);
  });

  it('pending with a global key: 500 "Config key %q may not be used as member-specific key"', async () => {
    expectErr(await pending('node1', { name: 'local', driver, config: { 'volume.size': '1GiB' } }), 500,
      'Config key "volume.size" may not be used as member-specific key');
  });

  it('pending for an unknown member: 404 "Cluster member not found"', async () => {
    expectErr(await pending('node9'), 404, 'Cluster member not found', v6);
  });

  it('unknown driver: 400 "Unknown driver"; a driver without its kernel module fails to load', async () => {
    expectErr(await pending('node1', { name: 'x', driver: 'nope' }), 400, 'Unknown driver');
    const zfs = await pending('node1', { name: 'x', driver: 'zfs' });
    if (flavor === 'deb-5.0') {
      expectErr(zfs, 400, 'Error loading "zfs" module: Failed to run: modprobe -b zfs: exit status 1 (modprobe: FATAL: Module zfs not found in directory /lib/modules/6.1.0-26-amd64)');
    } else {
      ok(zfs);
    }
  });

  it('ceph pending with `source` is refused once storage_remote_drop_source exists', async () => {
    const r = await pending('node1', { name: 'remote', driver: 'ceph', config: { source: 'lxd_remote' } });
    if (v6) expectErr(r, 400, 'Invalid option "source"');
    else ok(r);
  });

  it('finalize without pending records: "Pool not pending on any node (use --target <node> first)"', async () => {
    expectErr(await finalize(), 500, 'Pool not pending on any node (use --target <node> first)', v6);
  });

  it('finalize before every member has a pending record', async () => {
    ok(await pending('node1'));
    expectErr(await finalize(), 500, 'Pool not defined on cluster members: node2, node3', v6);
  });

  it('finalize with a member key: "Config key %q is cluster member specific"', async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m));
    expectErr(await finalize({ name: 'local', driver, config: { source: '/dev/sdb' } }), 500,
      'Config key "source" is cluster member specific', v6);
  });

  it('finalize with another driver', async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m));
    const msg = v6 ? 'Requested storage pool driver "dir" does not match driver in existing database record "zfs"'
      : `Requested storage pool driver "dir" doesn't match driver in existing database record "${driver}"`;
    expectErr(await finalize({ name: 'local', driver: 'dir' }), 500, msg, v6);
  });

  it('finalize repeated: "The storage pool is already created"', async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m));
    ok(await finalize());
    expectErr(await finalize(), 500, 'The storage pool is already created', v6);
  });

  it('partial create: a member down leaves the pool Errored; re-run only without global config', async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m));
    l.ctx.setUp('node3', false);
    expectErr(await finalize({ name: 'local', driver, config: { 'volume.size': '5GiB' } }), 500,
      'Peer cluster member node3 at 10.1.0.13:8443 is down', v6);
    expect(ok(await n1().get('/1.0/storage-pools/local')).status).toBe('Errored');
    l.ctx.setUp('node3', true);
    expectErr(await finalize({ name: 'local', driver, config: { 'volume.size': '5GiB' } }), 500,
      'Storage pool already partially created. Please do not specify any global config when re-running create', v6);
    ok(await finalize());
    const p = ok(await n1().get('/1.0/storage-pools/local'));
    expect(p).toMatchObject({ status: 'Created', config: { 'volume.size': '5GiB' } });
  });

  it('a member whose disk is missing fails finalize on that member', async () => {
    ok(await pending('node1', { name: 'local', driver, config: { source: nvmeById(l.ctx.spec('node1')) } }));
    ok(await pending('node2', { name: 'local', driver, config: { source: '/dev/disk/by-id/missing' } }));
    ok(await pending('node3', { name: 'local', driver, config: { source: nvmeById(l.ctx.spec('node3')) } }));
    const msg = v6
      ? 'Failed notifying cluster member "node2" at "10.1.0.12:8443": Failed creating storage pool on cluster member "node2": Custom loop file locations are not supported'
      : 'Failed to notify peer node2 at 10.1.0.12:8443: Custom loop file locations are not supported';
    expectErr(await finalize(), 500, msg, v6);
    const node2 = ok(await n1().get('/1.0/storage-pools/local', { target: 'node2' }));
    expect(node2.status).toBe('Pending');
    expect(ok(await n1().get('/1.0/storage-pools/local', { target: 'node1' })).status).toBe('Created');
  });

  it('GET: without target member keys are stripped and the status is global; with target the member view', async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m, { name: 'local', driver, config: { source: nvmeById(l.ctx.spec(m)) } }));
    ok(await finalize({ name: 'local', driver, description: 'Local storage on ZFS' }));
    const g = await n1().get('/1.0/storage-pools/local');
    expect(g.headers.ETag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(g.body.metadata).toEqual({ name: 'local', description: 'Local storage on ZFS', driver, status: 'Created', config: {},
      used_by: [], locations: ['node1', 'node2', 'node3'] });
    const t = ok(await n1().get('/1.0/storage-pools/local', { target: 'node3' }));
    const filled = driver === 'zfs' ? { 'zfs.pool_name': 'local' } : { 'lvm.vg_name': 'local', 'lvm.thinpool_name': 'LXDThinPool' };
    expect(t.config).toEqual({ source: 'local', 'volatile.initial_source': nvmeById(l.ctx.spec('node3')), ...filled });
    expectErr(await n1().get('/1.0/storage-pools/nope'), 404, 'Storage pool not found');
    expect(ok(await n1().get('/1.0/storage-pools'))).toEqual(['/1.0/storage-pools/local']);
  });

  it('update while pending: "Cannot update storage pool global config when not in created state"', async () => {
    ok(await pending('node1'));
    expectErr(await n1().patch('/1.0/storage-pools/local', { config: { 'volume.size': '1GiB' } }), 400,
      'Cannot update storage pool global config when not in created state');
  });

  it('update: member keys need a target, PATCH merges, ETag is enforced', async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m));
    ok(await finalize());
    expectErr(await n1().patch('/1.0/storage-pools/local', { config: { source: '/dev/sdc' } }), 400, 'Config key "source" is cluster member specific');
    expectErr(await n1().patch('/1.0/storage-pools/local', { config: { 'volume.size': '2GiB' } }, { target: 'node2' }), 400,
      'Config key "volume.size" may not be used as cluster member specific key');
    const etag = (await n1().get('/1.0/storage-pools/local')).headers.ETag as string;
    ok(await n1().settle(await n1().patch('/1.0/storage-pools/local', { config: { 'volume.size': '2GiB' } }, undefined, { 'If-Match': etag })));
    const stale = await n1().patch('/1.0/storage-pools/local', { config: { 'volume.size': '3GiB' } }, undefined, { 'If-Match': etag });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatch(/^ETag (doesn't|does not) match: [0-9a-f]{64} vs [0-9a-f]{64}/);
    expect(ok(await n1().get('/1.0/storage-pools/local')).config['volume.size']).toBe('2GiB');
  });

  it('delete: "The storage pool is currently in use" while a profile uses it', async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m));
    ok(await finalize());
    ok(await n1().settle(await n1().put('/1.0/profiles/default', { config: {}, description: '', devices: { root: { type: 'disk', path: '/', pool: 'local' } } })));
    expectErr(await n1().del('/1.0/storage-pools/local'), 400, 'The storage pool is currently in use');
    ok(await n1().settle(await n1().put('/1.0/profiles/default', { config: {}, description: '', devices: {} })));
    ok(await n1().settle(await n1().del('/1.0/storage-pools/local')));
    expectErr(await n1().get('/1.0/storage-pools/local'), 404, 'Storage pool not found');
  });
});

describe.each(flavors)('single-node storage pools on %s', (flavor) => {
  it('create directly; a second create is the "already exists" signal', async () => {
    const l = lab(1, flavor);
    const c = l.c('node1');
    const r = await c.run('POST', '/1.0/storage-pools', { name: 'local', driver: 'dir' });
    ok(r);
    const p = ok(await c.get('/1.0/storage-pools/local'));
    expect(p).toMatchObject({ status: 'Created', locations: ['none'], config: { source: expect.stringMatching(/storage-pools\/local$/) } });
    const again = await c.run('POST', '/1.0/storage-pools', { name: 'local', driver: 'dir' });
    if (flavor === 'deb-5.0') expectErr(again, 500, 'The storage pool already exists: The record already exists');
    else expectErr(again, 409, 'Storage pool "local" already exists', flavor === 'snap-6.8');
  });
});

describe.each(flavors)('networks on %s', (flavor) => {
  const v6 = flavor === 'snap-6.8';
  let l: Lab;
  const n1 = () => l.c('node1');
  const pending = (target: string, body: Record<string, unknown> = { name: 'UPLINK', type: 'physical', config: { parent: 'eth1' } }) =>
    n1().run('POST', '/1.0/networks', body, { target });
  const finalize = (body: Record<string, unknown> = { name: 'UPLINK', type: 'physical' }) => n1().run('POST', '/1.0/networks', body);
  const uplink = async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m));
    ok(await finalize({ name: 'UPLINK', type: 'physical', config: { 'ipv4.gateway': '10.1.1.1/24', 'ipv4.ovn.ranges': '10.1.1.100-10.1.1.254' } }));
  };

  beforeEach(async () => {
    l = lab(3, flavor);
    await cluster(l, 3);
  });

  it('pending repeated: "The network is already defined on member %q"', async () => {
    ok(await pending('node1'));
    expectErr(await pending('node1'), 400, 'The network is already defined on member "node1"', v6);
  });

  it('pending with a global key: 400 "Config key %q may not be used as member-specific key"', async () => {
    expectErr(await pending('node1', { name: 'UPLINK', type: 'physical', config: { mtu: '9000' } }), 400,
      'Config key "mtu" may not be used as member-specific key');
  });

  it('pending with another type', async () => {
    ok(await pending('node1'));
    const msg = v6 ? 'Requested network type does not match type in existing database record'
      : "Requested network type doesn't match type in existing database record";
    expectErr(await pending('node2', { name: 'UPLINK', type: 'bridge' }), 500, msg, v6);
  });

  it('pending on a created network: "Network is not in pending state"', async () => {
    await uplink();
    expectErr(await pending('node1'), 500, 'Network is not in pending state', v6);
  });

  it('an OVN network never takes a target', async () => {
    expectErr(await pending('node1', { name: 'default', type: 'ovn', config: { network: 'UPLINK' } }), 400,
      'Network type "ovn" does not support member specific config');
  });

  it('finalize without pending: "Network not pending on any node (use --target <node> first)"', async () => {
    expectErr(await finalize(), 500, 'Network not pending on any node (use --target <node> first)', v6);
  });

  it('finalize with a member key, with another type, before every member', async () => {
    ok(await pending('node1'));
    expectErr(await finalize({ name: 'UPLINK', type: 'physical', config: { parent: 'eth1' } }), 500, 'Config key "parent" is cluster member specific', v6);
    const msg = v6 ? 'Requested network type "bridge" does not match type in existing database record "physical"'
      : 'Requested network type "bridge" doesn\'t match type in existing database record "physical"';
    expectErr(await finalize({ name: 'UPLINK', type: 'bridge' }), 500, msg, v6);
    expectErr(await finalize(), 500, 'Network not defined on nodes: node2, node3', v6);
  });

  it('finalize repeated: "The network is already created"', async () => {
    await uplink();
    expectErr(await finalize(), 500, 'The network is already created', v6);
  });

  it('partial create: re-run only without global config', async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m));
    l.ctx.setUp('node2', false);
    expectErr(await finalize({ name: 'UPLINK', type: 'physical', config: { mtu: '1500' } }), 500, 'Peer cluster member node2 at 10.1.0.12:8443 is down', v6);
    l.ctx.setUp('node2', true);
    expectErr(await finalize({ name: 'UPLINK', type: 'physical', config: { mtu: '1500' } }), 500,
      'Network already partially created. Please do not specify any global config when re-running create', v6);
    ok(await finalize());
    expect(ok(await n1().get('/1.0/networks/UPLINK'))).toMatchObject({ status: 'Created', config: { mtu: '1500' } });
  });

  it('a member without its parent interface fails finalize', async () => {
    ok(await pending('node1'));
    ok(await pending('node2', { name: 'UPLINK', type: 'physical', config: { parent: 'eth9' } }));
    ok(await pending('node3'));
    const msg = v6 ? 'Failed notifying cluster member "node2" at "10.1.0.12:8443": Failed starting network: Parent interface "eth9" not found'
      : 'Failed to notify peer node2 at 10.1.0.12:8443: Parent interface "eth9" not found';
    expectErr(await finalize(), 500, msg, v6);
  });

  it('a physical network without parent fails validation', async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m, { name: 'UPLINK', type: 'physical' }));
    expectErr(await finalize(), 500, 'Invalid value for network "UPLINK" option "parent": Required value', v6);
  });

  it('OVN: created without target on every member; re-POST fails with the pending-state message', async () => {
    await uplink();
    ok(await finalize({ name: 'default', type: 'ovn', config: { network: 'UPLINK' } }));
    expect(ok(await n1().get('/1.0/networks/default')).locations).toEqual(['node1', 'node2', 'node3']);
    expectErr(await finalize({ name: 'default', type: 'ovn', config: { network: 'UPLINK' } }), 500,
      'Failed creating pending network for member "node1": Network is not in pending state', v6);
    expectErr(await finalize({ name: 'other', type: 'ovn', config: { network: 'nope' } }), 500,
      'Option "network" value "nope" is not one of the allowed uplink networks in project', v6);
  });

  it('a Fan bridge: pending rows per member, then finalize with the fan config', async () => {
    for (const m of ['node1', 'node2', 'node3']) ok(await pending(m, { name: 'lxdfan0', type: 'bridge' }));
    ok(await finalize({ name: 'lxdfan0', type: 'bridge', config: { 'bridge.mode': 'fan', 'fan.underlay_subnet': '10.1.0.0/24' } }));
    const fan = ok(await n1().get('/1.0/networks/lxdfan0'));
    expect(fan).toMatchObject({ type: 'bridge', status: 'Created', config: { 'bridge.mode': 'fan', 'fan.underlay_subnet': '10.1.0.0/24' } });
    expect(ok(await l.c('node2').get('/1.0/networks/lxdfan0/state'))).toMatchObject({ state: 'up', type: 'broadcast' });
    expect(ok(await n1().get('/1.0/networks'))).toContain('/1.0/networks/lxdfan0');
  });

  it('unmanaged host interfaces are listed and have state', async () => {
    const list = ok(await n1().get('/1.0/networks'));
    expect(list).toEqual(['/1.0/networks/lo', '/1.0/networks/eth0', '/1.0/networks/eth1']);
    const eth1 = await n1().get('/1.0/networks/eth1');
    expect(eth1.body.metadata).toMatchObject({ name: 'eth1', type: 'physical', managed: false, status: '', config: {}, locations: null });
    expect(eth1.headers.ETag).toBeDefined();
    const st = ok(await l.c('node2').get('/1.0/networks/eth0/state'));
    expect(st).toMatchObject({ addresses: [{ family: 'inet', address: '10.1.0.12', netmask: '24', scope: 'global' }], state: 'up', type: 'broadcast', mtu: 1500 });
    expect(ok(await n1().get('/1.0/networks/eth0/state', { target: 'node3' })).addresses[0].address).toBe('10.1.0.13');
    expectErr(await n1().get('/1.0/networks/eth7'), 404, 'Network not found');
    expectErr(await n1().get('/1.0/networks/eth7/state'), 404, 'Network interface "eth7" not found');
  });

  it('GET with target shows the member key; used networks cannot be deleted', async () => {
    await uplink();
    expect(ok(await n1().get('/1.0/networks/UPLINK', { target: 'node2' })).config.parent).toBe('eth1');
    expect(ok(await n1().get('/1.0/networks/UPLINK')).config.parent).toBeUndefined();
    ok(await finalize({ name: 'default', type: 'ovn', config: { network: 'UPLINK' } }));
    expectErr(await n1().del('/1.0/networks/UPLINK'), 400, 'The network is currently in use');
    expectErr(await n1().get('/1.0/networks/nope'), 404, 'Network not found');
  });
});

describe.each(flavors)('single-node networks on %s', (flavor) => {
  it('a duplicate is 400 "The network already exists"', async () => {
    const l = lab(1, flavor);
    const c = l.c('node1');
    ok(await c.run('POST', '/1.0/networks', { name: 'lxdbr0', type: 'bridge' }));
    const n = ok(await c.get('/1.0/networks/lxdbr0'));
    expect(n.config['ipv4.address']).toMatch(/^10\.\d+\.\d+\.1\/24$/);
    expectErr(await c.run('POST', '/1.0/networks', { name: 'lxdbr0', type: 'bridge' }), 400, 'The network already exists', flavor === 'snap-6.8');
  });
});
