// docs/preseed.md's key reference, generated from the schema so the two cannot disagree
// (tests/docs/preseed-doc.test.ts fails when the committed file is stale; `npm run docs` rewrites it).
import type { JsonSchema } from '../preseed/schema.js';

interface Row {
  key: string;
  type: string;
  required: boolean;
  default: string;
  description: string;
}

function deref(schema: JsonSchema, node: JsonSchema): JsonSchema {
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  const name = ref.replace('#/$defs/', '');
  const target = ((schema['$defs'] ?? {}) as Record<string, JsonSchema>)[name] ?? {};
  // A $ref with its own description keeps it (the use site explains better than the definition).
  return { ...deref(schema, target), ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref')) };
}

function typeOf(node: JsonSchema): string {
  const type = Array.isArray(node['type']) ? (node['type'] as string[]).join(' | ') : String(node['type'] ?? '');
  const format = node['format'] ? ` (${String(node['format'])})` : '';
  const pattern = node['pattern'] && !node['format'] ? ' (pattern)' : '';
  const range = [node['minimum'] !== undefined ? `≥ ${String(node['minimum'])}` : '', node['maximum'] !== undefined ? `≤ ${String(node['maximum'])}` : '']
    .filter(Boolean).join(', ');
  return `${type === 'array' ? 'list' : type === 'object' ? 'mapping' : type}${format}${pattern}${range ? `, ${range}` : ''}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function walk(schema: JsonSchema, node: JsonSchema, prefix: string, required: boolean, rows: Row[], row = true): void {
  const n = deref(schema, node);
  if (row && prefix !== '') {
    const examples = Array.isArray(n['examples']) ? ` Example: \`${(n['examples'] as unknown[]).map(String).join('`, `')}\`.` : '';
    rows.push({
      key: prefix,
      type: typeOf(n),
      required,
      default: n['default'] !== undefined ? `\`${JSON.stringify(n['default'])}\`` : '',
      description: `${String(n['description'] ?? '')}${examples}`,
    });
  }
  // A mapping, or a value that may also be one (a `remove:` entry: a name or a mapping).
  if (n['type'] === 'object' || (Array.isArray(n['type']) && n['type'].includes('object'))) {
    const req = new Set((n['required'] ?? []) as string[]);
    for (const [key, child] of Object.entries((n['properties'] ?? {}) as Record<string, JsonSchema>)) {
      walk(schema, child, prefix === '' ? key : `${prefix}.${key}`, req.has(key), rows);
    }
    // A mapping of free keys (lxd.config) gets one row for its values.
    const values = n['additionalProperties'];
    if (values && typeof values === 'object') walk(schema, values as JsonSchema, `${prefix}.<key>`, false, rows);
  } else if (n['type'] === 'array' && n['items']) {
    // The list's own row describes it; its items contribute only their keys.
    walk(schema, n['items'] as JsonSchema, `${prefix}[]`, false, rows, false);
  }
}

export function renderPreseedDoc(schema: JsonSchema): string {
  const rows: Row[] = [];
  walk(schema, schema, '', false, rows);
  const table = [
    '| Key | Type | Required | Default | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.key}\` | ${cell(r.type)} | ${r.required ? 'yes' : ''} | ${cell(r.default)} | ${cell(r.description)} |`),
  ];
  return [
    '<!-- Generated from schemas/preseed.schema.json by `npm run docs`. Do not edit by hand. -->',
    '# Preseed key reference',
    '',
    String(schema['description'] ?? ''),
    '',
    'Every key below is checked by `microcloud validate`; any other key is an error. `[]` marks a list',
    'item. Formats: `ip-address` (IPv4 or IPv6, no prefix), `cidr` (address/prefix; host bits may be',
    'set), `ipv4-cidr`/`ipv6-cidr` (a gateway address with its prefix), `ipv4-range` (`<first>-<last>`),',
    '`ip-list` (comma-separated addresses), `hostname`, `snap-channel` (`track/risk[/branch]`, as snapd takes it).',
    '',
    ...table,
    '',
    FILTER_LANGUAGE,
  ].join('\n');
}

const FILTER_LANGUAGE = `## Disk filters (\`storage.local[].find\`, \`storage.ceph[].find\`)

MicroCloud's filter language (LXD \`shared/filter\`), evaluated against each machine's disks as
\`GET /1.0/resources\` lists them (\`lxc query /1.0/resources | jq .storage.disks\`). Only disks without
partitions are candidates. \`microcloud plan\` shows, and a saved plan pins, the disk each filter chose.

- Fields: the disk's JSON keys: \`id\`, \`device\`, \`model\`, \`type\`, \`read_only\`, \`mounted\`, \`size\`,
  \`removable\`, \`wwn\`, \`numa_node\`, \`device_path\`, \`block_size\`, \`firmware_version\`, \`rpm\`, \`serial\`,
  \`device_id\`, \`pci_address\`.
- Operators \`==\`, \`!=\`, \`<\`, \`>\`, \`<=\`, \`>=\`, joined by \`&&\` and \`||\`, negated by a leading \`!\`.
  Tokens are separated by **spaces** (\`size > 1GiB\`, not \`size>1GiB\`). There are no parentheses and no
  precedence: clauses are evaluated strictly from left to right.
- Strings are case-insensitive regular expressions anchored at both ends: \`model == 'Samsung.*'\`.
  Quote only values that contain spaces.
- \`size\` takes units in base 1000 (\`kB\`, \`MB\`, \`GB\`, \`TB\`, …) and base 1024 (\`KiB\`, \`MiB\`, \`GiB\`, \`TiB\`, …).
- In YAML, quote the whole \`find:\` value: a leading \`!\` or \`*\` is YAML syntax.
- \`find_min\`/\`find_max\` count matches across all systems. Ceph filters run first. A local filter takes
  the first match on each system. Keep local and Ceph filters disjoint: one disk can match both.
`;
