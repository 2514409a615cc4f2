// Every invalid input is reported with its key path, its line and a message an operator can act on.
import { errorsOf, load, unicast } from '../helpers/preseed.js';

interface Case {
  name: string;
  lines: string[];
  path: string;
  line: number;
  message: RegExp;
  hint?: RegExp;
}

const BASE = unicast();

const cases: Case[] = [
  // Shape: unknown keys, with suggestions
  { name: 'top-level typo', lines: ['lookup_timout: 30', ...BASE], path: 'lookup_timout', line: 1, message: /unknown key "lookup_timout"/, hint: /did you mean "lookup_timeout"/ },
  { name: 'system key typo', lines: unicast({ perSystem: (i) => (i === 2 ? ['    adress: 10.0.0.99'] : []) }), path: 'systems[1].adress', line: 8, message: /unknown key "adress"/, hint: /"address"/ },
  { name: 'ceph disk key typo', lines: unicast({ perSystem: (i) => (i === 3 ? ['    storage:', '      ceph:', '        - pth: /dev/sdb'] : []) }), path: 'systems[2].storage.ceph[0].pth', line: 12, message: /unknown key "pth"/, hint: /"path"/ },
  { name: 'unknown key without close match', lines: ['flavour_of_the_day: x', ...BASE], path: 'flavour_of_the_day', line: 1, message: /unknown key/, hint: /allowed keys here: .*lookup_subnet/ },
  { name: 'ovn key typo', lines: [...BASE, 'ovn:', '  ipv4_gatway: 192.0.2.1/24'], path: 'ovn.ipv4_gatway', line: 11, message: /unknown key/, hint: /ipv4_gateway/ },
  { name: 'ceph key typo', lines: [...BASE, 'ceph:', '  cephs: true'], path: 'ceph.cephs', line: 11, message: /unknown key/, hint: /cephfs/ },
  { name: 'storage: {cephfs: true} (silently ignored by MicroCloud)', lines: [...BASE, 'storage:', '  cephfs: true'], path: 'storage.cephfs', line: 11, message: /unknown key "cephfs"/ },
  { name: 'ssh key typo', lines: [...BASE, 'ssh:', '  usr: root'], path: 'ssh.usr', line: 11, message: /unknown key/, hint: /"user"/ },
  { name: 'removed lookup_interface key', lines: ['lookup_interface: eth0', ...BASE], path: 'lookup_interface', line: 1, message: /unknown key "lookup_interface"/ },
  // Shape: types and formats
  { name: 'timeout as string', lines: ['lookup_timeout: 60s', ...BASE], path: 'lookup_timeout', line: 1, message: /must be a whole number, not the string "60s"/ },
  { name: 'session_timeout over an hour', lines: ['session_timeout: 7200', ...BASE], path: 'session_timeout', line: 1, message: /at most 3600/ },
  { name: 'systems not a list', lines: ['initiator_address: 10.0.0.11', 'systems: n1'], path: 'systems', line: 2, message: /must be a list/ },
  { name: 'empty systems', lines: ['initiator_address: 10.0.0.11', 'systems: []'], path: 'systems', line: 2, message: /^No systems given$/ },
  { name: 'system without name', lines: ['initiator_address: 10.0.0.11', 'systems:', '  - address: 10.0.0.11'], path: 'systems[0].name', line: 3, message: /^Missing system name$/ },
  { name: 'no systems key', lines: ['initiator_address: 10.0.0.11'], path: 'systems', line: 1, message: /^No systems given$/ },
  { name: 'bad system address', lines: unicast({ perSystem: (i) => (i === 1 ? [] : []) }).map((l) => l.replace('10.0.0.12', '10.0.0.312')), path: 'systems[1].address', line: 7, message: /not a valid IP address/ },
  { name: 'leading zeros in an IPv4 address (Go rejects them)', lines: BASE.map((l) => l.replace('address: 10.0.0.13', 'address: 10.0.0.013')), path: 'systems[2].address', line: 9, message: /not a valid IP address/ },
  { name: 'bad initiator address', lines: BASE.map((l) => l.replace('initiator_address: 10.0.0.11', 'initiator_address: node1')), path: 'initiator_address', line: 1, message: /not a valid IP address/ },
  { name: 'bad underlay IP (CIDR given)', lines: unicast({ perSystem: (i) => [`    ovn_underlay_ip: 10.0.2.1${i}${i === 2 ? '/24' : ''}`] }), path: 'systems[1].ovn_underlay_ip', line: 9, message: /not a valid IP address/ },
  { name: 'bad lookup subnet', lines: ['initiator: n1', 'lookup_subnet: 10.0.0.0/33', 'systems:', '  - name: n1'], path: 'lookup_subnet', line: 2, message: /^invalid CIDR address: 10\.0\.0\.0\/33$/ },
  { name: 'gateway without prefix', lines: [...BASE, 'ovn:', '  ipv4_gateway: 192.0.2.1', '  ipv4_range: 192.0.2.100-192.0.2.200'], path: 'ovn.ipv4_gateway', line: 11, message: /^invalid CIDR address: 192\.0\.2\.1$/ },
  { name: 'IPv6 in ipv4_gateway', lines: [...BASE, 'ovn:', '  ipv4_gateway: 2001:db8::1/64', '  ipv4_range: 192.0.2.100-192.0.2.200'], path: 'ovn.ipv4_gateway', line: 11, message: /IPv4/ },
  { name: 'IPv4 in ipv6_gateway', lines: [...BASE, 'ovn:', '  ipv6_gateway: 192.0.2.1/24'], path: 'ovn.ipv6_gateway', line: 11, message: /IPv6/ },
  { name: 'range not of the form ip-ip', lines: [...BASE, 'ovn:', '  ipv4_gateway: 192.0.2.1/24', '  ipv4_range: 192.0.2.100'], path: 'ovn.ipv4_range', line: 12, message: /must be of the form <ip>-<ip>/ },
  { name: 'range reversed', lines: [...BASE, 'ovn:', '  ipv4_gateway: 192.0.2.1/24', '  ipv4_range: 192.0.2.200-192.0.2.100'], path: 'ovn.ipv4_range', line: 12, message: /Start IP "192\.0\.2\.200" must be less than End IP "192\.0\.2\.100"/, hint: /first address, a dash, then the last/ },
  { name: 'DNS server not an IP', lines: [...BASE, 'ovn:', '  ipv6_gateway: 2001:db8::1/64', '  dns_servers: 1.1.1.1,dns.google'], path: 'ovn.dns_servers', line: 12, message: /^Invalid dns\.nameservers: Item "dns\.google": Invalid IP "dns\.google"$/, hint: /comma/ },
  { name: 'wipe as string', lines: unicast({ perSystem: (i) => (i === 1 ? ['    storage:', '      local: {path: /dev/sdb, wipe: "maybe"}'] : []) }), path: 'systems[0].storage.local.wipe', line: 7, message: /must be true or false/ },
  { name: 'disk path with a space', lines: unicast({ perSystem: () => ['    storage:', '      ceph:', '        - path: /dev/disk/by-id/my disk'] }), path: 'systems[0].storage.ceph[0].path', line: 8, message: /not in the expected form/, hint: /device path/ },
  { name: 'local given as a list', lines: unicast({ perSystem: (i) => (i === 1 ? ['    storage:', '      local:', '        - path: /dev/sdb'] : []) }), path: 'systems[0].storage.local', line: 8, message: /must be a mapping/ },
  { name: 'invalid uplink interface name', lines: unicast({ perSystem: (i) => [`    ovn_uplink_interface: ${i === 3 ? 'a-very-long-interface-name' : 'eth1'}`] }).concat(['ovn:', '  ipv6_gateway: 2001:db8::1/64']), path: 'systems[2].ovn_uplink_interface', line: 12, message: /not a valid interface name: it is 26 bytes long, and Linux allows at most 15/, hint: /1 to 15 bytes/ },
  { name: '".." as the uplink interface', lines: unicast({ perSystem: (i) => [`    ovn_uplink_interface: ${i === 2 ? '".."' : 'eth1'}`] }).concat(['ovn:', '  ipv6_gateway: 2001:db8::1/64']), path: 'systems[1].ovn_uplink_interface', line: 9, message: /Linux refuses "\." and "\.\."/ },
  { name: 'NUL in a disk path', lines: unicast({ perSystem: (i) => (i === 1 ? ['    storage:', '      ceph:', '        - path: "/dev/sd\\0b"'] : []) }), path: 'systems[0].storage.ceph[0].path', line: 8, message: /contains U\+0000 \(NULL\) at position 8, a control character/, hint: /escapes such as \\0/ },
  { name: 'RTL override in a disk path', lines: unicast({ perSystem: (i) => (i === 1 ? ['    storage:', '      local: {path: "/dev/disk/by-id/\u202e4vme"}'] : []) }), path: 'systems[0].storage.local.path', line: 7, message: /contains U\+202E \(RIGHT-TO-LEFT OVERRIDE\) at position 17/, hint: /retype/ },
  { name: 'bad system name', lines: BASE.map((l) => l.replace('name: n2', 'name: "node 2"')), path: 'systems[1].name', line: 6, message: /not a valid host name/ },
  { name: 'malformed host key', lines: unicast({ perSystem: (i) => (i === 1 ? ['    ssh:', '      host_key: "SHA256:abc"'] : []) }), path: 'systems[0].ssh.host_key', line: 7, message: /expected form/, hint: /ssh-keygen -lf/ },
  { name: 'ssh port out of range', lines: [...BASE, 'ssh:', '  port: 70000'], path: 'ssh.port', line: 11, message: /at most 65535/ },
  { name: 'bad jump host', lines: [...BASE, 'ssh:', '  jump: "user@host:port:extra"'], path: 'ssh.jump', line: 11, message: /expected form/, hint: /-J/ },
  { name: 'empty passphrase (MicroCloud reads "" as none)', lines: BASE.map((l) => l.replace('session_passphrase: s3cret-Passphrase-42', 'session_passphrase: ""')), path: '', line: 1, message: /^Missing session passphrase$/ },
  // MicroCloud's validate()
  { name: 'neither initiator nor address', lines: ['session_passphrase: x', 'systems:', '  - name: n1', '  - name: n2'], path: '', line: 1, message: /Missing initiator's name or address/ },
  { name: 'both initiator and address', lines: ['initiator: n1', ...BASE], path: 'initiator_address', line: 2, message: /Cannot provide both the initiator's name and address/ },
  { name: 'initiator without lookup subnet', lines: ['initiator: n1', 'session_passphrase: x', 'systems:', '  - name: n1', '  - name: n2'], path: 'initiator', line: 1, message: /Missing lookup subnet/ },
  { name: 'initiator address with lookup subnet', lines: ['lookup_subnet: 10.0.0.0/24', ...BASE], path: 'lookup_subnet', line: 1, message: /Cannot provide both the initiator's address and lookup subnet/ },
  { name: 'passphrase missing for several systems', lines: BASE.filter((l) => !l.startsWith('session_passphrase')), path: '', line: 1, message: /Missing session passphrase/ },
  { name: 'system address in multicast mode', lines: ['initiator: n1', 'lookup_subnet: 10.0.0.0/24', 'session_passphrase: x', 'systems:', '  - name: n1', '  - name: n2', '    address: 10.0.0.12'], path: 'systems[1].address', line: 7, message: /Cannot provide both the address for system "n2" and the lookup subnet/ },
  { name: 'missing address in unicast mode', lines: BASE.filter((l) => l !== '    address: 10.0.0.13'), path: 'systems[2]', line: 8, message: /Missing address for system "n3" when the initiator's address is set/ },
  { name: 'duplicate system name', lines: BASE.map((l) => l.replace('name: n3', 'name: n1')), path: 'systems[2].name', line: 8, message: /Duplicate system name "n1"/ },
  { name: 'uplink on some systems only', lines: unicast({ perSystem: (i) => (i < 3 ? ['    ovn_uplink_interface: eth1'] : []), tail: ['ovn:', '  ipv6_gateway: 2001:db8::1/64'] }), path: 'systems[2]', line: 10, message: /Some systems are missing an uplink interface: "n3"/ },
  { name: 'underlay on some systems only', lines: unicast({ perSystem: (i) => (i === 1 ? ['    ovn_underlay_ip: 10.0.2.11'] : []) }), path: 'systems[1]', line: 7, message: /missing an underlay interface: "n2"/ },
  { name: 'local disk on some systems only, no filter', lines: unicast({ perSystem: (i) => (i !== 2 ? ['    storage:', `      local: {path: /dev/disk/by-id/d${i}}`] : []) }), path: 'systems[1]', line: 8, message: /missing local storage disks: "n2"/ },
  { name: 'uplink without any gateway', lines: unicast({ perSystem: () => ['    ovn_uplink_interface: eth1'] }), path: 'systems[0].ovn_uplink_interface', line: 6, message: /Either the IPv4 or IPv6 gateway has to be set/ },
  { name: 'range without gateway', lines: [...BASE, 'ovn:', '  ipv6_gateway: 2001:db8::1/64', '  ipv4_range: 192.0.2.100-192.0.2.200'], path: 'ovn.ipv4_range', line: 12, message: /Cannot specify IPv4 range without IPv4 gateway/ },
  { name: 'gateway without range', lines: [...BASE, 'ovn:', '  ipv4_gateway: 192.0.2.1/24'], path: 'ovn.ipv4_gateway', line: 11, message: /^Cannot specify IPv4 range without IPv4 gateway$/, hint: /needs `ipv4_range:`/ },
  { name: 'IPv4 gateway that is its subnet\'s address', lines: [...BASE, 'ovn:', '  ipv4_gateway: 192.168.28.0/24', '  ipv4_range: 192.168.28.100-192.168.28.200'], path: 'ovn.ipv4_gateway', line: 11, message: /^Invalid ipv4\.gateway "192\.168\.28\.0\/24": Not a usable IPv4 address "192\.168\.28\.0\/24"$/ },
  { name: 'IPv6 gateway that is its subnet\'s address', lines: [...BASE, 'ovn:', '  ipv6_gateway: 2001:db8::/64'], path: 'ovn.ipv6_gateway', line: 11, message: /^Invalid ipv6\.gateway "2001:db8::\/64": Not a usable IPv6 address "2001:db8::\/64"$/ },
  { name: 'Ceph network without Ceph disks', lines: [...BASE, 'ceph:', '  public_network: 10.0.0.0/24'], path: 'ceph.public_network', line: 11, message: /Cannot specify a Ceph public network without Ceph storage disks/ },
  { name: 'Ceph network of one address', lines: unicast({ perSystem: (i) => ['    storage:', '      ceph:', `        - path: /dev/disk/by-id/c${i}`], tail: ['ceph:', '  internal_network: 10.0.1.5/32'] }), path: 'ceph.internal_network', line: 20, message: /must have more than one address/ },
  { name: 'empty filter', lines: [...BASE, 'storage:', '  ceph:', '    - find: "  "', '      find_min: 1'], path: 'storage.ceph[0].find', line: 12, message: /Received empty remote disk filter/ },
  { name: 'find_max below find_min', lines: [...BASE, 'storage:', '  local:', '    - find: "type == nvme"', '      find_min: 3', '      find_max: 2'], path: 'storage.local[0].find_max', line: 14, message: /^Invalid local storage filter constraints find_max \(2\) larger than find_min \(3\)$/ },
  { name: 'Ceph filter without find_min', lines: [...BASE, 'storage:', '  ceph:', '    - find: "type == nvme"'], path: 'storage.ceph[0]', line: 12, message: /find_min less than 1/, hint: /find_min: 1/ },
  { name: 'Ceph filter while every system lists Ceph disks', lines: unicast({ perSystem: (i) => ['    storage:', '      ceph:', `        - path: /dev/disk/by-id/c${i}`], tail: ['storage:', '  ceph:', '    - {find: "type == nvme", find_min: 1}'] }), path: 'storage.ceph', line: 20, message: /Ceph disk filter cannot be used\. All systems have explicitly specified disks/ },
  // What MicroCloud finds only at run time
  { name: 'range outside the gateway subnet', lines: [...BASE, 'ovn:', '  ipv4_gateway: 192.0.2.1/24', '  ipv4_range: 192.0.3.10-192.0.3.20'], path: 'ovn.ipv4_range', line: 12, message: /^Invalid ipv4\.ovn\.ranges "192\.0\.3\.10-192\.0\.3\.20": IP range "192\.0\.3\.10-192\.0\.3\.20" does not fall within any of the allowed networks \[192\.0\.2\.0\/24\]$/ },
  { name: 'range includes the gateway', lines: [...BASE, 'ovn:', '  ipv4_gateway: 192.0.2.1/24', '  ipv4_range: 192.0.2.1-192.0.2.20'], path: 'ovn.ipv4_range', line: 12, message: /^UPLINK ipv4\.ovn\.ranges must not include gateway address "192\.0\.2\.1"$/ },
  { name: 'range includes a system address', lines: [...BASE, 'ovn:', '  ipv4_gateway: 10.0.0.1/24', '  ipv4_range: 10.0.0.10-10.0.0.20'], path: 'ovn.ipv4_range', line: 12, message: /must not include system address "10\.0\.0\.12" \(system "n2"\)/ },
  { name: 'two systems with one address', lines: BASE.map((l) => l.replace('10.0.0.13', '10.0.0.12')), path: 'systems[2].address', line: 9, message: /address 10\.0\.0\.12 is already used by systems\[1\]/ },
  { name: 'same address, IPv4 and IPv4-mapped IPv6', lines: ['initiator_address: 10.0.0.11', 'session_passphrase: x', 'systems:', '  - {name: a, address: 10.0.0.11}', '  - {name: b, address: "::ffff:10.0.0.11"}'], path: 'systems[1].address', line: 5, message: /^address 10\.0\.0\.11 is already used by systems\[0\] \("a"\)$/ },
  { name: 'same address written differently (IPv6)', lines: ['initiator_address: 2001:db8::11', 'session_passphrase: x', 'systems:', '  - {name: a, address: "2001:db8::11"}', '  - {name: b, address: "2001:DB8:0:0:0:0:0:11"}'], path: 'systems[1].address', line: 5, message: /already used by systems\[0\]/ },
  { name: 'disk used twice on one system', lines: unicast({ perSystem: (i) => ['    storage:', `      local: {path: /dev/disk/by-id/d${i}}`, '      ceph:', `        - path: /dev/disk/by-id/d${i}`] }), path: 'systems[0].storage.ceph[0].path', line: 9, message: /disk \/dev\/disk\/by-id\/d1 is already used at systems\[0\]\.storage\.local/ },
  { name: 'two systems on one SSH endpoint', lines: unicast({ perSystem: (i) => ['    ssh: {host: 127.0.0.1, port: 2200}'.replace('2200', i === 3 ? '2201' : '2200')] }), path: 'systems[1]', line: 7, message: /same SSH endpoint \(127\.0\.0\.1 port 2200\) as systems\[0\]/ },
  { name: 'nesting past the limit', lines: [...BASE, `x: ${'['.repeat(100)}`], path: '', line: 10, message: /nested more than 64 levels deep/, hint: /never closed/ },
  { name: 'malformed disk filter', lines: [...BASE, 'storage:', '  ceph:', '    - find: "size>1GiB"', '      find_min: 1'], path: 'storage.ceph[0].find', line: 12, message: /^Failed to apply filter for ceph disks: clause has no operator \(expected an operator after "size>1GiB"/ },
];

describe('invalid preseeds', () => {
  test('there are at least 40 of them', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = load(...c.lines);
    expect(result.desired).toBeNull();
    const match = errorsOf(result).find((d) => c.message.test(d.message));
    if (!match) throw new Error(`no error matching ${c.message}; got:\n${result.diagnostics.map((d) => `${d.path}@${d.line}: ${d.message}`).join('\n')}`);
    expect({ path: match.path, line: match.line }).toEqual({ path: c.path, line: c.line });
    expect(match.column).toBeGreaterThanOrEqual(1);
    expect(match.file).toBe('site.yaml');
    if (c.hint) expect(match.hint ?? '').toMatch(c.hint);
  });
});
