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

/** A character as a self-contained JS regexp atom (flag v). */
export function literal(ch: string): string {
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
