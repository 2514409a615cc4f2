// Facts MicroCloud derives rather than reads from the file (reference §1.4): the Fan underlay,
// multicast listen addresses, the OVN central list LXD is pointed at.
import { diff } from '../../src/plan/diff.js';
import { fanUnderlay } from '../../src/plan/topology.js';
import type { LiveState } from '../../src/live/state.js';
import { bareSite, desired, desiredFrom, machine, OPTS } from './fixtures.js';
import { walk } from './walk.js';

describe('the Fan network', () => {
  const fanFile = desired({ n: 3, ceph: 'none', ovn: false });

  test('uses the default-gateway subnet, kept at /24 or /16, else forced to /16', () => {
    const m = machine(bareSite(1), 'node1');
    expect(fanUnderlay(m)).toBe('10.1.0.0/24');
    m.host.interfaces[1]!.addresses = ['10.1.20.5/20'];
    m.host.defaultRoute = { gateway: '10.1.16.1', dev: 'eth0' };
    expect(fanUnderlay(m)).toBe('10.1.0.0/16');
    m.host.interfaces[1]!.addresses = ['172.16.5.5/16'];
    m.host.defaultRoute = { gateway: '172.16.0.1', dev: 'eth0' };
    expect(fanUnderlay(m)).toBe('172.16.0.0/16');
  });

  test('is created when there is no OVN, with pending rows per member', () => {
    const p = diff(fanFile, bareSite(3), OPTS);
    expect(p.steps.find((s) => s.address === 'lxd/network/lxdfan0')!.inputs).toEqual({
      network: 'lxdfan0', type: 'bridge', description: 'Default Ubuntu fan powered bridge',
      config: { 'bridge.mode': 'fan', 'fan.underlay_subnet': '10.1.0.0/24' }, owned: [],
    });
    expect(p.steps.filter((s) => s.kind === 'lxd-network-pending').map((s) => s.address)).toEqual(['lxd/network/lxdfan0@node1', 'lxd/network/lxdfan0@node2', 'lxd/network/lxdfan0@node3']);
  });

  test('is not created without an IPv4 default route on the initiator; the profile then has no eth0', () => {
    const live = bareSite(3);
    machine(live, 'node1').host.defaultRoute = null;
    const p = diff(fanFile, live, OPTS);
    expect(p.steps.some((s) => s.address.includes('lxdfan0'))).toBe(false);
    expect(p.findings).toEqual([expect.objectContaining({ severity: 'notice', code: 'no-network', machine: 'node1' })]);
    expect(p.steps.find((s) => s.address === 'lxd/profile/default')!.inputs).toEqual({ profile: 'default', devices: { root: { type: 'disk', path: '/', pool: 'local' } } });
    walk(fanFile, live);
  });
});

describe('multicast discovery', () => {
  const lines = [
    'initiator: node1', 'lookup_subnet: 10.1.0.0/24', 'session_passphrase: s3cret-Passphrase-42', 'systems:',
    ...[1, 2, 3].flatMap((i) => [`  - name: node${i}`, '    ovn_uplink_interface: eth1', '    storage:', '      ceph: [{path: /dev/sda}]']),
    'ovn:', '  ipv4_gateway: 10.1.1.1/24', '  ipv4_range: 10.1.1.100-10.1.1.254',
  ];

  test('listens on each machine\'s first address in the lookup subnet', () => {
    const p = diff(desiredFrom(lines), bareSite(3), OPTS);
    expect(p.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(p.steps.find((s) => s.address === 'lxd/server-config/bootstrap@node1')!.inputs).toMatchObject({
      config: { 'core.https_address': '[::]:8443', 'cluster.https_address': '10.1.0.11:8443' },
    });
    expect(p.steps.find((s) => s.address === 'lxd/member/node3')!.inputs).toMatchObject({ serverAddress: '10.1.0.13:8443' });
    expect(p.steps.find((s) => s.address === 'microovn/member/node2')!.inputs).toMatchObject({ address: '10.1.0.12:6443' });
  });

  test('a machine without an address in the subnet is an error', () => {
    const live: LiveState = bareSite(3);
    machine(live, 'node2').host.interfaces[1]!.addresses = ['192.168.9.2/24'];
    expect(diff(desiredFrom(lines), live, OPTS).findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.machine]))
      .toEqual([['address-missing', 'node2']]);
  });
});

test("LXD without ovn_dynamic_northbound_connection is pointed at the first three centrals MicroOVN places", () => {
  const p = diff(desired({ n: 5 }), bareSite(5), OPTS);
  expect(p.steps.find((s) => s.address === 'lxd/server-config/network.ovn.northbound_connection')!.inputs).toEqual({
    target: null, config: { 'network.ovn.northbound_connection': 'ssl:10.1.0.11:6641,ssl:10.1.0.12:6641,ssl:10.1.0.13:6641' },
  });
});
