// The slice of a POSIX shell the lab's machines need.
//
// sshd hands every exec request to the login shell (`bash -c '<command>'`). The tool sends one
// simple command whose arguments are each single-quoted, so `parseShellCommand` splits exactly
// that — words of plain characters, '…', "…" and backslash escapes, with optional NAME=value
// prefixes — and refuses everything else (pipes, lists, redirections, expansions, globs) with
// bash's syntax-error status 2: the lab cannot honour it and the tool never sends it.
//
// Programs may still run small scripts themselves (`sh -c 'for p in "$@"; do …; done' sh a b`), so
// `runScript` interprets the POSIX subset such scripts use: `;`/newline lists, `&&`, `||`, `!`,
// `if/elif/else/fi`, `for … in …; do … done`, parameters ($1, $@, "$@", $#, $?, ${name}),
// assignments, redirections to /dev/null and between 1 and 2, and the builtins exit, printf, echo,
// test/[, true, false, :, command -v. Pipes, subshells, command substitution and globs are refused.

import type { CommandResult } from './commands/types.js';

// ---- tokens ------------------------------------------------------------------------------------

type Piece =
  | { t: 'lit'; s: string; quoted: boolean }
  | { t: 'param'; name: string; quoted: boolean };

interface Word { pieces: Piece[] }

type Token =
  | { k: 'word'; w: Word }
  | { k: 'op'; op: ';' | '\n' | '&&' | '||' }
  | { k: 'redir'; fd: number; op: '>' | '>>' | '<' | '>&'; target: Word };

class ShellSyntaxError extends Error {}

const BLANK = new Set([' ', '\t']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '$', '!', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

function unsupported(what: string): never {
  throw new ShellSyntaxError(`unsupported in the lab's shell: ${what}`);
}

/** Read a parameter after '$' at s[i]; returns the piece and the index after it, or null for a literal '$'. */
function readParam(s: string, i: number, quoted: boolean): [Piece, number] | null {
  const c = s[i];
  if (c === '(') unsupported('command substitution $(…)');
  if (c === '{') {
    const end = s.indexOf('}', i);
    if (end < 0) throw new ShellSyntaxError('bad substitution');
    const name = s.slice(i + 1, end);
    if (!NAME.test(name) && !SPECIAL_PARAMS.has(name)) unsupported(`parameter expansion \${${name}}`);
    return [{ t: 'param', name, quoted }, end + 1];
  }
  if (c !== undefined && SPECIAL_PARAMS.has(c)) return [{ t: 'param', name: c, quoted }, i + 1];
  if (c !== undefined && NAME_START.test(c)) {
    let j = i;
    while (j < s.length && NAME_CHAR.test(s[j]!)) j++;
    return [{ t: 'param', name: s.slice(i, j), quoted }, j];
  }
  return null;
}

export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let pieces: Piece[] | null = null;
  let pendingRedir: { fd: number; op: '>' | '>>' | '<' | '>&' } | null = null;
  const lit = (text: string, quoted: boolean): void => {
    pieces ??= [];
    const last = pieces[pieces.length - 1];
    if (last && last.t === 'lit' && last.quoted === quoted) last.s += text;
    else pieces.push({ t: 'lit', s: text, quoted });
  };
  const finish = (): void => {
    if (pieces === null) return;
    const w: Word = { pieces };
    pieces = null;
    if (pendingRedir) { out.push({ k: 'redir', ...pendingRedir, target: w }); pendingRedir = null; }
    else out.push({ k: 'word', w });
  };
  const op = (o: ';' | '\n' | '&&' | '||'): void => {
    finish();
    if (pendingRedir) throw new ShellSyntaxError(`syntax error near unexpected token \`${o === '\n' ? 'newline' : o}'`);
    out.push({ k: 'op', op: o });
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (BLANK.has(c)) { finish(); i++; continue; }
    if (c === '#' && pieces === null) { while (i < s.length && s[i] !== '\n') i++; continue; }
    if (c === '\n') { op('\n'); i++; continue; }
    if (c === ';') {
      if (s[i + 1] === ';') unsupported('";;"');
      op(';'); i++; continue;
    }
    if (c === '&') {
      if (s[i + 1] === '&') { op('&&'); i += 2; continue; }
      unsupported('background jobs "&"');
    }
    if (c === '|') {
      if (s[i + 1] === '|') { op('||'); i += 2; continue; }
      unsupported('pipes "|"');
    }
    if (c === '(' || c === ')') unsupported(`subshells "${c}"`);
    if (c === '>' || c === '<') {
      // An all-digit word right before the operator is the file descriptor.
      let fd = c === '>' ? 1 : 0;
      const p = pieces as Piece[] | null;
      if (p && p.length === 1 && p[0]!.t === 'lit' && !p[0]!.quoted && /^\d$/.test(p[0]!.s)) { fd = Number(p[0]!.s); pieces = null; }
      finish();
      if (pendingRedir) throw new ShellSyntaxError(`syntax error near unexpected token \`${c}'`);
      let o: '>' | '>>' | '<' | '>&' = c;
      i++;
      if (c === '>' && s[i] === '>') { o = '>>'; i++; }
      else if (c === '>' && s[i] === '&') { o = '>&'; i++; }
      else if (c === '<' && (s[i] === '<' || s[i] === '&')) unsupported('here-documents and "<&"');
      pendingRedir = { fd, op: o };
      continue;
    }
    if (c === '\\') {
      const n = s[i + 1];
      if (n === undefined) { lit('\\', false); i++; continue; }
      if (n === '\n') { i += 2; continue; }
      lit(n, true); i += 2; continue;
    }
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
      lit(s.slice(i + 1, end), true);
      i = end + 1; continue;
    }
    if (c === '"') {
      pieces ??= [];
      const before = pieces.length;
      let j = i + 1;
      let closed = false;
      while (j < s.length) {
        const d = s[j]!;
        if (d === '"') { closed = true; break; }
        if (d === '`') unsupported('command substitution `…`');
        if (d === '\\') {
          const e = s[j + 1];
          if (e === '$' || e === '`' || e === '"' || e === '\\') { lit(e, true); j += 2; continue; }
          if (e === '\n') { j += 2; continue; }
          lit('\\', true); j++; continue;
        }
        if (d === '$') {
          const p = readParam(s, j + 1, true);
          if (p) { pieces.push(p[0]); j = p[1]; continue; }
        }
        lit(d, true); j++;
      }
      if (!closed) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'');
      if (pieces.length === before) lit('', true); // "" is an empty word, not no word
      i = j + 1; continue;
    }
    if (c === '$') {
      const p = readParam(s, i + 1, false);
      if (p) { pieces ??= []; pieces.push(p[0]); i = p[1]; continue; }
      lit('$', false); i++; continue;
    }
    if (c === '`') unsupported('command substitution `…`');
    if (c === '*' || c === '?' || c === '[') {
      // A lone "[" is the test command; anything else would glob.
      const next = s[i + 1];
      if (!(c === '[' && pieces === null && (next === undefined || BLANK.has(next) || next === '\n'))) unsupported(`unquoted glob "${c}"`);
    }
    if (c === '~' && pieces === null) unsupported('tilde expansion');
    if (c === '{' || c === '}') unsupported(`unquoted "${c}"`);
    lit(c, false); i++;
  }
  finish();
  if (pendingRedir) throw new ShellSyntaxError("syntax error near unexpected token `newline'");
  return out;
}

/** The text of a word without expansions, or undefined when it has parameters. */
function literal(w: Word): string | undefined {
  let out = '';
  for (const p of w.pieces) { if (p.t !== 'lit') return undefined; out += p.s; }
  return out;
}

/** An unquoted, expansion-free word: what reserved words and assignment names must be. */
function bare(w: Word): string | undefined {
  return w.pieces.length === 1 && w.pieces[0]!.t === 'lit' && !w.pieces[0]!.quoted ? w.pieces[0]!.s : undefined;
}

// ---- the top-level command line ----------------------------------------------------------------

export type ShellParse =
  | { ok: true; argv: string[]; assignments: Record<string, string> }
  | { ok: false; message: string; exitCode: number };

/** Split the command line sshd receives into argv, as `bash -c` would for one simple command. */
export function parseShellCommand(command: string): ShellParse {
  let tokens: Token[];
  try {
    tokens = tokenize(command);
  } catch (err) {
    return { ok: false, exitCode: 2, message: `bash: -c: line 1: ${(err as Error).message}\n` };
  }
  while (tokens.length && tokens[tokens.length - 1]!.k === 'op' && (tokens[tokens.length - 1] as { op: string }).op === '\n') tokens.pop();
  const words: Word[] = [];
  for (const t of tokens) {
    if (t.k === 'word') { words.push(t.w); continue; }
    const what = t.k === 'op' ? `"${t.op === '\n' ? '\\n' : t.op}"` : 'redirections';
    return { ok: false, exitCode: 2, message: `bash: line 1: unsupported in the lab's shell: ${what} (send one command)\n` };
  }
  const argv: string[] = [];
  for (const w of words) {
    const text = literal(w);
    if (text === undefined) return { ok: false, exitCode: 2, message: "bash: line 1: unsupported in the lab's shell: parameter expansion \"$\"\n" };
    argv.push(text);
  }
  const assignments: Record<string, string> = {};
  let k = 0;
  for (; k < words.length; k++) {
    const a = assignmentOf(words[k]!);
    if (!a) break;
    assignments[a.name] = argv[k]!.slice(a.name.length + 1);
  }
  return { ok: true, argv: argv.slice(k), assignments };
}

/** NAME=… with NAME and '=' unquoted. */
function assignmentOf(w: Word): { name: string; value: Piece[] } | undefined {
  const first = w.pieces[0];
  if (!first || first.t !== 'lit' || first.quoted) return undefined;
  const eq = first.s.indexOf('=');
  if (eq <= 0 || !NAME.test(first.s.slice(0, eq))) return undefined;
  const rest: Piece[] = [];
  if (eq + 1 < first.s.length) rest.push({ t: 'lit', s: first.s.slice(eq + 1), quoted: false });
  return { name: first.s.slice(0, eq), value: [...rest, ...w.pieces.slice(1)] };
}

// ---- scripts -----------------------------------------------------------------------------------

type Node =
  | { n: 'simple'; assigns: { name: string; value: Piece[] }[]; words: Word[]; redirs: Extract<Token, { k: 'redir' }>[] }
  | { n: 'not'; body: Node }
  | { n: 'andor'; first: Node; rest: { op: '&&' | '||'; node: Node }[] }
  | { n: 'list'; items: Node[] }
  | { n: 'if'; branches: { cond: Node; body: Node }[]; otherwise?: Node }
  | { n: 'for'; name: string; items: Word[] | undefined; body: Node };

const RESERVED = new Set(['if', 'then', 'elif', 'else', 'fi', 'for', 'in', 'do', 'done', 'while', 'until', 'case', 'esac', '!', '{', '}']);

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peekWord(): string | undefined {
    const t = this.toks[this.i];
    return t?.k === 'word' ? bare(t.w) : undefined;
  }
  private skipNewlines(): void {
    while (this.toks[this.i]?.k === 'op' && (this.toks[this.i] as { op: string }).op === '\n') this.i++;
  }
  private expectWord(word: string): void {
    this.skipNewlines();
    if (this.peekWord() !== word) throw new ShellSyntaxError(`syntax error: expected "${word}"`);
    this.i++;
  }

  parseProgram(): Node {
    const list = this.parseList(new Set());
    if (this.i < this.toks.length) {
      const t = this.toks[this.i]!;
      throw new ShellSyntaxError(`syntax error near unexpected token \`${t.k === 'word' ? literal(t.w) ?? '$…' : t.k === 'op' ? t.op : 'redirection'}'`);
    }
    return list;
  }

  /** and_or lists separated by ; or newlines, up to one of the terminator words. */
  private parseList(terminators: Set<string>): Node {
    const items: Node[] = [];
    for (;;) {
      this.skipNewlines();
      while (this.toks[this.i]?.k === 'op' && (this.toks[this.i] as { op: string }).op === ';') {
        if (items.length === 0) throw new ShellSyntaxError("syntax error near unexpected token `;'");
        this.i++;
        this.skipNewlines();
      }
      if (this.i >= this.toks.length) break;
      const w = this.peekWord();
      if (w !== undefined && terminators.has(w)) break;
      items.push(this.parseAndOr());
      const t = this.toks[this.i];
      if (t?.k === 'op' && (t.op === ';' || t.op === '\n')) { this.i++; continue; }
      break;
    }
    return { n: 'list', items };
  }

  private parseAndOr(): Node {
    const first = this.parsePipeline();
    const rest: { op: '&&' | '||'; node: Node }[] = [];
    for (;;) {
      const t = this.toks[this.i];
      if (t?.k !== 'op' || (t.op !== '&&' && t.op !== '||')) break;
      this.i++;
      this.skipNewlines();
      rest.push({ op: t.op, node: this.parsePipeline() });
    }
    return rest.length ? { n: 'andor', first, rest } : first;
  }

  private parsePipeline(): Node {
    if (this.peekWord() === '!') { this.i++; return { n: 'not', body: this.parseCommand() }; }
    return this.parseCommand();
  }

  private parseCommand(): Node {
    const w = this.peekWord();
    if (w === 'if') return this.parseIf();
    if (w === 'for') return this.parseFor();
    if (w !== undefined && RESERVED.has(w)) {
      if (['while', 'until', 'case', '{', '}'].includes(w)) unsupported(`"${w}"`);
      throw new ShellSyntaxError(`syntax error near unexpected token \`${w}'`);
    }
    const assigns: { name: string; value: Piece[] }[] = [];
    const words: Word[] = [];
    const redirs: Extract<Token, { k: 'redir' }>[] = [];
    for (;;) {
      const t = this.toks[this.i];
      if (!t || t.k === 'op') break;
      this.i++;
      if (t.k === 'redir') { redirs.push(t); continue; }
      const a = words.length === 0 ? assignmentOf(t.w) : undefined;
      if (a) assigns.push(a); else words.push(t.w);
    }
    if (!assigns.length && !words.length && !redirs.length) {
      const t = this.toks[this.i];
      throw new ShellSyntaxError(`syntax error near unexpected token \`${t?.k === 'op' ? t.op : 'newline'}'`);
    }
    return { n: 'simple', assigns, words, redirs };
  }

  private parseIf(): Node {
    this.i++; // if
    const branches: { cond: Node; body: Node }[] = [];
    let otherwise: Node | undefined;
    for (;;) {
      const cond = this.parseList(new Set(['then']));
      this.expectWord('then');
      const body = this.parseList(new Set(['elif', 'else', 'fi']));
      branches.push({ cond, body });
      this.skipNewlines();
      const w = this.peekWord();
      if (w === 'elif') { this.i++; continue; }
      if (w === 'else') { this.i++; otherwise = this.parseList(new Set(['fi'])); }
      this.expectWord('fi');
      break;
    }
    return otherwise ? { n: 'if', branches, otherwise } : { n: 'if', branches };
  }

  private parseFor(): Node {
    this.i++; // for
    const name = this.peekWord();
    if (name === undefined || !NAME.test(name)) throw new ShellSyntaxError('syntax error: bad for loop variable');
    this.i++;
    let items: Word[] | undefined;
    this.skipNewlines();
    if (this.peekWord() === 'in') {
      this.i++;
      items = [];
      while (this.toks[this.i]?.k === 'word') items.push((this.toks[this.i] as { w: Word }).w), this.i++;
    }
    const t = this.toks[this.i];
    if (t?.k === 'op' && (t.op === ';' || t.op === '\n')) this.i++;
    this.expectWord('do');
    const body = this.parseList(new Set(['done']));
    this.expectWord('done');
    return { n: 'for', name, items, body };
  }
}

export interface ScriptHooks {
  /** Run an external program (not a builtin) with the script's environment. */
  run(argv: string[], env: Record<string, string>): Promise<CommandResult>;
  /** Whether a program exists (for `command -v` and "not found"); returns its path. */
  which(name: string): string | undefined;
}

class Exit { constructor(readonly code: number) {} }

interface Frame {
  vars: Map<string, string>;
  exported: Set<string>;
  positional: string[];
  name: string;
  status: number;
  out: string;
  err: string;
}

const IFS = /[ \t\n]+/;

function expand(words: Word[], f: Frame): string[] {
  const fields: string[] = [];
  for (const w of words) {
    // Each word becomes one or more fields: quoted text and "$@" elements keep their boundaries,
    // unquoted parameters are split on blanks.
    let cur: string | null = null;
    const push = (s: string): void => { cur = (cur ?? '') + s; };
    const flush = (): void => { if (cur !== null) fields.push(cur); cur = null; };
    for (const p of w.pieces) {
      if (p.t === 'lit') { push(p.s); continue; }
      if (p.name === '@' && p.quoted) {
        f.positional.forEach((arg, k) => { if (k > 0) flush(); push(arg); });
        if (f.positional.length === 0 && w.pieces.length === 1) cur = null;
        continue;
      }
      const value = paramValue(p.name, f);
      if (p.quoted) { push(value); continue; }
      value.split(IFS).forEach((part, k) => {
        if (k > 0) flush();
        if (part !== '') push(part);
      });
    }
    flush();
  }
  return fields;
}

function paramValue(name: string, f: Frame): string {
  switch (name) {
    case '@': case '*': return f.positional.join(' ');
    case '#': return String(f.positional.length);
    case '?': return String(f.status);
    case '$': return '4242';
    case '!': case '-': return '';
    case '0': return f.name;
  }
  if (/^\d$/.test(name)) return f.positional[Number(name) - 1] ?? '';
  return f.vars.get(name) ?? '';
}

function printf(args: string[]): { out: string; err: string; code: number } {
  const [format, ...rest] = args;
  if (format === undefined) return { out: '', err: 'printf: usage: printf format [arguments]\n', code: 2 };
  const escapes = (s: string): string => s.replace(/\\(n|t|r|\\|a|b|f|v|0[0-7]{0,3})/g, (_m, e: string) => ({
    n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v',
  } as Record<string, string>)[e] ?? String.fromCharCode(parseInt(e, 8)));
  let out = '';
  let k = 0;
  let code = 0;
  do {
    out += escapes(format).replace(/%([-0-9.]*)([sdib%])/g, (_m, _w: string, conv: string) => {
      if (conv === '%') return '%';
      const a = rest[k++] ?? '';
      if (conv === 's' || conv === 'b') return conv === 'b' ? escapes(a) : a;
      const n = a === '' ? 0 : Number(a);
      if (!Number.isInteger(n)) { code = 1; return '0'; }
      return String(n);
    });
  } while (k > 0 && k < rest.length);
  return { out, err: code ? 'printf: invalid number\n' : '', code };
}

/** Run a script (`sh -c SCRIPT NAME ARGS…`). `shell` names the messages: "sh" (dash) or "bash". */
export async function runScript(script: string, name: string, args: string[], shell: 'sh' | 'bash',
  hooks: ScriptHooks, env: Record<string, string> = {}): Promise<CommandResult> {
  const where = shell === 'sh' ? `${name}: 1:` : `${name}: line 1:`;
  let program: Node;
  try {
    program = new Parser(tokenize(script)).parseProgram();
  } catch (err) {
    if (!(err instanceof ShellSyntaxError)) throw err;
    return { stdout: '', stderr: `${where} ${err.message}\n`, exitCode: 2 };
  }
  const f: Frame = {
    vars: new Map(Object.entries(env)), exported: new Set(Object.keys(env)), positional: [...args], name, status: 0, out: '', err: '',
  };
  try {
    await exec(program, f);
  } catch (e) {
    if (e instanceof Exit) return { stdout: f.out, stderr: f.err, exitCode: e.code };
    if (e instanceof ShellSyntaxError) return { stdout: f.out, stderr: f.err + `${where} ${e.message}\n`, exitCode: 2 };
    throw e;
  }
  return { stdout: f.out, stderr: f.err, exitCode: f.status };

  async function exec(node: Node, fr: Frame): Promise<void> {
    switch (node.n) {
      case 'list': for (const item of node.items) await exec(item, fr); return;
      case 'not': await exec(node.body, fr); fr.status = fr.status === 0 ? 1 : 0; return;
      case 'andor':
        await exec(node.first, fr);
        for (const { op, node: next } of node.rest) {
          if ((op === '&&') === (fr.status === 0)) await exec(next, fr);
        }
        return;
      case 'if':
        for (const b of node.branches) {
          await exec(b.cond, fr);
          if (fr.status === 0) { await exec(b.body, fr); return; }
        }
        if (node.otherwise) await exec(node.otherwise, fr); else fr.status = 0;
        return;
      case 'for': {
        const items = node.items ? expand(node.items, fr) : [...fr.positional];
        fr.status = 0;
        for (const item of items) { fr.vars.set(node.name, item); await exec(node.body, fr); }
        return;
      }
      case 'simple': return simple(node, fr);
    }
  }

  async function simple(node: Extract<Node, { n: 'simple' }>, fr: Frame): Promise<void> {
    const argv = expand(node.words, fr);
    const assigned = node.assigns.map((a) => [a.name, expand([{ pieces: a.value.length ? a.value : [{ t: 'lit', s: '', quoted: true }] }], fr).join(' ')] as const);
    if (argv.length === 0) {
      for (const [k, v] of assigned) fr.vars.set(k, v);
      fr.status = 0;
      return;
    }
    const [cmd, ...rest] = argv as [string, ...string[]];
    const result = await builtin(cmd, rest, fr) ?? await external(argv, fr, assigned);
    // Redirections: only /dev/null and 1<->2 swaps; anything else would touch files.
    let { stdout, stderr } = result;
    for (const r of node.redirs) {
      const target = literal(r.target) ?? expand([r.target], fr).join(' ');
      if (r.op === '<') { if (target !== '/dev/null') unsupported(`reading from ${target}`); continue; }
      if (r.op === '>&') {
        if (r.fd === 2 && target === '1') { stdout += stderr; stderr = ''; }
        else if (r.fd === 1 && target === '2') { stderr += stdout; stdout = ''; }
        else if (!(String(r.fd) === target)) unsupported(`redirection ${r.fd}>&${target}`);
        continue;
      }
      if (target !== '/dev/null') unsupported(`writing to ${target}`);
      if (r.fd === 1) stdout = ''; else if (r.fd === 2) stderr = '';
    }
    fr.out += stdout;
    fr.err += stderr;
    fr.status = result.exitCode;
  }

  async function external(argv: string[], fr: Frame, assigned: readonly (readonly [string, string])[]): Promise<CommandResult> {
    const [cmd] = argv as [string];
    if (!hooks.which(cmd)) {
      return shell === 'sh'
        ? { stdout: '', stderr: `${name}: 1: ${cmd}: not found\n`, exitCode: 127 }
        : { stdout: '', stderr: `${name}: line 1: ${cmd}: command not found\n`, exitCode: 127 };
    }
    const env: Record<string, string> = {};
    for (const k of fr.exported) env[k] = fr.vars.get(k) ?? '';
    for (const [k, v] of assigned) env[k] = v;
    return hooks.run(argv, env);
  }

  async function builtin(cmd: string, args: string[], fr: Frame): Promise<CommandResult | undefined> {
    const res = (stdout: string, stderr = '', exitCode = 0): CommandResult => ({ stdout, stderr, exitCode });
    switch (cmd) {
      case 'exit': {
        const code = args[0] === undefined ? fr.status : Number(args[0]);
        throw new Exit(Number.isInteger(code) ? code & 0xff : 2);
      }
      case ':': case 'true': return res('');
      case 'false': return res('', '', 1);
      case 'printf': { const p = printf(args); return res(p.out, p.err, p.code); }
      case 'echo': {
        const noNewline = args[0] === '-n';
        return res((noNewline ? args.slice(1) : args).join(' ') + (noNewline ? '' : '\n'));
      }
      case 'export': {
        for (const a of args) {
          const eq = a.indexOf('=');
          const key = eq < 0 ? a : a.slice(0, eq);
          if (eq >= 0) fr.vars.set(key, a.slice(eq + 1));
          fr.exported.add(key);
        }
        return res('');
      }
      case 'command': {
        if (args[0] !== '-v' || args.length !== 2) return undefined;
        const target = args[1]!;
        if (['exit', ':', 'true', 'false', 'printf', 'echo', 'export', 'command', 'test', '['].includes(target)) return res(`${target}\n`);
        const path = hooks.which(target);
        return path ? res(`${path}\n`) : res('', '', 1);
      }
      default: return undefined; // test/[ and everything else run as programs
    }
  }
}
