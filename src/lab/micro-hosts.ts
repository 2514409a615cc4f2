// The lab's simulated MicroCeph and MicroOVN for real hosts (network namespaces running real sshd
// and real LXD, see tests/real/): snaps cannot run there, so one process serves both models for
// every host, each host's control sockets created in a directory that the host bind-mounts as
// /var/snap. The tool then meets them on the snap socket paths, over real SSH, like on a machine
// with the snaps. What each simulated daemon knows of its machine is read from the machine itself:
// interfaces from `ip` in its network namespace, disks from its real LXD's /1.0/resources.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseIpAddr } from '../services/host-parse.js';
import { DaemonHttpServer } from './http-bridge.js';
import { MicroCephWorld } from './micro/ceph.js';
import { MicroOvnWorld } from './micro/ovn.js';
import type { DiskSpec, InterfaceSpec, LabContext, LabService, MachineSpec, ServiceWorld } from './types.js';
import { SOCKET_PATHS, ZERO_DURATIONS } from './types.js';
import { DEFAULT_SNAPS } from './machines.js';

/** One real host: its name (= hostname), network namespace, /var/snap directory as seen from here,
 *  and its LXD socket as seen from here. */
export interface RealHost {
  name: string;
  netns: string;
  snapDir: string;
  lxdSocket: string;
}

export type MicroService = Extract<LabService, 'microceph' | 'microovn'>;
const SERVICES: readonly MicroService[] = ['microceph', 'microovn'];

/** Where a service's control socket lives under a host's /var/snap directory. */
export function snapSocket(snapDir: string, service: MicroService): string {
  return join(snapDir, SOCKET_PATHS[service].replace(/^\/var\/snap\//, ''));
}

const run = promisify(execFile);

async function interfacesOf(netns: string): Promise<InterfaceSpec[]> {
  const { stdout } = await run('ip', ['-n', netns, '-d', '-j', 'address', 'show']);
  const raw = JSON.parse(stdout) as { ifname?: string; address?: string; mtu?: number }[];
  const extra = new Map(raw.map((e) => [e.ifname ?? '', e]));
  return parseIpAddr(stdout).map((i) => ({
    name: i.name,
    kind: i.kind === 'other' ? 'physical' : i.kind,
    state: i.state,
    mac: extra.get(i.name)?.address ?? '00:00:00:00:00:00',
    mtu: extra.get(i.name)?.mtu ?? 1500,
    addresses: i.addresses,
  }));
}

function getJson(socketPath: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path, headers: { host: 'lxd' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (err) { reject(err); }
      });
    });
    req.on('error', reject);
  });
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** LXD's api.ResourcesStorageDisk as the lab's DiskSpec. Debian's 5.0.2 reports no `mounted`. */
export function diskSpecOf(d: Record<string, unknown>): DiskSpec {
  return {
    id: str(d['id']), device: str(d['device']), model: str(d['model']), type: str(d['type']), size: num(d['size']),
    wwn: str(d['wwn']), serial: str(d['serial']), device_id: str(d['device_id']), device_path: str(d['device_path']),
    read_only: d['read_only'] === true, removable: d['removable'] === true, rpm: num(d['rpm']), block_size: num(d['block_size']),
    firmware_version: str(d['firmware_version']), numa_node: num(d['numa_node']), pci_address: str(d['pci_address']),
    partitions: Array.isArray(d['partitions']) ? d['partitions'].length : 0, mounted: d['mounted'] === true, has_data: false,
  };
}

async function disksOf(lxdSocket: string): Promise<DiskSpec[]> {
  const body = await getJson(lxdSocket, '/1.0/resources') as { metadata?: { storage?: { disks?: Record<string, unknown>[] } } };
  return (body.metadata?.storage?.disks ?? []).map(diskSpecOf);
}

/** The machine as the simulated daemons see it: its real interfaces and disks, the two snaps. */
export async function machineSpecOf(host: RealHost): Promise<MachineSpec> {
  const [interfaces, disks] = await Promise.all([interfacesOf(host.netns), disksOf(host.lxdSocket)]);
  return {
    hostname: host.name, interfaces, disks, lxdFlavor: 'deb-5.0',
    snaps: DEFAULT_SNAPS.filter((s) => s.name === 'microceph' || s.name === 'microovn'),
  };
}

export interface MicroHosts {
  readonly sockets: string[];
  close(): Promise<void>;
}

/** Serves MicroCeph and MicroOVN for every host until close(). */
export async function serveMicroHosts(hosts: readonly RealHost[]): Promise<MicroHosts> {
  const specs = new Map<string, MachineSpec>();
  for (const [h, spec] of (await Promise.all(hosts.map(async (h) => [h, await machineSpecOf(h)] as const)))) specs.set(h.name, spec);
  const ctx: LabContext = {
    machines: () => hosts.map((h) => h.name),
    spec: (m) => {
      const s = specs.get(m);
      if (!s) throw new Error(`lab: no host ${m}`);
      return s;
    },
    isUp: () => true,
    durations: ZERO_DURATIONS,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
  const worlds: Record<MicroService, ServiceWorld> = { microceph: new MicroCephWorld(ctx), microovn: new MicroOvnWorld(ctx) };
  const servers: net.Server[] = [];
  const daemons: DaemonHttpServer[] = [];
  const sockets: string[] = [];
  for (const h of hosts) {
    for (const service of SERVICES) {
      const handler = worlds[service].handler(h.name);
      const daemon = new DaemonHttpServer(service, (req) => handler(req));
      const path = snapSocket(h.snapDir, service);
      mkdirSync(dirname(path), { recursive: true });
      rmSync(path, { force: true });
      const server = net.createServer((sock) => daemon.accept(sock));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => { server.off('error', reject); resolve(); });
      });
      servers.push(server);
      daemons.push(daemon);
      sockets.push(path);
    }
  }
  return {
    sockets,
    async close() {
      for (const d of daemons) d.close();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      for (const p of sockets) rmSync(p, { force: true });
    },
  };
}
