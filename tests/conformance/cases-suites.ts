// Preseeds MicroCloud's end-to-end suites feed to `microcloud preseed` (test/suites/*.sh) and the ones
// its documentation shows (doc/). A suite that runs a file to "MicroCloud is ready" shows it is
// accepted; one that greps the error shows the words. Shell variables are replaced by values of the
// kind the suite gives them (noted per case).
import { microcloud, yaml, type UpstreamCase } from './upstream.js';

const suite = (file: string, line: number, what: string) => microcloud(`test/suites/${file}`, `${what} (heredoc at line ${line})`);
const doc = (file: string, line: number, what: string) => microcloud(`doc/${file}`, `${what} (line ${line})`);
const LOOKUP = 'lookup_subnet: ${lookup_gateway} is `lxc network get lxdbr0 ipv4.address`, written as 10.0.0.1/24';
const ADDR = 'lookup_subnet: ${addr}/24 is micro01\'s enp5s0 address, written as 10.0.0.2/24';
const DISK = (n: number) => `/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_lxd_disk${n}`;
const FAULT = (n: number) => `Disk configuration does not meet recommendations for fault tolerance. At least 3 systems must supply disks (${n} currently supplying)`;
const OVN_FULL = ['ovn:', '  ipv4_gateway: 10.1.123.1/24', '  ipv4_range: 10.1.123.100-10.1.123.254', '  ipv6_gateway: fd42:1:1234:1234::1/64'];
const cephDisks = (...n: number[]) => ['  storage:', '    ceph:', ...n.flatMap((d) => [`      - path: ${DISK(d)}`, '        wipe: true'])];

export const SUITE_CASES: UpstreamCase[] = [
  {
    id: 'storage by path on one node and by filter on the others',
    sources: [suite('preseed.sh', 39, 'test_preseed')],
    note: LOOKUP,
    mode: 'bootstrap',
    yaml: yaml(
      'lookup_subnet: 10.0.0.1/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:',
      '- name: micro01', '  ovn_uplink_interface: enp6s0', '  ovn_underlay_ip: 10.3.123.2',
      '- name: micro02', '  ovn_underlay_ip: 10.3.123.3', '  ovn_uplink_interface: enp6s0',
      '  storage:', '    local:', `      path: ${DISK(2)}`, '      wipe: true',
      '    ceph:', `      - path: ${DISK(1)}`, '        wipe: true', '        encrypt: true',
      `      - path: ${DISK(3)}`, '        wipe: true', '        encrypt: true',
      '- name: micro03', '  ovn_underlay_ip: 10.3.123.4', '  ovn_uplink_interface: enp6s0',
      '',
      'ovn:', '  ipv4_gateway: 10.1.123.1/24', '  ipv4_range: 10.1.123.100-10.1.123.254', '  ipv6_gateway: fd42:1:1234:1234::1/64',
      '  dns_servers: 10.1.123.1,8.8.8.8,fd42:1:1234:1234::1',
      '',
      'ceph:', '  internal_network: 10.2.123.0/24', '  cephfs: true',
      '',
      'storage:',
      '  local:', '    - find: device_id == *lxd_disk1', '      find_min: 2', '      find_max: 2', '      wipe: true',
      '  ceph:', '    - find: device_id == *lxd_disk2', '      find_min: 2', '      find_max: 2', '      wipe: true', '      encrypt: true',
      '    - find: device_id == *lxd_disk3', '      find_min: 2', '      find_max: 2', '      wipe: true', '      encrypt: true',
    ),
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'grow with a new node, filter-based storage (add)',
    sources: [suite('preseed.sh', 115, 'test_preseed')],
    note: LOOKUP,
    mode: 'add',
    yaml: yaml(
      'lookup_subnet: 10.0.0.1/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:', '- name: micro04', '  ovn_uplink_interface: enp6s0', '  ovn_underlay_ip: 10.3.123.5',
      'ceph:', '  cephfs: true',
      'storage:',
      '  local:', '    - find: device_id == *lxd_disk1', '      find_min: 1', '      find_max: 1', '      wipe: true',
      '  ceph:', '    - find: device_id == *lxd_disk2', '      find_min: 1', '      find_max: 1', '      wipe: true', '      encrypt: true',
    ),
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  {
    id: 'no storage or network (FAN)',
    sources: [suite('preseed.sh', 153, 'test_preseed'), suite('preseed.sh', 186, 'test_preseed, without MicroOVN or MicroCeph')],
    note: LOOKUP,
    mode: 'bootstrap',
    yaml: yaml('lookup_subnet: 10.0.0.1/24', 'initiator: micro01', 'session_passphrase: foo', 'systems:', '- name: micro01', '- name: micro02', '- name: micro03'),
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  {
    id: 'MicroCeph across a subset of the members',
    sources: [suite('preseed.sh', 212, 'test_preseed')],
    note: LOOKUP,
    mode: 'bootstrap',
    yaml: yaml(
      'lookup_subnet: 10.0.0.1/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:',
      ...[1, 2, 3].flatMap((i) => [`- name: micro0${i}`, '  ovn_uplink_interface: enp6s0', '  storage:', '    local:', `      path: ${DISK(2)}`, '      wipe: true',
        '    ceph:', `      - path: ${DISK(1)}`, '        wipe: true', '        encrypt: true']),
      '- name: micro04', '  ovn_uplink_interface: enp6s0', '  storage:', '    local:', `      path: ${DISK(2)}`, '      wipe: true',
      '',
      'ovn:', '  ipv4_gateway: 10.1.123.1/24', '  ipv4_range: 10.1.123.100-10.1.123.254', '  ipv6_gateway: fd42:1:1234:1234::1/64',
      '  dns_servers: 10.1.123.1,8.8.8.8,fd42:1:1234:1234::1',
      '',
      'ceph:', '  cephfs: true',
    ),
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  {
    // The suite's file also has `cephfs: true` under `storage:`, a key MicroCloud ignores (and
    // microcloud-apply refuses as unknown): the verdict and the grepped words do not depend on it.
    id: 'all systems have Ceph disks and a Ceph filter',
    sources: [suite('preseed.sh', 290, 'test_preseed: grep "Ceph disk filter cannot be used…"')],
    yaml: yaml(
      'initiator: micro01', 'lookup_subnet: 10.0.0.0/8', 'session_passphrase: abcd',
      'systems:',
      '  - name: micro01', '    storage:', '      ceph:', `        - path: ${DISK(1)}`, '          wipe: true',
      '  - name: micro02', '    storage:', '      ceph:', `        - path: ${DISK(1)}`, '          wipe: true',
      'storage:', '  cephfs: true', '  ceph:', '    - find: device_id == *lxd_disk2', '      find_min: 1', '      wipe: true',
    ),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Ceph disk filter cannot be used. All systems have explicitly specified disks', asserted: true, path: 'storage.ceph' },
  },
  {
    id: 'all systems have a local disk and a local filter',
    sources: [suite('preseed.sh', 329, 'test_preseed: grep "Local disk filter cannot be used…"')],
    yaml: yaml(
      'initiator: micro01', 'lookup_subnet: 10.0.0.0/8', 'session_passphrase: abcd',
      'systems:',
      '  - name: micro01', '    storage:', '      local:', `        path: ${DISK(1)}`, '        wipe: true',
      '  - name: micro02', '    storage:', '      local:', `        path: ${DISK(1)}`, '        wipe: true',
      'storage:', '  cephfs: true', '  local:', '    - find: device_id == *lxd_disk2', '      find_min: 1', '      wipe: true',
    ),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Local disk filter cannot be used. All systems have explicitly specified a disk', asserted: true, path: 'storage.local' },
  },
  {
    id: 'IPv6-only uplink',
    sources: [suite('preseed.sh', 368, 'test_preseed')],
    note: LOOKUP,
    mode: 'bootstrap',
    yaml: yaml(
      'lookup_subnet: 10.0.0.1/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:',
      ...[1, 2, 3].flatMap((i) => [`- name: micro0${i}`, '  ovn_uplink_interface: enp6s0', '  storage:', '    local:', `      path: ${DISK(1)}`, '    ceph:', `      - path: ${DISK(2)}`]),
      'ovn:', '  ipv6_gateway: fd42:1:1234:1234::1/64', '  dns_servers: fd42:1:1234:1234::1',
      'ceph:', '  cephfs: true',
    ),
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  {
    id: 'unicast mode',
    sources: [suite('preseed.sh', 424, 'test_preseed')],
    note: '${microNN_address} (each machine\'s address from `lxc ls`) written as 10.0.0.2, 10.0.0.3, 10.0.0.4',
    mode: 'bootstrap',
    yaml: yaml(
      'initiator_address: 10.0.0.2', 'session_passphrase: foo',
      'systems:',
      ...[1, 2, 3].flatMap((i) => [`- name: micro0${i}`, `  address: 10.0.0.${i + 1}`, '  ovn_uplink_interface: enp6s0', '  storage:', '    local:', `      path: ${DISK(1)}`, '    ceph:', `      - path: ${DISK(2)}`]),
      'ovn:', '  ipv4_gateway: 10.1.123.1/24', '  ipv4_range: 10.1.123.100-10.1.123.254', '  ipv6_gateway: fd42:1:1234:1234::1/64',
      '  dns_servers: 10.1.123.1,8.8.8.8,fd42:1:1234:1234::1',
      'ceph:', '  cephfs: true',
    ),
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  {
    id: 'one system with Ceph disks (bootstrap)',
    sources: [suite('basic.sh', 1403, 'test_add_services / grow from 1 to 3'), microcloud('cmd/microcloud/preseed.go', 'Parse: fault tolerance warning (line 1129)')],
    note: ADDR,
    mode: 'bootstrap',
    yaml: yaml(
      'lookup_subnet: 10.0.0.2/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:', '- name: micro01', ...cephDisks(2, 3),
      'ovn:', '  ipv4_gateway: 10.1.123.1/24', '  ipv4_range: 10.1.123.100-10.1.123.254', '  ipv6_gateway: fd42:1:1234:1234::1/64', '  dns_servers: 10.1.123.1,8.8.8.8',
      'ceph:', '  cephfs: true',
    ),
    upstream: { verdict: 'accepts', warns: FAULT(1) },
  },
  {
    // Add mode: Parse() prints the fault-tolerance warning only when bootstrapping.
    id: 'add one system with Ceph disks (add)',
    sources: [suite('basic.sh', 1433, 'grow from 1 to 3'), microcloud('cmd/microcloud/preseed.go', 'Parse: `if c.bootstrap` around the warning (line 1120)')],
    note: ADDR,
    mode: 'add',
    yaml: yaml('lookup_subnet: 10.0.0.2/24', 'initiator: micro01', 'session_passphrase: foo', 'systems:', '- name: micro02', ...cephDisks(2, 3)),
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  {
    id: 'two systems with Ceph storage',
    sources: [suite('basic.sh', 1463, '2 systems with Ceph storage')],
    note: ADDR,
    mode: 'bootstrap',
    yaml: yaml(
      'lookup_subnet: 10.0.0.2/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:', '- name: micro01', ...cephDisks(2, 3), '- name: micro02', ...cephDisks(2, 3),
      'ovn:', '  ipv4_gateway: 10.1.123.1/24', '  ipv4_range: 10.1.123.100-10.1.123.254', '  ipv6_gateway: fd42:1:1234:1234::1/64', '  dns_servers: 10.1.123.1,8.8.8.8',
      'ceph:', '  cephfs: true',
    ),
    upstream: { verdict: 'accepts', warns: FAULT(2) },
  },
  {
    id: 'three systems, ZFS only',
    sources: [suite('instances.sh', 56, 'test_instances_config')],
    note: ADDR,
    mode: 'bootstrap',
    yaml: yaml(
      'lookup_subnet: 10.0.0.2/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:', ...[1, 2, 3].flatMap((i) => [`- name: micro0${i}`, '  storage:', '    local:', `      path: ${DISK(1)}`, '      wipe: true']),
    ),
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'three systems, Ceph with a dedicated internal network',
    sources: [suite('instances.sh', 358, 'test_instances_config')],
    note: `${ADDR}; \${ceph_dedicated_subnet_prefix} is 10.0.1`,
    mode: 'bootstrap',
    yaml: yaml(
      'lookup_subnet: 10.0.0.2/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:', ...[1, 2, 3].flatMap((i) => [`- name: micro0${i}`, ...cephDisks(2, 3)]),
      ...OVN_FULL, 'ceph:', '  internal_network: 10.0.1.0/24', '  cephfs: true',
    ),
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  {
    id: 'three systems, uplink and ZFS',
    sources: [suite('instances.sh', 167, 'test_instances_config')],
    note: ADDR,
    mode: 'bootstrap',
    yaml: yaml(
      'lookup_subnet: 10.0.0.2/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:', ...[1, 2, 3].flatMap((i) => [`- name: micro0${i}`, '  ovn_uplink_interface: enp6s0', '  storage:', '    local:', `      path: ${DISK(1)}`, '      wipe: true']),
      ...OVN_FULL,
    ),
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'two systems with underlay, Ceph public and internal networks',
    sources: [suite('instances.sh', 549, 'test_instances_launch')],
    note: `${ADDR}; \${ceph_cluster_subnet_prefix} is 10.0.1, \${ceph_public_subnet_prefix} 10.0.2`,
    mode: 'bootstrap',
    yaml: yaml(
      'lookup_subnet: 10.0.0.2/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:',
      ...[1, 2].flatMap((i) => [`- name: micro0${i}`, `  ovn_underlay_ip: 10.0.3.${i + 1}`, '  ovn_uplink_interface: enp6s0', ...cephDisks(2)]),
      ...OVN_FULL, 'ceph:', '  internal_network: 10.0.1.0/24', '  public_network: 10.0.2.0/24', '  cephfs: true',
    ),
    upstream: { verdict: 'accepts', warns: FAULT(2) },
  },
  {
    id: 'add a third system with an OSD (add)',
    sources: [suite('instances.sh', 585, 'test_instances_launch')],
    note: ADDR,
    mode: 'add',
    yaml: yaml(
      'lookup_subnet: 10.0.0.2/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:', '- name: micro03', '  ovn_underlay_ip: 10.0.3.4', '  ovn_uplink_interface: enp6s0', ...cephDisks(2),
    ),
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  {
    id: 'add a node without OSDs (add)',
    sources: [suite('instances.sh', 646, 'test_instances_launch')],
    note: ADDR,
    mode: 'add',
    yaml: yaml('lookup_subnet: 10.0.0.2/24', 'initiator: micro01', 'session_passphrase: foo', 'systems:', '- name: micro04', '  ovn_underlay_ip: 10.0.3.5', '  ovn_uplink_interface: enp6s0'),
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  // Documentation.
  {
    id: 'how-to initialize: explicit local and Ceph disks',
    sources: [doc('how-to/initialize.md', 200, 'Initialize MicroCloud with a preseed file')],
    mode: 'bootstrap',
    yaml: yaml(
      'lookup_subnet: 10.0.0.0/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:',
      ...[1, 2, 3].flatMap((i) => [`- name: micro0${i}`, '  ovn_uplink_interface: eth1', '  storage:', '    local:', '      path: /dev/sdb', '    ceph:', '      - path: /dev/sdc']),
      'ovn:', '  ipv4_gateway: 192.0.2.1/24', '  ipv4_range: 192.0.2.100-192.0.2.254',
    ),
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  {
    // The documented filter quotes a one-word value; LXD's filter.Parse looks for the closing quote
    // only on the words after the opening one, finds none, and fails (shared/filter/clause.go).
    id: 'how-to initialize: local filter `model == "<vendor>"`',
    sources: [doc('how-to/initialize.md', 244, 'Use storage disk filters'), microcloud('cmd/microcloud/preseed.go', 'Parse: "Failed to apply filter for local disks" (line 1099)')],
    note: 'the documented `storage:` fragment, in a one-system multicast file',
    yaml: yaml('initiator: micro01', 'lookup_subnet: 10.0.0.0/24', 'systems:', '- name: micro01', 'storage:', '  local:', '    - find: type == nvme && model == "<vendor>"'),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Failed to apply filter for local disks: unterminated quote', asserted: false, path: 'storage.local[0].find' },
  },
  {
    id: 'how-to initialize: Ceph filter `model == "<vendor2>"`',
    sources: [doc('how-to/initialize.md', 252, 'Use storage disk filters'), microcloud('cmd/microcloud/preseed.go', 'Parse: "Failed to apply filter for ceph disks" (line 1013)')],
    note: 'the documented `storage:` fragment, in a one-system multicast file',
    yaml: yaml('initiator: micro01', 'lookup_subnet: 10.0.0.0/24', 'systems:', '- name: micro01', 'storage:', '  ceph:', '    - find: size > 1TiB && model == "<vendor2>"', '      find_min: 6', '      find_max: 8'),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Failed to apply filter for ceph disks: unterminated quote', asserted: false, path: 'storage.ceph[0].find' },
  },
  {
    id: 'how-to add a member (add, uplink without gateway)',
    sources: [doc('how-to/member_add.md', 45, 'Add a cluster member with a preseed file')],
    mode: 'add',
    yaml: yaml(
      'lookup_subnet: 10.0.0.0/24', 'initiator: micro01', 'session_passphrase: foo',
      'systems:', '- name: micro04', '  ovn_uplink_interface: eth1', '  storage:', '    local:', '      path: /dev/sdb', '    ceph:', '      - path: /dev/sdc',
    ),
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  {
    // The reference file shows every key, including both discovery modes at once.
    id: 'reference preseed.yaml, as shipped',
    sources: [doc('reference/preseed.yaml', 5, 'initiator and initiator_address both set'), microcloud('cmd/microcloud/preseed.go', 'validate (line 346)')],
    yaml: yaml(
      'initiator: micro01', 'initiator_address: 10.0.0.1', 'lookup_subnet: 10.0.0.0/24', 'lookup_timeout: 300',
      'session_passphrase: 83P27XWKbDczUyE7xaX3pgVfaEacfQ2qiQ0r6gPb', 'session_timeout: 300',
      'systems:',
      '- name: micro01', '  address: 10.0.0.1', '  ovn_uplink_interface: eth1', '  ovn_underlay_ip: 10.0.2.101',
      '- name: micro02', '  address: 10.0.0.2', '  ovn_uplink_interface: eth1', '  ovn_underlay_ip: 10.0.2.102',
      '  storage:', '    local:', '      path: /dev/nvme5n1', '      wipe: true',
      '    ceph:', '      - path: /dev/nvme4n1', '        wipe: true', '      - path: nvme3n1', '        wipe: true', '        encrypt: true',
      '- name: micro03', '  address: 10.0.0.3', '  ovn_uplink_interface: eth1', '  ovn_underlay_ip: 10.0.2.103',
      '- name: micro04', '  address: 10.0.0.4', '  ovn_uplink_interface: eth1',
      'ceph:', '  cephfs: true', '  internal_network: 10.0.1.0/24', '  public_network: 10.0.0.0/24',
      'ovn:', '  ipv4_gateway: 192.0.2.1/24', '  ipv4_range: 192.0.2.100-192.0.2.254', '  ipv6_gateway: 2001:db8:d:200::1/64', '  dns_servers: 192.0.2.1,2001:db8:d:200::1',
      'storage:',
      '  local:',
      '    - find: size > 10GiB && size < 50GiB && type == nvme', '      find_min: 1', '      find_max: 1', '      wipe: true',
      "    - find: size > 10GiB && size < 50GiB && type == hdd && block_size == 512 && model == 'Samsung %'", '      find_min: 3', '      find_max: 3', '      wipe: false',
      '  ceph:',
      '    - find: size > 10GiB && size < 50GiB && type == nvme', '      find_min: 1', '      find_max: 2', '      wipe: true',
      "    - find: size > 10GiB && size < 50GiB && type == hdd && block_size == 512 && model == 'Samsung %'", '      find_min: 3', '      find_max: 8', '      wipe: false',
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: "Cannot provide both the initiator's name and address", asserted: false, path: 'initiator_address' },
  },
  {
    // The same file in one discovery mode (unicast: `initiator` and `lookup_subnet` removed): micro04
    // still has no ovn_underlay_ip while the others have one.
    id: 'reference preseed.yaml, unicast keys only',
    sources: [doc('reference/preseed.yaml', 59, 'systems: micro04 without ovn_underlay_ip'), microcloud('cmd/microcloud/preseed.go', 'validate (line 429)')],
    note: 'initiator and lookup_subnet removed; comments dropped',
    yaml: yaml(
      'initiator_address: 10.0.0.1', 'lookup_timeout: 300',
      'session_passphrase: 83P27XWKbDczUyE7xaX3pgVfaEacfQ2qiQ0r6gPb', 'session_timeout: 300',
      'systems:',
      '- name: micro01', '  address: 10.0.0.1', '  ovn_uplink_interface: eth1', '  ovn_underlay_ip: 10.0.2.101',
      '- name: micro02', '  address: 10.0.0.2', '  ovn_uplink_interface: eth1', '  ovn_underlay_ip: 10.0.2.102',
      '  storage:', '    local:', '      path: /dev/nvme5n1', '      wipe: true',
      '    ceph:', '      - path: /dev/nvme4n1', '        wipe: true', '      - path: nvme3n1', '        wipe: true', '        encrypt: true',
      '- name: micro03', '  address: 10.0.0.3', '  ovn_uplink_interface: eth1', '  ovn_underlay_ip: 10.0.2.103',
      '- name: micro04', '  address: 10.0.0.4', '  ovn_uplink_interface: eth1',
      'ceph:', '  cephfs: true', '  internal_network: 10.0.1.0/24', '  public_network: 10.0.0.0/24',
      'ovn:', '  ipv4_gateway: 192.0.2.1/24', '  ipv4_range: 192.0.2.100-192.0.2.254', '  ipv6_gateway: 2001:db8:d:200::1/64', '  dns_servers: 192.0.2.1,2001:db8:d:200::1',
      'storage:',
      '  local:',
      '    - find: size > 10GiB && size < 50GiB && type == nvme', '      find_min: 1', '      find_max: 1', '      wipe: true',
      "    - find: size > 10GiB && size < 50GiB && type == hdd && block_size == 512 && model == 'Samsung %'", '      find_min: 3', '      find_max: 3', '      wipe: false',
      '  ceph:',
      '    - find: size > 10GiB && size < 50GiB && type == nvme', '      find_min: 1', '      find_max: 2', '      wipe: true',
      "    - find: size > 10GiB && size < 50GiB && type == hdd && block_size == 512 && model == 'Samsung %'", '      find_min: 3', '      find_max: 8', '      wipe: false',
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Some systems are missing an underlay interface', asserted: false, path: 'systems[3]' },
  },
];
