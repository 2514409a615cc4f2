// What the lab's machines look like: the default spec for "nodeN", and the facts derived from a
// spec that several parts of the lab need (which daemons run, their socket paths, addresses).
import type { DiskSpec, InterfaceSpec, LabContext, LabDaemon, LabService, LxdFlavor, MachineSpec, SnapdSpec, SnapSpec } from './types.js';
import { SOCKET_PATHS } from './types.js';

/** The default lab network: node i is 10.1.0.(10+i) on eth0; eth1 is the OVN uplink on 10.1.1.0/24. */
export const LAB_NETWORK = {
  prefix: '10.1.0',
  prefixLength: 24,
  gateway: '10.1.0.1',
  uplinkGateway: '10.1.1.1/24',
  uplinkRange: '10.1.1.100-10.1.1.254',
  dnsServers: '10.1.1.1',
} as const;

/** The highest node number the default addressing (10.1.0.11 … 10.1.0.250) can give. */
export const MAX_DEFAULT_NODES = 240;

/** The snaps a MicroCloud machine carries: the LTS tracks MicroCloud 2.x deploys. */
export const DEFAULT_SNAPS: readonly SnapSpec[] = [
  { name: 'lxd', version: '5.21.3', revision: '33110', channel: '5.21/stable' },
  { name: 'microceph', version: '19.2.0', revision: '1228', channel: 'squid/stable' },
  { name: 'microovn', version: '24.03.2', revision: '667', channel: '24.03/stable' },
];

/** The MicroCloud snap of the LTS track (2/stable, MicroCloud 2.1.x on microcluster v2), for machines
 *  that should run the MicroCloud daemon: not among DEFAULT_SNAPS, a machine has it only when asked.
 *  Its version is what the daemon reports (version.RawVersion, canonical/microcloud version/version.go
 *  at tag 2.1.3, 33f6c5b4bbd77b0e5ee476a78e36d95bc6941b22). */
export const MICROCLOUD_SNAP: SnapSpec = { name: 'microcloud', version: '2.1.3', revision: '1144', channel: '2/stable' };

/** The snapd a lab machine runs unless its spec says otherwise (MachineSpec.snapd). */
export const DEFAULT_SNAPD: SnapdSpec = { version: '2.66.1', revision: '23258' };

/** The channels a lab started without the snaps (`lab up --without-snaps`) writes into its site.yaml:
 *  the lower track of each pair the lab's store has (snapd/store.ts), MicroCloud's only when asked. */
export function labSnapsBlock(opts: { microcloud: boolean }): Record<string, { channel: string }> {
  const snaps = opts.microcloud ? [...DEFAULT_SNAPS, MICROCLOUD_SNAP] : DEFAULT_SNAPS;
  return Object.fromEntries(snaps.map((s) => [s.name, { channel: s.channel }]));
}

/** Whether a daemon answers: its machine is up and no snap change has it stopped. */
export function daemonRunning(ctx: LabContext, machine: string, daemon: LabDaemon): boolean {
  return ctx.isUp(machine) && (ctx.serviceUp?.(machine, daemon) ?? true);
}

/** The machine's snapd, or null when it has none. */
export function snapdOf(spec: MachineSpec): SnapdSpec | null {
  return spec.snapd === undefined ? DEFAULT_SNAPD : spec.snapd;
}

export interface DefaultMachineOptions {
  /** Hostname prefix; node i is `${prefix}${i}` (default "node"). */
  hostnamePrefix?: string;
  lxdFlavor?: LxdFlavor;
  /** Installed snaps (default DEFAULT_SNAPS). */
  snaps?: readonly SnapSpec[];
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
const mac = (kind: number, i: number): string =>
  `52:54:00:${hex(kind, 2)}:${hex((i >> 8) & 0xff, 2)}:${hex(i & 0xff, 2)}`;

/** The address node i gets on eth0 in the default lab network. */
export function defaultAddress(i: number): string {
  return `${LAB_NETWORK.prefix}.${10 + i}`;
}

/**
 * Machine `i` (1-based) of a default lab: lo; eth0 with a static 10.1.0.(10+i)/24 and the default
 * route via 10.1.0.1; eth1 up without an address (the OVN uplink); a ~512 GB NVMe for local
 * storage and two 3.84 TB SATA SSDs for Ceph, with by-id names as udev makes them; the LTS snaps.
 */
export function defaultMachineSpec(i: number, options: DefaultMachineOptions = {}): MachineSpec {
  if (!Number.isInteger(i) || i < 1 || i > MAX_DEFAULT_NODES) {
    throw new RangeError(`default machines are numbered 1..${MAX_DEFAULT_NODES}, got ${i}`);
  }
  const hostname = `${options.hostnamePrefix ?? 'node'}${i}`;
  const interfaces: InterfaceSpec[] = [
    { name: 'lo', kind: 'loopback', state: 'up', mac: '00:00:00:00:00:00', mtu: 65536, addresses: ['127.0.0.1/8', '::1/128'] },
    { name: 'eth0', kind: 'physical', state: 'up', mac: mac(1, i), mtu: 1500, addresses: [`${defaultAddress(i)}/${LAB_NETWORK.prefixLength}`] },
    { name: 'eth1', kind: 'physical', state: 'up', mac: mac(2, i), mtu: 1500, addresses: [] },
  ];
  const serial = (prefix: string, k: number): string => `${prefix}${String(i * 10 + k).padStart(6, '0')}`;
  const nvmeModel = 'SAMSUNG MZVL2512HCJQ-00B00';
  const nvmeSerial = serial('S64ANS0T', 0);
  const ssdModel = 'SAMSUNG MZ7L33T8HBLT-00A07';
  const base: Omit<DiskSpec, 'id' | 'device' | 'model' | 'type' | 'size' | 'wwn' | 'serial' | 'device_id' | 'device_path' | 'firmware_version' | 'pci_address'> = {
    read_only: false, removable: false, rpm: 0, block_size: 512, numa_node: 0,
    partitions: 0, mounted: false, has_data: false,
  };
  const ssd = (k: 1 | 2): DiskSpec => {
    const wwn = `0x5002538f4${hex(i * 16 + k, 7)}`;
    return {
      ...base, id: k === 1 ? 'sda' : 'sdb', device: k === 1 ? '8:0' : '8:16', model: ssdModel, type: 'scsi',
      size: 3_840_755_982_336, wwn, serial: serial('S6JNNG0T', k), device_id: `wwn-${wwn}`,
      device_path: `pci-0000:00:17.0-ata-${k}.0`, firmware_version: 'JXTC104Q', pci_address: '0000:00:17.0',
    };
  };
  const disks: DiskSpec[] = [
    {
      ...base, id: 'nvme0n1', device: '259:0', model: nvmeModel, type: 'nvme', size: 512_110_190_592,
      wwn: `eui.002538b4${hex(i, 8)}`, serial: nvmeSerial,
      device_id: `nvme-${nvmeModel.replace(/ /g, '_')}_${nvmeSerial}`,
      device_path: 'pci-0000:03:00.0-nvme-1', firmware_version: 'GXA7801Q', pci_address: '0000:03:00.0',
    },
    ssd(1),
    ssd(2),
  ];
  return {
    hostname,
    interfaces,
    defaultRoute: { gateway: LAB_NETWORK.gateway, dev: 'eth0' },
    disks,
    snaps: (options.snaps ?? DEFAULT_SNAPS).map((s) => ({ ...s })),
    lxdFlavor: options.lxdFlavor ?? 'snap-5.21',
  };
}

/** N default machines, node1..nodeN. */
export function defaultMachineSpecs(n: number, options: DefaultMachineOptions = {}): MachineSpec[] {
  return Array.from({ length: n }, (_, k) => defaultMachineSpec(k + 1, options));
}

/** The daemons a machine runs: LXD, MicroCeph, MicroOVN and MicroCloud exist only when their snap is listed. */
export function machineServices(spec: MachineSpec): LabService[] {
  const names = new Set(spec.snaps.map((s) => s.name));
  const snapd: LabService[] = snapdOf(spec) ? ['snapd'] : [];
  return [...(['lxd', 'microceph', 'microovn', 'microcloud'] as const).filter((s) => names.has(s)), ...snapd];
}

/** Where a daemon's unix socket lives on a machine (Debian's LXD at /var/lib/lxd). */
export function socketPath(spec: MachineSpec, service: LabService): string {
  switch (service) {
    case 'lxd': return spec.lxdFlavor === 'deb-5.0' ? SOCKET_PATHS.lxdDeb : SOCKET_PATHS.lxdSnap;
    case 'microceph': return SOCKET_PATHS.microceph;
    case 'microovn': return SOCKET_PATHS.microovn;
    case 'microcloud': return SOCKET_PATHS.microcloud;
    case 'snapd': return SOCKET_PATHS.snapd;
  }
}

/** A daemon socket's ownership and mode, as `stat` shows them on a real machine. The snap's LXD
 *  socket is root:lxd 0660 (cloud images put the default user in "lxd"), Debian's LXD 5.0.2 the
 *  same under /var/lib/lxd; the micro* control sockets are root:root 0660 (microcluster sets no
 *  group). Connecting to a unix socket needs write permission on it. */
export interface SocketAccess { owner: string; group: string; mode: number }

export function socketAccess(_spec: MachineSpec, service: LabService): SocketAccess {
  // snapd's socket lets anyone connect; snapd itself judges each request by the peer's uid.
  if (service === 'snapd') return { owner: 'root', group: 'root', mode: 0o666 };
  return service === 'lxd' ? { owner: 'root', group: 'lxd', mode: 0o660 } : { owner: 'root', group: 'root', mode: 0o660 };
}

/** The groups a lab login is in: root's, or the cloud image's default user's (as the lab's `id` says). */
export function userGroups(user: string): string[] {
  return user === 'root' ? ['root'] : [user, 'adm', 'cdrom', 'sudo', 'dip', 'lxd'];
}

/** Whether `user` (root when `root`) may connect to the socket at `path`; false when there is none. */
export function mayOpenSocket(spec: MachineSpec, path: string, user: string, root: boolean): boolean {
  const service = serviceAtSocket(spec, path);
  if (!service) return false;
  if (root || user === 'root') return true;
  const a = socketAccess(spec, service);
  if (a.owner === user) return (a.mode & 0o200) !== 0;
  if (userGroups(user).includes(a.group)) return (a.mode & 0o020) !== 0;
  return (a.mode & 0o002) !== 0;
}

/** Whether the machine has a program the lab simulates (MachineSpec.withoutPrograms lists the ones
 *  it lacks, e.g. a server without netcat-openbsd). */
export function hasProgram(spec: MachineSpec, name: string): boolean {
  return !(spec.withoutPrograms ?? []).includes(name);
}

declare module './types.js' {
  interface MachineSpec {
    /** Programs this machine does not have although the lab could run them, e.g. ["nc"]. */
    withoutPrograms?: string[];
  }
}

/** The service whose socket is at `path` on this machine, if that daemon runs there. */
export function serviceAtSocket(spec: MachineSpec, path: string): LabService | undefined {
  return machineServices(spec).find((s) => socketPath(spec, s) === path);
}

/** The machine's first global IPv4 address (without prefix length), e.g. its MicroCloud address. */
export function primaryAddress(spec: MachineSpec): string | undefined {
  for (const iface of spec.interfaces) {
    if (iface.kind === 'loopback') continue;
    for (const cidr of iface.addresses) {
      const ip = cidr.split('/')[0] ?? '';
      if (ip.includes('.') && !ip.startsWith('127.')) return ip;
    }
  }
  return undefined;
}

/** The by-id names udev gives a disk: its device_id, plus the wwn-/eui- forms when a WWN is known. */
export function diskByIdNames(disk: DiskSpec): string[] {
  const names = new Set<string>();
  if (disk.device_id) names.add(disk.device_id);
  if (disk.wwn.startsWith('0x')) names.add(`wwn-${disk.wwn}`);
  if (disk.wwn.startsWith('eui.')) names.add(`nvme-${disk.wwn}`);
  return [...names];
}

// ---- addresses -------------------------------------------------------------------------------

export function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${ip}`);
  }
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
}

export interface ParsedCidr { ip: string; prefix: number; family: 'inet' | 'inet6' }

export function parseCidr(cidr: string): ParsedCidr {
  const [ip = '', len] = cidr.split('/');
  const family = ip.includes(':') ? 'inet6' : 'inet';
  const prefix = len === undefined ? (family === 'inet' ? 32 : 128) : Number(len);
  return { ip: ip.toLowerCase(), prefix, family };
}

/** For an IPv4 CIDR: the network ("10.1.0.0/24") and broadcast address. */
export function ipv4Network(cidr: string): { network: string; broadcast: string } {
  const { ip, prefix } = parseCidr(cidr);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (ipv4ToInt(ip) & mask) >>> 0;
  return { network: `${intToIpv4(net)}/${prefix}`, broadcast: intToIpv4((net | (~mask >>> 0)) >>> 0) };
}

/** The IPv6 network of a /64-or-shorter prefix, compressed (e.g. "2001:db8::/64"). */
export function ipv6Network(cidr: string): string {
  const { ip, prefix } = parseCidr(cidr);
  const groups = expandIpv6(ip);
  let bits = prefix;
  const masked = groups.map((g) => {
    const keep = Math.max(0, Math.min(16, bits));
    bits -= 16;
    return keep === 0 ? 0 : g & ((0xffff << (16 - keep)) & 0xffff);
  });
  return `${compressIpv6(masked)}/${prefix}`;
}

function expandIpv6(ip: string): number[] {
  const [head = '', tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail !== undefined ? 8 - h.length - t.length : 0;
  return [...h, ...Array<string>(fill).fill('0'), ...t].map((g) => parseInt(g, 16) || 0);
}

function compressIpv6(groups: number[]): string {
  let best = -1, bestLen = 0;
  for (let k = 0; k < groups.length;) {
    if (groups[k] !== 0) { k++; continue; }
    let e = k;
    while (e < groups.length && groups[e] === 0) e++;
    if (e - k > bestLen && e - k > 1) { best = k; bestLen = e - k; }
    k = e;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (best < 0) return hexes.join(':');
  return `${hexes.slice(0, best).join(':')}::${hexes.slice(best + bestLen).join(':')}`;
}

/** The EUI-64 link-local address the kernel gives an interface that is up, e.g. fe80::5054:ff:fe01:1. */
export function linkLocalFromMac(macAddress: string): string {
  const b = macAddress.split(':').map((x) => parseInt(x, 16));
  const e = [(b[0] ?? 0) ^ 0x02, b[1] ?? 0, b[2] ?? 0, 0xff, 0xfe, b[3] ?? 0, b[4] ?? 0, b[5] ?? 0];
  const groups = [0xfe80, 0, 0, 0, (e[0]! << 8) | e[1]!, (e[2]! << 8) | e[3]!, (e[4]! << 8) | e[5]!, (e[6]! << 8) | e[7]!];
  return compressIpv6(groups);
}

/**
 * Every address an interface carries as the kernel reports it: the spec's addresses, plus the IPv6
 * link-local address an up, non-loopback interface gets automatically (unless the spec lists one).
 */
export function effectiveAddresses(iface: InterfaceSpec): string[] {
  const out = [...iface.addresses];
  if (iface.kind !== 'loopback' && iface.state === 'up' && !out.some((a) => a.toLowerCase().startsWith('fe80:'))) {
    out.push(`${linkLocalFromMac(iface.mac)}/64`);
  }
  return out;
}
