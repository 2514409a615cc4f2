// Turning an argument vector into the one string sshd hands to the login shell (`$SHELL -c <cmd>`).
// Every argument is single-quoted on the wire: inside '...' a POSIX shell interprets nothing, so the
// only byte needing care is the quote itself ('\''). Quoting even "safe" words keeps reserved words
// (if, !, {) and assignments (A=b) in argv[0] from changing meaning. Buffers carry bytes that a JS
// string cannot (non-UTF-8); NUL cannot travel in argv at all, so it is refused.
import { inspect } from 'node:util';

/** An argument whose value must never be shown: logs and errors print *** instead. */
export class Secret {
  readonly #value: string | Buffer;
  constructor(value: string | Buffer) {
    this.#value = value;
  }
  reveal(): string | Buffer {
    return this.#value;
  }
  toString(): string {
    return '***';
  }
  toJSON(): string {
    return '***';
  }
  [inspect.custom](): string {
    return 'Secret(***)';
  }
}

export const secret = (value: string | Buffer): Secret => new Secret(value);

export type Arg = string | Buffer | Secret;

const QUOTE = 0x27;
const ESCAPED_QUOTE = Buffer.from(`'\\''`);

export function shellQuote(arg: string | Buffer): Buffer {
  const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
  if (bytes.includes(0)) throw new TypeError('a command argument cannot contain a NUL byte');
  const parts: Buffer[] = [Buffer.from("'")];
  let start = 0;
  for (let i = bytes.indexOf(QUOTE); i >= 0; i = bytes.indexOf(QUOTE, start)) {
    parts.push(bytes.subarray(start, i), ESCAPED_QUOTE);
    start = i + 1;
  }
  parts.push(bytes.subarray(start), Buffer.from("'"));
  return Buffer.concat(parts);
}

/** The command line for sshd: each argument quoted, separated by single spaces. */
export function buildCommand(argv: readonly Arg[]): Buffer {
  if (argv.length === 0) throw new TypeError('cannot run an empty argument vector');
  const parts: Buffer[] = [];
  argv.forEach((a, i) => {
    if (i > 0) parts.push(Buffer.from(' '));
    parts.push(shellQuote(a instanceof Secret ? a.reveal() : a));
  });
  return Buffer.concat(parts);
}

const SAFE_DISPLAY = /^[A-Za-z0-9_@%+=:,./-]+$/;
const MAX_ARG_DISPLAY = 120;
const MAX_DISPLAY = 400;

/** argv for humans (logs, error messages): secrets masked, control and non-UTF-8 bytes escaped. */
export function displayArgv(argv: readonly Arg[]): string {
  const shown = argv.map(displayArg).join(' ');
  return shown.length > MAX_DISPLAY ? `${shown.slice(0, MAX_DISPLAY)}…` : shown;
}

function displayArg(a: Arg): string {
  if (a instanceof Secret) return '***';
  let text = typeof a === 'string' ? a : escapeBytes(a);
  if (text.length > MAX_ARG_DISPLAY) text = `${text.slice(0, MAX_ARG_DISPLAY)}…`;
  if (SAFE_DISPLAY.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${hex(c.charCodeAt(0))}`)}'`;
}

function escapeBytes(b: Buffer): string {
  const text = b.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(b)) return text;
  let out = '';
  for (const byte of b) out += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${hex(byte)}`;
  return out;
}

const hex = (n: number): string => n.toString(16).padStart(2, '0');

/** The raw values of the secret arguments, so that output excerpts can be scrubbed of them. */
export function secretValues(argv: readonly Arg[]): Buffer[] {
  return argv
    .filter((a): a is Secret => a instanceof Secret)
    .map((s) => {
      const v = s.reveal();
      return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    })
    .filter((v) => v.length > 0);
}

/** Replaces every occurrence of each secret in text with ***. */
export function redact(text: string, secrets: readonly (string | Buffer)[]): string {
  let out = text;
  for (const s of secrets) {
    const needle = typeof s === 'string' ? s : s.toString('utf8');
    if (needle.length > 0) out = out.split(needle).join('***');
  }
  return out;
}
