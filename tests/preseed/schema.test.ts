// The schema is the source of truth; the TypeScript input types and the docs follow it. These tests
// keep them in step: every schema key appears in a fixture typed as PreseedInput (so the compiler
// checks the fixture's keys against the types), and the fixture validates.
import type { PreseedInput } from '../../src/preseed/input.js';
import { preseedSchema, type JsonSchema } from '../../src/preseed/schema.js';
import { closestKey } from '../../src/preseed/suggest.js';
import { CTX } from '../helpers/preseed.js';
import { loadPreseed } from '../../src/preseed/load.js';
import { stringify } from 'yaml';

const KITCHEN_SINK: PreseedInput = {
  lookup_timeout: 120,
  session_passphrase: 'a-long-passphrase',
  session_timeout: 1800,
  initiator_address: '10.0.0.11',
  systems: [1, 2, 3].map((i) => ({
    name: `n${i}`,
    address: `10.0.0.1${i}`,
    ovn_uplink_interface: 'eth1',
    ovn_underlay_ip: `10.0.2.1${i}`,
    // The third system's disks come from the filters below.
    ...(i < 3 ? { storage: { local: { path: `/dev/disk/by-id/l${i}`, wipe: true, encrypt: false }, ceph: [{ path: `/dev/disk/by-id/c${i}`, wipe: true, encrypt: true }] } } : {}),
    ssh: { host: `n${i}.mgmt`, port: 22, user: 'root', identity_file: 'id', host_key: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s', known_hosts: 'kh', jump: 'bastion' },
  })),
  ovn: { ipv4_gateway: '192.0.2.1/24', ipv4_range: '192.0.2.100-192.0.2.200', ipv6_gateway: '2001:db8::1/64', dns_servers: '192.0.2.1' },
  ceph: { cephfs: true, internal_network: '10.0.1.0/24', public_network: '10.0.0.0/24' },
  storage: {
    local: [{ find: 'type == nvme', find_min: 0, find_max: 0, wipe: false, encrypt: false }],
    ceph: [{ find: 'type == nvme', find_min: 1, find_max: 3, wipe: false, encrypt: false }],
  },
  ssh: { port: 22, user: 'root', identity_file: 'id', known_hosts: 'kh', jump: 'bastion' },
  lxd: { config: { 'images.auto_update_interval': 0, 'instances.migration.stateful': true, 'core.trust_password': 'sesame-sesame' } },
  snaps: {
    lxd: { channel: '5.21/stable', revision: 33110, cohort: false, hold: true, allow_downgrade: false },
    microceph: { channel: 'squid/stable', revision: 1228, cohort: false, hold: false, allow_downgrade: true },
    microovn: { channel: '24.03/stable', revision: 667, cohort: false, hold: true, allow_downgrade: false },
    microcloud: { channel: '2/stable', revision: 1144, cohort: false, hold: true, allow_downgrade: false },
  },
  remove: ['n8', { name: 'n9', force: true, evacuate: false }],
};

/** Where the schema takes free keys (lxd.config): a fixture's keys there count as `<key>`. */
const MAPS = ['lxd.config'];

function schemaKeys(schema: JsonSchema, node: JsonSchema, prefix: string, out: Set<string>): Set<string> {
  const ref = node['$ref'];
  const n = typeof ref === 'string' ? ((schema['$defs'] as Record<string, JsonSchema>)[ref.replace('#/$defs/', '')] ?? {}) : node;
  if (n['type'] === 'object' || (Array.isArray(n['type']) && n['type'].includes('object'))) {
    for (const [k, child] of Object.entries((n['properties'] ?? {}) as Record<string, JsonSchema>)) {
      const path = prefix ? `${prefix}.${k}` : k;
      out.add(path);
      schemaKeys(schema, child, path, out);
    }
    if (typeof n['additionalProperties'] === 'object') out.add(`${prefix}.<key>`);
  } else if (n['type'] === 'array') {
    schemaKeys(schema, n['items'] as JsonSchema, `${prefix}[]`, out);
  }
  return out;
}

function valueKeys(value: unknown, prefix: string, out: Set<string>): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => valueKeys(v, `${prefix}[]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = MAPS.includes(prefix) ? `${prefix}.<key>` : prefix ? `${prefix}.${k}` : k;
      out.add(path);
      valueKeys(v, path, out);
    }
  }
  return out;
}

test('the kitchen-sink fixture uses every schema key except the multicast ones it cannot combine', () => {
  const schema = preseedSchema();
  const inSchema = schemaKeys(schema, schema, '', new Set());
  const inFixture = valueKeys(KITCHEN_SINK, '', new Set());
  const missing = [...inSchema].filter((k) => !inFixture.has(k));
  // lookup_subnet and initiator belong to multicast mode, which excludes initiator_address.
  expect(missing.sort()).toEqual(['initiator', 'lookup_subnet']);
  expect([...inFixture].filter((k) => !inSchema.has(k))).toEqual([]);
});

test('the kitchen-sink fixture validates', () => {
  const result = loadPreseed('k.yaml', stringify(KITCHEN_SINK), CTX);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
});

test('every key has a description and every object forbids unknown keys or constrains their names', () => {
  const schema = preseedSchema();
  const problems: string[] = [];
  const visit = (node: JsonSchema, where: string) => {
    const map = typeof node['additionalProperties'] === 'object' && typeof node['propertyNames'] === 'object';
    if (node['type'] === 'object' && node['additionalProperties'] !== false && !map) problems.push(`${where}: additionalProperties`);
    for (const [k, child] of Object.entries((node['properties'] ?? {}) as Record<string, JsonSchema>)) {
      if (typeof child['description'] !== 'string' && typeof child['$ref'] !== 'string') problems.push(`${where}.${k}: description`);
      visit(child, `${where}.${k}`);
    }
    if (node['items']) visit(node['items'] as JsonSchema, `${where}[]`);
  };
  visit(schema, '$');
  for (const [name, def] of Object.entries(schema['$defs'] as Record<string, JsonSchema>)) {
    if (def['type'] !== 'object' && typeof def['description'] !== 'string') problems.push(`$defs.${name}: description`);
    visit(def, `$defs.${name}`);
  }
  expect(problems).toEqual([]);
});

test('typo suggestions', () => {
  const known = ['lookup_subnet', 'lookup_timeout', 'session_passphrase', 'session_timeout', 'initiator', 'initiator_address'];
  expect(closestKey('lookup_timout', known)).toBe('lookup_timeout');
  expect(closestKey('lookup_timoeut', known)).toBe('lookup_timeout');
  expect(closestKey('Initiator', known)).toBe('initiator');
  expect(closestKey('sesion_passphrase', known)).toBe('session_passphrase');
  expect(closestKey('colour', known)).toBeUndefined();
});
