// LXD's answers (reference/rest-apis.md §1.6) mapped to LxdLive facts.
import {
  LOCK_CONFIG_KEY, RUN_STATE_KEYS, hostInterfaceTypes, mapDisks, mapMembers, mapNetworks, mapPools, mapProfile, mapServer, mapVolumes, memberRow, strings,
} from '../../src/services/lxd-map.js';

const SERVER = {
  api_extensions: ['storage', 'network', 'clustering', 'storage_remote_drop_source'], api_status: 'stable', api_version: '1.0',
  auth: 'trusted', public: false, auth_methods: ['tls'], client_certificate: false,
  config: { 'core.https_address': '[::]:8443', 'cluster.https_address': '10.0.0.11:8443', 'user.microcloud': '2.1.0' },
  auth_user_name: 'root', auth_user_method: 'unix',
  environment: {
    addresses: ['10.0.0.11:8443'], architectures: ['x86_64', 'i686'], certificate: '-----BEGIN CERTIFICATE-----\n…',
    certificate_fingerprint: 'fd2004', driver: 'lxc | qemu', driver_version: '6.0.0 | 8.2.2', firewall: 'nftables', kernel: 'Linux',
    kernel_architecture: 'x86_64', kernel_features: {}, kernel_version: '6.8.0-45-generic', lxc_features: {}, os_name: 'Ubuntu',
    os_version: '24.04', project: 'default', server: 'lxd', server_clustered: true, server_event_mode: 'full-mesh',
    server_name: 'node1', server_pid: 1453, server_version: '5.21.3', server_lts: true, storage: 'zfs | ceph',
    storage_version: '2.2.2 | 19.2.0', storage_supported_drivers: [{ Name: 'zfs', Version: '2.2.2', Remote: false }],
  },
};

test('GET /1.0: version, extensions, config, clustered, server name', () => {
  expect(mapServer(SERVER)).toEqual({
    version: '5.21.3', apiExtensions: ['storage', 'network', 'clustering', 'storage_remote_drop_source'],
    config: { 'core.https_address': '[::]:8443', 'cluster.https_address': '10.0.0.11:8443', 'user.microcloud': '2.1.0' },
    clustered: true, serverName: 'node1',
  });
  // A fresh standalone LXD: no config, the hostname as server name.
  expect(mapServer({ api_extensions: [], config: {}, environment: { server_clustered: false, server_name: 'node2', server_version: '5.21.3' } }))
    .toEqual({ version: '5.21.3', apiExtensions: [], config: {}, clustered: false, serverName: 'node2' });
  expect(mapServer({})).toEqual({ version: '', apiExtensions: [], config: {}, clustered: false, serverName: '' });
});

test('apply\'s run lock in the server config is not part of the site', () => {
  const locked = { ...SERVER, config: { ...SERVER.config, [LOCK_CONFIG_KEY]: '{"id":"x","owner":"op@host"}' } };
  expect(mapServer(locked).config).toEqual(mapServer(SERVER).config);
  expect(RUN_STATE_KEYS).toContain(LOCK_CONFIG_KEY);
});

test('GET /1.0/cluster/members?recursion=1', () => {
  expect(mapMembers([
    { server_name: 'node1', url: 'https://10.0.0.11:8443', database: true, status: 'Online', message: 'Fully operational',
      architecture: 'x86_64', roles: ['database-leader', 'database'], failure_domain: 'default', description: '', config: {}, groups: ['default'] },
    { server_name: 'node2', url: 'https://10.0.0.12:8443', database: false, status: 'Offline', message: 'No heartbeat for 30s', roles: null },
  ] as never)).toEqual([
    { name: 'node1', url: 'https://10.0.0.11:8443', status: 'Online', roles: ['database-leader', 'database'] },
    { name: 'node2', url: 'https://10.0.0.12:8443', status: 'Offline', roles: [] },
  ]);
  expect(mapMembers(null)).toEqual([]);
});

describe('storage pools', () => {
  const clusterView = [
    { name: 'local', description: 'Local storage on ZFS', driver: 'zfs', status: 'Created', config: {}, used_by: [], locations: ['node1', 'node2'] },
    { name: 'remote', description: '', driver: 'ceph', status: 'Pending', config: { 'ceph.osd.pool_name': 'lxd_remote', 'ceph.rbd.du': 'false' }, used_by: [], locations: ['node1'] },
  ];

  test('in a cluster the list is the global view; member rows come later', () => {
    expect(mapPools(clusterView, true)).toEqual([
      { name: 'local', driver: 'zfs', status: 'Created', config: {}, locations: ['node1', 'node2'], member: null },
      { name: 'remote', driver: 'ceph', status: 'Pending', config: { 'ceph.osd.pool_name': 'lxd_remote', 'ceph.rbd.du': 'false' }, locations: ['node1'], member: null },
    ]);
  });

  test('a member\'s own row (?target=<self>): its status and the keys the global view does not show', () => {
    const [local] = mapPools(clusterView, true);
    const targeted = { name: 'local', driver: 'zfs', status: 'Created',
      config: { source: 'local', 'volatile.initial_source': '/dev/disk/by-id/nvme-x', 'zfs.pool_name': 'local' }, locations: ['node1', 'node2'] };
    expect(memberRow(targeted, local!)).toEqual({ status: 'Created', config: { source: 'local', 'volatile.initial_source': '/dev/disk/by-id/nvme-x', 'zfs.pool_name': 'local' } });
    const [, remote] = mapPools(clusterView, true);
    const pending = { name: 'remote', driver: 'ceph', status: 'Pending', config: { 'ceph.osd.pool_name': 'lxd_remote', 'ceph.rbd.du': 'false', source: 'lxd_remote' } };
    expect(memberRow(pending, remote!)).toEqual({ status: 'Pending', config: { source: 'lxd_remote' } });
  });

  test('a standalone LXD shows everything in the list: member keys are split into its own row', () => {
    const standalone = [{ name: 'default', driver: 'zfs', status: 'Created', config: { size: '30GiB', source: '/var/snap/lxd/common/lxd/disks/default.img', 'zfs.pool_name': 'default', 'volume.size': '10GiB' }, locations: ['none'] }];
    expect(mapPools(standalone, false)).toEqual([{
      name: 'default', driver: 'zfs', status: 'Created', config: { 'volume.size': '10GiB' }, locations: ['none'],
      member: { status: 'Created', config: { size: '30GiB', source: '/var/snap/lxd/common/lxd/disks/default.img', 'zfs.pool_name': 'default' } },
    }]);
    expect(mapPools(null, false)).toEqual([]);
  });
});

describe('networks', () => {
  const list = [
    { name: 'UPLINK', description: 'Uplink for OVN networks', type: 'physical', managed: true, status: 'Created',
      config: { 'ipv4.gateway': '192.0.2.1/24', 'ipv4.ovn.ranges': '192.0.2.100-192.0.2.254', 'dns.nameservers': '192.0.2.53' },
      used_by: ['/1.0/networks/default'], locations: ['node1', 'node2', 'node3'] },
    { name: 'default', type: 'ovn', managed: true, status: 'Created', config: { network: 'UPLINK', 'ipv4.address': '10.87.1.1/24' }, locations: ['node1', 'node2', 'node3'] },
    { name: 'br0', description: '', type: 'bridge', managed: false, status: '', config: {}, used_by: [], locations: null },
    { name: 'enp6s0', description: '', type: 'physical', managed: false, status: '', config: {}, used_by: [], locations: null },
  ];

  test('managed networks only; host interfaces are host facts, with the type LXD gives them', () => {
    expect(mapNetworks(list, true)).toEqual([
      { name: 'UPLINK', type: 'physical', status: 'Created', config: { 'ipv4.gateway': '192.0.2.1/24', 'ipv4.ovn.ranges': '192.0.2.100-192.0.2.254', 'dns.nameservers': '192.0.2.53' }, locations: ['node1', 'node2', 'node3'], member: null },
      { name: 'default', type: 'ovn', status: 'Created', config: { network: 'UPLINK', 'ipv4.address': '10.87.1.1/24' }, locations: ['node1', 'node2', 'node3'], member: null },
    ]);
    expect(hostInterfaceTypes(list)).toEqual(new Map([['br0', 'bridge'], ['enp6s0', 'physical']]));
  });

  test('UPLINK\'s row on a member carries its parent', () => {
    const [uplink] = mapNetworks(list, true);
    const targeted = { ...list[0], config: { ...list[0]!.config, parent: 'enp6s0' } };
    expect(memberRow(targeted, uplink!)).toEqual({ status: 'Created', config: { parent: 'enp6s0' } });
  });

  test('standalone: parent and friends go to the row', () => {
    const [n] = mapNetworks([{ name: 'UPLINK', type: 'physical', managed: true, status: 'Created', config: { parent: 'eth1', mtu: '1500' }, locations: ['none'] }], false);
    expect(n).toEqual({ name: 'UPLINK', type: 'physical', status: 'Created', config: { mtu: '1500' }, locations: ['none'], member: { status: 'Created', config: { parent: 'eth1' } } });
  });
});

test('GET /1.0/profiles/default', () => {
  expect(mapProfile({
    name: 'default', description: 'Default LXD profile', config: {},
    devices: { root: { type: 'disk', path: '/', pool: 'remote' }, eth0: { type: 'nic', name: 'eth0', network: 'default' } },
    used_by: [], project: 'default',
  } as never)).toEqual({ config: {}, devices: { root: { type: 'disk', path: '/', pool: 'remote' }, eth0: { type: 'nic', name: 'eth0', network: 'default' } } });
  expect(mapProfile({ config: null, devices: null })).toEqual({ config: {}, devices: {} });
});

test('custom volumes with the member they live on', () => {
  expect(mapVolumes('local', [
    { name: 'backups', description: '', type: 'custom', pool: 'local', content_type: 'filesystem', project: 'default', location: 'node1', config: {} },
    { name: 'images', type: 'custom', location: 'node2' },
  ] as never)).toEqual([{ pool: 'local', name: 'backups', location: 'node1' }, { pool: 'local', name: 'images', location: 'node2' }]);
  expect(mapVolumes('remote', null)).toEqual([]);
});

test('GET /1.0/resources: storage.disks with every field the filters read, missing ones zeroed', () => {
  const disks = mapDisks({ storage: { disks: [
    { id: 'sdb', device: '8:16', model: 'SAMSUNG MZ7L33T8HBLT-00A07', type: 'scsi', read_only: false, mounted: false, size: 3840755982336,
      removable: false, wwn: '0x5002538f40000021', numa_node: 0, device_path: 'pci-0000:00:17.0-ata-2.0', block_size: 512,
      firmware_version: 'JXTC104Q', rpm: 0, serial: 'S6JNNG0T000021', device_id: 'wwn-0x5002538f40000021',
      partitions: [{ id: 'sdb1', device: '8:17', read_only: false, size: 1000, partition: 1, mounted: false }], pci_address: '0000:00:17.0' },
    { id: 'vda', device: '252:0', type: 'virtio', size: 10737418240, partitions: null },
  ] } } as never);
  expect(disks[0]).toMatchObject({ id: 'sdb', device_id: 'wwn-0x5002538f40000021', wwn: '0x5002538f40000021', size: 3840755982336, partitions: [{ id: 'sdb1' }] });
  expect(disks[1]).toEqual({
    id: 'vda', device: '252:0', model: '', type: 'virtio', read_only: false, mounted: false, size: 10737418240, removable: false, wwn: '',
    numa_node: 0, device_path: '', block_size: 0, firmware_version: '', rpm: 0, serial: '', device_id: '', pci_address: '', partitions: [],
  });
  expect(mapDisks({ storage: null })).toEqual([]);
});

test('config values are strings; anything else is kept visible as JSON', () => {
  expect(strings({ a: 'x', b: 1, c: true })).toEqual({ a: 'x', b: '1', c: 'true' });
  expect(strings(null)).toEqual({});
});
