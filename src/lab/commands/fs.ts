// A read-only view of the few files a deployer looks at: daemon sockets, block devices and their
// /dev/disk/by-{id,path} links, /etc/hostname, /etc/os-release, /proc/net/route, and the
// commands in /snap/bin. `test`/`[`, `cat` and `readlink` read it.
import { diskByIdNames, machineServices, socketAccess, socketPath } from '../machines.js';
import type { MachineSpec } from '../types.js';
import { routes } from './ip.js';
import { type CommandImpl, type CommandResult, fail } from './types.js';

export type FsNode =
  | { type: 'dir' }
  | { type: 'file'; content: () => string; executable?: boolean }
  | { type: 'socket'; owner: string; group: string; mode: number }
  | { type: 'block' }
  | { type: 'link'; target: string };

const UBUNTU = `PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
`;
const DEBIAN = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

/** /proc/net/route: IPv4 routes, addresses as little-endian hex, each line padded to 127 columns. */
export function procNetRoute(spec: MachineSpec): string {
  const le = (ip: string): string => {
    const b = ip.split('.').map(Number);
    return [b[3], b[2], b[1], b[0]].map((x) => (x ?? 0).toString(16).toUpperCase().padStart(2, '0')).join('');
  };
  const mask = (prefix: number): string => {
    const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return le([24, 16, 8, 0].map((s) => (m >>> s) & 0xff).join('.'));
  };
  const pad = (s: string): string => s.padEnd(127) + '\n';
  let out = pad('Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT');
  for (const r of routes(spec, 'inet')) {
    const [dst = '0.0.0.0', len = '0'] = r.dst === 'default' ? ['0.0.0.0', '0'] : r.dst.split('/');
    const flags = r.gateway ? 0x0003 : 0x0001;
    out += pad([r.dev, le(dst), le(r.gateway ?? '0.0.0.0'), flags.toString(16).toUpperCase().padStart(4, '0'),
      '0', '0', String(r.metric ?? 0), mask(Number(len)), '0', '0', '0'].join('\t'));
  }
  return out;
}

export function machineFs(spec: MachineSpec): Map<string, FsNode> {
  const fs = new Map<string, FsNode>();
  const dir = (p: string): void => {
    for (let q = p; q !== ''; q = q.slice(0, q.lastIndexOf('/'))) if (!fs.has(q)) fs.set(q, { type: 'dir' });
    fs.set('/', { type: 'dir' });
  };
  const put = (p: string, node: FsNode): void => { dir(p.slice(0, p.lastIndexOf('/'))); fs.set(p, node); };
  ['/bin', '/usr/bin', '/usr/sbin', '/tmp', '/root', '/var/lib', '/run', '/sys', '/dev/disk/by-id', '/dev/disk/by-path'].forEach(dir);
  put('/etc/hostname', { type: 'file', content: () => `${spec.hostname}\n` });
  put('/etc/os-release', { type: 'file', content: () => (spec.lxdFlavor === 'deb-5.0' ? DEBIAN : UBUNTU) });
  put('/proc/net/route', { type: 'file', content: () => procNetRoute(spec) });
  for (const d of spec.disks) {
    put(`/dev/${d.id}`, { type: 'block' });
    for (const name of diskByIdNames(d)) put(`/dev/disk/by-id/${name}`, { type: 'link', target: `../../${d.id}` });
    if (d.device_path) put(`/dev/disk/by-path/${d.device_path}`, { type: 'link', target: `../../${d.id}` });
  }
  const snapNames = new Set(spec.snaps.map((s) => s.name));
  for (const s of snapNames) {
    if (s === 'lxd' && spec.lxdFlavor === 'deb-5.0') continue;
    dir(`/snap/${s}/current`);
    dir(`/var/snap/${s}/common`);
  }
  const exe = (p: string): void => put(p, { type: 'file', content: () => '', executable: true });
  for (const s of machineServices(spec)) {
    const path = socketPath(spec, s);
    put(path, { type: 'socket', ...socketAccess(spec, s) });
  }
  if (snapNames.has('lxd')) {
    if (spec.lxdFlavor === 'deb-5.0') { exe('/usr/bin/lxc'); exe('/usr/bin/lxd'); }
    else { exe('/snap/bin/lxc'); exe('/snap/bin/lxd'); }
  }
  if (snapNames.has('microceph')) { exe('/snap/bin/microceph'); exe('/snap/bin/microceph.ceph'); exe('/snap/bin/microceph.rbd'); }
  if (snapNames.has('microovn')) { exe('/snap/bin/microovn'); exe('/snap/bin/microovn.ovn-nbctl'); exe('/snap/bin/microovn.ovn-sbctl'); }
  return fs;
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop(); else parts.push(p);
  }
  return '/' + parts.join('/');
}

/** Follow links; undefined when a component does not exist. */
function resolve(fs: Map<string, FsNode>, path: string, depth = 0): { path: string; node: FsNode } | undefined {
  const p = normalize(path.startsWith('/') ? path : `/root/${path}`);
  const node = fs.get(p);
  if (!node) return undefined;
  if (node.type === 'link') {
    if (depth > 8) return undefined;
    return resolve(fs, normalize(`${p.slice(0, p.lastIndexOf('/'))}/${node.target}`), depth + 1);
  }
  return { path: p, node };
}

function unary(fs: Map<string, FsNode>, op: string, path: string): boolean | undefined {
  const raw = fs.get(normalize(path.startsWith('/') ? path : `/root/${path}`));
  const r = resolve(fs, path);
  switch (op) {
    case '-e': case '-a': return r !== undefined;
    case '-f': return r?.node.type === 'file';
    case '-d': return r?.node.type === 'dir';
    case '-S': return r?.node.type === 'socket';
    case '-b': return r?.node.type === 'block';
    case '-c': case '-p': return false;
    case '-L': case '-h': return raw?.type === 'link';
    case '-x': return r !== undefined && (r.node.type === 'dir' || (r.node.type === 'file' && r.node.executable === true));
    case '-r': case '-w': return r !== undefined;
    case '-s': return r !== undefined && (r.node.type !== 'file' || r.node.content().length > 0);
    default: return undefined;
  }
}

/** `test EXPR` / `[ EXPR ]` for the forms a deployer uses: `[!] -OP PATH`, `STRING`, `A = B`, `A != B`. */
function evaluate(fs: Map<string, FsNode>, args: string[], name: string): CommandResult {
  let negate = false;
  let a = args;
  if (a[0] === '!' && a.length > 1) { negate = true; a = a.slice(1); }
  let result: boolean | undefined;
  if (a.length === 0) result = false;
  else if (a.length === 1) result = a[0] !== '';
  else if (a.length === 2) {
    result = a[0] === '-n' ? a[1] !== '' : a[0] === '-z' ? a[1] === '' : unary(fs, a[0]!, a[1]!);
    if (result === undefined) return fail(`bash: line 1: ${name}: ${a[0]}: unary operator expected`, 2);
  } else if (a.length === 3 && (a[1] === '=' || a[1] === '==' || a[1] === '!=')) {
    result = a[1] === '!=' ? a[0] !== a[2] : a[0] === a[2];
  } else return fail(`bash: line 1: ${name}: too many arguments`, 2);
  return { stdout: '', stderr: '', exitCode: result !== negate ? 0 : 1 };
}

export const test: CommandImpl = (args, ctx) => evaluate(machineFs(ctx.spec), args, 'test');

export const bracket: CommandImpl = (args, ctx) => {
  if (args[args.length - 1] !== ']') return fail("bash: line 1: [: missing `]'", 2);
  return evaluate(machineFs(ctx.spec), args.slice(0, -1), '[');
};

export const cat: CommandImpl = (args, ctx) => {
  const fs = machineFs(ctx.spec);
  let out = ''; let err = ''; let code = 0;
  for (const a of args) {
    if (a.startsWith('-') && a !== '-') { return fail(`lab: cat options are not simulated (${a})`, 1); }
    const r = resolve(fs, a);
    if (!r) { err += `cat: ${a}: No such file or directory\n`; code = 1; continue; }
    if (r.node.type === 'dir') { err += `cat: ${a}: Is a directory\n`; code = 1; continue; }
    if (r.node.type === 'socket') { err += `cat: ${a}: No such device or address\n`; code = 1; continue; }
    if (r.node.type === 'block') { err += `cat: ${a}: Permission denied\n`; code = 1; continue; }
    if (r.node.type === 'file') out += r.node.content();
  }
  return { stdout: out, stderr: err, exitCode: code };
};

/** `readlink -f|-e|-m PATH…` (canonicalize) and plain `readlink LINK`. */
export const readlink: CommandImpl = (args, ctx) => {
  const fs = machineFs(ctx.spec);
  let mode = '';
  const paths: string[] = [];
  for (const a of args) {
    if (a === '-f' || a === '--canonicalize') mode = 'f';
    else if (a === '-e' || a === '--canonicalize-existing') mode = 'e';
    else if (a === '-m' || a === '--canonicalize-missing') mode = 'm';
    else if (a === '-n' || a === '--no-newline' || a === '-q' || a === '-s') continue;
    else if (a.startsWith('-')) return fail(`readlink: invalid option -- '${a.replace(/^-+/, '')}'\nTry 'readlink --help' for more information.`);
    else paths.push(a);
  }
  if (paths.length === 0) return fail("readlink: missing operand\nTry 'readlink --help' for more information.");
  let out = ''; let code = 0;
  for (const p of paths) {
    const abs = normalize(p.startsWith('/') ? p : `/root/${p}`);
    if (mode === '') {
      const node = fs.get(abs);
      if (node?.type === 'link') out += `${node.target}\n`; else code = 1;
      continue;
    }
    const r = resolve(fs, abs);
    if (r) { out += `${r.path}\n`; continue; }
    const base = abs.slice(abs.lastIndexOf('/') + 1);
    const parent = resolve(fs, abs.slice(0, abs.lastIndexOf('/')) || '/');
    if (mode === 'm') out += `${abs}\n`;
    else if (mode === 'f' && parent?.node.type === 'dir') out += `${parent.path === '/' ? '' : parent.path}/${base}\n`;
    else code = 1;
  }
  return { stdout: out, stderr: '', exitCode: code };
};

/** `ls [-1] [PATH…]`: names one per line, as ls prints them when stdout is not a terminal. */
export const ls: CommandImpl = (args, ctx) => {
  const fs = machineFs(ctx.spec);
  const paths: string[] = [];
  for (const a of args) {
    if (a === '-1' || a === '-A' || a === '--') continue;
    if (a.startsWith('-')) return fail(`lab: ls ${a} is not simulated (only ls [-1] [-A] PATH…)`, 2);
    paths.push(a);
  }
  if (paths.length === 0) paths.push('/root');
  let out = ''; let err = ''; let code = 0;
  paths.forEach((p, k) => {
    const abs = normalize(p.startsWith('/') ? p : `/root/${p}`);
    const r = resolve(fs, abs);
    if (!r) { err += `ls: cannot access '${p}': No such file or directory\n`; code = 2; return; }
    if (r.node.type !== 'dir' || fs.get(abs)?.type === 'link') { out += `${p}\n`; return; }
    const prefix = r.path === '/' ? '/' : `${r.path}/`;
    const names = [...fs.keys()]
      .filter((k2) => k2 !== r.path && k2.startsWith(prefix) && !k2.slice(prefix.length).includes('/'))
      .map((k2) => k2.slice(prefix.length))
      .sort();
    if (paths.length > 1) out += `${k > 0 ? '\n' : ''}${p}:\n`;
    out += names.map((x) => `${x}\n`).join('');
  });
  return { stdout: out, stderr: err, exitCode: code };
};

/** `stat [-L] -c FORMAT [--] PATH…` with the directives %a %A %U %G %u %g %n %F %%: daemon
 *  sockets carry their real ownership and mode; everything else is root's, 0755 or 0644. */
export const stat: CommandImpl = (args, ctx) => {
  const fs = machineFs(ctx.spec);
  let format: string | undefined;
  const paths: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '--') { paths.push(...args.slice(k + 1)); break; }
    if (a === '-L' || a === '--dereference') continue;
    if (a === '-c' || a === '--format') { format = args[++k]; continue; }
    if (a.startsWith('--format=')) { format = a.slice(9); continue; }
    if (a.startsWith('-c') && a.length > 2) { format = a.slice(2); continue; }
    if (a.startsWith('-')) return fail(`lab: stat ${a} is not simulated (only stat [-L] -c FORMAT PATH…)`, 1);
    paths.push(a);
  }
  if (format === undefined) return fail('lab: stat without -c FORMAT is not simulated', 1);
  if (paths.length === 0) return fail("stat: missing operand\nTry 'stat --help' for more information.");
  let out = ''; let err = ''; let code = 0;
  for (const p of paths) {
    const r = resolve(fs, p);
    if (!r) { err += `stat: cannot statx '${p}': No such file or directory\n`; code = 1; continue; }
    const n = r.node;
    const mode = n.type === 'socket' ? n.mode : n.type === 'dir' || (n.type === 'file' && n.executable) ? 0o755 : n.type === 'block' ? 0o660 : 0o644;
    const owner = n.type === 'socket' ? n.owner : 'root';
    const group = n.type === 'socket' ? n.group : n.type === 'block' ? 'disk' : 'root';
    const kind = n.type === 'socket' ? 'socket' : n.type === 'dir' ? 'directory' : n.type === 'block' ? 'block special file' : 'regular file';
    const letter = n.type === 'socket' ? 's' : n.type === 'dir' ? 'd' : n.type === 'block' ? 'b' : '-';
    const rwx = (m: number): string => `${m & 4 ? 'r' : '-'}${m & 2 ? 'w' : '-'}${m & 1 ? 'x' : '-'}`;
    const id = (name: string): string => (name === 'root' ? '0' : name === 'lxd' ? '105' : name === 'disk' ? '6' : '1000');
    out += format.replace(/%(.)/g, (_m, d: string) => {
      switch (d) {
        case 'a': return mode.toString(8);
        case 'A': return letter + rwx(mode >> 6) + rwx(mode >> 3) + rwx(mode);
        case 'U': return owner;
        case 'G': return group;
        case 'u': return id(owner);
        case 'g': return id(group);
        case 'n': return p;
        case 'F': return kind;
        case '%': return '%';
        default: return `?${d}`;
      }
    }) + '\n';
  }
  return { stdout: out, stderr: err, exitCode: code };
};
