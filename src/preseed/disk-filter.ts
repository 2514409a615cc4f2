/**
 * MicroCloud's preseed `find:` disk filter language, rebuilt from the Go source it runs on:
 *
 * - canonical/lxd `shared/filter` at microcloud's go.mod pin 927b66615d6b: `Parse` (clause.go),
 *   `Match`, `match` and `DefaultParse*` (match.go), `ValueOf` (value.go); `shared/units.ParseByteSizeString`.
 * - canonical/microcloud `cmd/microcloud/preseed.go`: `DiskOperatorSet`, `DiskFilter.Match` (which swaps in
 *   `ParseByteSizeString` for `size`), and the candidate loop in the storage setup; `service.FormatDiskPath`.
 * - Go's `regexp/syntax` for what `regexp.Compile` accepts, because an invalid pattern silently turns
 *   into a plain case-insensitive comparison.
 *
 * One deliberate difference: Go only notices unknown fields, bad values and bad operators while
 * matching, i.e. only on a machine that has candidate disks. Here they are reported at parse time,
 * in the order Go would hit them, so a preseed fails before anything is deployed.
 */

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
  /** `regex` is either the translated Go regexp or, when Go would reject it, a case-insensitive equality test. */
  | { readonly kind: 'string'; readonly text: string; readonly regex: RegExp; readonly literal: boolean }
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
    value = stringValue(text, c.value.offset, fail, warnings);
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

function stringValue(
  text: string,
  offset: number,
  fail: (message: string, offset: number, hint?: string) => DiskFilterError,
  warnings: string[],
): DiskClauseValue {
  // DefaultParseRegexp: anchor unless the value mentions ^ or $ anywhere (even escaped or in a class).
  const anchored = !text.includes('^') && !text.includes('$');
  const translated = translateGoRegexp(`(?i)${anchored ? `^${text}$` : text}`);
  if (translated === null) {
    warnings.push(`"${text}" is not a valid regular expression, so MicroCloud compares it as plain text (ignoring case)`);
    return { kind: 'string', text, regex: new RegExp(`^${[...text].map(literal).join('')}$`, 'iv'), literal: true };
  }
  if (translated.unsupported) {
    throw fail(`the pattern "${text}" uses ${translated.unsupported}, which this tool cannot reproduce`, offset, 'rewrite the pattern without it; everything in a find: pattern is already case-insensitive');
  }
  if (text.includes('%')) warnings.push(`"%" in "${text}" is a literal percent sign, not a wildcard; use .* instead`);
  return { kind: 'string', text, regex: new RegExp(translated.source, 'iv'), literal: false };
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

/** MicroCloud's preseed candidates: disks without partitions (nothing else is excluded in preseed mode). */
export function candidateDisks<T extends ResourcesDisk>(disks: readonly T[]): T[] {
  return disks.filter((d) => (d.partitions?.length ?? 0) === 0);
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

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

// ---- Go regexp -> JS -------------------------------------------------------------------------
//
// Go's RE2 syntax and JS's differ in both directions (Go accepts `^*`, `\z`, `\Q…\E`, `[[:alpha:]]`,
// `(?s)`; JS accepts lookarounds and backreferences, which Go rejects), and a pattern Go rejects is
// not an error but a plain-text comparison. So patterns are re-parsed the way regexp/syntax parses
// them (Perl flags, as regexp.Compile uses) and re-emitted for a JS RegExp with flags `iv`:
// `v` makes case folding of negated classes (`\P{Lu}`, `[^a-z]`, `\W`) work like Go's `(?i)`.
// Every emitted atom is self-contained, so a repetition can wrap whatever precedes it, which is how
// Go applies `*` to an assertion (`^*`). Remaining gaps: `(?-i)` is reported as unsupported; Go's
// ASCII-only `\b` vs JS's around U+017F/U+212A; Unicode tables come from Node rather than Go.

interface Atom {
  readonly src: string;
  /** Product of counted repetitions on the deepest path, as regexp/syntax's repeatIsValid measures it. */
  readonly weight: number;
}

interface Group {
  alts: Atom[][];
  atoms: Atom[];
  readonly saved: GoFlags;
}

interface GoFlags {
  readonly multiLine: boolean;
  readonly dotAll: boolean;
}

class GoSyntaxError extends Error {}

const ANY_CHAR = '[\\u{0}-\\u{10ffff}]';
const PERL_CLASSES: Record<string, string> = {
  d: '\\d', D: '\\D', w: '\\w', W: '\\W', s: '[\\t\\n\\f\\r\\u{20}]', S: '[^\\t\\n\\f\\r\\u{20}]',
};
const ASSERTIONS: Record<string, string> = { A: '^', z: '$', b: '\\b', B: '\\B' };
const CONTROL_ESCAPES: Record<string, string> = { a: '\x07', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\0-\x7f', blank: '\t ', cntrl: '\0-\x1f\x7f', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-/:-@[-`{-~', space: '\t\n\v\f\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};
const GENERAL_CATEGORIES =
  'C:Other Cc:Control:Cntrl Cf:Format Cn:Unassigned Co:PrivateUse Cs:Surrogate L:Letter LC:CasedLetter ' +
  'Ll:LowercaseLetter Lm:ModifierLetter Lo:OtherLetter Lt:TitlecaseLetter Lu:UppercaseLetter M:Mark:CombiningMark ' +
  'Mc:SpacingMark Me:EnclosingMark Mn:NonspacingMark N:Number Nd:DecimalNumber:Digit Nl:LetterNumber ' +
  'No:OtherNumber P:Punctuation:Punct Pc:ConnectorPunctuation Pd:DashPunctuation Pe:ClosePunctuation ' +
  'Pf:FinalPunctuation Pi:InitialPunctuation Po:OtherPunctuation Ps:OpenPunctuation S:Symbol Sc:CurrencySymbol ' +
  'Sk:ModifierSymbol Sm:MathSymbol So:OtherSymbol Z:Separator Zl:LineSeparator Zp:ParagraphSeparator Zs:SpaceSeparator';
/** regexp/syntax's canonicalName(alias) -> general category code (unicode.Categories and CategoryAliases). */
const CATEGORY_NAMES = new Map(
  GENERAL_CATEGORIES.split(' ').flatMap((entry) => {
    const [code, ...aliases] = entry.split(':') as [string, ...string[]];
    return [code, ...aliases].map((n) => [canonicalName(n), code] as const);
  }),
);
// JS also accepts ISO 15924 codes for scripts; Go's unicode.Scripts only has long names. These are both.
const FOUR_LETTER_SCRIPTS = ['Ahom', 'Cham', 'Kawi', 'Lisu', 'Modi', 'Newa', 'Thai', 'Toto'];

function literal(ch: string): string {
  return /^[A-Za-z0-9_]$/.test(ch) ? ch : `\\u{${ch.codePointAt(0)!.toString(16)}}`;
}

function canonicalName(name: string): string {
  let out = '';
  for (const ch of name) {
    if (ch === '_' || ch === '-' || ch === ' ') continue;
    out += out === '' ? ch.replace(/[a-z]/, (c) => c.toUpperCase()) : ch.replace(/[A-Z]/, (c) => c.toLowerCase());
  }
  return out;
}

/** null when Go's regexp.Compile would reject the pattern. */
export function translateGoRegexp(pattern: string): { source: string; unsupported?: string } | null {
  try {
    return new GoRegexpTranslator(pattern).run();
  } catch (e) {
    if (e instanceof GoSyntaxError) return null;
    throw e;
  }
}

class GoRegexpTranslator {
  private readonly s: string[];
  private i = 0;
  private flags: GoFlags = { multiLine: false, dotAll: false };
  private group: Group = { alts: [], atoms: [], saved: this.flags };
  private readonly parents: Group[] = [];
  private unsupported: string | undefined;

  constructor(pattern: string) {
    this.s = Array.from(pattern);
  }

  run(): { source: string; unsupported?: string } {
    let lastRepeat = false;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      let repeat = false;
      if (c === '(') {
        if (this.s[this.i + 1] === '?') this.perlGroup();
        else this.open(1);
      } else if (c === '|') {
        this.group.alts.push(this.group.atoms);
        this.group.atoms = [];
        this.i++;
      } else if (c === ')') {
        this.close();
      } else if (c === '^' || c === '$' || c === '.') {
        this.i++;
        if (c === '.') this.push(this.flags.dotAll ? ANY_CHAR : '[^\\n]');
        else if (!this.flags.multiLine) this.push(c);
        else this.push(c === '^' ? '(?<![^\\n])' : '(?![^\\n])'); // Go's (?m) lines end only at \n
      } else if (c === '[') {
        this.push(this.charClass());
      } else if (c === '*' || c === '+' || c === '?') {
        this.i++;
        this.repeat(lastRepeat, c, 0, 0, false);
        repeat = true;
      } else if (c === '{') {
        const counted = /^\{(0|[1-9][0-9]*)(?:(,)(0|[1-9][0-9]*)?)?\}/.exec(this.s.slice(this.i).join(''));
        if (counted) {
          const min = Number(counted[1]);
          const max = counted[2] === undefined ? min : counted[3] === undefined ? -1 : Number(counted[3]);
          if (min > 1000 || max > 1000 || (max >= 0 && min > max)) throw new GoSyntaxError();
          this.i += counted[0].length;
          this.repeat(lastRepeat, counted[0], min, max, true);
          repeat = true;
        } else {
          this.push(literal(c)); // not a valid repeat: `{` is a literal
          this.i++;
        }
      } else if (c === '\\') {
        this.escape();
      } else {
        this.push(literal(c));
        this.i++;
      }
      lastRepeat = repeat;
    }
    if (this.parents.length > 0) throw new GoSyntaxError(); // missing closing )
    return { source: alternatives(this.group), ...(this.unsupported ? { unsupported: this.unsupported } : {}) };
  }

  private push(src: string): void {
    this.group.atoms.push({ src, weight: 1 });
  }

  private repeat(stacked: boolean, quantifier: string, min: number, max: number, counted: boolean): void {
    if (this.s[this.i] === '?') this.i++; // non-greedy: cannot change whether a match exists
    if (stacked) throw new GoSyntaxError(); // a** or a{2}*: "invalid nested repetition operator"
    const sub = this.group.atoms.pop();
    if (sub === undefined) throw new GoSyntaxError(); // nothing before it, or right after ( or |
    let weight = sub.weight;
    if (counted) {
      const m = max === -1 ? min : max;
      // x{0} ends the walk (the path ends there, like a leaf); x{n,} counts n, x{0,} counts nothing.
      weight = max === 0 ? 1 : m > 0 ? m * sub.weight : sub.weight;
      if ((min >= 2 || max >= 2) && weight > 1000) throw new GoSyntaxError();
    }
    this.group.atoms.push({ src: `(?:${sub.src})${quantifier}`, weight });
  }

  private open(length: number): void {
    this.parents.push(this.group);
    this.group = { alts: [], atoms: [], saved: this.flags };
    this.i += length;
  }

  private close(): void {
    const done = this.group;
    const parent = this.parents.pop();
    if (parent === undefined) throw new GoSyntaxError(); // unexpected )
    this.group = parent;
    this.flags = done.saved;
    const weight = Math.max(1, ...[...done.alts, done.atoms].flat().map((a) => a.weight));
    this.group.atoms.push({ src: `(?:${alternatives(done)})`, weight });
    this.i++;
  }

  /** parsePerlFlags: named groups, (?flags), (?flags:…). */
  private perlGroup(): void {
    const s = this.s;
    const start = this.i;
    const nameAt = s[start + 2] === 'P' && s[start + 3] === '<' && s.length - start > 4 ? 4 : s[start + 2] === '<' && s.length - start > 3 ? 3 : 0;
    if (nameAt > 0) {
      const end = s.indexOf('>', start);
      if (end < 0 || !/^[A-Za-z0-9_]+$/.test(s.slice(start + nameAt, end).join(''))) throw new GoSyntaxError();
      this.open(end + 1 - start);
      return;
    }
    let j = start + 2;
    let sign = 1;
    let sawFlag = false;
    let fold = true;
    let next = this.flags;
    for (;;) {
      const c = s[j++];
      if (c === 'i') fold = sign > 0;
      else if (c === 'm') next = { ...next, multiLine: sign > 0 };
      else if (c === 's') next = { ...next, dotAll: sign > 0 };
      else if (c === 'U') { /* greediness only */ }
      else if (c === '-' && sign > 0) { sign = -1; sawFlag = false; continue; }
      else if ((c === ':' || c === ')') && (sign > 0 || sawFlag)) break;
      else throw new GoSyntaxError();
      sawFlag = true;
    }
    if (!fold) this.unsupported ??= 'a case-sensitive section (?-i)';
    if (s[j - 1] === ':') this.open(j - start);
    else this.i = j;
    this.flags = next;
  }

  private escape(): void {
    const c = this.s[this.i + 1];
    const assertion = c === undefined ? undefined : ASSERTIONS[c];
    if (assertion !== undefined) {
      this.push(assertion);
      this.i += 2;
    } else if (c === 'C') {
      throw new GoSyntaxError();
    } else if (c === 'Q') {
      let j = this.i + 2;
      while (j < this.s.length && !(this.s[j] === '\\' && this.s[j + 1] === 'E')) this.push(literal(this.s[j++]!));
      this.i = Math.min(j + 2, this.s.length);
    } else if (c === 'p' || c === 'P') {
      this.push(this.unicodeClass());
    } else if (c !== undefined && Object.hasOwn(PERL_CLASSES, c)) {
      this.push(PERL_CLASSES[c]!);
      this.i += 2;
    } else {
      this.push(literal(this.escapedChar()));
    }
  }

  /** parseEscape: the single character an escape stands for. */
  private escapedChar(): string {
    const c = this.s[this.i + 1];
    if (c === undefined) throw new GoSyntaxError(); // trailing backslash
    this.i += 2;
    if (c.codePointAt(0)! < 0x80 && !/[0-9A-Za-z]/.test(c)) return c;
    const octal = () => /^[0-7]$/.test(this.s[this.i] ?? '');
    if (/^[0-7]$/.test(c)) {
      if (c !== '0' && !octal()) throw new GoSyntaxError(); // \1 would be a backreference
      let r = Number(c);
      for (let k = 1; k < 3 && octal(); k++) r = r * 8 + Number(this.s[this.i++]);
      return String.fromCodePoint(r);
    }
    if (c === 'x') {
      const hex = (h: string | undefined) => (h !== undefined && /^[0-9A-Fa-f]$/.test(h) ? parseInt(h, 16) : -1);
      const first = this.s[this.i++];
      if (first === '{') {
        let r = 0;
        let digits = 0;
        for (let d = this.s[this.i++]; d !== '}'; d = this.s[this.i++]) {
          if (hex(d) < 0 || (r = r * 16 + hex(d)) > 0x10ffff) throw new GoSyntaxError();
          digits++;
        }
        if (digits === 0) throw new GoSyntaxError();
        return String.fromCodePoint(r);
      }
      const hi = hex(first);
      const lo = hex(this.s[this.i++]);
      if (hi < 0 || lo < 0) throw new GoSyntaxError();
      return String.fromCodePoint(hi * 16 + lo);
    }
    const control = CONTROL_ESCAPES[c];
    if (control === undefined) throw new GoSyntaxError();
    return control;
  }

  /** parseUnicodeClass: \pL, \p{Name}, \P{…}, \p{^…}; usable both as an atom and inside a `v` class. */
  private unicodeClass(): string {
    const s = this.s;
    let negate = s[this.i + 1] === 'P';
    let name: string;
    if (s[this.i + 2] !== '{') {
      name = s[this.i + 2] ?? '';
      this.i += 3;
    } else {
      const end = s.indexOf('}', this.i);
      if (end < 0) throw new GoSyntaxError();
      name = s.slice(this.i + 3, end).join('');
      this.i = end + 1;
    }
    if (name.startsWith('^')) {
      negate = !negate;
      name = name.slice(1);
    }
    const canonical = canonicalName(name);
    const p = negate ? '\\P' : '\\p';
    if (canonical === 'Any') return negate ? `[^${ANY_CHAR.slice(1)}` : ANY_CHAR;
    if (canonical === 'Assigned') return `${negate ? '\\p' : '\\P'}{gc=Cn}`;
    if (canonical === 'Ascii') return `${p}{ASCII}`;
    const category = CATEGORY_NAMES.get(canonical);
    if (category !== undefined) return `${p}{gc=${category}}`;
    if (canonical.length === 4 && !FOUR_LETTER_SCRIPTS.includes(canonical)) throw new GoSyntaxError();
    try {
      return new RegExp(`${p}{sc=${canonical}}`, 'v').source;
    } catch {
      throw new GoSyntaxError();
    }
  }

  /** parseClass: `]` first is literal, POSIX [:name:], \p, Perl classes, ranges. */
  private charClass(): string {
    const s = this.s;
    this.i++;
    const negated = s[this.i] === '^';
    if (negated) this.i++;
    const items: string[] = [];
    for (let first = true; s[this.i] !== ']' || first; first = false) {
      if (this.i >= s.length) throw new GoSyntaxError(); // missing closing ]
      if (s[this.i] === '[' && s[this.i + 1] === ':' && s.length - this.i > 2) {
        const end = s.findIndex((ch, k) => k >= this.i + 2 && ch === ':' && s[k + 1] === ']');
        if (end >= 0) {
          const name = s.slice(this.i + 2, end).join('');
          const key = name.replace(/^\^/, '');
          if (!Object.hasOwn(POSIX_CLASSES, key)) throw new GoSyntaxError();
          items.push(`[${key === name ? '' : '^'}${POSIX_CLASSES[key]!.replace(/[^-]/g, literal)}]`);
          this.i = end + 2;
          continue;
        }
      }
      const next = s[this.i + 1];
      if (s[this.i] === '\\' && (next === 'p' || next === 'P')) {
        items.push(this.unicodeClass());
        continue;
      }
      if (s[this.i] === '\\' && next !== undefined && Object.hasOwn(PERL_CLASSES, next)) {
        items.push(PERL_CLASSES[next]!);
        this.i += 2;
        continue;
      }
      const lo = this.classChar();
      if (s.length - this.i >= 2 && s[this.i] === '-' && s[this.i + 1] !== ']') {
        this.i++;
        const hi = this.classChar();
        if (hi.codePointAt(0)! < lo.codePointAt(0)!) throw new GoSyntaxError();
        items.push(`${literal(lo)}-${literal(hi)}`);
      } else {
        items.push(literal(lo));
      }
    }
    this.i++;
    return `[${negated ? '^' : ''}${items.join('')}]`;
  }

  private classChar(): string {
    if (this.s[this.i] === '\\') return this.escapedChar();
    return this.s[this.i++]!;
  }
}

function alternatives(group: Group): string {
  return [...group.alts, group.atoms].map((atoms) => atoms.map((a) => a.src).join('')).join('|');
}
