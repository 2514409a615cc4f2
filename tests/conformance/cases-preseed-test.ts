// MicroCloud's own unit tests of the preseed reader, as files: cmd/microcloud/preseed_test.go builds
// Preseed structs and calls validate(); each struct is written here as the YAML that decodes to it
// (a zero value is the key left out, as yaml.v3 leaves it). validate() runs with bootstrap=true and
// the hostname n1, then bootstrap=false; a file has one mode, isBootstrap()'s, so each case is run
// the way `microcloud preseed` would run it.
import { microcloud, yaml, type UpstreamCase } from './upstream.js';

const TEST = 'cmd/microcloud/preseed_test.go';
const CODE = 'cmd/microcloud/preseed.go';
const validate = (line: number, desc: string) => microcloud(TEST, `Test_preseedValidateInvalid "${desc}" (line ${line})`);

// The OVN and filter fixtures several cases share.
const OVN = ['ovn:', '  ipv4_gateway: 10.0.0.1/24', '  ipv4_range: 10.0.0.100-10.0.0.254', '  ipv6_gateway: cafe::1/64'];
const FILTERS = (cephMin: number) => [
  'storage:',
  '  local:',
  '    - {find: abc, find_min: 0, find_max: 3, wipe: false}',
  '  ceph:',
  `    - {find: def, find_min: ${cephMin}, find_max: 3, wipe: false}`,
];

export const PRESEED_TEST_CASES: UpstreamCase[] = [
  {
    id: 'No systems',
    sources: [validate(29, 'No systems')],
    yaml: yaml(...OVN, ...FILTERS(0)),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'No systems given', asserted: true, path: 'systems' },
  },
  {
    id: 'Duplicate systems',
    sources: [validate(42, 'Duplicate systems')],
    yaml: yaml('session_passphrase: foo', 'initiator: n1', 'lookup_subnet: 10.0.1.0/24', 'systems:', '  - name: n1', '  - name: n1'),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Duplicate system name "n1"', asserted: true, path: 'systems[1].name' },
  },
  {
    // validate() accepts it (the test asserts no error); the run stops at the first filter it applies,
    // a Ceph one (Parse(), preseed.go line 1013), because LXD's filter.Parse needs field, operator and
    // value (shared/filter/clause_test.go: "foo" → "clause has no operator").
    id: 'Single node preseed (its filters "abc" and "def" are not expressions)',
    sources: [validate(53, 'Single node preseed'), microcloud(CODE, 'Parse: "Failed to apply filter for ceph disks" (line 1013)')],
    yaml: yaml(
      'initiator: n1', 'lookup_subnet: 10.0.1.0/24',
      'systems:', '  - name: n1', '    ovn_uplink_interface: eth0',
      ...OVN, ...FILTERS(1),
    ),
    upstream: { verdict: 'rejects', stage: 'run', message: 'Failed to apply filter for ceph disks: clause has no operator', asserted: false, path: 'storage.ceph[0].find' },
  },
  {
    id: 'Missing session passphrase',
    sources: [validate(68, 'Missing session passphrase')],
    yaml: yaml('initiator: n1', 'lookup_subnet: 10.0.1.0/24', 'systems:', '  - name: n1', '  - name: n2'),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Missing session passphrase', asserted: true },
  },
  {
    id: "Missing initiator's name or address",
    sources: [validate(78, "Missing initiator's name or address")],
    yaml: yaml('systems:', '  - name: n1'),
    upstream: { verdict: 'rejects', stage: 'validate', message: "Missing initiator's name or address", asserted: true },
  },
  {
    id: "Cannot provide both the initiator's name and address",
    sources: [validate(86, "Cannot provide both the initiator's name and address")],
    yaml: yaml('initiator: n1', 'initiator_address: 1.0.0.1', 'systems:', '  - name: n1'),
    upstream: { verdict: 'rejects', stage: 'validate', message: "Cannot provide both the initiator's name and address", asserted: true, path: 'initiator_address' },
  },
  {
    id: "Cannot provide both the initiator's address and lookup subnet",
    sources: [validate(96, "Cannot provide both the initiator's address and lookup subnet")],
    yaml: yaml('initiator_address: 1.0.0.1', 'lookup_subnet: 1.0.0.0/24', 'systems:', '  - name: n1'),
    upstream: { verdict: 'rejects', stage: 'validate', message: "Cannot provide both the initiator's address and lookup subnet", asserted: true, path: 'lookup_subnet' },
  },
  {
    id: 'Cannot provide both system address and lookup subnet',
    sources: [validate(106, 'Cannot provide both system address and lookup subnet')],
    yaml: yaml('initiator: n1', 'lookup_subnet: 1.0.0.0/24', 'systems:', '  - name: n1', '    address: 1.0.0.1'),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Cannot provide both the address for system "n1" and the lookup subnet', asserted: true, path: 'systems[0].address' },
  },
  {
    id: 'Missing initiator address if one system has an address',
    sources: [validate(116, 'Missing initiator address if one system has an address')],
    yaml: yaml('systems:', '  - name: n1', '    address: 1.0.0.1'),
    upstream: { verdict: 'rejects', stage: 'validate', message: "Missing initiator's name or address", asserted: true },
  },
  {
    id: 'Missing listen address',
    sources: [validate(124, 'Missing listen address')],
    yaml: yaml('session_passphrase: foo', 'initiator_address: 1.0.0.1', 'systems:', '  - name: n1', '  - name: n2', '    address: 1.0.0.2'),
    upstream: { verdict: 'rejects', stage: 'validate', message: `Missing address for system "n1" when the initiator's address is set`, asserted: true, path: 'systems[0]' },
  },
  {
    id: 'Systems missing name',
    sources: [validate(135, 'Systems missing name')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:',
      '  - name: ""', '    ovn_uplink_interface: eth0', '    address: 1.0.0.1',
      '  - name: n2', '    ovn_uplink_interface: eth0', '    address: 1.0.0.2',
      ...OVN, ...FILTERS(0),
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Missing system name', asserted: true, path: 'systems[0].name' },
  },
  {
    id: 'FindMin too low for ceph filter',
    sources: [validate(150, 'FindMin too low for ceph filter')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:', '  - {name: n1, address: 1.0.0.1}', '  - {name: n2, address: 1.0.0.2}',
      ...FILTERS(0),
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Remote storage filter cannot be defined with find_min less than 1', asserted: true, path: 'storage.ceph[0].find_min' },
  },
  {
    // Path "def" is the test's placeholder: MicroCloud passes a direct path on as it is written.
    id: 'Ceph direct selection (3) with more systems (4)',
    sources: [validate(164, 'Ceph direct selection (3) with more systems (4)')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:',
      '  - {name: n1, address: 1.0.0.1, storage: {ceph: [{path: def}]}}',
      '  - {name: n2, address: 1.0.0.2, storage: {ceph: [{path: def}]}}',
      '  - {name: n3, address: 1.0.0.3, storage: {ceph: [{path: def}]}}',
      '  - {name: n4, address: 1.0.0.4}',
    ),
    mode: 'bootstrap',
    upstream: { verdict: 'accepts', silent: /fault tolerance/ },
  },
  {
    // Bootstrap with one system supplying Ceph disks: accepted, and Parse() prints the warning.
    id: 'Minimum ceph direct selection (1) with more systems (4)',
    sources: [validate(178, 'Minimum ceph direct selection (1) with more systems (4)'), microcloud(CODE, 'Parse: fault tolerance warning (line 1129)')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:',
      '  - {name: n1, address: 1.0.0.1, storage: {ceph: [{path: def}]}}',
      '  - {name: n2, address: 1.0.0.2}',
      '  - {name: n3, address: 1.0.0.3}',
      '  - {name: n4, address: 1.0.0.4}',
    ),
    mode: 'bootstrap',
    upstream: { verdict: 'accepts', warns: 'Disk configuration does not meet recommendations for fault tolerance. At least 3 systems must supply disks (1 currently supplying)' },
  },
  {
    id: 'Incomplete zfs direct selection',
    sources: [validate(192, 'Incomplete zfs direct selection')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:',
      '  - {name: n1, address: 1.0.0.1, storage: {local: {path: def}}}',
      '  - {name: n2, address: 1.0.0.2, storage: {local: {path: def}}}',
      '  - {name: n3, address: 1.0.0.3}',
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Some systems are missing local storage disks', asserted: true, path: 'systems[2]' },
  },
  {
    id: 'Invalid zfs filter constraint',
    sources: [validate(202, 'Invalid zfs filter constraint')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:', '  - {name: n1, address: 1.0.0.1}', '  - {name: n2, address: 1.0.0.2}',
      'storage:', '  local:', '    - {find: abc, find_min: 3, find_max: 2, wipe: false}',
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Invalid local storage filter constraints find_max (2) larger than find_min (3)', asserted: true, path: 'storage.local[0].find_max' },
  },
  {
    id: 'Invalid zfs filter value',
    sources: [validate(215, 'Invalid zfs filter value')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:', '  - {name: n1, address: 1.0.0.1}', '  - {name: n2, address: 1.0.0.2}',
      'storage:', '  local:', '    - {find: "", find_min: 3, find_max: 2, wipe: false}',
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Received empty local disk filter', asserted: true, path: 'storage.local[0].find' },
  },
  {
    id: 'Invalid ceph filter min > max',
    sources: [validate(228, 'Invalid ceph filter min > max')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:', '  - {name: n1, address: 1.0.0.1}', '  - {name: n2, address: 1.0.0.2}', '  - {name: n3, address: 1.0.0.3}',
      'storage:', '  ceph:', '    - {find: def, find_min: 4, find_max: 3, wipe: false}',
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Invalid remote storage filter constraints find_max (3) must be larger than find_min (4)', asserted: true, path: 'storage.ceph[0].find_max' },
  },
  {
    id: 'Invalid ceph filter constraints',
    sources: [validate(241, 'Invalid ceph filter constraints')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:', '  - {name: n1, address: 1.0.0.1}', '  - {name: n2, address: 1.0.0.2}', '  - {name: n3, address: 1.0.0.3}',
      'storage:', '  ceph:', '    - {find: "", find_min: 4, find_max: 3, wipe: false}',
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Received empty remote disk filter', asserted: true, path: 'storage.ceph[0].find' },
  },
  {
    id: 'Systems missing interface',
    sources: [validate(254, 'Systems missing interface')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:',
      '  - {name: n1, address: 1.0.0.1, ovn_uplink_interface: ""}',
      '  - {name: n2, address: 1.0.0.2, ovn_uplink_interface: eth0}',
      '  - {name: n3, address: 1.0.0.3, ovn_uplink_interface: eth0}',
      ...OVN,
      'storage:', '  local:', '    - {find: abc, find_min: 0, find_max: 3, wipe: false}', '  ceph:', '    - {find: def, find_min: 3, find_max: 3, wipe: false}',
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Some systems are missing an uplink interface', asserted: true, path: 'systems[0]' },
  },
  {
    id: 'OVN IPv4 Ranges with no gateway',
    sources: [validate(269, 'OVN IPv4 Ranges with no gateway')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:',
      '  - {name: n1, address: 1.0.0.1, ovn_uplink_interface: eth0}',
      '  - {name: n2, address: 1.0.0.2, ovn_uplink_interface: eth0}',
      '  - {name: n3, address: 1.0.0.3, ovn_uplink_interface: eth0}',
      'ovn:', '  ipv4_range: 10.0.0.100-10.0.0.254', '  ipv6_gateway: cafe::1/64',
      'storage:', '  local:', '    - {find: abc, find_min: 0, find_max: 3, wipe: false}', '  ceph:', '    - {find: def, find_min: 3, find_max: 3, wipe: false}',
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Cannot specify IPv4 range without IPv4 gateway', asserted: true, path: 'ovn.ipv4_range' },
  },
  {
    id: 'Invalid OVN IPv4 Ranges',
    sources: [validate(284, 'Invalid OVN IPv4 Ranges')],
    yaml: yaml(
      'session_passphrase: foo', 'initiator_address: 1.0.0.1',
      'systems:',
      '  - {name: n1, address: 1.0.0.1, ovn_uplink_interface: eth0}',
      '  - {name: n2, address: 1.0.0.2, ovn_uplink_interface: eth0}',
      '  - {name: n3, address: 1.0.0.3, ovn_uplink_interface: eth0}',
      'ovn:', '  ipv4_gateway: 10.0.0.1/24', '  ipv4_range: "10.0.0.100,10.0.0.254"', '  ipv6_gateway: cafe::1/64',
      'storage:', '  local:', '    - {find: abc, find_min: 0, find_max: 3, wipe: false}', '  ceph:', '    - {find: def, find_min: 3, find_max: 3, wipe: false}',
    ),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Invalid IPv4 range (must be of the form <ip>-<ip>)', asserted: true, path: 'ovn.ipv4_range' },
  },
  // Test_isBootstrap: the mode of a file. The Go structs hold only the fields isBootstrap() reads; the
  // discovery keys validate() needs are added.
  {
    id: 'Initiator is in the list of systems',
    sources: [microcloud(TEST, 'Test_isBootstrap "Initiator is in the list of systems" (line 390)')],
    note: 'lookup_subnet added (validate() needs it with initiator)',
    yaml: yaml('initiator: A', 'lookup_subnet: 10.0.0.0/24', 'systems:', '  - name: A'),
    mode: 'bootstrap',
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'Initiator is not in the list of systems',
    sources: [microcloud(TEST, 'Test_isBootstrap "Initiator is not in the list of systems" (line 395)')],
    note: 'lookup_subnet added (validate() needs it with initiator)',
    yaml: yaml('initiator: B', 'lookup_subnet: 10.0.0.0/24', 'systems:', '  - name: A'),
    mode: 'add',
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'Initiator address is in the list of systems',
    sources: [microcloud(TEST, 'Test_isBootstrap "Initiator address is in the list of systems" (line 400)')],
    yaml: yaml('initiator_address: 1.0.0.1', 'systems:', '  - name: A', '    address: 1.0.0.1'),
    mode: 'bootstrap',
    upstream: { verdict: 'accepts' },
  },
  {
    id: 'Initiator address is not in the list of systems',
    sources: [microcloud(TEST, 'Test_isBootstrap "Initiator address is not in the list of systems" (line 405)')],
    yaml: yaml('initiator_address: 1.0.0.2', 'systems:', '  - name: A', '    address: 1.0.0.1'),
    mode: 'add',
    upstream: { verdict: 'accepts' },
  },
  {
    // Test_address: Preseed.address() parses lookup_subnet with net.ParseCIDR before anything else runs.
    id: 'Failed to parse lookup subnet',
    sources: [microcloud(TEST, 'Test_address "Failed to parse lookup subnet" (line 444)')],
    note: 'initiator and systems added around the test\'s LookupSubnet',
    yaml: yaml('initiator: n1', 'lookup_subnet: foo', 'systems:', '  - name: n1'),
    upstream: { verdict: 'rejects', stage: 'run', message: 'invalid CIDR address: foo', asserted: true, path: 'lookup_subnet' },
  },
];
