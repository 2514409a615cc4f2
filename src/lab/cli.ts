// `microcloud lab up|down|status`: run a simulated site for people and tests.
//
//   lab up --nodes N [--dir DIR] [--latency MS] [--port P] [--microcloud] [--without-snaps] [--detach]
//   lab down [--dir DIR]
//   lab status [--dir DIR] [--json]
//
// `up` writes DIR/site.yaml (a preseed for the lab's machines, host keys pinned), DIR/id_ed25519
// (the client key), DIR/known_hosts (for OpenSSH) and DIR/lab.json (pid, ports, machines). In the
// foreground it runs until SIGINT/SIGTERM; with --detach it starts itself in the background
// (dist/lab/daemon.js) and returns once every machine's SSH port accepts connections.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pidAlive, procStart } from '../apply/proc.js';
import { EXIT } from '../cli/io.js';
import { type SshKeyPair, generateEd25519, publicKeyOf } from './keys.js';
import { DEFAULT_SNAPS, MAX_DEFAULT_NODES, MICROCLOUD_SNAP, defaultMachineSpecs, labSnapsBlock } from './machines.js';
import { writeLabFiles } from './files.js';
import { PRESEED_SCHEMA_PATH } from './preseed.js';
import { LabSite } from './lab-site.js';


const SYNOPSIS = `Usage:
  microcloud lab up [--nodes N] [--dir DIR] [--latency MS] [--port PORT] [--microcloud] [--without-snaps] [--detach]
  microcloud lab down [--dir DIR]
  microcloud lab status [--dir DIR] [--json]`;

const USAGE = `${SYNOPSIS}

Runs a simulated site: N machines, each an SSH server on 127.0.0.1 answering like an Ubuntu
machine with the LXD, MicroCeph and MicroOVN snaps. "up" writes DIR/site.yaml (a preseed for the
lab, host keys pinned) and DIR/id_ed25519 (the key to log in with).

Options:
  --nodes N       number of machines, 1-${MAX_DEFAULT_NODES} (default 3)
  --dir DIR       where the lab keeps its files (default .lab)
  --latency MS    added delay per round trip, in milliseconds (default 0)
  --port PORT     first SSH port; machine i listens on PORT+i-1 (default: free ports)
  --microcloud    give every machine the microcloud snap too (its daemon; default: without)
  --without-snaps machines with snapd but none of lxd, microceph, microovn, microcloud; site.yaml
                  then has a snaps: block (the lower channel of each, microcloud with --microcloud)
  --detach        run in the background and return once the machines accept connections
  --json          (status) print the state as JSON`;

/** The lab's record in DIR/lab.json. */
export interface LabState {
  version: 1;
  pid: number;
  /** The process's start time (/proc/<pid>/stat field 22), to tell a reused pid from the lab. */
  procStart: string | null;
  dir: string;
  startedAt: string;
  host: string;
  latencyMs: number;
  siteFile: string;
  identityFile: string;
  knownHostsFile: string;
  /** Files the lab created, removed by `lab down`. */
  files: string[];
  machines: { name: string; address: string | undefined; port: number; hostKey: string; hostPublicKey: string }[];
}

export interface LabIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

class UsageError extends Error {}

const defaultIo = (): LabIo => ({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });

export async function labCommand(argv: string[], io: LabIo = defaultIo()): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'up': return await up(rest, io);
      case 'down': return await down(rest, io);
      case 'status': return await status(rest, io);
      case undefined: throw new UsageError('lab needs a subcommand: up, down or status');
      case '-h': case '--help': case 'help':
        io.stdout.write(`${USAGE}\n`);
        return EXIT.OK;
      default: throw new UsageError(`unknown lab subcommand ${JSON.stringify(sub)}; use up, down or status`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`microcloud lab: ${err.message}\n${SYNOPSIS}\nRun 'microcloud lab --help' for the options.\n`);
      return EXIT.USAGE;
    }
    io.stderr.write(`microcloud lab: error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.ERROR;
  }
}

// ---- arguments -----------------------------------------------------------------------------------

type Spec = Record<string, { type: 'string' | 'boolean' }>;

function parse(args: string[], options: Spec): Record<string, string | boolean | undefined> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('. To specify a positional')[0] ?? 'invalid arguments');
  }
  if (parsed.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
  return parsed.values;
}

function integer(value: string | boolean | undefined, flag: string, min: number, max: number, dflt: number): number {
  if (value === undefined) return dflt;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return n;
}

const labDir = (io: LabIo, value: string | boolean | undefined): string => resolve(io.cwd, typeof value === 'string' ? value : '.lab');

/** How to show a path to the person who typed the command. */
function shown(io: LabIo, path: string): string {
  const rel = relative(io.cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

// ---- state ---------------------------------------------------------------------------------------

const stateFile = (dir: string): string => join(dir, 'lab.json');

function readState(dir: string): LabState | undefined {
  try {
    const s = JSON.parse(readFileSync(stateFile(dir), 'utf8')) as LabState;
    return s && s.version === 1 && Number.isInteger(s.pid) ? s : undefined;
  } catch {
    return undefined;
  }
}

function writeAtomic(path: string, text: string, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

/** Whether the lab recorded in `state` is still running (the same process, not a reused pid). */
function running(state: LabState): boolean {
  if (!pidAlive(state.pid)) return false;
  const now = procStart(state.pid);
  return now === null || state.procStart === null || now === state.procStart;
}

/** Remove the lab's files, then its directory if that is left empty (never the current, home or
 *  temporary directory, or a root). */
function removeFiles(dir: string, files: readonly string[]): void {
  for (const f of files) rmSync(join(dir, f), { force: true });
  if ([process.cwd(), homedir(), tmpdir(), dirname(dir)].includes(dir)) return;
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch { /* already gone */ }
}

// ---- up ------------------------------------------------------------------------------------------

interface UpOptions { dir: string; nodes: number; latency: number; port: number | undefined; microcloud: boolean; withoutSnaps: boolean }

async function up(args: string[], io: LabIo): Promise<number> {
  const v = parse(args, {
    nodes: { type: 'string' }, dir: { type: 'string' }, latency: { type: 'string' }, port: { type: 'string' }, detach: { type: 'boolean' },
    microcloud: { type: 'boolean' }, 'without-snaps': { type: 'boolean' },
  });
  if (v['help']) { io.stdout.write(`${USAGE}\n`); return EXIT.OK; }
  const nodes = integer(v['nodes'], '--nodes', 1, MAX_DEFAULT_NODES, 3);
  const opts: UpOptions = {
    dir: labDir(io, v['dir']),
    nodes,
    latency: integer(v['latency'], '--latency', 0, 60_000, 0),
    port: v['port'] === undefined ? undefined : integer(v['port'], '--port', 1, 65536 - nodes, 0),
    microcloud: v['microcloud'] === true,
    withoutSnaps: v['without-snaps'] === true,
  };
  const existing = readState(opts.dir);
  if (existing && running(existing)) {
    throw new Error(`a lab is already running in ${shown(io, opts.dir)} (pid ${existing.pid}); stop it with \`microcloud lab down --dir ${shown(io, opts.dir)}\``);
  }
  return v['detach'] ? detach(opts, io) : foreground(opts, io);
}

function loadOrCreateKey(dir: string): { key: SshKeyPair; created: boolean } {
  const path = join(dir, 'id_ed25519');
  if (existsSync(path)) {
    const privateKey = readFileSync(path, 'utf8');
    return { key: { privateKey, publicKey: publicKeyOf(privateKey, 'microcloud-lab') }, created: false };
  }
  const key = generateEd25519('microcloud-lab');
  writeFileSync(path, key.privateKey, { mode: 0o600 });
  writeFileSync(`${path}.pub`, `${key.publicKey}\n`, { mode: 0o644 });
  return { key, created: true };
}

async function foreground(opts: UpOptions, io: LabIo): Promise<number> {
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const { key, created } = loadOrCreateKey(opts.dir);
  const files = ['lab.json', 'site.yaml', 'known_hosts', ...(created ? ['id_ed25519', 'id_ed25519.pub'] : [])];
  let site: LabSite;
  try {
    site = await LabSite.start({
      nodes: opts.nodes, latencyMs: opts.latency, clientKey: key,
      ...(opts.withoutSnaps ? { withoutSnaps: true }
        : opts.microcloud ? { machines: defaultMachineSpecs(opts.nodes, { snaps: [...DEFAULT_SNAPS, MICROCLOUD_SNAP] }) } : {}),
      ...(opts.port !== undefined ? { ports: Array.from({ length: opts.nodes }, (_, k) => opts.port! + k) } : {}),
    });
  } catch (err) {
    removeFiles(opts.dir, files);
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= site.stop().finally(() => removeFiles(opts.dir, files)));
  try {
    const state = writeUpFiles(site, opts, files);
    io.stdout.write(describe(state, io));
    io.stdout.write('The lab runs in the foreground: press Ctrl-C to stop it (or run `microcloud lab down` from another terminal). Use --detach to run it in the background.\n');
    await untilSignalled();
  } finally {
    await stop();
  }
  io.stdout.write('Lab stopped.\n');
  return EXIT.OK;
}

/** Everything `up` leaves in DIR: site.yaml and the key (files.ts), known_hosts for OpenSSH, lab.json. */
function writeUpFiles(site: LabSite, opts: UpOptions, files: string[]): LabState {
  const eps = site.endpoints();
  // Relative when the lab lives inside this package (the default .lab/), absolute otherwise.
  const inPackage = !relative(dirname(dirname(PRESEED_SCHEMA_PATH)), opts.dir).startsWith('..');
  const { siteFile, identityFile } = writeLabFiles(opts.dir, site, {
    schemaRef: inPackage ? relative(opts.dir, PRESEED_SCHEMA_PATH) : PRESEED_SCHEMA_PATH,
    header: [
      `MicroCloud preseed for the lab started by \`microcloud lab up\` (${eps.length} machines, pid ${process.pid}).`,
      'The ssh: keys say how to reach each machine; host keys are pinned.',
      ...(opts.withoutSnaps ? ['The machines have snapd but not the snaps: the snaps: block says which to install.'] : []),
    ],
    ...(opts.withoutSnaps ? { snaps: labSnapsBlock({ microcloud: opts.microcloud }) } : {}),
  });
  writeAtomic(join(opts.dir, 'known_hosts'), eps.map((e) => `[${e.host}]:${e.port} ${e.hostPublicKey}\n`).join(''));
  const state: LabState = {
    version: 1,
    pid: process.pid,
    procStart: procStart(process.pid),
    dir: opts.dir,
    startedAt: new Date().toISOString(),
    host: site.host,
    latencyMs: opts.latency,
    siteFile,
    identityFile,
    knownHostsFile: join(opts.dir, 'known_hosts'),
    files,
    machines: eps.map((e) => ({ name: e.name, address: e.address, port: e.port, hostKey: e.hostKeyFingerprint, hostPublicKey: e.hostPublicKey })),
  };
  writeAtomic(stateFile(opts.dir), `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const on = (sig: NodeJS.Signals): void => {
      for (const s of signals) process.off(s, on);
      resolveSignal(sig);
    };
    for (const s of signals) process.on(s, on);
  });
}

function describe(state: LabState, io: LabIo): string {
  const dir = shown(io, state.dir);
  const key = shown(io, state.identityFile);
  const kh = shown(io, state.knownHostsFile);
  const nameW = Math.max(...state.machines.map((m) => m.name.length));
  const lines = state.machines.map((m) =>
    `  ${m.name.padEnd(nameW)}  ${(m.address ?? '-').padEnd(15)}  ${state.host}:${String(m.port).padEnd(5)}  ${m.hostKey}`);
  const first = state.machines[0]!;
  return [
    `Lab up: ${state.machines.length} machine${state.machines.length === 1 ? '' : 's'} (pid ${state.pid}), files in ${dir}/`,
    '',
    ...lines,
    '',
    `Preseed:  ${shown(io, state.siteFile)}   (every system's ssh: host, port and pinned host key)`,
    `Key:      ${key}`,
    '',
    'Try:',
    `  ssh -i ${key} -o UserKnownHostsFile=${kh} -p ${first.port} root@${state.host} hostname`,
    `  microcloud validate ${shown(io, state.siteFile)}`,
    `Stop:     microcloud lab down --dir ${dir}`,
    '',
  ].join('\n');
}

/** The compiled background entry point, next to this module in dist/. */
export function daemonPath(): string {
  return fileURLToPath(new URL('./daemon.js', import.meta.url));
}

async function detach(opts: UpOptions, io: LabIo): Promise<number> {
  const entry = daemonPath();
  if (!existsSync(entry)) {
    throw new Error(`cannot start a background lab: ${entry} does not exist (build the package with \`npm run build\`)`);
  }
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const logPath = join(opts.dir, 'lab.log');
  const log = openSync(logPath, 'w', 0o600);
  const args = [entry, 'up', '--dir', opts.dir, '--nodes', String(opts.nodes), '--latency', String(opts.latency)];
  if (opts.port !== undefined) args.push('--port', String(opts.port));
  if (opts.microcloud) args.push('--microcloud');
  if (opts.withoutSnaps) args.push('--without-snaps');
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], cwd: opts.dir });
  closeSync(log);
  let exited: number | null | undefined;
  child.once('exit', (code, signal) => { exited = code ?? (signal ? 128 : 1); });
  child.once('error', () => { exited = 1; });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = readState(opts.dir);
      if (state && state.pid === child.pid && await allAccept(state)) {
        io.stdout.write(describe(state, io));
        return EXIT.OK;
      }
      if (exited !== undefined) {
        const tail = safeRead(logPath).trim().split('\n').slice(-15).join('\n');
        throw new Error(`the background lab exited (status ${exited}) before it was ready${tail ? `:\n${tail}` : ''}`);
      }
      if (Date.now() > deadline) {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
        throw new Error(`the background lab was not ready after 30 s; see ${shown(io, logPath)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.unref();
  }
}

function safeRead(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

/** Whether every machine's SSH port accepts a TCP connection and sends an SSH banner. */
async function allAccept(state: LabState, timeoutMs = 2000): Promise<boolean> {
  const results = await Promise.all(state.machines.map((m) => probe(state.host, m.port, timeoutMs)));
  return results.every(Boolean);
}

function probe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = net.connect({ host, port });
    let buf = '';
    const finish = (ok: boolean): void => { sock.destroy(); done(ok); };
    sock.setTimeout(timeoutMs, () => finish(false));
    sock.on('data', (d: Buffer) => { buf += d.toString('latin1'); if (buf.includes('SSH-2.0-')) finish(true); });
    sock.on('error', () => finish(false));
    sock.on('close', () => finish(buf.includes('SSH-2.0-')));
  });
}

// ---- down ----------------------------------------------------------------------------------------

async function down(args: string[], io: LabIo): Promise<number> {
  const v = parse(args, { dir: { type: 'string' } });
  if (v['help']) { io.stdout.write(`${USAGE}\n`); return EXIT.OK; }
  const dir = labDir(io, v['dir']);
  const state = readState(dir);
  if (!state) {
    io.stdout.write(`No lab is running in ${shown(io, dir)}.\n`);
    return EXIT.OK;
  }
  if (running(state)) {
    if (state.pid === process.pid) throw new Error('this process runs that lab; stop it with Ctrl-C');
    process.kill(state.pid, 'SIGTERM');
    if (!(await exitedWithin(state.pid, 10_000))) {
      process.kill(state.pid, 'SIGKILL');
      await exitedWithin(state.pid, 5_000);
    }
  }
  removeFiles(dir, [...state.files, 'lab.json', 'lab.log']);
  io.stdout.write(`Lab stopped (pid ${state.pid}); removed its files from ${shown(io, dir)}.\n`);
  return EXIT.OK;
}

async function exitedWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !pidAlive(pid);
}

// ---- status --------------------------------------------------------------------------------------

async function status(args: string[], io: LabIo): Promise<number> {
  const v = parse(args, { dir: { type: 'string' }, json: { type: 'boolean' } });
  if (v['help']) { io.stdout.write(`${USAGE}\n`); return EXIT.OK; }
  const dir = labDir(io, v['dir']);
  const state = readState(dir);
  const isRunning = state !== undefined && running(state);
  const reachable = isRunning ? await Promise.all(state.machines.map((m) => probe(state.host, m.port, 2000))) : [];
  if (v['json']) {
    io.stdout.write(`${JSON.stringify({
      running: isRunning,
      ...(state ? { ...state, machines: state.machines.map((m, k) => ({ ...m, reachable: reachable[k] ?? false })) } : { dir }),
    }, null, 2)}\n`);
    return isRunning ? EXIT.OK : EXIT.ERROR;
  }
  if (!state || !isRunning) {
    io.stdout.write(state ? `The lab in ${shown(io, dir)} is not running (pid ${state.pid} is gone); \`microcloud lab down --dir ${shown(io, dir)}\` cleans up.\n`
      : `No lab is running in ${shown(io, dir)}.\n`);
    return EXIT.ERROR;
  }
  io.stdout.write(describe(state, io).split('\n\nTry:')[0]! + '\n');
  const down = state.machines.filter((_, k) => !reachable[k]).map((m) => m.name);
  if (down.length) io.stdout.write(`Not answering: ${down.join(', ')}\n`);
  return EXIT.OK;
}
