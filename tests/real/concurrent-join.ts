// Measures LXD cluster joins on the real-host lab (Debian's LXD 5.0.2 in network namespaces,
// tests/real/lab-up.sh): one member bootstraps, the others join it all at once, in batches of
// --width, or one after another, as the tool's lxd-join step does (token from the bootstrap member, the joiner's
// core.https_address, PUT /1.0/cluster awaited). For each run it records the wall time of the joins,
// whether every join succeeded (and the error when one did not), and when every member first saw
// all members Online with a healthy database (3 voters, up to 2 stand-bys). A fresh lab per run;
// the lab is torn down after every run, also on failure or Ctrl-C. Run by hand, as root:
//
//   npx tsc -p tests/real/tsconfig.json
//   sudo -E node build/real/concurrent-join.js --members 5,7,9 --repeat 3 [--modes concurrent,batched,serial]
//        [--width 2] [--out results.json] [--dumps DIR]
//
// A join that has not finished after --join-timeout-ms (120 s) counts as failed. With --dumps, the
// daemons are restarted with --debug and their stderr kept, and a run with a failed join leaves in
// DIR the debug log and the goroutine dump (SIGABRT) of the leader and of each failed joiner.
//
// It refuses to start while another real-host lab is up (lab-up.sh's bridge exists): the lab's
// names are fixed, and tearing down someone else's lab is not this script's to do.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPTS = fileURLToPath(new URL('../../tests/real/', import.meta.url));
const LAB = process.env['LAB'] ?? '/tmp/microcloud-concurrent-join-lab';
const PORT = 8443;

/** concurrent: every join at once; batched: --width joins at once, each batch after the last; serial: one at a time. */
type Mode = 'concurrent' | 'batched' | 'serial';

interface Options {
  members: number[]; repeat: number; modes: Mode[]; width: number; out: string | null; settleMs: number; joinTimeoutMs: number;
  dumps: string | null;
}

interface JoinResult { name: string; ms: number; error: string | null }

interface Run {
  members: number; mode: Mode; width: number; repeat: number;
  /** From the first join's start to the last join's end. */
  joinsMs: number;
  /** From the first join's start until every member lists every member Online. */
  onlineMs: number | null;
  /** ... and also 3 database voters and min(2, rest) stand-bys, on every member. */
  healthyMs: number | null;
  joins: JoinResult[];
  roles: Record<string, string[]>;
  statuses: Record<string, string>;
}

function parse(argv: string[]): Options {
  const o: Options = { members: [5], repeat: 3, modes: ['concurrent', 'serial'], width: 2, out: null, settleMs: 120_000, joinTimeoutMs: 120_000, dumps: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--members') o.members = value.split(',').map(Number);
    else if (flag === '--repeat') o.repeat = Number(value);
    else if (flag === '--modes') o.modes = value.split(',') as Mode[];
    else if (flag === '--width') o.width = Number(value);
    else if (flag === '--out') o.out = value;
    else if (flag === '--settle-ms') o.settleMs = Number(value);
    else if (flag === '--join-timeout-ms') o.joinTimeoutMs = Number(value);
    else if (flag === '--dumps') o.dumps = value;
    else throw new Error(`unknown option ${flag} (--members 5,7,9 --repeat 3 --modes concurrent,batched,serial --width 2 --out FILE --settle-ms MS --join-timeout-ms MS --dumps DIR)`);
    i++;
  }
  if (o.members.some((n) => !Number.isInteger(n) || n < 2 || n > 9)) throw new Error('--members: 2 to 9 (lab-up.sh makes at most 9 hosts)');
  if (o.modes.some((m) => !['concurrent', 'batched', 'serial'].includes(m))) throw new Error('--modes: concurrent, batched, serial');
  if (!Number.isInteger(o.width) || o.width < 1) throw new Error('--width: a whole number of at least 1');
  return o;
}

// ---- the lab ---------------------------------------------------------------------------------

function labUp(n: number): void {
  const r = spawnSync('bash', [join(SCRIPTS, 'lab-up.sh'), String(n)], { env: { ...process.env, LAB }, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`lab-up.sh ${n} failed: ${(r.stderr || r.stdout).slice(-2000)}`);
}

function labDown(): void {
  spawnSync('bash', [join(SCRIPTS, 'lab-down.sh')], { env: { ...process.env, LAB }, stdio: 'ignore', timeout: 180_000 });
}

/** Restarts every node's LXD with --debug, its stderr (where Go writes a SIGQUIT dump) in the node's directory. */
function debugDaemons(n: number): void {
  for (let k = 1; k <= n; k++) {
    const dir = join(LAB, `node${k}`);
    const env = { ...process.env, LXD_DIR: join(dir, 'lxd') };
    spawnSync('lxd', ['shutdown'], { env, stdio: 'ignore', timeout: 60_000 });
    const holder = readFileSync(join(dir, 'holder.pid'), 'utf8').trim();
    const start = `GOTRACEBACK=all setsid lxd --group root --debug --logfile=/var/log/lxd/lxd.log </dev/null >${dir}/lxd.stderr 2>&1 & echo $! > ${dir}/lxd.pid`;
    const r = spawnSync('nsenter', ['-t', holder, '-m', '-n', '-u', '--', 'sh', '-c', start], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`could not restart LXD on node${k} with --debug`);
  }
  for (let k = 1; k <= n; k++) {
    const r = spawnSync('lxd', ['waitready', '--timeout=60'], { env: { ...process.env, LXD_DIR: join(LAB, `node${k}`, 'lxd') }, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`LXD on node${k} did not come back with --debug`);
  }
}

/** The goroutine dumps (SIGABRT to the daemons this script started: LXD handles SIGQUIT as a shutdown) and debug
 *  logs of `nodes`, into `dir`. */
async function dump(nodes: string[], dir: string, tag: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const node of nodes) {
    const pid = Number(readFileSync(join(LAB, node, 'lxd.pid'), 'utf8'));
    try { process.kill(pid, 'SIGABRT'); } catch { /* already gone */ }
  }
  await new Promise((r) => setTimeout(r, 2000));
  for (const node of nodes) {
    for (const [from, to] of [['lxd.stderr', 'goroutines'], ['lxdlog/lxd.log', 'log']] as const) {
      const src = join(LAB, node, from);
      if (existsSync(src)) copyFileSync(src, join(dir, `${tag}-${node}.${to}.txt`));
    }
  }
}

function anotherLabIsUp(): boolean {
  return spawnSync('ip', ['link', 'show', 'labbr0'], { stdio: 'ignore' }).status === 0 || existsSync(join(LAB, 'lab.env'));
}

// ---- LXD over its unix socket ------------------------------------------------------------------

interface Envelope { type: string; status_code?: number; error?: string; error_code?: number; metadata: unknown; operation?: string }

function lxd(node: string, method: string, path: string, body?: unknown, timeoutMs = 300_000): Promise<Envelope> {
  const socketPath = join(LAB, node, 'lxd', 'unix.socket');
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    // A fresh connection per request: a kept-alive one would outlive the lab it was made to.
    const req = request({ socketPath, agent: false, method, path, timeout: timeoutMs, headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const env = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Envelope;
          if (env.type === 'error') reject(new Error(`${method} ${path} on ${node}: ${env.error_code} ${env.error}`));
          else resolve(env);
        } catch (err) { reject(err as Error); }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} on ${node}: timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

/** Waits for an operation; throws with LXD's error when it failed. */
async function waitOp(node: string, env: Envelope): Promise<void> {
  const id = (env.metadata as { id: string }).id;
  const done = await lxd(node, 'GET', `/1.0/operations/${id}/wait?timeout=300`);
  const op = done.metadata as { status: string; err: string };
  if (op.status !== 'Success') throw new Error(`operation ${id} on ${node}: ${op.status}: ${op.err}`);
}

const address = (node: string): string => `10.99.0.1${node.replace('node', '')}`;

async function bootstrap(node: string): Promise<void> {
  await lxd(node, 'PATCH', '/1.0', { config: { 'core.https_address': `[::]:${PORT}`, 'cluster.https_address': `${address(node)}:${PORT}` } });
  await waitOp(node, await lxd(node, 'PUT', '/1.0/cluster', { server_name: node, enabled: true }));
}

/** One join, as the tool's lxd-join step makes it: token, joiner's address, PUT /1.0/cluster, awaited. */
async function joinOne(leader: string, node: string): Promise<void> {
  const tokenOp = await lxd(leader, 'POST', '/1.0/cluster/members', { server_name: node });
  const md = (tokenOp.metadata as { metadata: { serverName: string; secret: string; fingerprint: string; addresses: string[]; expiresAt: string } }).metadata;
  const token = Buffer.from(JSON.stringify({ server_name: md.serverName, fingerprint: md.fingerprint, addresses: md.addresses, secret: md.secret, expires_at: md.expiresAt })).toString('base64');
  const cert = ((await lxd(leader, 'GET', '/1.0')).metadata as { environment: { certificate: string } }).environment.certificate;
  await lxd(node, 'PATCH', '/1.0', { config: { 'core.https_address': `${address(node)}:${PORT}` } });
  const put = await lxd(node, 'PUT', '/1.0/cluster', {
    server_name: node, enabled: true, server_address: `${address(node)}:${PORT}`, cluster_address: `${address(leader)}:${PORT}`,
    cluster_certificate: cert, cluster_password: token, member_config: [],
  });
  await waitOp(node, put);
}

interface Member { server_name: string; status: string; message: string; roles: string[] | null }

async function members(node: string): Promise<Member[]> {
  return (await lxd(node, 'GET', '/1.0/cluster/members?recursion=1', undefined, 10_000)).metadata as Member[];
}

function healthy(list: Member[], n: number): boolean {
  const voters = n >= 3 ? 3 : 1;
  const standbys = Math.min(2, n - voters);
  const count = (role: string) => list.filter((m) => (m.roles ?? []).includes(role)).length;
  return count('database') === voters && count('database-standby') === standbys;
}

// ---- one run -----------------------------------------------------------------------------------

async function run(n: number, mode: Mode, repeat: number, o: Options): Promise<Run> {
  const nodes = Array.from({ length: n }, (_, k) => `node${k + 1}`);
  const [leader, ...joiners] = nodes as [string, ...string[]];
  await bootstrap(leader);
  const t0 = performance.now();
  const timed = async (name: string): Promise<JoinResult> => {
    const start = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${o.joinTimeoutMs / 1000} s`)), o.joinTimeoutMs);
    });
    try {
      await Promise.race([joinOne(leader, name), late]);
      return { name, ms: performance.now() - start, error: null };
    } catch (err) {
      return { name, ms: performance.now() - start, error: (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
  };
  const joins: JoinResult[] = [];
  const width = mode === 'concurrent' ? joiners.length : mode === 'batched' ? o.width : 1;
  for (let k = 0; k < joiners.length; k += width) joins.push(...await Promise.all(joiners.slice(k, k + width).map(timed)));
  const joinsMs = performance.now() - t0;
  const failed = joins.filter((j) => j.error !== null).map((j) => j.name);
  if (failed.length > 0 && o.dumps) await dump([leader, ...failed], o.dumps, `${n}-${mode}-${repeat}`);

  // Every member's view, polled until all are Online and the database roles are complete.
  let onlineMs: number | null = null;
  let healthyMs: number | null = null;
  let views: Member[][] = [];
  const joined = [leader, ...joins.filter((j) => j.error === null).map((j) => j.name)];
  // With a failed join the cluster cannot be whole: one look at it, no waiting.
  const settleMs = failed.length > 0 ? 0 : o.settleMs;
  do {
    views = await Promise.all(joined.map((m) => members(m).catch(() => [] as Member[])));
    const online = views.every((v) => v.length === n && v.every((m) => m.status === 'Online'));
    if (online && onlineMs === null) onlineMs = performance.now() - t0;
    if (online && views.every((v) => healthy(v, n))) { healthyMs = performance.now() - t0; break; }
    await new Promise((r) => setTimeout(r, 100));
  } while (performance.now() - t0 < joinsMs + settleMs);
  const last = views[0] ?? [];
  return {
    members: n, mode, width, repeat, joinsMs, onlineMs, healthyMs, joins,
    roles: Object.fromEntries(last.map((m) => [m.server_name, m.roles ?? []])),
    statuses: Object.fromEntries(last.map((m) => [m.server_name, `${m.status}: ${m.message}`])),
  };
}

// ---- main --------------------------------------------------------------------------------------

const label = (mode: Mode, width: number): string => (mode === 'batched' ? `batched/${width}` : mode);
const s = (ms: number | null): string => (ms === null ? '   -  ' : (ms / 1000).toFixed(2).padStart(6));

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  if (process.getuid?.() !== 0) throw new Error('run as root (the lab makes network namespaces and bridges)');
  if (anotherLabIsUp()) throw new Error('a real-host lab is already up (bridge labbr0 or $LAB/lab.env): wait for it, or tear it down with tests/real/lab-down.sh');
  let up = false;
  const stop = (signal: string) => { if (up) labDown(); console.error(`${signal}: lab torn down`); process.exit(130); };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const runs: Run[] = [];
  const load = [loadavg()[0]];
  console.log('members  mode        repeat  joins s  online s  healthy s  failed joins');
  for (const n of o.members) {
    for (let r = 1; r <= o.repeat; r++) {
      // Alternate which mode goes first, so a drift in the machine's load does not favour one.
      const modes = r % 2 === 1 ? o.modes : [...o.modes].reverse();
      for (const mode of modes) {
        up = true;
        try {
          labUp(n);
          if (o.dumps) debugDaemons(n);
          const result = await run(n, mode, r, o);
          runs.push(result);
          const failed = result.joins.filter((j) => j.error !== null);
          console.log(`${String(n).padEnd(8)} ${label(mode, o.width).padEnd(11)} ${String(r).padEnd(7)} ${s(result.joinsMs)}   ${s(result.onlineMs)}    ${s(result.healthyMs)}   ${failed.length}${failed.map((j) => `\n    ${j.name}: ${j.error}`).join('')}`);
        } finally {
          labDown();
          up = false;
        }
      }
    }
  }
  load.push(loadavg()[0]);
  const summary = o.members.flatMap((n) => o.modes.map((mode) => {
    const rs = runs.filter((x) => x.members === n && x.mode === mode);
    const med = (xs: number[]) => { const v = [...xs].sort((a, b) => a - b); return v.length ? v[Math.floor((v.length - 1) / 2)]! : null; };
    return {
      members: n, mode, runs: rs.length,
      allJoinedAndHealthy: rs.filter((x) => x.joins.every((j) => j.error === null) && x.healthyMs !== null).length,
      medianJoinsMs: med(rs.map((x) => x.joinsMs)), medianHealthyMs: med(rs.flatMap((x) => (x.healthyMs === null ? [] : [x.healthyMs]))),
    };
  }));
  console.log('\nmembers  mode        runs  all joined+healthy  median joins s  median healthy s');
  for (const x of summary) console.log(`${String(x.members).padEnd(8)} ${label(x.mode, o.width).padEnd(11)} ${String(x.runs).padEnd(5)} ${String(x.allJoinedAndHealthy).padEnd(19)} ${s(x.medianJoinsMs)}          ${s(x.medianHealthyMs)}`);
  console.log(`load average (1 min) before ${load[0]!.toFixed(2)}, after ${load[1]!.toFixed(2)}`);
  if (o.out) writeFileSync(o.out, JSON.stringify({ date: new Date().toISOString(), load, summary, runs }, null, 2) + '\n');
}

main().catch((err: unknown) => { console.error(`concurrent-join: ${(err as Error).stack ?? String(err)}`); process.exit(1); });
