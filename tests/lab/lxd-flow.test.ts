// A MicroCloud-shaped deployment against the LXD model, on the snap 5.21 (sync) and 6.8 (async) LXDs:
// bootstrap, joins, two-phase pools and networks, the default profile, per-member volumes and config,
// then growing the cluster with a member that brings its member_config.
import { labSpec } from './specs.js';
import { bootstrap, ipOf, join, makeLab, nvmeById, ok } from './lxd-helpers.js';
import type { Lab } from './lxd-helpers.js';
import type { LxdFlavor } from '../../src/lab/types.js';

const flavors: LxdFlavor[] = ['snap-5.21', 'snap-6.8'];

function lab4(flavor: LxdFlavor): Lab {
  return makeLab([1, 2, 3, 4].map((i) => labSpec(`node${i}`, { lxdFlavor: flavor,
    snapPatch: flavor === 'snap-6.8' ? { lxd: { version: '6.8', channel: '6/stable' } } : {} })));
}

describe.each(flavors)('full deployment on %s', (flavor) => {
  const async = flavor === 'snap-6.8';

  it('bootstraps, joins, creates pools/networks/profile/volumes and grows', async () => {
    const lab = lab4(flavor);
    const n1 = lab.c('node1');
    const server = ok(await n1.get('/1.0'));
    expect(server.api_extensions.includes('storage_and_network_operations')).toBe(async);
    expect(server.api_extensions.includes('storage_remote_drop_source')).toBe(async);
    expect(server.api_extensions.includes('ovn_dynamic_northbound_connection')).toBe(async);
    expect(server.api_extensions).toContain('clustering_join_token');
    expect(server.environment.server_clustered).toBe(false);
    expect(ok(await n1.get('/1.0/cluster')).enabled).toBe(false);

    const cert = await bootstrap(lab, 'node1');
    expect(cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const env1 = ok(await n1.get('/1.0')).environment;
    expect(env1.server_clustered).toBe(true);
    expect(env1.server_name).toBe('node1');

    for (const m of ['node2', 'node3']) {
      const r = await join(lab, m, 'node1');
      ok(r);
      expect(r.body.metadata.status).toBe('Success');
      const env = ok(await lab.c(m).get('/1.0')).environment;
      expect(env.certificate_fingerprint).toBe(env1.certificate_fingerprint);
      ok(await lab.c(m).get('/internal/ready'));
    }
    const members = ok(await n1.get('/1.0/cluster/members', { recursion: '1' }));
    expect(members.map((x: any) => x.server_name)).toEqual(['node1', 'node2', 'node3']);
    expect(members.every((x: any) => x.status === 'Online' && x.message === 'Fully operational')).toBe(true);
    expect(members[0].roles).toEqual(async ? ['database-leader'] : ['database-leader', 'database']);
    expect(members[1].roles).toEqual(async ? ['database-voter'] : ['database']);

    // Pending pools on every member, then finalize (local zfs, then ceph).
    for (const m of ['node1', 'node2', 'node3']) {
      const r = await n1.post('/1.0/storage-pools', { name: 'local', driver: 'zfs', config: { source: nvmeById(lab.ctx.spec(m)) } }, { target: m });
      expect(r.status).toBe(async ? 202 : 201);
      ok(await n1.settle(r));
      const remote = async ? { name: 'remote', driver: 'ceph' } : { name: 'remote', driver: 'ceph', config: { source: 'lxd_remote' } };
      ok(await n1.run('POST', '/1.0/storage-pools', remote, { target: m }));
    }
    const pending = ok(await n1.get('/1.0/storage-pools/local'));
    expect(pending.status).toBe('Pending');
    ok(await n1.run('POST', '/1.0/storage-pools', { name: 'local', driver: 'zfs', description: 'Local storage on ZFS' }));
    ok(await n1.run('POST', '/1.0/storage-pools', { name: 'remote', driver: 'ceph', description: 'Distributed storage on Ceph',
      config: { 'ceph.rbd.du': 'false', 'ceph.osd.pool_name': 'lxd_remote' } }));
    const local = ok(await n1.get('/1.0/storage-pools/local'));
    expect(local).toMatchObject({ name: 'local', driver: 'zfs', status: 'Created', description: 'Local storage on ZFS',
      locations: ['node1', 'node2', 'node3'] });
    expect(local.config.source).toBeUndefined();
    const local2 = ok(await lab.c('node3').get('/1.0/storage-pools/local', { target: 'node2' }));
    expect(local2.config['volatile.initial_source']).toBe(nvmeById(lab.ctx.spec('node2')));
    expect(local2.config.source).toBe('local');
    expect(local2.config['zfs.pool_name']).toBe('local');

    // Networks: UPLINK per member, finalize, then the OVN network (never targeted).
    for (const m of ['node1', 'node2', 'node3']) {
      ok(await n1.run('POST', '/1.0/networks', { name: 'UPLINK', type: 'physical', config: { parent: 'eth1' } }, { target: m }));
    }
    ok(await n1.run('POST', '/1.0/networks', { name: 'UPLINK', type: 'physical', description: 'Uplink for OVN networks',
      config: { 'ipv4.gateway': '10.1.1.1/24', 'ipv4.ovn.ranges': '10.1.1.100-10.1.1.254', 'dns.nameservers': '10.1.1.1' } }));
    ok(await n1.run('POST', '/1.0/networks', { name: 'default', type: 'ovn', description: 'Default OVN network', config: { network: 'UPLINK' } }));
    const ovn = ok(await n1.get('/1.0/networks/default'));
    expect(ovn).toMatchObject({ type: 'ovn', managed: true, status: 'Created', locations: ['node1', 'node2', 'node3'] });
    const uplink = ok(await n1.get('/1.0/networks/UPLINK'));
    expect(uplink.used_by).toEqual(['/1.0/networks/default']);
    expect(uplink.config.parent).toBeUndefined();

    // The default profile, with its ETag.
    const prof = await n1.get('/1.0/profiles/default');
    const etag = prof.headers.ETag as string;
    const put = await n1.put('/1.0/profiles/default', {
      description: 'Default LXD profile', config: {},
      devices: { root: { type: 'disk', path: '/', pool: 'remote' }, eth0: { type: 'nic', name: 'eth0', network: 'default' } },
    }, undefined, { 'If-Match': etag });
    expect(put.status).toBe(async ? 202 : 200);
    ok(await n1.settle(put));
    expect(ok(await lab.c('node2').get('/1.0/profiles/default')).devices.root.pool).toBe('remote');
    expect(ok(await n1.get('/1.0/storage-pools/remote')).used_by).toEqual(['/1.0/profiles/default']);

    // Per member: volumes on local, then storage.images_volume / backups_volume.
    for (const m of ['node1', 'node2', 'node3']) {
      for (const v of ['images', 'backups']) {
        const r = await n1.post('/1.0/storage-pools/local/volumes/custom', { name: v }, { target: m });
        expect(r.status).toBe(async ? 202 : 200);
        ok(await n1.settle(r));
      }
      ok(await n1.patch('/1.0', { config: { 'storage.images_volume': 'local/images', 'storage.backups_volume': 'local/backups' } }, { target: m }));
      expect(ok(await lab.c(m).get('/1.0')).config['storage.images_volume']).toBe('local/images');
    }
    const vols = ok(await n1.get('/1.0/storage-pools/local/volumes/custom'));
    expect(vols).toContain('/1.0/storage-pools/local/volumes/custom/images?target=node2');
    expect(ok(await n1.get('/1.0/storage-pools/local/volumes/custom', { target: 'node3' })).length).toBe(2);
    expect(ok(await n1.get('/1.0')).config['storage.images_volume']).toBe('local/images');

    // GET /1.0/cluster shows the member-specific keys a joiner must provide.
    const cl = ok(await n1.get('/1.0/cluster'));
    const keys = cl.member_config.map((k: any) => `${k.entity}/${k.name}/${k.key}`);
    expect(keys).toEqual(expect.arrayContaining(['network/UPLINK/parent', 'storage-pool/local/source', 'storage-pool/local/zfs.pool_name']));
    const parent = cl.member_config.find((k: any) => k.key === 'parent');
    expect(parent.value).toBe(async ? 'eth1' : '');
    expect(parent.description).toBe('"parent" property for network "UPLINK"');

    // Grow: node4 joins with its member_config and gets the pools and networks.
    const spec4 = lab.ctx.spec('node4');
    const r4 = await join(lab, 'node4', 'node2', { memberConfig: [
      { entity: 'storage-pool', name: 'local', key: 'source', value: nvmeById(spec4) },
      ...(async ? [] : [{ entity: 'storage-pool', name: 'remote', key: 'source', value: 'lxd_remote' }]),
      { entity: 'network', name: 'UPLINK', key: 'parent', value: 'eth1' },
    ] });
    ok(r4);
    const local4 = ok(await lab.c('node4').get('/1.0/storage-pools/local', { target: 'node4' }));
    expect(local4).toMatchObject({ status: 'Created' });
    expect(local4.config['volatile.initial_source']).toBe(nvmeById(spec4));
    expect(ok(await n1.get('/1.0/storage-pools/local')).locations).toEqual(['node1', 'node2', 'node3', 'node4']);
    expect(ok(await n1.get('/1.0/networks/UPLINK', { target: 'node4' })).config.parent).toBe('eth1');
    const m4 = ok(await n1.get('/1.0/cluster/members/node4'));
    expect(m4).toMatchObject({ server_name: 'node4', url: `https://${ipOf(spec4)}:8443`, status: 'Online', roles: ['database-standby'] });

    // Taking node3 down shows it Offline.
    lab.ctx.setUp('node3', false);
    const m3 = ok(await n1.get('/1.0/cluster/members/node3'));
    expect(m3.status).toBe('Offline');
    expect(m3.message).toMatch(/^No heartbeat for .+ \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC\)$/);


  });
});
