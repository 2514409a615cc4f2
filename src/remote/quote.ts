// Turning an argument vector into the one string sshd hands to the login shell (`$SHELL -c <cmd>`).
// Every argument is single-quoted on the wire: inside '...' a POSIX shell interprets nothing, so the
// only byte needing care is the quote itself ('\''). Quoting even "safe" words keeps reserved words
// (if, !, {) and assignments (A=b) in argv[0] from changing meaning. Buffers carry bytes that a JS
// string cannot (non-UTF-8); NUL cannot travel in argv at all, so it is refused.
import { REDACTED, Secret, maskValues } from '../secrets.js';

export { Secret };

/** An argument whose value must never be shown: logs and errors print the mask instead. */
export function secret(value: string): Secret;
export function secret(value: Buffer): Secret<Buffer>;
export function secret(value: string | Buffer): Secret<string | Buffer>;
export function secret(value: string | Buffer): Secret<string | Buffer> {
  return new Secret(value);
}

export type Arg = string | Buffer | Secret<string | Buffer>;

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
  if (a instanceof Secret) return REDACTED;
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
    .filter((a): a is Secret<string | Buffer> => a instanceof Secret)
    .map((s) => {
      const v = s.reveal();
      return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    })
    .filter((v) => v.length > 0);
}

/**
 * Replaces every occurrence of each secret argument in text (a command's output) with the mask.
 * Unlike a run's SecretSet there is no minimum length: these are exactly the values this one
 * command was given, and its output is the one place they are looked for.
 */
export function redact(text: string, secrets: readonly (string | Buffer)[]): string {
  return maskValues(text, secrets);
}
