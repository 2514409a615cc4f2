// Characters a value must not carry on its way to a machine or back to the operator's screen, and
// Linux's rule for interface names. A control character cuts a C string short (NUL) or drives the
// terminal (ESC); a bidirectional-text control reorders what is shown, so a plan could display one
// name while another is sent ("Trojan Source", CVE-2021-42574); a zero-width character makes two
// different values look alike. Pure.

/**
 * `line`: one token that a machine resolves (a device path, an interface, a host): none of them.
 * `text`: free text (an LXD config value, which may be a PEM certificate): tabs, line breaks and
 * zero-width characters are allowed (emoji and some scripts need joiners); they cannot reorder it.
 */
export type TextKind = 'line' | 'text';

export type UnsafeKind = 'control' | 'bidi' | 'invisible';

export interface UnsafeCharacter {
  codePoint: number;
  /** 1-based, counted in characters (code points), as an editor counts them. */
  position: number;
  kind: UnsafeKind;
}

const NAMES: Record<number, string> = {
  0x00: 'NULL', 0x07: 'BELL', 0x08: 'BACKSPACE', 0x09: 'CHARACTER TABULATION', 0x0a: 'LINE FEED', 0x0b: 'LINE TABULATION',
  0x0c: 'FORM FEED', 0x0d: 'CARRIAGE RETURN', 0x1b: 'ESCAPE', 0x20: 'SPACE', 0x7f: 'DELETE', 0x85: 'NEXT LINE',
  0xa0: 'NO-BREAK SPACE', 0x061c: 'ARABIC LETTER MARK', 0x200b: 'ZERO WIDTH SPACE', 0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER', 0x200e: 'LEFT-TO-RIGHT MARK', 0x200f: 'RIGHT-TO-LEFT MARK', 0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING', 0x202c: 'POP DIRECTIONAL FORMATTING', 0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE', 0x2060: 'WORD JOINER', 0x2066: 'LEFT-TO-RIGHT ISOLATE', 0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE', 0x2069: 'POP DIRECTIONAL ISOLATE', 0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

const KIND_WORDS: Record<UnsafeKind, string> = {
  control: 'a control character',
  bidi: 'a bidirectional-text control, which changes the order in which text is shown',
  invisible: 'an invisible zero-width character',
};

function classify(cp: number): UnsafeKind | null {
  if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return 'control';
  if (cp === 0x061c || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return 'bidi';
  if ((cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || cp === 0xfeff) return 'invisible';
  return null;
}

/** The first character of `value` that `kind` refuses, or null. */
export function findUnsafeCharacter(value: string, kind: TextKind = 'line'): UnsafeCharacter | null {
  let position = 0;
  for (const ch of value) {
    position++;
    const codePoint = ch.codePointAt(0) ?? 0;
    const found = classify(codePoint);
    if (found === null) continue;
    if (kind === 'text' && (codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d || found === 'invisible')) continue;
    return { codePoint, position, kind: found };
  }
  return null;
}

/** `U+202E (RIGHT-TO-LEFT OVERRIDE)`, or `U+0001` for a character without a well-known name. */
export function codePointLabel(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES[codePoint];
  return name ? `${hex} (${name})` : hex;
}

/** "contains U+0000 (NULL) at position 4, a control character", and how to get rid of it. */
export function unsafeCharacterMessage(u: UnsafeCharacter): { message: string; hint: string } {
  return {
    message: `contains ${codePointLabel(u.codePoint)} at position ${u.position}, ${KIND_WORDS[u.kind]}`,
    hint: u.kind === 'control'
      ? 'delete it; in a double-quoted YAML value, escapes such as \\0, \\t, \\e or \\x01 also make control characters'
      : 'delete it; most editors do not show it, so retype the value rather than paste it',
  };
}

/** For a secret value: that something is wrong, without saying what or where. */
export const UNSAFE_SECRET = {
  message: 'contains a control character or a bidirectional-text control (which one, and where, is not shown: the value is secret)',
  hint: 'retype the value rather than paste it; in double quotes, escapes such as \\0 or \\e also make control characters',
};

/**
 * The text with every unsafe character written as `\uXXXX`, so that a message quoting a hostile
 * value shows it as it is instead of letting it reorder or hide the line.
 */
export function visible(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    // Messages and hints are single lines; a line break in one is ours, not a quoted value's.
    out += cp !== 0x0a && classify(cp) !== null ? `\\u${cp.toString(16).padStart(4, '0')}` : ch;
  }
  return out;
}

/**
 * JSON text with the characters JSON.stringify leaves raw but a terminal acts on (DEL, C1 controls
 * such as the one-byte CSI U+009B, bidi overrides and isolates) written as \uXXXX: the same value
 * to a parser, and nothing a `cat` of the output can do to the screen. They can only occur inside
 * strings, where the escape is exact.
 */
export function jsonVisible(json: string): string {
  return json.replace(/[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu, (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** A value as one JSON document (pretty with `space`) and a newline, through jsonVisible: every --json output. */
export function jsonText(value: unknown, space?: number): string {
  return `${jsonVisible(JSON.stringify(value, null, space))}\n`;
}

/** IFNAMSIZ is 16: the name and its terminating NUL. */
export const MAX_INTERFACE_NAME_BYTES = 15;

/** The bytes the kernel's isspace() is true for: its ctype table is Latin-1, so 0xA0 counts too. */
const KERNEL_SPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]);

const INTERFACE_HINT = 'write the name as `ip -br link` shows it on the machine, e.g. enp2s0: 1 to 15 bytes, not "." or "..", without "/", ":" or whitespace';

/**
 * Why Linux refuses `name` as an interface name, or null when it accepts it: dev_valid_name()
 * (net/core/dev.c) byte for byte on the UTF-8 encoding, in its order. Control and invisible
 * characters, which Linux allows, are the schema's `x-safe-text` concern. The message follows
 * "the string "…" ".
 */
export function interfaceNameProblem(name: string): { message: string; hint: string } | null {
  const invalid = (why: string, hint = INTERFACE_HINT) => ({ message: `is not a valid interface name: ${why}`, hint });
  if (name === '') return invalid('it is empty');
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_INTERFACE_NAME_BYTES) {
    const encoding = bytes === name.length ? '' : ' in UTF-8';
    return invalid(`it is ${bytes} bytes long${encoding}, and Linux allows at most ${MAX_INTERFACE_NAME_BYTES}`);
  }
  if (name === '.' || name === '..') return invalid('Linux refuses "." and ".." (they name directories in /sys/class/net)');
  let position = 0;
  for (const ch of name) {
    position++;
    if (ch === '/') return invalid(`it contains "/" at position ${position}, which Linux refuses`);
    if (ch === ':') {
      return invalid(`it contains ":" at position ${position}, which Linux refuses`,
        'a name such as eth0:1 is an address label on eth0, not an interface: name the interface itself, e.g. eth0');
    }
    const encoded = Buffer.from(ch, 'utf8');
    if (encoded.some((b) => KERNEL_SPACE.has(b))) {
      const cp = ch.codePointAt(0) ?? 0;
      return invalid(encoded.length === 1
        ? `it contains ${codePointLabel(cp)} at position ${position}, and Linux refuses whitespace`
        : `it contains ${codePointLabel(cp)} at position ${position}, whose UTF-8 encoding has the byte 0xA0, which Linux counts as whitespace`);
    }
  }
  return null;
}
