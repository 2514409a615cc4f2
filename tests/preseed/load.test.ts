import { readdirSync, readFileSync } from 'node:fs';
import { loadPreseed } from '../../src/preseed/load.js';
import { CTX, errorsOf, load, unicast, warningsOf } from '../helpers/preseed.js';

const EXAMPLES = new URL('../../examples/', import.meta.url);

describe('examples', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));

  test('there are the five documented examples', () => {
    expect(files.sort()).toEqual(['add-machine.yaml', 'local-storage-only.yaml', 'single-machine.yaml', 'three-machines-ceph-ovn.yaml', 'three-machines-filters.yaml']);
  });

  test.each(files)('%s validates and starts with the schema line', (file) => {
    const text = readFileSync(new URL(file, EXAMPLES), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/preseed.schema.json');
    const result = loadPreseed(file, text, CTX);
    expect(errorsOf(result)).toEqual([]);
    expect(result.desired).not.toBeNull();
  });

  test('the add example is an add, the others bootstrap', () => {
    const mode = (f: string) => loadPreseed(f, readFileSync(new URL(f, EXAMPLES), 'utf8'), CTX).desired?.mode;
    expect(mode('add-machine.yaml')).toBe('add');
    expect(mode('three-machines-ceph-ovn.yaml')).toBe('bootstrap');
    expect(mode('three-machines-filters.yaml')).toBe('bootstrap');
  });
});

describe('files MicroCloud accepts', () => {
  test("MicroCloud's documented 3-node unicast preseed is accepted as is", () => {
    // reference/microcloud-preseed.md §5.1, verbatim apart from comments.
    const result = load(
      'initiator_address: 10.0.0.11',
      'session_passphrase: "c0rrect-h0rse-battery-staple"',
      'session_timeout: 1800',
      'lookup_timeout: 300',
      'systems:',
      '- name: mc01',
      '  address: 10.0.0.11',
      '  ovn_uplink_interface: enp2s0',
      '  ovn_underlay_ip: 10.0.2.11',
      '  storage:',
      '    local:',
      '      path: /dev/disk/by-id/nvme-SAMSUNG_MZ1L2960_S1',
      '      wipe: true',
      '    ceph:',
      '    - path: /dev/disk/by-id/nvme-SAMSUNG_MZ1L23T8_S2',
      '      wipe: true',
      '      encrypt: false',
      '- name: mc02',
      '  address: 10.0.0.12',
      '  ovn_uplink_interface: enp2s0',
      '  ovn_underlay_ip: 10.0.2.12',
      '  storage:',
      '    local: {path: /dev/disk/by-id/nvme-SAMSUNG_MZ1L2960_T1, wipe: true}',
      '    ceph:',
      '    - {path: /dev/disk/by-id/nvme-SAMSUNG_MZ1L23T8_T2, wipe: true}',
      '- name: mc03',
      '  address: 10.0.0.13',
      '  ovn_uplink_interface: enp2s0',
      '  ovn_underlay_ip: 10.0.2.13',
      '  storage:',
      '    local: {path: /dev/disk/by-id/nvme-SAMSUNG_MZ1L2960_U1, wipe: true}',
      '    ceph:',
      '    - {path: /dev/disk/by-id/nvme-SAMSUNG_MZ1L23T8_U2, wipe: true}',
      'ovn:',
      '  ipv4_gateway: 192.0.2.1/24',
      '  ipv4_range: 192.0.2.100-192.0.2.254',
      '  ipv6_gateway: 2001:db8:d:200::1/64',
      '  dns_servers: 192.0.2.1,2001:db8:d:200::1',
      'ceph:',
      '  cephfs: true',
      '  internal_network: 10.0.1.0/24',
      '  public_network: 10.0.0.0/24',
    );
    expect(result.diagnostics).toEqual([]);
    const d = result.desired!;
    expect(d.mode).toBe('bootstrap');
    expect(d.discovery).toBe('unicast');
    expect(d.initiator).toMatchObject({ name: 'mc01', address: '10.0.0.11', ssh: { host: '10.0.0.11', port: 22, user: 'root' } });
    expect(d.lookupTimeout).toBe(300);
    expect(d.sessionTimeout).toBe(1800);
    expect(d.systems.map((s) => s.name)).toEqual(['mc01', 'mc02', 'mc03']);
    expect(d.systems[1]).toMatchObject({
      address: '10.0.0.12',
      uplinkInterface: 'enp2s0',
      underlayIp: '10.0.2.12',
      localDisk: { path: '/dev/disk/by-id/nvme-SAMSUNG_MZ1L2960_T1', wipe: true, encrypt: false },
      cephDisks: [{ path: '/dev/disk/by-id/nvme-SAMSUNG_MZ1L23T8_T2', wipe: true, encrypt: false }],
    });
    expect(d.ovn).toEqual({ enabled: true, ipv4Gateway: '192.0.2.1/24', ipv4Range: '192.0.2.100-192.0.2.254', ipv6Gateway: '2001:db8:d:200::1/64', dnsServers: ['192.0.2.1', '2001:db8:d:200::1'] });
    expect(d.ceph).toEqual({ cephfs: true, publicNetwork: '10.0.0.0/24', internalNetwork: '10.0.1.0/24' });
  });

  test('the minimal multicast single-node file, with defaults filled in', () => {
    const result = load('initiator: micro01', 'lookup_subnet: 10.0.0.0/24', 'systems:', '- name: micro01');
    expect(result.diagnostics).toEqual([]);
    const d = result.desired!;
    expect(d).toMatchObject({ mode: 'bootstrap', discovery: 'multicast', lookupTimeout: 60, sessionTimeout: 3600, sessionPassphrase: null });
    expect(d.initiator).toMatchObject({ name: 'micro01', address: null, ssh: { host: 'micro01' } });
    expect(d.ovn.enabled).toBe(false);
    expect(d.ceph).toEqual({ cephfs: false, publicNetwork: null, internalNetwork: null });
    // SSH defaults: host = name (no address), root, port 22, ~/.ssh/known_hosts.
    expect(d.systems[0]?.ssh).toEqual({ host: 'micro01', port: 22, user: 'root', identityFile: null, hostKey: null, knownHostsFile: '/home/op/.ssh/known_hosts', jump: null,
      written: { port: false, user: false, identityFile: false, knownHosts: false, jump: null } });
  });

  test('0 timeouts mean the defaults, like MicroCloud', () => {
    const d = load('lookup_timeout: 0', 'session_timeout: 0', ...unicast()).desired!;
    expect([d.lookupTimeout, d.sessionTimeout]).toEqual([60, 3600]);
  });
});

describe("MicroCloud's keys are read as its YAML decoder reads them", () => {
  test('a scalar in a text key is its text as written, and errors about it stay located at it', () => {
    const ok = load('initiator_address: 10.0.0.11', 'session_passphrase: 0x1F', 'systems:', '  - {name: 1, address: 10.0.0.11}', '  - {name: 2.50, address: 10.0.0.12}');
    expect(ok.diagnostics).toEqual([]);
    expect(ok.desired!.sessionPassphrase?.reveal()).toBe('0x1F');
    expect(ok.desired!.systems.map((s) => s.name)).toEqual(['1', '2.50']);
    const bad = load('initiator_address: 1234', 'systems: [{name: n1, address: 10.0.0.11}]');
    expect(errorsOf(bad)).toEqual([expect.objectContaining({ path: 'initiator_address', line: 1, column: 20, message: 'the string "1234" is not a valid IP address' })]);
  });

  test('null and "" are the key left out; yes/no, on/off, y/n are true and false', () => {
    const r = load('initiator: n1', 'lookup_subnet: 10.0.0.0/24', 'initiator_address: ""', 'session_passphrase:', 'ovn: ~', 'systems:', '  - name: n1', '    ovn_underlay_ip: ~',
      '    storage: {local: {path: /dev/sdb, wipe: "yes"}, ceph: [{path: /dev/sdc, wipe: off, encrypt: Y}]}');
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/fault tolerance/) })]);
    expect(r.desired!).toMatchObject({ discovery: 'multicast', sessionPassphrase: null });
    expect(r.desired!.systems[0]).toMatchObject({ underlayIp: null, localDisk: { wipe: true }, cephDisks: [{ wipe: false, encrypt: true }] });
  });

  test("microcloud-apply's own keys (ssh, lxd) keep their strict reading: MicroCloud does not read them", () => {
    const r = load(...unicast({ top: ['ssh:', '  user: 1', '  port: "22"'] }));
    expect(errorsOf(r).map((d) => [d.path, d.message])).toEqual([
      ['ssh.user', 'must be a string, not number 1'],
      ['ssh.port', 'must be a whole number, not the string "22"'],
    ]);
  });
});

describe('normalization', () => {
  test('ssh settings: per system over top-level defaults, paths relative to the file', () => {
    const d = load(
      ...unicast({
        top: ['ssh:', '  user: ubuntu', '  port: 2222', '  identity_file: keys/site_ed25519', '  jump: admin@bastion:2200', '  known_hosts: ~/.ssh/site_known_hosts'],
        perSystem: (i) => (i === 2 ? ['    ssh:', '      host: n2.mgmt', '      port: 22', '      user: root', '      host_key: "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"'] : []),
      }),
    ).desired!;
    expect(d.systems[0]?.ssh).toEqual({
      host: '10.0.0.11', port: 2222, user: 'ubuntu', identityFile: '/etc/microcloud/keys/site_ed25519', hostKey: null,
      knownHostsFile: '/home/op/.ssh/site_known_hosts', jump: { user: 'admin', host: 'bastion', port: 2200 },
      written: { port: true, user: true, identityFile: true, knownHosts: true, jump: { user: 'admin', host: 'bastion', port: 2200 } },
    });
    expect(d.systems[1]?.ssh).toMatchObject({ host: 'n2.mgmt', port: 22, user: 'root', hostKey: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' });
    // What the file writes, not what the defaults fill, is what ~/.ssh/config may not override.
    const bare = load(...unicast({})).desired!.systems[0]!.ssh;
    expect(bare).toMatchObject({ port: 22, user: 'root', written: { port: false, user: false, identityFile: false, knownHosts: false, jump: null } });
  });

  test('jump host forms', () => {
    const jump = (j: string) => load(...unicast({ top: ['ssh:', `  jump: "${j}"`] })).desired!.systems[0]?.ssh.jump;
    expect(jump('bastion')).toEqual({ user: 'root', host: 'bastion', port: 22 });
    expect(jump('[2001:db8::1]:2022')).toEqual({ user: 'root', host: '2001:db8::1', port: 2022 });
    expect(jump('ops@10.0.0.1')).toEqual({ user: 'ops', host: '10.0.0.1', port: 22 });
  });

  test('filters: local find_min 0 means 1, ceph encrypt kept, local encrypt dropped', () => {
    const d = load(
      'initiator: n1', 'lookup_subnet: 10.0.0.0/24', 'session_passphrase: x', 'systems: [{name: n1}, {name: n2}, {name: n3}]',
      'storage:', '  local:', '    - {find: "type == nvme", encrypt: true}', '  ceph:', '    - {find: "size >= 3TiB", find_min: 3, find_max: 6, wipe: true, encrypt: true}',
    ).desired!;
    expect(d.filters.local.map(({ find, findMin, findMax, wipe, encrypt }) => ({ find, findMin, findMax, wipe, encrypt }))).toEqual([
      { find: 'type == nvme', findMin: 1, findMax: 0, wipe: false, encrypt: false },
    ]);
    expect(d.filters.ceph[0]).toMatchObject({ find: 'size >= 3TiB', findMin: 3, findMax: 6, wipe: true, encrypt: true });
  });

  test('the DesiredState never serializes the passphrase', () => {
    const d = load(...unicast()).desired!;
    expect(d.sessionPassphrase?.reveal()).toBe('s3cret-Passphrase-42');
    expect(JSON.stringify(d)).not.toContain('s3cret-Passphrase-42');
    expect(String(d.sessionPassphrase)).toBe('[REDACTED]');
  });

  test('ajv defaults do not leak into the document positions: errors still point at the file', () => {
    const r = load(...unicast({ perSystem: (i) => (i === 3 ? ['    storage:', '      ceph:', '        - {path: /dev/sdb, wype: true}'] : []) }));
    expect(errorsOf(r)[0]).toMatchObject({ path: 'systems[2].storage.ceph[0].wype', line: 12 });
  });
});

describe('warnings', () => {
  test('fewer than 3 machines with Ceph disks is a warning, like MicroCloud', () => {
    const r = load(...unicast({ perSystem: (i) => (i === 1 ? ['    storage:', '      ceph: [{path: /dev/sdb}]'] : []) }));
    expect(errorsOf(r)).toEqual([]);
    expect(warningsOf(r).map((w) => w.message)).toEqual([
      'Disk configuration does not meet recommendations for fault tolerance. At least 3 systems must supply disks (1 currently supplying)',
    ]);
    expect(r.desired).not.toBeNull();
  });

  test('no fault-tolerance warning on a file that adds machines: MicroCloud warns only when it bootstraps', () => {
    // initiator_address is not one of the listed systems: add mode.
    const r = load(...unicast({ perSystem: (i) => (i === 1 ? ['    storage:', '      ceph: [{path: /dev/sdb}]'] : []) }).map((l) => l.replace('initiator_address: 10.0.0.11', 'initiator_address: 10.0.0.99')));
    expect(r.desired?.mode).toBe('add');
    expect(r.diagnostics).toEqual([]);
  });

  test('encrypt on local storage is ignored, with a warning', () => {
    const r = load(...unicast({ perSystem: (i) => ['    storage:', `      local: {path: /dev/sd${'bcd'[i - 1]}, encrypt: true}`] }));
    expect(errorsOf(r)).toEqual([]);
    expect(warningsOf(r)).toHaveLength(3);
    expect(warningsOf(r)[0]).toMatchObject({ path: 'systems[0].storage.local.encrypt', line: 7 });
    expect(r.desired!.systems[0]?.localDisk?.encrypt).toBe(false);
  });

  test('cephfs without Ceph disks', () => {
    const r = load(...unicast({ tail: ['ceph:', '  cephfs: true'] }));
    expect(warningsOf(r)[0]).toMatchObject({ path: 'ceph.cephfs', line: 11, message: expect.stringMatching(/no effect/) });
  });
});

describe('all errors at once, each located', () => {
  test('a file with many problems reports all of them in file order', () => {
    const r = load(
      'lookup_timout: 30',                  // 1 typo
      'initiator_address: 10.0.0.11',
      'session_timeout: 99999',             // 3 too large
      'systems:',
      '  - name: n1',
      '    address: 10.0.0.11',
      '  - name: n1',                        // 7 duplicate
      '    address: 10.0.0.300',             // 8 bad IP
    );
    expect(errorsOf(r).map((e) => [e.line, e.path])).toEqual([
      [1, ''],
      [1, 'lookup_timout'],
      [3, 'session_timeout'],
      [7, 'systems[1].name'],
      [8, 'systems[1].address'],
    ]);
    // The missing passphrase is about the whole file.
    expect(errorsOf(r)[0]?.message).toBe('Missing session passphrase');
  });

  test('an unknown key points at the key itself, line and column', () => {
    const r = load('initiator_address: 10.0.0.11', 'systems:', '  - name: n1', '    address: 10.0.0.11', '    storage:', '      local:', '        paht: /dev/sdb');
    const unknown = errorsOf(r).find((e) => e.message.startsWith('unknown key'))!;
    expect(unknown).toMatchObject({ path: 'systems[0].storage.local.paht', line: 7, column: 9, hint: 'did you mean "path"?' });
  });

  test('the passphrase is never quoted in an error', () => {
    const r = load('initiator_address: 10.0.0.11', 'session_passphrase: [hunter2-but-long]', 'systems: [{name: n1, address: 10.0.0.11}]');
    expect(errorsOf(r)[0]).toMatchObject({ path: 'session_passphrase', message: 'must be a string, not a list' });
    expect(JSON.stringify(r.diagnostics)).not.toContain('hunter2');
  });
});

describe('YAML problems', () => {
  test('syntax error with position', () => {
    const r = load('initiator_address: 10.0.0.11', 'systems:', '  - name: n1', '   address: [10.0.0.11');
    expect(r.desired).toBeNull();
    expect(errorsOf(r)[0]?.message).toMatch(/^YAML syntax error/);
    expect(errorsOf(r)[0]?.line).toBeGreaterThanOrEqual(3);
  });

  test('duplicate keys are errors at the second key', () => {
    const r = load('initiator_address: 10.0.0.11', 'systems: [{name: n1, address: 10.0.0.11}]', 'initiator_address: 10.0.0.12');
    // yaml.v3's words, which name the key and where it was first used; located at the repeat.
    expect(errorsOf(r)).toEqual([expect.objectContaining({ path: 'initiator_address', line: 3, column: 1, message: 'mapping key "initiator_address" already defined at line 1' })]);
  });

  test('duplicate keys are compared as yaml.v3 compares them: by their text', () => {
    const r = load('initiator_address: 10.0.0.11', 'systems:', '  - name: n1', '    1: a', '    "1": b');
    expect(errorsOf(r)).toEqual([expect.objectContaining({ path: 'systems[0]["1"]', line: 5, column: 5, message: 'mapping key "1" already defined at line 4' })]);
  });

  test('more than one document', () => {
    const r = load('initiator_address: 10.0.0.11', 'systems: [{name: n1, address: 10.0.0.11}]', '---', 'initiator: n1');
    expect(errorsOf(r)).toEqual([expect.objectContaining({ line: 3, message: 'the file holds more than one YAML document' })]);
  });

  test.each([
    ['a list', ['- name: n1', '- name: n2'], /not a list/],
    ['a scalar', ['just some words'], /not a single value/],
    ['only a comment', ['# nothing here'], /no YAML document|empty/],
    ['null document', ['~'], /empty/],
  ])('root that is %s', (_what, lines, message) => {
    const r = load(...lines);
    expect(r.desired).toBeNull();
    expect(errorsOf(r)).toEqual([expect.objectContaining({ line: 1, message: expect.stringMatching(message) })]);
  });

  test('an alias bomb is refused, not expanded', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i <= 8; i++) lines.push(`${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10).fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`).join(',')}]`);
    const r = load(...lines);
    expect(r.desired).toBeNull();
    expect(errorsOf(r)[0]?.message).toMatch(/cannot be expanded|alias/i);
  });

  test('anchors and aliases in a normal file work', () => {
    const r = load(
      'initiator_address: 10.0.0.11', 'session_passphrase: x', 'systems:',
      '  - {name: n1, address: 10.0.0.11, storage: {local: &disk {path: /dev/sdb, wipe: true}}}',
      '  - {name: n2, address: 10.0.0.12, storage: {local: *disk}}',
    );
    expect(errorsOf(r)).toEqual([]);
    expect(r.desired!.systems[1]?.localDisk).toEqual({ path: '/dev/sdb', wipe: true, encrypt: false });
  });
});

describe('disk filter warnings surface in validation', () => {
  test('a quoted value that swallows "||" matches every disk: warned, not rejected', () => {
    const r = load('initiator: n1', 'lookup_subnet: 10.0.0.0/24', 'systems: [{name: n1}]', 'storage:', '  local:', `    - find: "model == 'A' || model == 'B'"`);
    expect(errorsOf(r)).toEqual([]);
    expect(warningsOf(r)).toEqual([expect.objectContaining({ path: 'storage.local[0].find', line: 6 })]);
  });
});
