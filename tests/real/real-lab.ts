// The real-host lab for the end-to-end tests: tests/real/lab-up.sh (network namespaces with real
// sshd, Debian LXD 5.0.2, OVN chassis; Ceph and OVN central on this machine), the lab's simulated
// MicroCeph and MicroOVN on each host's snap sockets, and the real clients (`lxc`, `ceph`,
// `ovn-nbctl`) the tests check the result with. stop() tears everything down, also after a failure.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const MICRO = fileURLToPath(new URL('../../dist/lab/micro-hosts-main.js', import.meta.url));

export interface RealLab {
  dir: string;
  nodes: string[];
  address(node: string): string;
  /** The real `lxc` client against a node's LXD (LXD_DIR), argument list in, stdout out. */
  lxc(node: string, ...args: string[]): string;
  /** Any command on this machine (ceph, ovn-nbctl, ssh-keygen); throws on failure. */
  sh(argv: string[]): string;
  stop(): Promise<void>;
}

function run(argv: string[], env: NodeJS.ProcessEnv = process.env, timeout = 120_000): string {
  const [cmd, ...args] = argv;
  const r = spawnSync(cmd!, args, { encoding: 'utf8', env, timeout });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr || r.stdout).slice(-3000)}`);
  return r.stdout;
}

/** Whether this machine can run the lab: root, and the Debian packages .ci/run installs. */
export function realLabMissing(): string | null {
  if (process.getuid?.() !== 0) return 'the real-host lab needs root';
  for (const bin of ['/usr/sbin/sshd', '/usr/bin/lxd', '/usr/bin/ovn-nbctl', '/usr/bin/ceph-mon', '/usr/sbin/nft']) {
    if (spawnSync('test', ['-x', bin]).status !== 0) return `${bin} is missing: install the packages .ci/run lists`;
  }
  return null;
}

async function waitReady(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`micro-hosts did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); if (out.includes('ready')) { clearTimeout(timer); resolve(); } });
    child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`micro-hosts exited ${code}: ${out}`)); });
  });
}

export async function startRealLab(nodes = 3, dir = process.env['LAB'] ?? '/tmp/microcloud-real-lab'): Promise<RealLab> {
  const env = { ...process.env, LAB: dir };
  const down = () => { spawnSync('bash', [join(HERE, 'lab-down.sh')], { env, stdio: 'ignore', timeout: 120_000 }); };
  down(); // whatever an earlier, killed run left behind
  run(['bash', join(HERE, 'lab-up.sh'), String(nodes)], env, 180_000);
  const names = Array.from({ length: nodes }, (_, k) => `node${k + 1}`);
  let micro: ChildProcess | undefined;
  try {
    const hosts = names.flatMap((n, k) => ['--host', `${n},lab${k + 1},${dir}/${n}/snap,${dir}/${n}/lxd/unix.socket`]);
    micro = spawn(process.execPath, [MICRO, ...hosts], { stdio: ['ignore', 'pipe', 'pipe'] });
    writeFileSync(join(dir, 'micro.pid'), String(micro.pid));
    await waitReady(micro);
  } catch (err) {
    micro?.kill();
    down();
    throw err;
  }
  const lab: RealLab = {
    dir,
    nodes: names,
    address: (node) => `10.99.0.1${node.replace('node', '')}`,
    lxc: (node, ...args) => run(['lxc', ...args], { ...process.env, LXD_DIR: join(dir, node, 'lxd') }),
    sh: (argv) => run(argv),
    async stop() {
      micro?.kill('SIGTERM');
      down();
    },
  };
  return lab;
}

/** The preseed the tests apply: three hosts, Ceph disks for the simulated MicroCeph (the VM's own
 *  disk, which nothing touches), the OVN uplink on eth1, and LXD pointed at the lab's OVN central. */
export function sitePreseed(lab: RealLab, extra: { hostKey?: string } = {}): string {
  const disk = JSON.parse(run(['lxc', 'query', '/1.0/resources'], { ...process.env, LXD_DIR: join(lab.dir, 'node1', 'lxd') })) as
    { storage: { disks: { id: string }[] } };
  const dev = `/dev/${disk.storage.disks[0]!.id}`;
  const systems = lab.nodes.map((n, k) => [
    `  - name: ${n}`,
    `    address: ${lab.address(n)}`,
    '    ovn_uplink_interface: eth1',
    `    storage: {ceph: [{path: ${dev}}]}`,
    ...(k === 0 && extra.hostKey ? [`    ssh: {host_key: "${extra.hostKey}"}`] : []),
  ].join('\n'));
  return [
    `initiator_address: ${lab.address('node1')}`,
    'session_passphrase: real-lab-Passphrase-7f3a',
    'systems:',
    ...systems,
    'ovn:',
    '  ipv4_gateway: 10.98.0.1/24',
    '  ipv4_range: 10.98.0.100-10.98.0.150',
    '  dns_servers: 10.98.0.1',
    'ssh:',
    `  identity_file: ${lab.dir}/id_ed25519`,
    `  known_hosts: ${lab.dir}/known_hosts`,
    'lxd:',
    '  config:',
    '    network.ovn.northbound_connection: tcp:10.99.0.1:6641',
    '',
  ].join('\n');
}

export const readText = (path: string): string => readFileSync(path, 'utf8');

/** LXD lifecycle events (every change LXD makes) seen on each member while `fn` runs. */
export async function lifecycleEvents(lab: RealLab, fn: () => void): Promise<unknown[]> {
  const monitors: { child: ChildProcess; out: string[] }[] = lab.nodes.map((n) => {
    const child = spawn('lxc', ['monitor', '--type=lifecycle', '--format=json'], { env: { ...process.env, LXD_DIR: join(lab.dir, n, 'lxd') } });
    const out: string[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c.toString()));
    return { child, out };
  });
  await new Promise((r) => setTimeout(r, 500));
  try {
    fn();
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    for (const m of monitors) m.child.kill();
  }
  return monitors.flatMap((m) => m.out.join('').split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as unknown));
}

