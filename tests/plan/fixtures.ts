// LiveState and preseed fixtures for the planner tests: a bare site like the lab's default machines
// (node i at 10.1.0.(10+i)/24 on eth0, eth1 up without an address for the OVN uplink, an NVMe disk for
// local storage and two SATA SSDs for Ceph, the LTS snaps).
import type { ResourcesDisk } from '../../src/preseed/disk-filter.js';
import type { DesiredState } from '../../src/preseed/desired.js';
import { loadPreseed } from '../../src/preseed/load.js';
import { emptyClusters, liveFromViews, recordOf, reachable, lxdClusterOf, microClusterOf, type LiveState, type LxdCluster, type MachineRecord, type MicroCephCluster, type ReachableMachine } from '../../src/live/state.js';
import { CTX } from '../helpers/preseed.js';

export const VERSIONS = { lxd: '5.21.3', microceph: '19.2.0', microovn: '24.03.2', microcloud: '2.1.3' } as const;
/** How snapd lists the lab's snaps (src/lab/machines.ts DEFAULT_SNAPS): tracked, not held, in no cohort. */
const SNAP_OF = {
  lxd: { revision: '33110', channel: '5.21/stable', held: false, cohort: false },
  microceph: { revision: '1228', channel: 'squid/stable', held: false, cohort: false },
  microovn: { revision: '667', channel: '24.03/stable', held: false, cohort: false },
  microcloud: { revision: '1144', channel: '2/stable', held: false, cohort: false },
} as const;

const EXT_5_21 = ['clustering', 'clustering_join', 'network_type_ovn', 'network_type_physical', 'storage_pool_source_wipe', 'resources_disk_id', 'instances_migration_stateful'];
export const EXT_6_8 = [...EXT_5_21, 'storage_remote_drop_source', 'storage_ceph_use_rbd_defaults', 'ovn_dynamic_northbound_connection', 'storage_and_network_operations'];

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

export const nvmeId = (i: number) => `nvme-SAMSUNG_MZVL2512HCJQ-00B00_S64ANS0T${String(i * 10).padStart(6, '0')}`;
export const ssdWwn = (i: number, k: 1 | 2) => `0x5002538f4${hex(i * 16 + k, 7)}`;
export const ssdId = (i: number, k: 1 | 2) => `wwn-${ssdWwn(i, k)}`;
export const byId = (id: string) => `/dev/disk/by-id/${id}`;

function disk(over: Partial<ResourcesDisk> & Pick<ResourcesDisk, 'id'>): ResourcesDisk {
  return {
    device: '8:0', model: '', type: 'scsi', read_only: false, mounted: false, size: 0, removable: false, wwn: '', numa_node: 0,
    device_path: '', block_size: 512, firmware_version: '', rpm: 0, serial: '', device_id: '', pci_address: '', partitions: [],
    ...over,
  };
}

export function machineDisks(i: number): ResourcesDisk[] {
  const ssd = (k: 1 | 2) => disk({
    id: k === 1 ? 'sda' : 'sdb', device: k === 1 ? '8:0' : '8:16', model: 'SAMSUNG MZ7L33T8HBLT-00A07', type: 'scsi',
    size: 3_840_755_982_336, wwn: ssdWwn(i, k), device_id: ssdId(i, k), device_path: `pci-0000:00:17.0-ata-${k}.0`,
  });
  return [
    disk({ id: 'nvme0n1', device: '259:0', model: 'SAMSUNG MZVL2512HCJQ-00B00', type: 'nvme', size: 512_110_190_592,
      wwn: `eui.002538b4${hex(i, 8)}`, device_id: nvmeId(i), device_path: 'pci-0000:03:00.0-nvme-1' }),
    ssd(1),
    ssd(2),
  ];
}

export interface MachineOptions {
  hostname?: string;
  services?: ('microceph' | 'microovn' | 'microcloud')[];
  extensions?: string[];
  versions?: Partial<Record<keyof typeof VERSIONS, string>>;
}

export function bareMachine(i: number, o: MachineOptions = {}): ReachableMachine {
  const services = o.services ?? ['microceph', 'microovn'];
  const v: Record<keyof typeof VERSIONS, string> = { ...VERSIONS, ...o.versions };
  const name = `node${i}`;
  return {
    reachable: true,
    host: {
      hostname: o.hostname ?? name,
      interfaces: [
        { name: 'lo', kind: 'loopback', state: 'up', addresses: ['127.0.0.1/8', '::1/128'] },
        { name: 'eth0', kind: 'physical', state: 'up', addresses: [`10.1.0.${10 + i}/24`, `fe80::5054:ff:fe01:${hex(i, 1)}/64`] },
        { name: 'eth1', kind: 'physical', state: 'up', addresses: [`fe80::5054:ff:fe02:${hex(i, 1)}/64`] },
      ],
      defaultRoute: { gateway: '10.1.0.1', dev: 'eth0' },
      snaps: [
        { name: 'lxd', version: v.lxd, ...SNAP_OF.lxd },
        ...services.map((s) => ({ name: s, version: v[s], ...SNAP_OF[s] })),
      ],
      snapd: { version: '2.66.1' },
    },
    lxd: {
      version: v.lxd, apiExtensions: [...(o.extensions ?? EXT_5_21)], config: {}, clustered: false, serverName: o.hostname ?? name,
      members: [], pools: [], networks: [], defaultProfile: { config: {}, devices: {} }, volumes: [], disks: machineDisks(i),
    },
    microceph: services.includes('microceph')
      ? { version: `ceph-version: ${v.microceph}-0ubuntu0.24.04.1; microceph-git: v${v.microceph}+squid-3-g0123456789`, initialized: false, members: [], disks: [], services: [], config: {}, pools: [] }
      : null,
    microovn: services.includes('microovn') ? { version: v.microovn, initialized: false, members: [], services: [] } : null,
    microcloud: services.includes('microcloud') ? { version: v.microcloud, initialized: false, members: [] } : null,
  };
}

export function bareSite(n: number, o: MachineOptions | ((i: number) => MachineOptions) = {}): LiveState {
  const machines: Record<string, ReachableMachine> = {};
  for (let i = 1; i <= n; i++) machines[`node${i}`] = bareMachine(i, typeof o === 'function' ? o(i) : o);
  return liveFromViews(machines);
}

/** The machine as the planner sees it (read-only: its own fields are frozen). */
export function machine(live: LiveState, name: string): ReachableMachine {
  const m = reachable(live, name);
  if (!m) throw new Error(`${name} is not a reachable machine in the fixture`);
  return m;
}

/** The machine's stored record, to change what it holds itself. */
export function record(live: LiveState, name: string): MachineRecord {
  const m = recordOf(live, name);
  if (!m) throw new Error(`${name} is not a reachable machine in the fixture`);
  return m;
}

/** The LXD cluster the machine is in, to change what the cluster holds. */
export function lxdCluster(live: LiveState, name: string): LxdCluster {
  const c = lxdClusterOf(live, name);
  if (!c) throw new Error(`LXD on ${name} has no cluster in the fixture`);
  return c;
}

export function cephCluster(live: LiveState, name: string): MicroCephCluster {
  const c = microClusterOf(live, 'microceph', name);
  if (!c) throw new Error(`MicroCeph on ${name} has no cluster in the fixture`);
  return c;
}

export interface PreseedOptions {
  /** Machines node1..nodeN; the initiator is node1 unless `listed` leaves it out (add mode). */
  n: number;
  listed?: number[];
  /** The initiator's number (default 1). */
  initiator?: number;
  ceph?: 'explicit' | 'filter' | 'none';
  local?: 'explicit' | 'filter' | 'none';
  ovn?: boolean;
  cephfs?: boolean;
  wipe?: boolean;
  top?: string[];
  tail?: string[];
  perSystem?: (i: number) => string[];
}

/** A unicast preseed for node1..nodeN of the bare site. */
export function preseedLines(o: PreseedOptions): string[] {
  const ceph = o.ceph ?? 'explicit';
  const local = o.local ?? 'explicit';
  const wipe = o.wipe ?? true;
  const listed = o.listed ?? Array.from({ length: o.n }, (_, k) => k + 1);
  const lines = [`initiator_address: 10.1.0.${10 + (o.initiator ?? 1)}`, 'session_passphrase: s3cret-Passphrase-42', ...(o.top ?? []), 'systems:'];
  for (const i of listed) {
    lines.push(`  - name: node${i}`, `    address: 10.1.0.${10 + i}`);
    if (o.ovn !== false) lines.push('    ovn_uplink_interface: eth1');
    if (local === 'explicit' || ceph === 'explicit') lines.push('    storage:');
    if (local === 'explicit') lines.push(`      local: {path: ${byId(nvmeId(i))}, wipe: ${wipe}}`);
    if (ceph === 'explicit') lines.push(`      ceph: [{path: /dev/sda, wipe: ${wipe}}]`);
    lines.push(...(o.perSystem?.(i) ?? []));
  }
  if (o.ovn !== false) lines.push('ovn:', '  ipv4_gateway: 10.1.1.1/24', '  ipv4_range: 10.1.1.100-10.1.1.254', '  dns_servers: 10.1.1.1');
  if (o.cephfs) lines.push('ceph:', '  cephfs: true');
  if (local === 'filter' || ceph === 'filter') lines.push('storage:');
  if (local === 'filter') lines.push('  local:', `    - {find: "type == nvme", wipe: ${wipe}}`);
  if (ceph === 'filter') lines.push('  ceph:', `    - {find: "type == scsi && device_id == wwn-.*", find_min: 1, wipe: ${wipe}}`);
  return [...lines, ...(o.tail ?? [])];
}

export function desiredFrom(lines: string[]): DesiredState {
  const r = loadPreseed('site.yaml', `${lines.join('\n')}\n`, CTX);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.desired || errors.length > 0) throw new Error(`fixture preseed is invalid:\n${errors.map((e) => `${e.line}: ${e.message}`).join('\n')}`);
  return r.desired;
}

export const desired = (o: PreseedOptions): DesiredState => desiredFrom(preseedLines(o));

export const OPTS = { preseedDigest: 'sha256:0000' };

/**
 * A LiveState of machines picked from others, each `[from, key]` stored under its new name, with
 * the clusters it is in. Two picks that name the same cluster key must take it from the same state.
 */
export function pick(picks: Record<string, [LiveState, string]>): LiveState {
  const out: LiveState = { machines: {}, clusters: emptyClusters() };
  const take = <C>(into: Record<string, C>, from: Record<string, C>, key: string | null | undefined): void => {
    if (key == null || !(key in from)) return;
    if (key in into && into[key] !== from[key]) throw new Error(`two picks name cluster ${key} from different states`);
    into[key] = from[key]!;
  };
  for (const [name, [from, key]] of Object.entries(picks)) {
    const m = from.machines[key];
    if (!m) throw new Error(`${key} is not in the state picked from`);
    out.machines[name] = m;
    if (!m.reachable) continue;
    take(out.clusters.lxd, from.clusters.lxd, m.lxd?.cluster);
    take(out.clusters.microceph, from.clusters.microceph, m.microceph?.cluster);
    take(out.clusters.microovn, from.clusters.microovn, m.microovn?.cluster);
  }
  return out;
}

/** Every machine of `live`, kept under its name (to spread into `pick`). */
export const all = (live: LiveState): Record<string, [LiveState, string]> =>
  Object.fromEntries(Object.keys(live.machines).map((k) => [k, [live, k] as [LiveState, string]]));
