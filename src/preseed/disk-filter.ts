/**
 * MicroCloud's preseed `find:` disk filter language, rebuilt from the Go source it runs on:
 *
 * - canonical/lxd `shared/filter` at microcloud's go.mod pin 927b66615d6b: `Parse` (clause.go),
 *   `Match`, `match` and `DefaultParse*` (match.go), `ValueOf` (value.go); `shared/units.ParseByteSizeString`.
 * - canonical/microcloud `cmd/microcloud/preseed.go`: `DiskOperatorSet`, `DiskFilter.Match` (which swaps in
 *   `ParseByteSizeString` for `size`), and the candidate loop in the storage setup; `service.FormatDiskPath`.
 * - Go's `regexp` package, run through re2js, a pure-JS port of Go's RE2 engine: the same syntax and
 *   the same verdict on what `regexp.Compile` accepts (an invalid pattern silently turns into a plain
 *   case-insensitive comparison), and matching in time linear in the disk's field, as in Go.
 *
 * One deliberate difference: Go only notices unknown fields, bad values and bad operators while
 * matching, i.e. only on a machine that has candidate disks. Here they are reported at parse time,
 * in the order Go would hit them, so a preseed fails before anything is deployed.
 */

import { RE2JS, RE2JSSyntaxException } from 're2js';
import { editDistance } from './suggest.js';

/** A disk from LXD's `GET /1.0/resources` (`storage.disks[]`, Go `api.ResourcesStorageDisk`). */
export interface ResourcesDisk {
  id: string;
  device: string;
  model: string;
  type: string;
  read_only: boolean;
  mounted: boolean;
  size: number;
  removable: boolean;
  wwn: string;
  numa_node: number;
  device_path: string;
  block_size: number;
  firmware_version: string;
  rpm: number;
  serial: string;
  device_id: string;
  pci_address: string;
  partitions?: unknown[];
  usb_address?: string;
  device_fs_uuid?: string;
  /** The parent device type, e.g. "bcache": a string in the Go struct, not a list. */
  used_by?: string;
}

export class DiskFilterError extends Error {
  override readonly name = 'DiskFilterError';
  constructor(
    message: string,
    readonly expression: string,
    /** 0-based offset of the offending token; the expression's length for "found end of expression". */
    readonly offset: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export type DiskFilterOperator = '==' | '!=' | '<' | '>' | '<=' | '>=';

export type DiskClauseValue =
  /** `regex` is either the Go regexp or, when Go would reject it, a case-insensitive equality test. */
  | { readonly kind: 'string'; readonly text: string; readonly regex: GoRegexp; readonly literal: boolean }
  | { readonly kind: 'uint'; readonly text: string; readonly value: bigint }
  | { readonly kind: 'bool'; readonly text: string; readonly value: boolean };

export interface DiskClause {
  /** How this clause combines with everything to its left; the first clause is `&&` against `true`. */
  readonly logical: '&&' | '||';
  readonly not: boolean;
  readonly field: DiskField;
  readonly operator: DiskFilterOperator;
  readonly value: DiskClauseValue;
  readonly offset: number;
}

export interface DiskFilter {
  readonly expression: string;
  readonly clauses: readonly DiskClause[];
  /** Things MicroCloud accepts but probably does not do what was meant (quote run-on, `%`, literal fallback). */
  readonly warnings: readonly string[];
}

// Go types of the struct fields, keyed by yaml tag (ValueOf matches tags exactly, so names are case-sensitive).
const FIELD_KINDS = {
  id: 'string',
  device: 'string',
  model: 'string',
  type: 'string',
  read_only: 'bool',
  mounted: 'bool',
  size: 'uint',
  removable: 'bool',
  wwn: 'string',
  numa_node: 'uint',
  device_path: 'string',
  block_size: 'uint',
  firmware_version: 'string',
  rpm: 'uint',
  serial: 'string',
  device_id: 'string',
  partitions: 'list',
  pci_address: 'string',
  usb_address: 'string',
  device_fs_uuid: 'string',
  used_by: 'string',
} as const;

export type DiskField = Exclude<keyof typeof FIELD_KINDS, 'partitions'>;
export const DISK_FILTER_FIELDS = Object.keys(FIELD_KINDS).filter((f) => f !== 'partitions') as DiskField[];

const OPERATORS: readonly string[] = ['==', '!=', '<', '>', '<=', '>='];
const QUOTES = ['"', "'"] as const; // DiskOperatorSet's order matters: see readValue
// strings.Fields splits on unicode.IsSpace, which differs from JS \s (no U+FEFF, but U+0085).
const GO_FIELDS = /[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
const GLUED_OPERATOR = /&&|\|\||==|!=|<=|>=|<|>/g;
const OPERATOR_TYPOS: Record<string, string> = {
  '=': '==', eq: '==', ne: '!=', '<>': '!=', '=>': '>=', '=<': '<=', gt: '>', lt: '<', ge: '>=', le: '<=',
};
const BYTE_SUFFIXES: Record<string, bigint> = { '': 1n, B: 1n, ' bytes': 1n };
['k', 'M', 'G', 'T', 'P', 'E'].forEach((p, i) => {
  BYTE_SUFFIXES[`${p}B`] = 1000n ** BigInt(i + 1);
  BYTE_SUFFIXES[`${p === 'k' ? 'K' : p}iB`] = 1024n ** BigInt(i + 1);
});
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const GO_TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

interface Token {
  readonly text: string;
  readonly offset: number;
}

interface RawClause {
  readonly logical: '&&' | '||';
  readonly not: boolean;
  readonly field: Token;
  readonly operator: Token;
  readonly value: Token; // text is the assembled value, offset is where it starts
}

export function parseDiskFilter(expression: string): DiskFilter {
  const fail = (message: string, offset: number, hint?: string) =>
    new DiskFilterError(message, expression, offset, hint);
  if (expression === '') throw fail('empty expression', 0, 'MicroCloud rejects an empty find: with "Received empty … disk filter"');
  const tokens = [...expression.matchAll(GO_FIELDS)].map((m) => ({ text: m[0], offset: m.index }));
  if (tokens.length === 0) {
    throw fail('blank expression', 0, 'MicroCloud would parse a blank find: as no clauses at all and select every disk');
  }
  const warnings: string[] = [];
  const raw = parseClauses(tokens, expression, fail, warnings);
  const clauses = raw.map((c) => checkClause(c, fail, warnings));
  return { expression, clauses, warnings };
}

/** Go's filter.Parse: the token structure only, with its quirks. */
function parseClauses(
  tokens: Token[],
  expression: string,
  fail: (message: string, offset: number, hint?: string) => DiskFilterError,
  warnings: string[],
): RawClause[] {
  const end = expression.length;
  const clauses: RawClause[] = [];
  let i = 0;
  let logical: '&&' | '||' = '&&';
  while (i < tokens.length) {
    const not = tokens[i]!.text === '!';
    if (not && ++i === tokens.length) throw fail('expected a clause after "!", found end of expression', end);
    const field = tokens[i]!;
    if (++i === tokens.length) {
      throw fail(`expected an operator after "${field.text}", found end of expression`, end, spacingHint([field.text]));
    }
    const operator = tokens[i]!;
    if (++i === tokens.length) {
      throw fail(`expected a value after "${operator.text}", found end of expression`, end, spacingHint([field.text, operator.text]));
    }
    const value = tokens[i]!;
    let text = value.text;
    // Each quote symbol is tried in turn, the second one against whatever token the first left us on.
    for (const q of QUOTES) {
      const open = tokens[i]!;
      if (!open.text.startsWith(q)) continue;
      text = open.text.slice(1);
      // Parse never looks for the closing quote on the opening token itself.
      for (;;) {
        if (++i === tokens.length) throw fail(`unterminated quote: no word after ${open.text} ends with ${q}`, open.offset, quoteHint(open.text, q, field.text, operator.text));
        if (tokens[i]!.text.endsWith(q)) break;
        text += ` ${tokens[i]!.text}`;
      }
      text += ` ${tokens[i]!.text.slice(0, -1)}`;
      if (open.text.length > 1 && open.text.endsWith(q)) {
        // A swallowed `||` is an empty regexp alternative, so the clause then matches any text value.
        const effect = text.includes('||') ? ', a pattern that matches any value,' : '';
        warnings.push(`the quoted word ${open.text} does not end its own value: MicroCloud reads ${field.text} ${operator.text} ${JSON.stringify(text)}${effect} instead; quote only values that contain spaces`);
      }
    }
    i++;
    clauses.push({ logical, not, field, operator, value: { text, offset: value.offset } });
    if (i < tokens.length) {
      const next = tokens[i]!;
      if (next.text !== '&&' && next.text !== '||') {
        const clause = `${not ? '! ' : ''}${field.text} ${operator.text} ${text}`;
        throw fail(`expected && or || after "${clause}", found "${next.text}"`, next.offset, compositionHint(next.text, field.text, operator.text, text));
      }
      logical = next.text;
      if (++i === tokens.length) throw fail(`expected a clause after "${next.text}", found end of expression`, end);
    }
  }
  return clauses;
}

/** What filter.Match would complain about for this clause, in its order: field, then value, then operator. */
function checkClause(
  c: RawClause,
  fail: (message: string, offset: number, hint?: string) => DiskFilterError,
  warnings: string[],
): DiskClause {
  const name = c.field.text;
  const kind = Object.hasOwn(FIELD_KINDS, name) ? FIELD_KINDS[name as keyof typeof FIELD_KINDS] : undefined;
  if (kind === undefined) {
    throw fail(`unknown field "${name}" (known fields: ${DISK_FILTER_FIELDS.join(', ')})`, c.field.offset, fieldHint(name));
  }
  if (kind === 'list') {
    throw fail('field "partitions" is a list of partitions and cannot be compared', c.field.offset, 'candidate disks never have partitions, so there is nothing to filter on');
  }
  const field = name as DiskField;
  const text = c.value.text;
  let value: DiskClauseValue;
  if (kind === 'uint') {
    const parsed = field === 'size' ? parseByteSize(text) : parseUint(text);
    if (parsed === undefined) {
      throw field === 'size'
        ? fail(`invalid size "${text}"`, c.value.offset, sizeHint(text))
        : fail(`invalid number "${text}" for field "${field}" (expected a whole number of at least 0)`, c.value.offset);
    }
    value = { kind, text, value: parsed };
  } else if (kind === 'bool') {
    if (!GO_TRUE.includes(text) && !GO_FALSE.includes(text)) {
      throw fail(`invalid boolean "${text}" for field "${field}" (expected true or false)`, c.value.offset);
    }
    value = { kind, text, value: GO_TRUE.includes(text) };
  } else {
    value = stringValue(text, warnings);
  }
  const op = c.operator.text;
  if (!OPERATORS.includes(op)) {
    const typo = OPERATOR_TYPOS[op.toLowerCase()];
    throw fail(`unknown operator "${op}" (expected ==, !=, <, >, <= or >=)`, c.operator.offset, typo ? `write ${field} ${typo} ${text}` : spacingHint([c.field.text, c.operator.text]));
  }
  if (kind !== 'uint' && op !== '==' && op !== '!=') {
    throw fail(`operator "${op}" cannot be used with ${kind === 'bool' ? 'boolean' : 'text'} field "${field}"`, c.operator.offset, 'only == and != work on this field');
  }
  return { logical: c.logical, not: c.not, field, operator: op as DiskFilterOperator, value, offset: c.field.offset };
}

/** A compiled Go regexp: `test` is Go's `(*Regexp).MatchString`, an unanchored search. */
export interface GoRegexp {
  test(text: string): boolean;
}

/**
 * Go's `regexp.Compile` (Perl syntax, leftmost-first), on re2js: the compiled pattern, or the error
 * text Go gives (`missing closing ): ...`, without Go's "error parsing regexp: " prefix).
 */
export function compileGoRegexp(pattern: string): { regexp: GoRegexp } | { error: string } {
  try {
    const re = RE2JS.compile(pattern);
    return { regexp: { test: (text) => re.test(text) } };
  } catch (e) {
    if (!(e instanceof RE2JSSyntaxException)) throw e;
    return { error: e.message.replace(/^error parsing regexp: /, '') };
  }
}

function stringValue(text: string, warnings: string[]): DiskClauseValue {
  // DefaultParseRegexp: anchor unless the value mentions ^ or $ anywhere (even escaped or in a class).
  const anchored = !text.includes('^') && !text.includes('$');
  const compiled = compileGoRegexp(`(?i)${anchored ? `^${text}$` : text}`);
  if ('error' in compiled) {
    warnings.push(`"${text}" is not a valid regular expression (${compiled.error}), so MicroCloud compares it as plain text (ignoring case)`);
    // strings.EqualFold folds by the same Unicode orbits as (?i), so a quoted (?i) pattern is the same test.
    const equal = RE2JS.compile(RE2JS.quote(text), RE2JS.CASE_INSENSITIVE);
    return { kind: 'string', text, regex: { test: (s) => equal.testExact(s) }, literal: true };
  }
  if (text.includes('%')) warnings.push(`"%" in "${text}" is a literal percent sign, not a wildcard; use .* instead`);
  return { kind: 'string', text, regex: compiled.regexp, literal: false };
}

/** filter.Match: clauses fold strictly left to right, with no precedence and no short-circuit. */
export function matchesDisk(filter: DiskFilter, disk: ResourcesDisk): boolean {
  let match = true;
  for (const clause of filter.clauses) {
    let clauseMatch = matchClause(clause, disk);
    if (clause.not) clauseMatch = !clauseMatch;
    match = clause.logical === '&&' ? match && clauseMatch : match || clauseMatch;
  }
  return match;
}

function matchClause({ field, operator, value }: DiskClause, disk: ResourcesDisk): boolean {
  // A key LXD omitted (omitempty, or an older server) is the Go zero value after decoding.
  const actual: unknown = disk[field];
  switch (value.kind) {
    case 'string': {
      const found = value.regex.test(typeof actual === 'string' ? actual : '');
      return operator === '==' ? found : !found;
    }
    case 'bool':
      return ((actual ?? false) === value.value) === (operator === '==');
    case 'uint': {
      const n = BigInt(typeof actual === 'number' ? actual : 0);
      const v = value.value;
      switch (operator) {
        case '==': return n === v;
        case '!=': return n !== v;
        case '<': return n < v;
        case '>': return n > v;
        case '<=': return n <= v;
        case '>=': return n >= v;
      }
    }
  }
}

/** service.FormatDiskPath. */
export function diskPath(disk: ResourcesDisk): string {
  if (disk.device_id) return `/dev/disk/by-id/${disk.device_id}`;
  if (disk.device_path) return `/dev/disk/by-path/${disk.device_path}`;
  return `/dev/${disk.id}`;
}

/** units.ParseByteSizeString: leading digits, then an exact (case-sensitive) suffix; int64 range. */
function parseByteSize(text: string): bigint | undefined {
  const digits = /^[0-9]*/.exec(text)![0];
  const multiplier = BYTE_SUFFIXES[text.slice(digits.length)];
  if (digits === '' || multiplier === undefined || BigInt(digits) > INT64_MAX) return undefined;
  const bytes = BigInt(digits) * multiplier;
  return bytes > INT64_MAX ? undefined : bytes;
}

/** strconv.ParseUint(s, 10, 64): digits only, no sign, no underscores. */
function parseUint(text: string): bigint | undefined {
  return /^[0-9]+$/.test(text) && BigInt(text) <= UINT64_MAX ? BigInt(text) : undefined;
}

// ---- hints -----------------------------------------------------------------------------------

/** An operator stuck to a word, as in `size>1GiB` or `nvme&&size`. */
function isGlued(text: string): boolean {
  return !OPERATORS.includes(text) && text !== '&&' && text !== '||' && text.replace(GLUED_OPERATOR, '') !== text;
}

function spacingHint(tokens: readonly string[]): string | undefined {
  if (!tokens.some(isGlued)) return undefined;
  const spaced = tokens.join(' ').replace(GLUED_OPERATOR, ' $& ').replace(/\s+/g, ' ').trim();
  return `separate operators with spaces: \`${spaced}\``;
}

function quoteHint(open: string, q: string, field: string, operator: string): string {
  if (open.length > 1 && open.endsWith(q)) {
    return `MicroCloud never ends a quote on the word that opened it; drop the quotes: \`${field} ${operator} ${open.slice(1, -1)}\``;
  }
  return `close the quote: the last word of the value must end with ${q}`;
}

function compositionHint(next: string, field: string, operator: string, value: string): string {
  if (next === 'and' || next === 'or' || next === '&' || next === '|') return 'combine clauses with && or ||';
  if (next.startsWith('(') || next.startsWith(')')) return 'parentheses are not supported; clauses are evaluated strictly left to right';
  const spacing = spacingHint([field, operator, value]) ?? spacingHint([next]);
  if (spacing !== undefined) return spacing;
  return `quote values that contain spaces: \`${field} ${operator} '${value} ${next}'\``;
}

function fieldHint(name: string): string | undefined {
  if (name.startsWith('!') && name.length > 1) return `put a space after the negation: \`! ${name.slice(1)}\``;
  if (name.startsWith('(') || name.endsWith(')')) return 'parentheses are not supported; clauses are evaluated strictly left to right';
  if (isGlued(name)) return spacingHint([name]);
  const lower = name.toLowerCase();
  if (lower !== name && Object.hasOwn(FIELD_KINDS, lower)) return `field names are case-sensitive: did you mean ${lower}?`;
  const close = DISK_FILTER_FIELDS.filter((f) => editDistance(lower, f) <= 2);
  return close.length > 0 ? `did you mean ${close.join(' or ')}?` : undefined;
}

function sizeHint(text: string): string {
  const suffix = text.replace(/^[0-9]*/, '');
  const fixed = Object.keys(BYTE_SUFFIXES).find((s) => s !== '' && s.toLowerCase() === suffix.toLowerCase());
  if (/^[0-9]/.test(text) && fixed) return `units are case-sensitive: did you mean ${text.slice(0, text.length - suffix.length)}${fixed}?`;
  if (/^[0-9]+[.,][0-9]/.test(text)) return 'decimals are not accepted; use a smaller unit, e.g. 1500GB instead of 1.5TB';
  return 'write a whole number with an optional unit: B, kB, MB, GB, TB, PB, EB (powers of 1000) or KiB, MiB, GiB, TiB, PiB, EiB (powers of 1024)';
}
