import { readFileSync } from 'node:fs';
import { preseedSchema } from '../../src/preseed/schema.js';
import { renderPreseedDoc } from '../../src/tools/preseed-doc.js';

test('docs/preseed.md is generated from the current schema (run `npm run docs` after changing the schema)', () => {
  const committed = readFileSync(new URL('../../docs/preseed.md', import.meta.url), 'utf8');
  expect(committed).toBe(renderPreseedDoc(preseedSchema()));
});

test('the reference lists every key with its type and default', () => {
  const doc = renderPreseedDoc(preseedSchema());
  expect(doc).toContain('| `lookup_timeout` | integer |  | `60` |');
  expect(doc).toContain('| `systems[].storage.ceph[].path` | string (pattern) | yes |');
  expect(doc).toContain('| `systems[].ssh.host_key` |');
  expect(doc).toContain('| `ovn.ipv4_range` | string (ipv4-range) |');
  expect(doc).toContain('| `lxd.config.<key>` | string \\| boolean \\| integer |');
  expect(doc).toContain('| `snaps.microceph.channel` | string (snap-channel) | yes |');
  expect(doc).toContain('| `snaps.lxd.cohort` | boolean |  | `true` |');
});
