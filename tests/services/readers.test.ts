// The readers against a scripted Host: which requests each makes, in what state, and how "not
// installed" and "not initialized" become facts while other failures stay errors.
import { ApiError } from '../../src/remote/index.js';
import { FACT_COMMANDS, FACTS_SCRIPT, readHostFacts, splitSections } from '../../src/services/host-facts.js';
import { readLxd } from '../../src/services/lxd.js';
import { readMicroCeph } from '../../src/services/microceph.js';
import { readMicroOvn } from '../../src/services/microovn.js';
import { FakeHost, notInitialized } from './fake-host.js';
import { READ_RETRY } from '../../src/services/read.js';

function freshLxd(h: FakeHost): void {
  h.answers.set('lxd /1.0', { api_extensions: ['clustering'], config: {}, environment: { server_clustered: false, server_name: 'node1', server_version: '5.21.3' } });
  h.answers.set('lxd /1.0/storage-pools?recursion=1', []);
  h.answers.set('lxd /1.0/networks?recursion=1', [{ name: 'eth1', type: 'physical', managed: false }, { name: 'br0', type: 'bridge', managed: false }]);
  h.answers.set('lxd /1.0/profiles/default', { config: {}, devices: {} });
  h.answers.set('lxd /1.0/resources', { storage: { disks: [] } });
}

function clusteredLxd(h: FakeHost): void {
  h.answers.set('lxd /1.0', { api_extensions: [], config: { 'cluster.https_address': '10.0.0.11:8443' }, environment: { server_clustered: true, server_name: 'node1', server_version: '5.21.3' } });
  h.answers.set('lxd /1.0/storage-pools?recursion=1', [
    { name: 'local', driver: 'zfs', status: 'Created', config: {}, locations: ['node1', 'node2'] },
    { name: 'remote', driver: 'ceph', status: 'Pending', config: {}, locations: ['node2'] },
  ]);
  h.answers.set('lxd /1.0/networks?recursion=1', [{ name: 'UPLINK', type: 'physical', managed: true, status: 'Pending', config: {}, locations: ['node1'] }]);
  h.answers.set('lxd /1.0/profiles/default', { config: {}, devices: {} });
  h.answers.set('lxd /1.0/resources', { storage: { disks: [] } });
  h.answers.set('lxd /1.0/cluster/members?recursion=1', [{ server_name: 'node1', url: 'https://10.0.0.11:8443', status: 'Online', roles: ['database'] }]);
  h.answers.set('lxd /1.0/storage-pools/local?target=node1', { name: 'local', status: 'Created', config: { source: 'local', 'zfs.pool_name': 'local' } });
  h.answers.set('lxd /1.0/networks/UPLINK?target=node1', { name: 'UPLINK', status: 'Pending', config: { parent: 'eth1' } });
  h.answers.set('lxd /1.0/storage-pools/local/volumes/custom?recursion=1', [{ name: 'images', type: 'custom', location: 'node1' }]);
}

describe('LXD', () => {
  test('a fresh standalone LXD: one round of five reads', async () => {
    const h = new FakeHost();
    freshLxd(h);
    const r = await readLxd(h);
    expect(r?.lxd).toMatchObject({ clustered: false, serverName: 'node1', members: [], pools: [], networks: [], volumes: [] });
    expect(r?.interfaceTypes).toEqual(new Map([['eth1', 'physical'], ['br0', 'bridge']]));
    expect(h.requests('lxd')).toEqual([
      'lxd GET /1.0', 'lxd GET /1.0/storage-pools?recursion=1', 'lxd GET /1.0/networks?recursion=1', 'lxd GET /1.0/profiles/default', 'lxd GET /1.0/resources',
    ]);
  });

  test('clustered: members, its own row of each pool and network it is on, volumes of created pools', async () => {
    const h = new FakeHost();
    clusteredLxd(h);
    const lxd = (await readLxd(h))!.lxd;
    expect(lxd.members).toEqual([{ name: 'node1', url: 'https://10.0.0.11:8443', status: 'Online', roles: ['database'] }]);
    expect(lxd.pools).toEqual([
      { name: 'local', driver: 'zfs', status: 'Created', config: {}, locations: ['node1', 'node2'], member: { status: 'Created', config: { source: 'local', 'zfs.pool_name': 'local' } } },
      { name: 'remote', driver: 'ceph', status: 'Pending', config: {}, locations: ['node2'], member: null },
    ]);
    expect(lxd.networks[0]?.member).toEqual({ status: 'Pending', config: { parent: 'eth1' } });
    expect(lxd.volumes).toEqual([{ pool: 'local', name: 'images', location: 'node1' }]);
    expect(h.requests('lxd').slice(5).sort()).toEqual([
      'lxd GET /1.0/cluster/members?recursion=1', 'lxd GET /1.0/networks/UPLINK?target=node1',
      'lxd GET /1.0/storage-pools/local/volumes/custom?recursion=1', 'lxd GET /1.0/storage-pools/local?target=node1',
    ]);
  });

  test('no socket: not installed; any other failure is an error', async () => {
    const h = new FakeHost();
    h.missing.add('lxd');
    expect(await readLxd(h)).toBeNull();
    const broken = new FakeHost();
    freshLxd(broken);
    broken.answers.set('lxd /1.0/resources', new ApiError('node1', 'lxd', 'GET', '/1.0/resources', 500, 'Failed to load resources'));
    await expect(readLxd(broken)).rejects.toThrow('Failed to load resources');
  });
});

describe('MicroCeph and MicroOVN', () => {
  test('"Database is not yet initialized" means not initialized: version known, nothing else read, no retry', async () => {
    const h = new FakeHost();
    h.answers.set('microceph /core/1.0', { name: 'node1', version: '19.2.0', ready: false });
    h.answers.set('microceph /core/1.0/cluster', notInitialized('node1', 'microceph', '/core/1.0/cluster'));
    expect(await readMicroCeph(h)).toEqual({ version: '19.2.0', initialized: false, members: [], disks: [], services: [], config: {}, pools: [] });
    expect(h.requests('microceph')).toEqual(['microceph GET /core/1.0', 'microceph GET /core/1.0/cluster']);
  });

  test('initialized MicroCeph: members, OSDs, services, config (asked with a {} body) and pools in one more round', async () => {
    const h = new FakeHost();
    h.answers.set('microceph /core/1.0', { version: '19.2.0', ready: true });
    h.answers.set('microceph /core/1.0/cluster', [{ name: 'node1', address: '10.0.0.11:7443', role: 'voter', status: 'ONLINE' }]);
    h.answers.set('microceph /1.0/disks', [{ osd: 1, path: '/dev/disk/by-id/wwn-0x1', location: 'node1' }]);
    h.answers.set('microceph /1.0/services', [{ service: 'mon', location: 'node1' }]);
    h.answers.set('microceph /1.0/configs', (body: unknown) => (JSON.stringify(body) === '{}' ? [{ key: 'public_network', value: '10.0.0.0/24\n' }] : null));
    h.answers.set('microceph /1.0/pools', [{ pool: '.mgr', size: 1 }]);
    expect(await readMicroCeph(h)).toEqual({
      version: '19.2.0', initialized: true, members: [{ name: 'node1', address: '10.0.0.11:7443', role: 'voter', status: 'ONLINE' }],
      disks: [{ osd: 1, path: '/dev/disk/by-id/wwn-0x1', location: 'node1' }], services: [{ service: 'mon', location: 'node1' }],
      config: { public_network: '10.0.0.0/24' }, pools: [{ name: '.mgr', size: 1 }],
    });
    expect(h.requests('microceph')).toContain('microceph GET /1.0/configs {}');
  });

  test('MicroOVN: services once initialized; null when not installed', async () => {
    const h = new FakeHost();
    h.answers.set('microovn /core/1.0', { version: '24.03.2', ready: true });
    h.answers.set('microovn /core/1.0/cluster', [{ name: 'node1', address: '10.0.0.11:6443', role: 'voter', status: 'ONLINE' }]);
    h.answers.set('microovn /1.0/services', [{ service: 'central', location: 'node1' }]);
    expect(await readMicroOvn(h)).toMatchObject({ initialized: true, services: [{ service: 'central', location: 'node1' }] });
    const none = new FakeHost();
    none.missing.add('microovn');
    expect(await readMicroOvn(none)).toBeNull();
  });

  test('another 503 is not "not initialized": it is retried, then reported', async () => {
    const h = new FakeHost();
    h.answers.set('microovn /core/1.0', { version: '24.03.2', ready: false });
    h.answers.set('microovn /core/1.0/cluster', new ApiError('node1', 'microovn', 'GET', '/core/1.0/cluster', 503, 'Daemon is shutting down'));
    await expect(readMicroOvn(h)).rejects.toThrow('Daemon is shutting down');
    expect(h.requests('microovn').filter((c) => c.endsWith('/core/1.0/cluster'))).toHaveLength(READ_RETRY.retries + 1);
  });
});

describe('host facts', () => {
  const facts = (h: FakeHost) => {
    h.commands.set('hostname', 'node1\n');
    h.commands.set('ip -d -j address show', '[{"ifname":"eth0","flags":["UP"],"link_type":"ether","addr_info":[{"family":"inet","local":"10.0.0.11","prefixlen":24}]}]');
    h.commands.set('ip -4 -j route show default', '[{"dst":"default","gateway":"10.0.0.1","dev":"eth0","flags":[]}]');
  };

  test('three commands in one session, not through sudo; a machine without snapd has no snaps', async () => {
    const h = new FakeHost();
    facts(h);
    h.missing.add('snapd');
    expect(await readHostFacts(h)).toEqual({
      hostname: 'node1', interfaces: [{ name: 'eth0', kind: 'physical', state: 'up', addresses: ['10.0.0.11/24'] }],
      defaultRoute: { gateway: '10.0.0.1', dev: 'eth0' }, snaps: [], snapd: null,
    });
    expect(h.calls.filter((c) => c.startsWith('exec '))).toEqual([`exec sh -c ${FACTS_SCRIPT}`]);
    expect(h.scripted).toEqual(['hostname', 'ip -d -j address show', 'ip -4 -j route show default']);
    expect(h.sudo).toEqual([false]);
  });

  test('the snaps and snapd\'s version come from snapd, at the same time as the commands', async () => {
    const h = new FakeHost();
    facts(h);
    h.answers.set('snapd /v2/snaps', [
      { name: 'lxd', version: '5.21.3-c5ae129', revision: '33110', 'tracking-channel': '5.21/stable', 'cohort-key': '+', hold: '2318-11-08T13:51:19Z' },
      { name: 'snapd', version: '2.66.1', revision: '23258', 'tracking-channel': 'latest/stable', type: 'snapd' },
    ]);
    h.answers.set('snapd /v2/system-info', { version: '2.68.5', series: '16' });
    const r = await readHostFacts(h);
    expect(r.snaps).toEqual([
      { name: 'lxd', version: '5.21.3-c5ae129', revision: '33110', channel: '5.21/stable', held: true, cohort: true },
      { name: 'snapd', version: '2.66.1', revision: '23258', channel: 'latest/stable', held: false, cohort: false },
    ]);
    expect(r.snapd).toEqual({ version: '2.68.5' });
    expect(h.requests('snapd').sort()).toEqual(['snapd GET /v2/snaps', 'snapd GET /v2/system-info']);
    // `snap list` is not asked any more.
    expect(h.scripted).not.toContain('snap list');
  });

  test('a snapd that fails is an error naming the request, not a machine without snaps', async () => {
    const h = new FakeHost();
    facts(h);
    h.answers.set('snapd /v2/snaps', new ApiError('node1', 'snapd', 'GET', '/v2/snaps', 500, 'cannot list local snaps! state is locked'));
    h.answers.set('snapd /v2/system-info', { version: '2.66.1' });
    await expect(readHostFacts(h)).rejects.toThrow('node1: snapd GET /v2/snaps failed with 500: cannot list local snaps! state is locked');
  });

  test('each command is judged on its own exit status; output that looks like a marker elsewhere is kept', async () => {
    const h = new FakeHost();
    h.commands.set('hostname', 'node1\n');
    h.commands.set('ip -d -j address show', '[]');
    h.commands.set('ip -4 -j route show default', { exitCode: 1, stdout: Buffer.from(''), stderr: Buffer.from('Error: ipv4: FIB table does not exist.\n') });
    h.missing.add('snapd');
    await expect(readHostFacts(h)).rejects.toThrow('node1: command `ip -4 -j route show default` exited with status 1: Error: ipv4: FIB table does not exist.');
    expect(() => splitSections('@@microcloud-apply@@ hostname\nnode1\n')).toThrow('the host facts script stopped before `hostname` finished');
    const whole = FACT_COMMANDS.map((a, i) => `@@microcloud-apply@@ ${a.join(' ')}\n${i === 0 ? 'a @@microcloud-apply@@ b' : ''}\n@@microcloud-apply@@ ${i}\n`).join('');
    expect(splitSections(whole)).toEqual([
      { stdout: 'a @@microcloud-apply@@ b', exitCode: 0 }, { stdout: '', exitCode: 1 }, { stdout: '', exitCode: 2 },
    ]);
  });
});
