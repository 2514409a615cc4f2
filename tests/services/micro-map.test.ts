// microcluster, MicroCeph and MicroOVN answers (reference/rest-apis.md §2–§4) mapped to live facts.
import {
  mapCephConfig, mapCephDisks, mapCephPools, mapCoreServer, mapMicroMembers, mapPlacements,
} from '../../src/services/micro-map.js';

test('GET /core/1.0: version and whether the database is open', () => {
  expect(mapCoreServer({ name: 'node1', address: '10.0.0.11:7443', version: '19.2.0', ready: true, extensions: ['internal:runtime_extension_v1'] } as never))
    .toEqual({ version: '19.2.0', ready: true });
  expect(mapCoreServer({ name: 'node1', address: '10.0.0.11:7443', version: '24.03.2', ready: false })).toEqual({ version: '24.03.2', ready: false });
});

test('GET /core/1.0/cluster: members with address, role and status (certificates are not kept)', () => {
  expect(mapMicroMembers([
    { name: 'node1', address: '10.0.0.11:7443', certificate: '-----BEGIN CERTIFICATE-----\n…', role: 'voter', schema_internal_version: 7,
      schema_external_version: 3, last_heartbeat: '2026-01-01T00:00:00Z', status: 'ONLINE', extensions: [], secret: '' },
    { name: 'node2', address: '10.0.0.12:7443', role: 'PENDING', status: 'UNREACHABLE' },
  ] as never)).toEqual([
    { name: 'node1', address: '10.0.0.11:7443', role: 'voter', status: 'ONLINE' },
    { name: 'node2', address: '10.0.0.12:7443', role: 'PENDING', status: 'UNREACHABLE' },
  ]);
});

test('GET /1.0/services (MicroCeph and MicroOVN)', () => {
  expect(mapPlacements([{ service: 'mon', location: 'node1', group_id: '', info: '' }, { service: 'central', location: 'node2' }] as never))
    .toEqual([{ service: 'mon', location: 'node1' }, { service: 'central', location: 'node2' }]);
  expect(mapPlacements(null)).toEqual([]);
});

test('MicroCeph disks, config (raw ceph output, trimmed; null when nothing is set) and pools', () => {
  expect(mapCephDisks([{ osd: 0, path: '/dev/disk/by-id/wwn-0x5000c500a1b2c3d4', location: 'node1' }]))
    .toEqual([{ osd: 0, path: '/dev/disk/by-id/wwn-0x5000c500a1b2c3d4', location: 'node1' }]);
  expect(mapCephConfig([
    { key: 'cluster_network', value: '10.0.0.0/24\n', wait: false, skip_restart: false },
    { key: 'public_network', value: '10.0.0.0/24' },
  ] as never)).toEqual({ cluster_network: '10.0.0.0/24', public_network: '10.0.0.0/24' });
  expect(mapCephConfig(null)).toEqual({});
  expect(mapCephPools([{ pool: '.mgr', pool_id: 1, size: 3, min_size: 2, crush_rule: 'microceph_auto_host' }] as never))
    .toEqual([{ name: '.mgr', size: 3 }]);
});
