// The operator's ~/.ssh/config, read for the settings the tool itself uses: per `Host` pattern
// HostName, User, Port, IdentityFile, UserKnownHostsFile and ProxyJump, with OpenSSH's rule that
// the first value obtained for a setting wins. Parsed by the ssh-config package; looked up with
// its compute() on a copy that can execute nothing:
// - `Match` blocks are dropped whole (never evaluated: no `Match exec`, and no `Match host/user/all`
//   either, so a setting inside any Match block does not apply);
// - Canonicalize* / CanonicalDomains are dropped (ssh-config would run nslookup for them);
// - compute() is called with matchExec: false as well.
// Not followed: Include (its files are not read), ProxyCommand (never run), HostKeyAlias,
// StrictHostKeyChecking and everything else; what was left out is reported as notes.
// Reading the file is the only I/O here; the rest is pure.
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { LineType, parse, type Line } from 'ssh-config';

export interface SshConfigFile {
  /** The file read, for messages. */
  path: string;
  /** For `~`, `%d` and `${HOME}` in paths. */
  home: string;
  /** For `%u` (the local user name); '' leaves %u unexpanded (an error for that path). */
  localUser: string;
  /** For relative IdentityFile / UserKnownHostsFile paths: ssh takes them from its working directory. */
  cwd: string;
  /** Parsed lines with Match blocks and Canonicalize* removed; empty when there is no file. */
  lines: Line[];
  /** What was dropped while reading (Match blocks, Include, ...), for the debug log. */
  notes: string[];
}

export interface ReadSshConfigOptions {
  /** Default: $HOME/.ssh/config. */
  path?: string;
  /** Default: this process's user. */
  localUser?: string;
  /** Default: process.cwd(). */
  cwd?: string;
}

/** Reads `<home>/.ssh/config`; a missing file is an empty config. Unreadable otherwise: an error naming the file. */
export async function readSshConfig(home: string, opts: ReadSshConfigOptions = {}): Promise<SshConfigFile> {
  const path = opts.path ?? join(home, '.ssh', 'config');
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new Error(`cannot read ${path} (${code ?? (err as Error).message})`, { cause: err });
  }
  return parseSshConfig(text, { path, home, localUser: opts.localUser ?? localUserName(), cwd: opts.cwd ?? process.cwd() });
}

function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? '';
  }
}

const DROPPED = /^(canonicalizehostname|canonicaldomains|canonicalizefallbacklocal|canonicalizemaxdots|canonicalizepermittedcnames)$/i;

/** Parses config text into a lookup-safe form (see the file comment). Pure. */
export function parseSshConfig(text: string, where: Omit<SshConfigFile, 'lines' | 'notes'>): SshConfigFile {
  const notes: string[] = [];
  let parsed: Line[];
  try {
    parsed = parse(text);
  } catch (err) {
    throw new Error(`cannot parse ${where.path}: ${(err as Error).message}`, { cause: err });
  }
  const lines: Line[] = [];
  for (const line of parsed) {
    if (line.type !== LineType.DIRECTIVE) continue;
    if (/^match$/i.test(line.param)) {
      notes.push(`${where.path}: a Match block (${valueText(line.value)}) is ignored: Match is never evaluated`);
      continue;
    }
    if (DROPPED.test(line.param)) {
      notes.push(`${where.path}: ${line.param} is ignored`);
      continue;
    }
    if (/^include$/i.test(line.param)) notes.push(`${where.path}: Include ${valueText(line.value)} is not followed`);
    if ('config' in line) {
      // OpenSSH matches host patterns case-insensitively; ssh-config's glob does not.
      if (Array.isArray(line.value)) for (const v of line.value) v.val = v.val.toLowerCase();
      else line.value = line.value.toLowerCase();
      const kept = line.config.filter((sub) => {
        if (sub.type !== LineType.DIRECTIVE) return true;
        if (DROPPED.test(sub.param)) {
          notes.push(`${where.path}: ${sub.param} is ignored`);
          return false;
        }
        if (/^include$/i.test(sub.param)) notes.push(`${where.path}: Include ${valueText(sub.value)} is not followed`);
        return true;
      });
      line.config.splice(0, line.config.length, ...kept);
    }
    lines.push(line);
  }
  return { ...where, lines, notes };
}

function valueText(v: string | { val: string }[]): string {
  return Array.isArray(v) ? v.map((x) => x.val).join(' ') : v;
}

/** One hop of a ProxyJump; what it leaves out comes from the config for its host, then the target. */
export interface JumpSpec {
  host: string;
  user?: string;
  port?: number;
}

/** The settings ~/.ssh/config gives one host name, not yet expanded (tokens depend on the final user and port). */
export interface SshConfigHost {
  hostName?: string;
  user?: string;
  port?: number;
  /** Every IdentityFile, in order (ssh tries them all; the tool uses the first). */
  identityFiles: string[];
  /** UserKnownHostsFile's files (the tool uses the first, where trust-on-first-use also writes). */
  knownHostsFiles: string[];
  /** ProxyJump: [] for `none`, undefined when not set. */
  proxyJump?: JumpSpec[];
  notes: string[];
}

/** The settings for `ssh <host>`, the first value of each winning (OpenSSH order). Pure; runs nothing. */
export function lookupSshConfig(file: SshConfigFile, host: string): SshConfigHost {
  const out: SshConfigHost = { identityFiles: [], knownHostsFiles: [], notes: [] };
  if (file.lines.length === 0) return out;
  // A fresh array of the safe lines: compute() is ssh-config's, the lines have no Match left.
  const config = parse('');
  config.push(...file.lines);
  const c = config.compute(host.toLowerCase(), { ignoreCase: true, matchExec: false });
  const one = (k: string): string | undefined => {
    const v = c[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const many = (k: string): string[] => {
    const v = c[k];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  const hostName = one('hostname');
  if (hostName !== undefined) out.hostName = hostName.replace(/%(.)/g, (m, t: string) => (t === 'h' ? host : t === '%' ? '%' : m));
  const user = one('user');
  if (user !== undefined) out.user = user;
  const port = one('port');
  if (port !== undefined) {
    const n = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
    if (n >= 1 && n <= 65535) out.port = n;
    else out.notes.push(`${file.path}: Port ${port} for ${host} is not a port number: ignored`);
  }
  out.identityFiles = many('identityfile').map(unquote);
  out.knownHostsFiles = many('userknownhostsfile');
  const jump = one('proxyjump');
  if (one('proxycommand') !== undefined && jump === undefined) {
    out.notes.push(`${file.path}: ProxyCommand for ${host} is not run: the tool connects directly (use ProxyJump or the preseed's ssh.jump)`);
  }
  if (jump !== undefined) {
    try {
      out.proxyJump = parseProxyJump(jump);
    } catch (err) {
      out.notes.push(`${file.path}: ProxyJump ${jump} for ${host} ignored: ${(err as Error).message}`);
    }
  }
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** ProxyJump's value: `none`, or comma-separated `[user@]host[:port]` / `ssh://[user@]host[:port]` hops, first hop first. */
export function parseProxyJump(value: string): JumpSpec[] {
  if (value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map((raw) => {
    const hop = raw.trim().replace(/^ssh:\/\//, '').replace(/\/$/, '');
    const at = hop.lastIndexOf('@');
    const user = at >= 0 ? hop.slice(0, at) : undefined;
    let rest = at >= 0 ? hop.slice(at + 1) : hop;
    let port: number | undefined;
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
    if (bracket) {
      rest = bracket[1]!;
      if (bracket[2]) port = Number(bracket[2]);
    } else if ((rest.match(/:/g) ?? []).length === 1) {
      const [h, p] = rest.split(':') as [string, string];
      if (!/^\d{1,5}$/.test(p)) throw new Error(`bad port in ${raw.trim()}`);
      rest = h;
      port = Number(p);
    }
    if (rest === '' || /\s/.test(rest) || user === '') throw new Error(`bad hop ${raw.trim() || '(empty)'}`);
    if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`bad port in ${raw.trim()}`);
    return { host: rest, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}) };
  });
}

/** What tokens in IdentityFile / UserKnownHostsFile stand for. */
export interface PathTokens {
  /** %h: the host connected to (after HostName). */
  host: string;
  /** %n: the name as given, before HostName. */
  originalHost: string;
  /** %p */
  port: number;
  /** %r: the remote user. */
  user: string;
}

/**
 * Expands a path as ssh does for IdentityFile and UserKnownHostsFile: a leading `~` or `~/`,
 * `${HOME}`, and the tokens %d (home), %h, %n, %p, %r, %u (local user) and %%; a relative result
 * is taken from the working directory. Returns an Error for other tokens (%C, %i, %k, %l, %L, ...)
 * and other ${VAR}s, which the tool does not expand.
 */
export function expandSshPath(file: SshConfigFile, path: string, t: PathTokens): string | Error {
  let bad: string | null = null;
  let out = path.replace(/%(.)|\$\{([^}]*)\}/g, (m, tok: string | undefined, env: string | undefined) => {
    if (env !== undefined) {
      if (env === 'HOME') return file.home;
      bad ??= m;
      return m;
    }
    switch (tok) {
      case '%': return '%';
      case 'd': return file.home;
      case 'h': return t.host;
      case 'n': return t.originalHost;
      case 'p': return String(t.port);
      case 'r': return t.user;
      case 'u':
        if (file.localUser) return file.localUser;
        bad ??= m;
        return m;
      default:
        bad ??= m;
        return m;
    }
  });
  if (bad !== null) return new Error(`${bad} in ${path} is not expanded by this tool`);
  if (out === '~') out = file.home;
  else if (out.startsWith('~/')) out = join(file.home, out.slice(2));
  else if (out.startsWith('~')) return new Error(`${path}: ~user paths are not expanded by this tool`);
  return isAbsolute(out) ? out : resolve(file.cwd, out);
}
