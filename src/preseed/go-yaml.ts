// MicroCloud reads a preseed with gopkg.in/yaml.v3's yaml.Unmarshal into typed Go fields
// (cmd/microcloud/preseed.go). The decoder reads a scalar by the type of the field it lands in, not
// only by what the scalar looks like (decode.go, (*decoder).scalar):
// - a string field takes any scalar's text as written: `session_passphrase: 1234` is "1234",
//   `name: 1.50` is "1.50", `name: true` is "true";
// - null (`~`, `null`, nothing) is the field's zero value, and so is "" for a string: the key might
//   as well not be there, which is how MicroCloud's own checks see it ("Missing system name");
// - a bool field also takes YAML 1.1's words, quoted or not: y, yes, on → true; n, no, off → false.
// This rewrites the parsed document the same way before it becomes a value, so the schema and the
// rules see what MicroCloud sees. Keys of microcloud-apply's own (`x-extension` in the schema: ssh,
// lxd) are not MicroCloud's to read and keep their strict reading. Pure: mutates the document only.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';

type Schema = Record<string, unknown>;

const GO_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const GO_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

const typeOf = (s: Schema | undefined): unknown => s?.['type'];

export function readAsGo(doc: Document.Parsed, schema: Schema): void {
  const defs = (schema['$defs'] ?? {}) as Record<string, Schema>;
  const deref = (s: Schema | undefined): Schema | undefined => {
    for (let i = 0; s && typeof s['$ref'] === 'string' && i < 8; i++) s = defs[(s['$ref'] as string).replace('#/$defs/', '')];
    return s;
  };
  // An anchored node reached again through an alias is read once: aliases cannot multiply the work.
  const seen = new Set<Node>();

  const visit = (node: unknown, s: Schema | undefined): void => {
    let n = node;
    if (isAlias(n)) n = n.resolve(doc);
    if (!n || !s || s['x-extension'] === true || seen.has(n as Node)) return;
    seen.add(n as Node);
    if (isMap(n) && typeOf(s) === 'object') {
      const props = (s['properties'] ?? {}) as Record<string, Schema>;
      n.items = n.items.filter((pair) => {
        if (!isPair(pair) || !isScalar(pair.key)) return true;
        const key = String(pair.key.value);
        const own = Object.hasOwn(props, key) ? props[key] : undefined;
        const sub = own?.['x-extension'] === true ? undefined : deref(own);
        if (!sub || sub['x-extension'] === true) return true;
        const value = pair.value;
        // Null, or "" for a string field: the zero value, as if the key were not written.
        if (value === null || (isScalar(value) && value.value === null)) return false;
        if (isScalar(value) && value.value === '' && typeOf(sub) === 'string') return false;
        visit(value, sub);
        return true;
      });
    } else if (isSeq(n) && typeOf(s) === 'array') {
      const items = deref(s['items'] as Schema | undefined);
      for (const item of n.items) visit(item, items);
    } else if (isScalar(n)) {
      const v = n.value;
      if (typeOf(s) === 'string' && (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean')) {
        n.value = n.source ?? String(v);
      } else if (typeOf(s) === 'boolean' && typeof v === 'string' && (GO_TRUE.has(v) || GO_FALSE.has(v))) {
        n.value = GO_TRUE.has(v);
      }
    }
  };
  visit(doc.contents, schema);
}
