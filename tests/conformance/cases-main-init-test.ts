// MicroCloud's UPLINK checks (initConfig.validateSystems, cmd/microcloud/main_init.go), tested in
// cmd/microcloud/main_init_test.go on the UPLINK config a bootstrap builds from the preseed's `ovn`
// keys (ipv4_gateway → ipv4.gateway, ipv4_range → ipv4.ovn.ranges, ipv6_gateway → ipv6.gateway,
// dns_servers → dns.nameservers). Each test system is written as a one-system bootstrap file whose
// address is the test handler's. The tests assert only pass or fail; the words are main_init.go's,
// wrapping LXD's shared/validate and shared.ParseIPRanges.
//
// Not expressible as a preseed, so not here: the ipv6.ovn.ranges cases (IP6 "64Net",
// "rangesOutsideGateway", "rangesContainGateway", "rangesContainSystem"; MultiSystem sys3/sys4):
// the preseed has no IPv6 range key.
import { lxd, microcloud, yaml, type Source, type UpstreamCase } from './upstream.js';

const TEST = 'cmd/microcloud/main_init_test.go';
const at = (fn: string, name: string, line: number): Source => microcloud(TEST, `${fn} "${name}" (line ${line})`);
const CODE = (what: string, line: number) => microcloud('cmd/microcloud/main_init.go', `${what} (line ${line})`);
const VALIDATE = (fn: string, line: number) => lxd('shared/validate/validate.go', `${fn} (line ${line})`);
const RANGES = lxd('shared/network_ip.go', 'ParseIPRange (line 37)');

const V4 = '192.168.1.27';
const V6 = 'fc00:feed:beef::bed1';
const system = (address: string, ovn: string[]) =>
  yaml(`initiator_address: ${address}`, 'systems:', '  - name: testSystem', `    address: ${address}`, '    ovn_uplink_interface: enp6s0', 'ovn:', ...ovn.map((l) => `  ${l}`));
const NEEDS_RANGE = 'a preseed with ipv4_gateway needs ipv4_range (validate()); a range inside the gateway subnet is added';

export const MAIN_INIT_TEST_CASES: UpstreamCase[] = [
  // TestValidateSystemsIP4, valid systems.
  {
    id: 'IPv4 plainGateway, written as a preseed (no range)',
    sources: [at('TestValidateSystemsIP4', 'plainGateway', 81), microcloud('cmd/microcloud/preseed.go', 'validate (line 473)')],
    note: 'validateSystems accepts a gateway alone; the preseed form of it is refused earlier, by validate()',
    yaml: system(V4, ['ipv4_gateway: 10.234.0.1/16']),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Cannot specify IPv4 range without IPv4 gateway', asserted: false, path: 'ovn.ipv4_gateway' },
  },
  {
    id: 'IPv4 plainGateway, with a range',
    sources: [at('TestValidateSystemsIP4', 'plainGateway', 81)],
    note: NEEDS_RANGE,
    yaml: system(V4, ['ipv4_gateway: 10.234.0.1/16', 'ipv4_range: 10.234.1.1-10.234.1.10']),
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'IPv4 dns',
    sources: [at('TestValidateSystemsIP4', 'dns', 84)],
    note: NEEDS_RANGE,
    yaml: system(V4, ['ipv4_gateway: 10.234.0.1/16', 'ipv4_range: 10.234.1.1-10.234.1.10', 'dns_servers: 1.1.1.1,8.8.8.8']),
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'IPv4 16Net',
    sources: [at('TestValidateSystemsIP4', '16Net', 88)],
    yaml: system(V4, ['ipv4_gateway: 10.42.0.1/16', 'ipv4_range: 10.42.1.1-10.42.5.255']),
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'IPv4 24Net',
    sources: [at('TestValidateSystemsIP4', '24Net', 92)],
    yaml: system(V4, ['ipv4_gateway: 190.168.4.1/24', 'ipv4_range: 190.168.4.50-190.168.4.60']),
    upstream: { verdict: 'accepts' },
  },
  // TestValidateSystemsIP4, invalid systems.
  {
    id: 'IPv4 invalidNameservers1',
    sources: [at('TestValidateSystemsIP4', 'invalidNameservers1', 101), CODE('validateSystems: "Invalid dns.nameservers"', 641), VALIDATE('IsListOf', 194)],
    note: NEEDS_RANGE,
    yaml: system(V4, ['ipv4_gateway: 10.234.0.1/16', 'ipv4_range: 10.234.1.1-10.234.1.10', 'dns_servers: "8.8"']),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Invalid dns.nameservers: Item "8.8": Invalid IP "8.8"', asserted: false, path: 'ovn.dns_servers' },
  },
  {
    id: 'IPv4 invalidNameservers2',
    sources: [at('TestValidateSystemsIP4', 'invalidNameservers2', 105), CODE('validateSystems: "Invalid dns.nameservers"', 641)],
    note: NEEDS_RANGE,
    yaml: system(V4, ['ipv4_gateway: 10.234.0.1/16', 'ipv4_range: 10.234.1.1-10.234.1.10', 'dns_servers: 8.8.8.128/23']),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Invalid dns.nameservers: Item "8.8.8.128/23": Invalid IP "8.8.8.128/23"', asserted: false, path: 'ovn.dns_servers' },
  },
  {
    id: 'IPv4 gatewayIsSubnetAddr',
    sources: [at('TestValidateSystemsIP4', 'gatewayIsSubnetAddr', 109), CODE('validateGatewayNet: "Invalid %s.gateway"', 581), VALIDATE('IsNetworkAddressCIDRV4', 366)],
    note: NEEDS_RANGE,
    yaml: system(V4, ['ipv4_gateway: 192.168.28.0/24', 'ipv4_range: 192.168.28.100-192.168.28.200']),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Invalid ipv4.gateway "192.168.28.0/24": Not a usable IPv4 address "192.168.28.0/24"', asserted: false, path: 'ovn.ipv4_gateway' },
  },
  {
    id: 'IPv4 backwardsRange',
    sources: [at('TestValidateSystemsIP4', 'backwardsRange', 112), CODE('validateGatewayNet: "Invalid %s.ovn.ranges"', 593), RANGES],
    yaml: system(V4, ['ipv4_gateway: 10.42.0.1/16', 'ipv4_range: 10.42.5.255-10.42.1.1']),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Invalid ipv4.ovn.ranges "10.42.5.255-10.42.1.1": Start IP "10.42.5.255" must be less than End IP "10.42.1.1"', asserted: false, path: 'ovn.ipv4_range' },
  },
  {
    // The gateway is also its network's address, which validateGatewayNet checks first.
    id: 'IPv4 rangesOutsideGateway',
    sources: [at('TestValidateSystemsIP4', 'rangesOutsideGateway', 116), CODE('validateGatewayNet', 581), VALIDATE('IsNetworkAddressCIDRV4', 366)],
    yaml: system(V4, ['ipv4_gateway: 10.1.1.0/24', 'ipv4_range: 10.2.2.50-10.2.2.100']),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Invalid ipv4.gateway "10.1.1.0/24": Not a usable IPv4 address "10.1.1.0/24"', asserted: false, path: 'ovn.ipv4_gateway' },
  },
  {
    id: 'IPv4 rangesOutsideGateway, with a usable gateway',
    sources: [at('TestValidateSystemsIP4', 'rangesOutsideGateway', 116), CODE('validateGatewayNet: "Invalid %s.ovn.ranges"', 593), RANGES],
    note: 'gateway 10.1.1.0/24 written as 10.1.1.1/24, so that the range check is the one that fails',
    yaml: system(V4, ['ipv4_gateway: 10.1.1.1/24', 'ipv4_range: 10.2.2.50-10.2.2.100']),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Invalid ipv4.ovn.ranges "10.2.2.50-10.2.2.100": IP range "10.2.2.50-10.2.2.100" does not fall within any of the allowed networks [10.1.1.0/24]', asserted: false, path: 'ovn.ipv4_range' },
  },
  {
    // main_init.go quotes gatewayNet.IP, the subnet's address (192.168.1.0), in this message; the
    // check itself is on the gateway's address. The corpus asserts the words up to the address.
    id: 'IPv4 rangesContainGateway',
    sources: [at('TestValidateSystemsIP4', 'rangesContainGateway', 120), CODE('validateGatewayNet: "must not include gateway address"', 599)],
    yaml: system(V4, ['ipv4_gateway: 192.168.1.1/24', 'ipv4_range: 192.168.1.1-192.168.1.20']),
    upstream: { verdict: 'rejects', stage: 'run', message: 'UPLINK ipv4.ovn.ranges must not include gateway address', asserted: false, path: 'ovn.ipv4_range' },
  },
  {
    id: 'IPv4 rangesContainSystem',
    sources: [at('TestValidateSystemsIP4', 'rangesContainSystem', 124), CODE('validateSystems: "must not include system address"', 665)],
    yaml: system(V4, ['ipv4_gateway: 192.168.1.1/16', 'ipv4_range: 192.168.1.20-192.168.1.30']),
    upstream: { verdict: 'rejects', stage: 'run', message: 'UPLINK ipv4.ovn.ranges must not include system address "192.168.1.27"', asserted: false, path: 'ovn.ipv4_range' },
  },
  // TestValidateSystemsIP6.
  {
    id: 'IPv6 plainGateway',
    sources: [at('TestValidateSystemsIP6', 'plainGateway', 138)],
    yaml: system(V6, ['ipv6_gateway: fc00:bad:feed::1/64']),
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'IPv6 dns',
    sources: [at('TestValidateSystemsIP6', 'dns', 141)],
    yaml: system(V6, ['ipv6_gateway: fc00:feed:f00d::1/64', 'dns_servers: 2001:4860:4860::8888,2001:4860:4860::8844']),
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'IPv6 dnsMulti',
    sources: [at('TestValidateSystemsIP6', 'dnsMulti', 145)],
    yaml: system(V6, ['ipv6_gateway: fc00:feed:f00d::1/64', 'dns_servers: 2001:4860:4860::8888,1.1.1.1']),
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'IPv6 invalidNameservers1',
    sources: [at('TestValidateSystemsIP6', 'invalidNameservers1', 158), CODE('validateSystems: "Invalid dns.nameservers"', 641)],
    yaml: system(V6, ['ipv6_gateway: fc00:feed:f00d::1/64', 'dns_servers: "8:8"']),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Invalid dns.nameservers: Item "8:8": Invalid IP "8:8"', asserted: false, path: 'ovn.dns_servers' },
  },
  {
    id: 'IPv6 invalidNameservers2',
    sources: [at('TestValidateSystemsIP6', 'invalidNameservers2', 162), CODE('validateSystems: "Invalid dns.nameservers"', 641)],
    yaml: system(V6, ['ipv6_gateway: fc00:feed:f00d::1/64', 'dns_servers: 2001:4860:4860::8888/32']),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Invalid dns.nameservers: Item "2001:4860:4860::8888/32": Invalid IP "2001:4860:4860::8888/32"', asserted: false, path: 'ovn.dns_servers' },
  },
  {
    id: 'IPv6 gatewayIsSubnetAddr',
    sources: [at('TestValidateSystemsIP6', 'gatewayIsSubnetAddr', 166), CODE('validateGatewayNet: "Invalid %s.gateway"', 581), VALIDATE('IsNetworkAddressCIDRV6', 432)],
    yaml: system(V6, ['ipv6_gateway: fc00:feed:f00d::0/64']),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Invalid ipv6.gateway "fc00:feed:f00d::0/64": Not a usable IPv6 address "fc00:feed:f00d::0/64"', asserted: false, path: 'ovn.ipv6_gateway' },
  },
  // TestValidateSystemsMultiSystem, IPv4 half.
  {
    id: 'two systems, the second inside ipv4.ovn.ranges',
    sources: [microcloud(TEST, 'TestValidateSystemsMultiSystem sys1/sys2 (line 186)'), CODE('validateSystems: "must not include system address"', 665)],
    note: 'session_passphrase added (two systems); the second system is named sys2 as in the test',
    yaml: yaml(
      'initiator_address: 10.23.1.20', 'session_passphrase: foo',
      'systems:',
      '  - {name: testSystem, address: 10.23.1.20, ovn_uplink_interface: enp6s0}',
      '  - {name: sys2, address: 10.23.1.72, ovn_uplink_interface: enp6s0}',
      'ovn:', '  ipv4_gateway: 10.23.1.1/16', '  ipv4_range: 10.23.1.50-10.23.1.100',
    ),
    upstream: { verdict: 'rejects', stage: 'run', message: 'UPLINK ipv4.ovn.ranges must not include system address "10.23.1.72"', asserted: false, path: 'ovn.ipv4_range' },
  },
];
