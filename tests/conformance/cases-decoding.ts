// How MicroCloud reads the bytes: yaml.Unmarshal of gopkg.in/yaml.v3 into the Preseed struct
// (cmd/microcloud/preseed.go, RunPreseed), and LXD's filter.Parse for `find:` (shared/filter), which
// MicroCloud calls with its DiskOperatorSet (&&, ||, ==, !, quotes " and ') when it applies a filter.
import { goYaml, lxd, microcloud, yaml, type UpstreamCase } from './upstream.js';

const DECODE = (what: string, line: number) => goYaml('decode.go', `${what} (line ${line})`);
const DECODE_TEST = (what: string, line: number) => goYaml('decode_test.go', `${what} (line ${line})`);
const ONE = ['initiator: n1', 'lookup_subnet: 10.0.0.0/24', 'systems:', '  - name: n1'];
const TWO = ['initiator_address: 10.0.0.11', 'systems:', '  - {name: n1, address: 10.0.0.11}', '  - {name: n2, address: 10.0.0.12}'];

// shared/filter/clause_test.go TestParse_Error, with QueryOperatorSet's words (not, eq, and) written
// in DiskOperatorSet's (!, ==, &&): the error strings are the same for both sets.
const PARSE_ERRORS: [string, string, string][] = [
  ['not', '!', 'incomplete not clause'],
  ['foo', 'foo', 'clause has no operator'],
  ['not foo', '! foo', 'clause has no operator'],
  ['foo eq', 'foo ==', 'clause has no value'],
  ['foo eq "bar', 'foo == "bar', 'unterminated quote'],
  ['foo eq bar and', 'foo == bar &&', 'unterminated compound clause'],
  ['foo eq "bar egg" and', 'foo == "bar egg" &&', 'unterminated compound clause'],
  ['foo eq bar xxx', 'foo == bar xxx', 'invalid clause composition'],
];

export const DECODING_CASES: UpstreamCase[] = [
  // A string field takes any scalar's text: decode.go, scalar(), `case reflect.String: out.SetString(n.Value)`.
  {
    id: 'an integer passphrase is the text 1234',
    sources: [DECODE('scalar: reflect.String takes n.Value', 616)],
    yaml: yaml('session_passphrase: 1234', ...TWO),
    mode: 'bootstrap',
    upstream: { verdict: 'accepts' },
    decoded: { sessionPassphrase: '1234' },
  },
  {
    id: 'an integer system name is the text 1',
    sources: [DECODE('scalar: reflect.String takes n.Value', 616)],
    yaml: yaml('initiator: 1', 'lookup_subnet: 10.0.0.0/24', 'systems:', '  - name: 1'),
    mode: 'bootstrap',
    upstream: { verdict: 'accepts' },
    decoded: { 'systems[0].name': '1', 'initiator.name': '1' },
  },
  {
    id: '"v: true" into a string is "true"',
    sources: [DECODE_TEST('unmarshalTests "v: true" → map[string]string{"v": "true"}', 50)],
    yaml: yaml('session_passphrase: true', ...TWO),
    upstream: { verdict: 'accepts' },
    decoded: { sessionPassphrase: 'true' },
  },
  {
    id: 'a float is kept as written: 1.50 stays "1.50"',
    sources: [DECODE('scalar: reflect.String takes n.Value, the text as written', 616)],
    yaml: yaml('session_passphrase: 1.50', ...TWO),
    upstream: { verdict: 'accepts' },
    decoded: { sessionPassphrase: '1.50' },
  },
  {
    id: 'a null passphrase is an empty one: one system needs none',
    sources: [DECODE_TEST('unmarshalTests "foo: ~" → map[string]string{"foo": ""}', 519)],
    yaml: yaml('session_passphrase: ~', ...ONE),
    upstream: { verdict: 'accepts' },
    decoded: { sessionPassphrase: null },
  },
  {
    id: 'a null passphrase is an empty one: two systems need one',
    sources: [DECODE_TEST('unmarshalTests "foo: null" → map[string]string{"foo": ""}', 507), microcloud('cmd/microcloud/preseed.go', 'validate (line 358)')],
    yaml: yaml('session_passphrase: null', ...TWO),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Missing session passphrase', asserted: false },
  },
  {
    id: 'an empty name is a missing one',
    sources: [DECODE_TEST('unmarshalTests "foo: ~" → ""', 519), microcloud('cmd/microcloud/preseed.go', 'validate (line 364)')],
    yaml: yaml('initiator: n1', 'lookup_subnet: 10.0.0.0/24', 'systems:', '  - name: n1', '  - name:'),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Missing system name', asserted: false, path: 'systems[1].name' },
  },
  {
    id: 'no systems key at all',
    sources: [microcloud('cmd/microcloud/preseed.go', 'validate (line 338)'), microcloud('cmd/microcloud/preseed_test.go', 'Test_preseedValidateInvalid "No systems" (line 29)')],
    yaml: yaml('initiator: n1', 'lookup_subnet: 10.0.0.0/24'),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'No systems given', asserted: true, path: 'systems' },
  },
  {
    // int64 fields; RunPreseed uses them only when above 0.
    id: 'negative timeouts mean the defaults',
    sources: [microcloud('cmd/microcloud/preseed.go', 'RunPreseed: `if config.LookupTimeout > 0` (line 215), `if config.SessionTimeout > 0` (line 220)')],
    yaml: yaml('lookup_timeout: -5', 'session_timeout: -1', ...ONE),
    upstream: { verdict: 'accepts' },
    decoded: { lookupTimeout: 60, sessionTimeout: 3600 },
  },
  {
    // validate() checks Ceph networks with LXD's validate.IsNetwork: the subnet's own address.
    id: 'a Ceph public network written as an address in it',
    sources: [microcloud('cmd/microcloud/preseed.go', 'validate: "Invalid Ceph public network subnet" (line 446)'), lxd('shared/validate/validate.go', 'IsNetwork (line 286)')],
    yaml: yaml(...ONE, '    storage:', '      ceph:', '        - path: /dev/sdc', 'ceph:', '  public_network: 10.0.0.5/24'),
    upstream: { verdict: 'rejects', stage: 'validate', message: 'Invalid Ceph public network subnet: Not an IP network address "10.0.0.5/24"', asserted: false, path: 'ceph.public_network' },
  },
  // A bool field also takes YAML 1.1's words: decode.go, scalar(), reflect.Bool.
  {
    id: 'wipe: on is true (YAML 1.1 compatibility)',
    sources: [DECODE_TEST('unmarshalTests "option: on" → true', 135), DECODE('scalar: reflect.Bool, YAML 1.1 words', 678)],
    yaml: yaml(...ONE, '    storage:', '      local: {path: /dev/sdb, wipe: on}'),
    upstream: { verdict: 'accepts' },
    decoded: { 'systems[0].localDisk.wipe': true },
  },
  {
    id: 'wipe: YES is true',
    sources: [DECODE_TEST('unmarshalTests "a: YES" → struct{ A bool }{true}', 314)],
    yaml: yaml(...ONE, '    storage:', '      ceph:', '        - {path: /dev/sdc, wipe: YES, encrypt: y}'),
    upstream: { verdict: 'accepts' },
    decoded: { 'systems[0].cephDisks[0].wipe': true, 'systems[0].cephDisks[0].encrypt': true },
  },
  {
    id: 'cephfs: Off is false',
    sources: [DECODE_TEST('unmarshalTests "option: Off" → false', 141)],
    yaml: yaml(...ONE, 'ceph:', '  cephfs: Off'),
    upstream: { verdict: 'accepts' },
    decoded: { 'ceph.cephfs': false },
  },
  {
    id: 'wipe: other is not a bool',
    sources: [DECODE_TEST('unmarshalTests "option: other" → not decoded', 147), DECODE('scalar: reflect.Bool, other strings fail', 678)],
    yaml: yaml(...ONE, '    storage:', '      local: {path: /dev/sdb, wipe: other}'),
    // yaml.v3 says "cannot unmarshal !!str `other` into bool"; microcloud-apply words type errors its own way.
    upstream: { verdict: 'rejects', stage: 'parse', asserted: false, path: 'systems[0].storage.local.wipe' },
  },
  {
    // yaml.v3 refuses a repeated key in every mapping, naming it and the line of its first use.
    id: 'a duplicate key is named, with the line of its first use',
    sources: [DECODE_TEST('unmarshalStrictTests "a: 1\\nb: 2\\na: 3\\n"', 1624), DECODE('mapping: "mapping key %#v already defined at line %d"', 776)],
    yaml: yaml('initiator_address: 10.0.0.11', 'systems: [{name: n1, address: 10.0.0.11}]', 'initiator_address: 10.0.0.12'),
    upstream: { verdict: 'rejects', stage: 'parse', message: 'mapping key "initiator_address" already defined at line 1', asserted: true, path: 'initiator_address' },
  },
  {
    id: 'a duplicate key inside a system',
    sources: [DECODE('mapping: "mapping key %#v already defined at line %d"', 776)],
    yaml: yaml('initiator_address: 10.0.0.11', 'systems:', '  - name: n1', '    address: 10.0.0.11', '    name: n2'),
    upstream: { verdict: 'rejects', stage: 'parse', message: 'mapping key "name" already defined at line 3', asserted: false, path: 'systems[0].name' },
  },
  // LXD's filter.Parse errors, reached when MicroCloud applies a local filter (preseed.go line 1099).
  ...PARSE_ERRORS.map(([query, disk, message]): UpstreamCase => ({
    id: `find: ${JSON.stringify(disk)} (LXD: ${JSON.stringify(query)})`,
    sources: [lxd('shared/filter/clause_test.go', `TestParse_Error ${JSON.stringify(query)} (line 13)`), microcloud('cmd/microcloud/preseed.go', 'Parse: "Failed to apply filter for local disks" (line 1099)')],
    note: 'QueryOperatorSet words written with DiskOperatorSet operators; the expression is a local filter of a one-system file',
    yaml: yaml(...ONE, 'storage:', '  local:', `    - find: '${disk}'`),
    upstream: { verdict: 'rejects', stage: 'run', message: `Failed to apply filter for local disks: ${message}`, asserted: true, path: 'storage.local[0].find' },
  })),
  {
    id: 'find: a quoted value with a space, or-ed with a negated clause',
    sources: [lxd('shared/filter/clause_test.go', 'TestParse "foo eq \\"bar egg\\" or not baz eq yuk" (line 35)')],
    note: 'the test\'s fields foo and baz written as the disk fields model and serial',
    yaml: yaml(...ONE, 'storage:', '  local:', `    - find: 'model == "bar egg" || ! serial == yuk'`),
    upstream: { verdict: 'accepts' },
  },
];
