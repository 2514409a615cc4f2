// Host facts from real command output: iproute2 6.x JSON (with -d link details).
import { HostOutputError, parseDefaultRoute, parseHostname, parseIpAddr, refineKinds } from '../../src/services/host-parse.js';

const FOREVER = 4294967295;
const IP_ADDR = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, qdisc: 'noqueue', operstate: 'UNKNOWN', group: 'default',
    txqlen: 1000, link_type: 'loopback', address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00', promiscuity: 0,
    addr_info: [
      { family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo', valid_life_time: FOREVER, preferred_life_time: FOREVER },
      { family: 'inet6', local: '::1', prefixlen: 128, scope: 'host', noprefixroute: true, valid_life_time: FOREVER, preferred_life_time: FOREVER },
    ] },
  // A bridge port: linkinfo names the master's kind as info_slave_kind only; it is a physical NIC.
  { ifindex: 2, ifname: 'enp5s0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, qdisc: 'mq', master: 'br0',
    operstate: 'UP', link_type: 'ether', address: '00:16:3e:aa:bb:01',
    linkinfo: { info_slave_kind: 'bridge', info_slave_data: { state: 'forwarding', priority: 32 } }, addr_info: [] },
  { ifindex: 3, ifname: 'br0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, qdisc: 'noqueue', operstate: 'UP',
    link_type: 'ether', address: '00:16:3e:aa:bb:01', linkinfo: { info_kind: 'bridge', info_data: { forward_delay: 1500, stp_state: 0 } },
    addr_info: [
      { family: 'inet', local: '10.0.0.11', prefixlen: 24, broadcast: '10.0.0.255', scope: 'global', label: 'br0', valid_life_time: FOREVER, preferred_life_time: FOREVER },
      { family: 'inet6', local: 'fe80::216:3eff:feaa:bb01', prefixlen: 64, scope: 'link', valid_life_time: FOREVER, preferred_life_time: FOREVER },
    ] },
  // Administratively down, no carrier.
  { ifindex: 4, ifname: 'enp6s0', flags: ['BROADCAST', 'MULTICAST'], mtu: 1500, qdisc: 'noop', operstate: 'DOWN', link_type: 'ether', addr_info: [] },
  // Up without carrier: still "up" for LXD and MicroCloud (the UP flag), whatever operstate says.
  { ifindex: 5, ifname: 'enp7s0', flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], mtu: 1500, operstate: 'DOWN', link_type: 'ether', addr_info: [] },
  { ifindex: 6, ifname: 'bond0', flags: ['BROADCAST', 'MULTICAST', 'MASTER', 'UP', 'LOWER_UP'], operstate: 'UP', link_type: 'ether',
    linkinfo: { info_kind: 'bond', info_data: { mode: '802.3ad' } }, addr_info: [] },
  { ifindex: 7, ifname: 'bond0.100', link: 'bond0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], operstate: 'UP', link_type: 'ether',
    linkinfo: { info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 100, flags: ['REORDER_HDR'] } },
    addr_info: [{ family: 'inet6', local: '2001:db8::11', prefixlen: 64, scope: 'global', valid_life_time: FOREVER, preferred_life_time: FOREVER }] },
  { ifindex: 8, ifname: 'veth1a2b3c', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], operstate: 'UP', link_type: 'ether',
    linkinfo: { info_kind: 'veth' }, addr_info: [] },
  // What iproute2 prints for a link filtered out by an address family.
  {},
]);

describe('ip -d -j address show', () => {
  test('names, kinds (loopback, physical, bridge, bond, vlan, other), UP flag and CIDR addresses', () => {
    expect(parseIpAddr(IP_ADDR)).toEqual([
      { name: 'lo', kind: 'loopback', state: 'up', addresses: ['127.0.0.1/8', '::1/128'] },
      { name: 'enp5s0', kind: 'physical', state: 'up', addresses: [] },
      { name: 'br0', kind: 'bridge', state: 'up', addresses: ['10.0.0.11/24', 'fe80::216:3eff:feaa:bb01/64'] },
      { name: 'enp6s0', kind: 'physical', state: 'down', addresses: [] },
      { name: 'enp7s0', kind: 'physical', state: 'up', addresses: [] },
      { name: 'bond0', kind: 'bond', state: 'up', addresses: [] },
      { name: 'bond0.100', kind: 'vlan', state: 'up', addresses: ['2001:db8::11/64'] },
      { name: 'veth1a2b3c', kind: 'other', state: 'up', addresses: [] },
    ]);
  });

  test('LXD\'s types fill in kinds ip could not tell (no linkinfo), never override one it could', () => {
    const ifaces = parseIpAddr(JSON.stringify([
      { ifname: 'br1', flags: ['UP'], link_type: 'ether', addr_info: [] },
      { ifname: 'br0', flags: ['UP'], link_type: 'ether', linkinfo: { info_kind: 'bridge' }, addr_info: [] },
      { ifname: 'eth0', flags: ['UP'], link_type: 'ether', addr_info: [] },
    ]));
    const lxd = new Map([['br1', 'bridge'], ['br0', 'physical'], ['eth0', 'physical']]);
    expect(refineKinds(ifaces, lxd).map((i) => [i.name, i.kind])).toEqual([['br1', 'bridge'], ['br0', 'bridge'], ['eth0', 'physical']]);
  });

  test('output that is not a JSON list is an error naming the command', () => {
    expect(() => parseIpAddr('Option "-j" is unknown')).toThrow(HostOutputError);
    expect(() => parseIpAddr('Option "-j" is unknown')).toThrow('`ip -d -j address show` did not print JSON (got: Option "-j" is unknown)');
    expect(() => parseIpAddr('{}')).toThrow('did not print a JSON list');
  });
});

describe('ip -4 -j route show default', () => {
  test('the first default route with a gateway', () => {
    expect(parseDefaultRoute('[{"dst":"default","gateway":"10.0.0.1","dev":"br0","protocol":"static","flags":[]}]\n'))
      .toEqual({ gateway: '10.0.0.1', dev: 'br0' });
    expect(parseDefaultRoute('[{"dst":"default","dev":"wg0","scope":"link","flags":[]},{"dst":"default","gateway":"192.0.2.1","dev":"eth0","metric":100,"flags":[]}]'))
      .toEqual({ gateway: '192.0.2.1', dev: 'eth0' });
  });

  test('no default route: an empty list, or no output at all', () => {
    expect(parseDefaultRoute('[]\n')).toBeNull();
    expect(parseDefaultRoute('')).toBeNull();
  });
});

test('hostname: trimmed; empty output is an error', () => {
  expect(parseHostname('node1\n')).toBe('node1');
  expect(() => parseHostname('\n')).toThrow('`hostname` printed nothing');
});
