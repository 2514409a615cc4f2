// The LXD model as a lab part: snapshots for tests and fault injection, durations through ctx.sleep,
// serialized concurrent creates, and a Debian 5.0 cluster end to end.
import { labSpec } from './specs.js';
import { bootstrap, cluster, expectErr, join, makeLab, ok } from './lxd-helpers.js';

describe('snapshot()', () => {
  it('is a read-only copy of daemons and databases', async () => {
    const l = makeLab([labSpec('node1'), labSpec('node2'), labSpec('node3')]);
    await cluster(l, 2);
    ok(await l.c('node1').post('/1.0/storage-pools', { name: 'local', driver: 'dir' }, { target: 'node2' }));
    const s = l.world.snapshot();
    expect(s.daemons.node1).toMatchObject({ flavor: 'snap-5.21', serverVersion: '5.21.3', clustered: true, memberName: 'node1' });
    expect(s.daemons.node3).toMatchObject({ clustered: false, memberName: 'none' });
    expect(s.daemons.node1?.database).toBe(s.daemons.node2?.database);
    const db = s.databases[s.daemons.node1?.database as string];
    expect(db?.members).toEqual([
      { name: 'node1', machine: 'node1', address: '10.1.0.11:8443', raftRole: 'voter', leader: true },
      { name: 'node2', machine: 'node2', address: '10.1.0.12:8443', raftRole: 'stand-by', leader: false },
    ]);
    expect(db?.pools[0]).toMatchObject({ name: 'local', state: 'Pending', nodes: { node2: { state: 'Pending', config: {} } } });
    expect(db?.clusterCertificateFingerprint).toBe(s.daemons.node1?.certificateFingerprint);
    // Mutating the copy changes nothing.
    (db?.pools[0] as { state: string }).state = 'Created';
    expect(l.world.snapshot().databases[s.daemons.node1?.database as string]?.pools[0]?.state).toBe('Pending');
  });
});

describe('durations', () => {
  it('bootstrap, join, pool and network creation sleep their configured time', async () => {
    const l = makeLab([labSpec('node1'), labSpec('node2')], { lxdBootstrap: 7, lxdJoin: 5, poolCreate: 3, networkCreate: 2 });
    await cluster(l, 2);
    for (const m of ['node1', 'node2']) ok(await l.c('node1').post('/1.0/storage-pools', { name: 'local', driver: 'dir' }, { target: m }));
    ok(await l.c('node1').post('/1.0/storage-pools', { name: 'local', driver: 'dir' }));
    for (const m of ['node1', 'node2']) ok(await l.c('node1').post('/1.0/networks', { name: 'br', type: 'bridge' }, { target: m }));
    ok(await l.c('node1').post('/1.0/networks', { name: 'br', type: 'bridge' }));
    // The join's 5 in its parts: before the accept, the accept, cluster.Join (lxd/join.ts JOIN_SHARE).
    expect(l.ctx.sleeps).toEqual([7, 2, 0.5, 2.5, 3, 2]);
  });
});

describe('concurrency', () => {
  it('two concurrent finalizes: one creates, the other sees "already created"', async () => {
    const l = makeLab([labSpec('node1'), labSpec('node2')], { poolCreate: 20 });
    await cluster(l, 2);
    const c = l.c('node1');
    for (const m of ['node1', 'node2']) ok(await c.post('/1.0/storage-pools', { name: 'local', driver: 'dir' }, { target: m }));
    const [a, b] = await Promise.all([c.post('/1.0/storage-pools', { name: 'local', driver: 'dir' }),
      c.post('/1.0/storage-pools', { name: 'local', driver: 'dir' })]);
    expect(a.status).toBe(201);
    expectErr(b, 500, 'The storage pool is already created');
  });

  it('joins that overlap both succeed and get distinct roles', async () => {
    const l = makeLab([labSpec('node1'), labSpec('node2'), labSpec('node3')], { lxdJoin: 10 });
    await bootstrap(l, 'node1');
    const [r2, r3] = await Promise.all([join(l, 'node2', 'node1'), join(l, 'node3', 'node1')]);
    ok(r2);
    ok(r3);
    const ms = ok(await l.c('node1').get('/1.0/cluster/members', { recursion: '1' }));
    expect(ms.map((m: any) => m.server_name).sort()).toEqual(['node1', 'node2', 'node3']);
  });
});

describe('Debian LXD 5.0.2 cluster', () => {
  it('bootstraps, joins by REST with cluster_password, creates pools, networks and the profile synchronously', async () => {
    const l = makeLab([1, 2, 3].map((i) => labSpec(`node${i}`, { lxdFlavor: 'deb-5.0', snapPatch: { lxd: { version: '5.0.2' } } })));
    await bootstrap(l, 'node1');
    for (const m of ['node2', 'node3']) {
      ok(await l.c(m).patch('/1.0', { config: { 'core.https_address': `10.1.0.1${m.slice(-1)}:8443` } }));
      ok(await join(l, m, 'node1'));
    }
    const c = l.c('node1');
    expect(ok(await c.get('/1.0')).environment).toMatchObject({ server_version: '5.0.2', os_name: 'Debian GNU/Linux', server_clustered: true });
    for (const m of ['node1', 'node2', 'node3']) {
      // source.wipe is not member-specific on 5.0.
      expectErr(await c.post('/1.0/storage-pools', { name: 'local', driver: 'dir', config: { 'source.wipe': 'true' } }, { target: m }), 500,
        'Config key "source.wipe" may not be used as member-specific key');
      const r = await c.post('/1.0/storage-pools', { name: 'local', driver: 'dir' }, { target: m });
      expect(r.status).toBe(201);
      ok(await c.post('/1.0/networks', { name: 'lxdbr0', type: 'bridge' }, { target: m }));
    }
    expect((await c.post('/1.0/storage-pools', { name: 'local', driver: 'dir' })).status).toBe(201);
    expect((await c.post('/1.0/networks', { name: 'lxdbr0', type: 'bridge', config: { 'ipv4.address': '10.130.0.1/24', 'ipv4.nat': 'true', 'ipv6.address': 'none' } })).status).toBe(201);
    const put = await c.put('/1.0/profiles/default', { config: {}, description: '', devices: {
      root: { type: 'disk', path: '/', pool: 'local' }, eth0: { type: 'nic', name: 'eth0', network: 'lxdbr0' } } });
    expect(put.status).toBe(200);
    expect(ok(await l.c('node3').get('/1.0/networks/lxdbr0')).used_by).toEqual(['/1.0/profiles/default']);
    expect(ok(await l.c('node3').get('/1.0/storage-pools/local')).locations).toEqual(['node1', 'node2', 'node3']);
  });
});
