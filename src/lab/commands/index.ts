// The programs the lab's machines have, found the way bash finds them ($PATH, or an absolute
// path), with `sudo [-n] [-u root] [--]` in front when asked.
import { falseCmd, hostname, id, trueCmd, uname, whoami } from './basic.js';
import { microcephCeph } from './ceph.js';
import { bracket, cat, ls, readlink, stat, test } from './fs.js';
import { ip } from './ip.js';
import { nc } from './nc.js';
import { ovsVsctl } from './ovs-vsctl.js';
import { hasProgram, snapdOf } from '../machines.js';
import { snap } from './snap.js';
import { splitTimeout, timeout } from './timeout.js';
import { runScript } from '../shell.js';
import type { CommandContext, CommandImpl, CommandResult } from './types.js';
import { fail, ok } from './types.js';

export type { CephHealth, CephMonitors, CommandContext, CommandImpl, CommandResult } from './types.js';

interface Program {
  impl: CommandImpl;
  /** Directories the binary lives in. */
  dirs: readonly string[];
  /** Whether this machine has it (snap apps exist only with their snap). */
  present?: (ctx: CommandContext) => boolean;
}

const USR_BIN = ['/usr/bin', '/bin'];
const USR_SBIN = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];
const hasSnap = (name: string) => (ctx: CommandContext): boolean => ctx.spec.snaps.some((s) => s.name === name);

const PROGRAMS: Record<string, Program> = {
  hostname: { impl: hostname, dirs: USR_BIN },
  uname: { impl: uname, dirs: USR_BIN },
  id: { impl: id, dirs: USR_BIN },
  whoami: { impl: whoami, dirs: USR_BIN },
  true: { impl: trueCmd, dirs: USR_BIN },
  false: { impl: falseCmd, dirs: USR_BIN },
  test: { impl: test, dirs: USR_BIN },
  '[': { impl: bracket, dirs: USR_BIN },
  cat: { impl: cat, dirs: USR_BIN },
  readlink: { impl: readlink, dirs: USR_BIN },
  ls: { impl: ls, dirs: USR_BIN },
  stat: { impl: stat, dirs: USR_BIN },
  // netcat-openbsd: /usr/bin/nc is its alternatives link.
  nc: { impl: nc, dirs: USR_BIN },
  ip: { impl: ip, dirs: USR_SBIN },
  // snapd's client, from the snapd package: a machine without snapd (Debian) has no `snap`.
  snap: { impl: snap, dirs: USR_BIN, present: (ctx) => snapdOf(ctx.spec) !== null },
  'microceph.ceph': { impl: microcephCeph, dirs: ['/snap/bin'], present: hasSnap('microceph') },
  'microovn.ovs-vsctl': { impl: ovsVsctl, dirs: ['/snap/bin'], present: hasSnap('microovn') },
  sh: { impl: (args, ctx) => shell('sh', args, ctx), dirs: USR_BIN },
  dash: { impl: (args, ctx) => shell('sh', args, ctx), dirs: USR_BIN },
  bash: { impl: (args, ctx) => shell('bash', args, ctx), dirs: USR_BIN },
  env: { impl: (args, ctx) => env(args, ctx), dirs: USR_BIN },
  timeout: { impl: (args, ctx) => timeout(args, ctx, runArgv, (w) => lookup(w, ctx) !== undefined), dirs: USR_BIN },
};

function lookup(word: string, ctx: CommandContext): Program | undefined {
  const slash = word.lastIndexOf('/');
  const name = slash >= 0 ? word.slice(slash + 1) : word;
  const prog = Object.hasOwn(PROGRAMS, name) ? PROGRAMS[name] : undefined;
  if (!prog || (prog.present && !prog.present(ctx)) || !hasProgram(ctx.spec, name)) return undefined;
  if (slash >= 0 && !prog.dirs.includes(word.slice(0, slash) || '/')) return undefined;
  return prog;
}

/** Where bash would find a program on this machine (undefined when it has none by that name). */
export function which(word: string, ctx: CommandContext): string | undefined {
  const prog = lookup(word, ctx);
  if (!prog) return undefined;
  return word.includes('/') ? word : `${prog.dirs[0]}/${word}`;
}

/** `sh -c SCRIPT [NAME [ARG…]]` (also bash, dash): the script runs in the lab's small interpreter. */
function shell(kind: 'sh' | 'bash', args: string[], ctx: CommandContext): Promise<CommandResult> | CommandResult {
  if (args[0] !== '-c' || args[1] === undefined) {
    return fail(`lab: only "${kind} -c SCRIPT [NAME [ARG…]]" is simulated`, 2);
  }
  const [, script, name = kind, ...rest] = args;
  return runScript(script!, name, rest, kind, {
    which: (w) => which(w, ctx),
    run: (argv, vars) => runArgv(argv, { ...ctx, env: { ...ctx.env, ...vars } }),
  }, ctx.env ?? {});
}

const BASE_ENV = (ctx: CommandContext): Record<string, string> => {
  const home = ctx.root ? '/root' : `/home/${ctx.user}`;
  const user = ctx.root ? 'root' : ctx.user;
  return {
    SHELL: '/bin/bash', PWD: home, LOGNAME: user, HOME: home, LANG: 'C.UTF-8', USER: user, SHLVL: '1',
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin',
  };
};

/** `env [-i] [-u NAME]… [--] [NAME=VALUE]… [COMMAND [ARG]…]` */
function env(args: string[], ctx: CommandContext): Promise<CommandResult> | CommandResult {
  const split = splitEnv(['env', ...args]);
  if (split.error) return split.error;
  const vars = { ...(split.clear ? {} : { ...BASE_ENV(ctx), ...ctx.env }), ...split.vars };
  for (const u of split.unset) delete vars[u];
  if (split.argv.length === 0) return ok(Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join('') + '_=/usr/bin/env\n');
  if (!lookup(split.argv[0]!, ctx)) return fail(`env: ‘${split.argv[0]}’: No such file or directory`, 127);
  return runArgv(split.argv, { ...ctx, env: vars });
}

interface EnvSplit { argv: string[]; vars: Record<string, string>; unset: string[]; clear: boolean; error?: CommandResult }

function splitEnv(argv: readonly string[]): EnvSplit {
  const out: EnvSplit = { argv: [], vars: {}, unset: [], clear: false };
  let k = 1;
  for (; k < argv.length; k++) {
    const a = argv[k]!;
    if (a === '--') { k++; break; }
    if (a === '-i' || a === '--ignore-environment' || a === '-') { out.clear = true; continue; }
    if (a === '-u' || a === '--unset') { const n = argv[++k]; if (n !== undefined) out.unset.push(n); continue; }
    if (a.startsWith('-')) return { ...out, error: fail(`lab: env ${a} is not simulated`, 125) };
    break;
  }
  for (; k < argv.length && /^[^=]+=/.test(argv[k]!); k++) {
    const a = argv[k]!;
    out.vars[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  }
  out.argv = argv.slice(k);
  return out;
}

/** The command a line really runs, without `sudo …`, `env NAME=value …` and `timeout …` in front: what fault
 *  patterns are matched against. */
export function effectiveArgv(argv: readonly string[]): string[] {
  let cur = [...argv];
  for (;;) {
    const s = splitSudo(cur);
    if (s.sudo && !s.error) { cur = s.argv; continue; }
    if (cur[0] === 'env' || cur[0] === '/usr/bin/env') {
      const e = splitEnv(cur);
      if (!e.error && e.argv.length) { cur = e.argv; continue; }
    }
    if (cur[0] === 'timeout' || cur[0] === '/usr/bin/timeout') {
      const t = splitTimeout(cur.slice(1));
      if (!('exitCode' in t)) { cur = t.argv; continue; }
    }
    return cur;
  }
}

export interface SudoSplit {
  /** Whether the command went through sudo. */
  sudo: boolean;
  /** The command sudo runs (or the whole argv without sudo). */
  argv: string[];
  /** A usage error sudo itself reports. */
  error?: CommandResult;
  nonInteractive: boolean;
}

/** Split `sudo [-n] [-E] [-H] [-u root] [--] cmd…` into sudo's options and the command. */
export function splitSudo(argv: readonly string[]): SudoSplit {
  if (argv[0] !== 'sudo' && argv[0] !== '/usr/bin/sudo' && argv[0] !== '/bin/sudo') {
    return { sudo: false, argv: [...argv], nonInteractive: false };
  }
  const usage = 'usage: sudo -h | -K | -k | -V\nusage: sudo [-AbEHknPS] [-u user] [command [arg ...]]';
  let nonInteractive = false;
  let k = 1;
  for (; k < argv.length; k++) {
    const a = argv[k]!;
    if (a === '--') { k++; break; }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '-u' || a === '--user' || a.startsWith('--user=') || (a.startsWith('-u') && a.length > 2)) {
      const user = a === '-u' || a === '--user' ? argv[++k] : a.startsWith('--user=') ? a.slice(7) : a.slice(2);
      if (user === undefined) return { sudo: true, argv: [], nonInteractive, error: fail(`sudo: option requires an argument -- 'u'\n${usage}`) };
      if (user !== 'root' && user !== '#0') {
        return { sudo: true, argv: [], nonInteractive, error: fail(`lab: "sudo -u ${user}" is not simulated; only root is`) };
      }
      continue;
    }
    if (a === '--non-interactive') { nonInteractive = true; continue; }
    if (a === '--preserve-env' || a === '--set-home' || a.startsWith('--preserve-env=')) continue;
    if (/^-[nEHS]+$/.test(a)) { if (a.includes('n')) nonInteractive = true; continue; }
    return { sudo: true, argv: [], nonInteractive, error: fail(`sudo: invalid option -- '${a.replace(/^-+/, '')[0] ?? ''}'\n${usage}`) };
  }
  const rest = argv.slice(k);
  if (rest.length === 0) return { sudo: true, argv: [], nonInteractive, error: fail(usage) };
  return { sudo: true, argv: rest, nonInteractive };
}

/** Run an argument vector on a machine, as sshd's `bash -c` would. */
export async function runArgv(argv: readonly string[], ctx: CommandContext): Promise<CommandResult> {
  if (argv.length === 0) return { stdout: '', stderr: '', exitCode: 0 };
  const split = splitSudo(argv);
  if (split.error) return split.error;
  if (split.sudo) {
    if (!ctx.root && !ctx.sudoWithoutPassword) {
      return split.nonInteractive
        ? fail('sudo: a password is required')
        : fail('sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\nsudo: a password is required');
    }
    const [word] = split.argv as [string];
    const prog = lookup(word, ctx);
    if (!prog) return fail(`sudo: ${word}: command not found`);
    return prog.impl(split.argv.slice(1), { ...ctx, root: true });
  }
  const [word] = argv as [string];
  const prog = lookup(word, ctx);
  if (!prog) {
    return fail(word.includes('/') ? `bash: line 1: ${word}: No such file or directory` : `bash: line 1: ${word}: command not found`, 127);
  }
  return prog.impl(argv.slice(1), ctx);
}
