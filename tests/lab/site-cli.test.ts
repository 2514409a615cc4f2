// `microcloud lab up|down|status`, in-process for argument handling and through the built CLI for
// the done-when scenario: `lab up --nodes 3 --detach`, OpenSSH's `ssh … hostname`, `lab down`.
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { labCommand } from '../../src/lab/cli.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist/cli/main.js');
const DAEMON = join(ROOT, 'dist/lab/daemon.js');

const tmpDirs: string[] = [];
const children: ChildProcess[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'lab-cli-'));
  tmpDirs.push(d);
  return d;
};

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function capture(): { io: { stdout: Writable; stderr: Writable; cwd: string }; out: () => string; err: () => string } {
  let out = ''; let err = '';
  const w = (f: (s: string) => void) => new Writable({ write(chunk, _enc, cb) { f(String(chunk)); cb(); } });
  return { io: { stdout: w((s) => { out += s; }), stderr: w((s) => { err += s; }), cwd: tmp() }, out: () => out, err: () => err };
}

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
  });
}

interface LabJson { pid: number; machines: { name: string; port: number; hostKey: string; hostPublicKey: string }[] }
const labJson = (dir: string): LabJson => JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8')) as LabJson;

const sshArgs = (dir: string, port: number): string[] => [
  '-i', join(dir, 'id_ed25519'), '-p', String(port), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes',
  '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`, '-o', 'GlobalKnownHostsFile=/dev/null',
  'root@127.0.0.1',
];

beforeAll(() => {
  // The scenario runs the built CLI; build it when it is missing or older than the lab's sources.
  const stale = !existsSync(MAIN) || !existsSync(DAEMON) || statSync(DAEMON).mtimeMs < newest(join(ROOT, 'src/lab'));
  if (stale) spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'ignore', timeout: 110_000 });
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.pid) c.kill('SIGKILL');
  for (const d of tmpDirs) {
    try {
      const { pid } = labJson(d);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    } catch { /* no lab there */ }
    rmSync(d, { recursive: true, force: true });
  }
});

describe('arguments', () => {
  test.each([
    [[], /needs a subcommand/],
    [['frob'], /unknown lab subcommand "frob"/],
    [['up', '--nodes', '0'], /--nodes must be a whole number from 1 to 240, not "0"/],
    [['up', '--nodes', 'three'], /--nodes must be a whole number/],
    [['up', '--latency', '-5'], /--latency|Unknown option/],
    [['up', '--bogus'], /Unknown option '--bogus'/],
    [['down', 'extra'], /unexpected argument "extra"/],
  ])('lab %j is a usage error (64), without a stack trace', async (argv, message) => {
    const c = capture();
    expect(await labCommand(argv as string[], c.io)).toBe(64);
    expect(c.err()).toMatch(message);
    expect(c.err()).toMatch(/Usage:\n {2}microcloud lab up/);
    expect(c.err()).not.toMatch(/^\s+at /m);
  });

  test('help, and down/status where no lab runs', async () => {
    const c = capture();
    expect(await labCommand(['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/microcloud lab up \[--nodes N\]/);
    const d = capture();
    expect(await labCommand(['down', '--dir', 'nothing-here'], d.io)).toBe(0);
    expect(d.out()).toBe('No lab is running in nothing-here.\n');
    const s = capture();
    expect(await labCommand(['status'], s.io)).toBe(1);
    expect(s.out()).toBe('No lab is running in .lab.\n');
  });
});

describe('the built CLI', () => {
  test('lab up --nodes 3 --detach; OpenSSH logs in; site.yaml pins the host keys; lab down stops it', async () => {
    const dir = join(tmp(), 'lab');
    const up = await run(process.execPath, [MAIN, 'lab', 'up', '--nodes', '3', '--dir', dir, '--detach'], { timeout: 60_000 });
    expect(up.stdout).toMatch(/^Lab up: 3 machines \(pid \d+\)/);
    expect(up.stdout).toMatch(/ssh -i \S+id_ed25519 -o UserKnownHostsFile=\S+known_hosts -p \d+ root@127\.0\.0\.1 hostname/);
    const state = labJson(dir);
    expect(alive(state.pid)).toBe(true);
    expect(statSync(join(dir, 'id_ed25519')).mode & 0o777).toBe(0o600);

    // The done-when: OpenSSH's own client, the lab's key, the pinned host key.
    for (const m of state.machines) {
      const { stdout } = await run('ssh', [...sshArgs(dir, m.port), 'hostname'], { timeout: 20_000 });
      expect(stdout).toBe(`${m.name}\n`);
    }

    // site.yaml: a preseed for these machines, fingerprints as ssh-keygen -lf prints them.
    const text = readFileSync(join(dir, 'site.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=\S*schemas\/preseed\.schema\.json$/);
    const doc = parse(text) as {
      initiator_address: string; session_passphrase: string; ssh: Record<string, unknown>;
      systems: { name: string; address: string; ovn_uplink_interface: string; storage: { local: { path: string }; ceph: { path: string }[] }; ssh: { host: string; port: number; host_key: string } }[];
      ovn: Record<string, string>;
    };
    expect(doc.initiator_address).toBe('10.1.0.11');
    expect(doc.session_passphrase).toBeTruthy();
    expect(doc.ssh).toEqual({ user: 'root', identity_file: 'id_ed25519' });
    expect(doc.ovn).toEqual({ ipv4_gateway: '10.1.1.1/24', ipv4_range: '10.1.1.100-10.1.1.254', dns_servers: '10.1.1.1' });
    expect(doc.systems.map((s) => [s.name, s.address, s.ovn_uplink_interface])).toEqual([
      ['node1', '10.1.0.11', 'eth1'], ['node2', '10.1.0.12', 'eth1'], ['node3', '10.1.0.13', 'eth1'],
    ]);
    for (const [k, s] of doc.systems.entries()) {
      const m = state.machines[k]!;
      expect(s.ssh).toEqual({ host: '127.0.0.1', port: m.port, host_key: m.hostKey });
      writeFileSync(join(dir, '..', `${m.name}.pub`), `${m.hostPublicKey}\n`);
      const { stdout } = await run('ssh-keygen', ['-lf', join(dir, '..', `${m.name}.pub`)]);
      expect(stdout.split(' ')[1]).toBe(s.ssh.host_key);
      expect(s.storage.local.path).toMatch(/^\/dev\/disk\/by-id\/nvme-/);
      expect(s.storage.ceph.map((c) => c.path)).toEqual([expect.stringMatching(/^\/dev\/disk\/by-id\/wwn-0x/), expect.stringMatching(/^\/dev\/disk\/by-id\/wwn-0x/)]);
    }
    const validate = await run(process.execPath, [MAIN, 'validate', join(dir, 'site.yaml')]).catch((e: { stdout: string; stderr: string }) => e);
    expect(validate.stderr + validate.stdout).toMatch(/is valid/);

    // status, and a second `up` on the same directory.
    expect((await run(process.execPath, [MAIN, 'lab', 'status', '--dir', dir])).stdout).toMatch(/^Lab up: 3 machines/);
    await expect(run(process.execPath, [MAIN, 'lab', 'up', '--dir', dir, '--detach'])).rejects.toMatchObject({
      code: 1, stderr: expect.stringMatching(/a lab is already running in .* \(pid \d+\)/),
    });

    const downOut = await run(process.execPath, [MAIN, 'lab', 'down', '--dir', dir], { timeout: 30_000 });
    expect(downOut.stdout).toMatch(/^Lab stopped \(pid \d+\)/);
    expect(alive(state.pid)).toBe(false);
    for (const m of state.machines) expect(await refused(m.port)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  }, 90_000);

  test('a port that is taken is a clear error, and nothing is left behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = join(tmp(), 'busy');
    try {
      await expect(run(process.execPath, [MAIN, 'lab', 'up', '--nodes', '1', '--dir', dir, '--port', String(port), '--detach'], { timeout: 60_000 }))
        .rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/exited \(status 1\) before it was ready:\n.*node1: cannot listen on 127\.0\.0\.1:\d+: the port is already in use/) });
      expect(readdirSync(dir)).toEqual(['lab.log']);
    } finally {
      blocker.close();
    }
  }, 60_000);

  test('in the foreground, SIGINT stops the lab and removes its files', async () => {
    const dir = join(tmp(), 'fg');
    const child = spawn(process.execPath, [MAIN, 'lab', 'up', '--nodes', '1', '--dir', dir, '--latency', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!out.includes('Ctrl-C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('The lab runs in the foreground: press Ctrl-C to stop it');
    const state = labJson(dir);
    expect(state.pid).toBe(child.pid);
    const { stdout } = await run('ssh', [...sshArgs(dir, state.machines[0]!.port), "'ip' '-j' 'route' 'show' 'default'"], { timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual([{ dst: 'default', gateway: '10.1.0.1', dev: 'eth0', protocol: 'static', flags: [] }]);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/Lab stopped\.\n$/);
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});
