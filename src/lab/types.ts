// The contracts between the parts of the lab: machine specs (what a simulated machine looks like),
// and the HTTP-level handler each simulated daemon exposes on its unix socket path.
// The SSH server (lab/ssh-server.ts) routes stream-local channels to these handlers; the service
// models (lab/lxd/, lab/micro/) implement them; fault injection and counters wrap them.

/** A network interface as `ip -j addr` and LXD's /1.0/networks would describe it. */
export interface InterfaceSpec {
  name: string;
  /** physical | bridge | bond | vlan | loopback */
  kind: 'physical' | 'bridge' | 'bond' | 'vlan' | 'loopback';
  state: 'up' | 'down';
  mac: string;
  mtu: number;
  /** Addresses in CIDR form, e.g. "10.0.0.11/24" or "2001:db8::11/64". */
  addresses: string[];
}

/** A block device as LXD's /1.0/resources describes it (api.ResourcesStorageDisk). */
export interface DiskSpec {
  /** Kernel name, e.g. "sdb" or "nvme0n1". */
  id: string;
  /** major:minor, e.g. "8:16". */
  device: string;
  model: string;
  /** e.g. "scsi", "nvme", "virtio", "cdrom", "usb" */
  type: string;
  size: number;
  wwn: string;
  serial: string;
  /** Name under /dev/disk/by-id, e.g. "wwn-0x5000c500a1b2c3d4"; "" when none. */
  device_id: string;
  /** Name under /dev/disk/by-path, e.g. "pci-0000:00:10.0-scsi-0:0:1:0". */
  device_path: string;
  read_only: boolean;
  removable: boolean;
  rpm: number;
  block_size: number;
  firmware_version: string;
  numa_node: number;
  pci_address: string;
  /** Number of partitions on the disk (0 = unpartitioned). */
  partitions: number;
  mounted: boolean;
  /** True when the disk holds data (a filesystem signature) without partitions. */
  has_data: boolean;
}

export interface SnapSpec {
  name: string;
  /** The daemon version string as the daemon reports it, e.g. "5.21.3" for LXD, "19.2.0" for MicroCeph. */
  version: string;
  revision: string;
  /** The channel snapd tracks it on, in full (`5.21/stable`); "" for a package that is not a snap. */
  channel: string;
  /** Until when snapd holds its refreshes (RFC 3339), as `POST /v2/snaps {"action":"hold"}` sets it. */
  hold?: string;
  /** The cohort snapd keeps it in (`--cohort="+"` at install or refresh). */
  cohortKey?: string;
}

/** snapd itself: its version (GET /v2/system-info) and the revision of its snap. */
export interface SnapdSpec {
  version: string;
  revision: string;
}

/** How a simulated LXD behaves: the snap's 5.21 LTS (sync pool/network create), the snap's ≥ 6.8
 *  (async pool/network operations), or Debian's 5.0.2 (socket /var/lib/lxd/unix.socket). */
export type LxdFlavor = 'snap-5.21' | 'snap-6.8' | 'deb-5.0';

export interface MachineSpec {
  hostname: string;
  interfaces: InterfaceSpec[];
  defaultRoute?: { gateway: string; dev: string };
  disks: DiskSpec[];
  /** Installed snaps; LXD, MicroCeph, MicroOVN and MicroCloud are simulated only when listed here. */
  snaps: SnapSpec[];
  lxdFlavor: LxdFlavor;
  /** snapd on /run/snapd.socket: the default (src/lab/machines.ts DEFAULT_SNAPD) when absent;
   *  null for a machine without snapd (Debian's real hosts: no socket, no `snap`). */
  snapd?: SnapdSpec | null;
}

/** One HTTP request as it arrives on a daemon's unix socket. */
export interface LabRequest {
  method: string;
  /** Path without the query string, e.g. "/1.0/storage-pools/local". */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** The parsed JSON body; undefined when the body is empty; the raw text stays in rawBody. */
  body: unknown;
  rawBody: string;
  /** The request target exactly as sent (path still percent-encoded, query included). */
  url?: string;
  /** The uid of the process at the other end of the socket (SO_PEERCRED), which snapd checks:
   *  0 for root (and for in-process calls), else the login user's. */
  peerUid?: number;
}

export interface LabResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON. */
  body: unknown;
}

/** What a simulated daemon exposes: a request handler. Handlers may be slow (operations, waits). */
export type LabHandler = (req: LabRequest) => Promise<LabResponse>;

/** The services the lab simulates, and the names counters and faults use. */
export type LabService = 'lxd' | 'microceph' | 'microovn' | 'microcloud' | 'snapd';

/**
 * A handler that panics: Go's net/http recovers a panicking handler by closing the connection
 * without a response, so the client sees the connection end (EOF) rather than an error envelope.
 * Handlers throw this; the site turns it into a dropped connection (lab-site.ts answerHttp).
 */
export class HandlerPanic extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandlerPanic';
  }
}

/** Real socket paths on a machine with the snaps (and Debian's LXD). */
export const SOCKET_PATHS = {
  lxdSnap: '/var/snap/lxd/common/lxd/unix.socket',
  lxdDeb: '/var/lib/lxd/unix.socket',
  microceph: '/var/snap/microceph/common/state/control.socket',
  microovn: '/var/snap/microovn/common/state/control.socket',
  // The snap's daemon.start runs microcloudd --state-dir $SNAP_COMMON/state (canonical/microcloud
  // snapcraft/commands/daemon.start at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741).
  microcloud: '/var/snap/microcloud/common/state/control.socket',
  // canonical/snapd data/systemd/snapd.socket at bee548f7: ListenStream=/run/snapd.socket, SocketMode=0666.
  snapd: '/run/snapd.socket',
} as const;

/** Per-step durations of the lab's daemons, in milliseconds, so benchmarks can model real timing. */
export interface LabDurations {
  lxdBootstrap: number;
  lxdJoin: number;
  microBootstrap: number;
  microJoin: number;
  diskAdd: number;
  poolCreate: number;
  networkCreate: number;
  /** A snap install (download to services started), and a refresh (services stop for part of it). */
  snapInstall: number;
  snapRefresh: number;
  /** From start-snap-services until the snap's daemon answers on its socket: the change is already
   *  Done by then (systemd returns once a `simple` service is forked). */
  daemonStart: number;
  /** After a refreshed MicroCeph answers again, until that machine's OSDs are up again. */
  osdRestart: number;
}

export const ZERO_DURATIONS: LabDurations = {
  lxdBootstrap: 0,
  lxdJoin: 0,
  microBootstrap: 0,
  microJoin: 0,
  diskAdd: 0,
  poolCreate: 0,
  networkCreate: 0,
  snapInstall: 0,
  snapRefresh: 0,
  daemonStart: 0,
  osdRestart: 0,
};

/** What every service model gets from the site: the machines, whether each is up, and timing. */
export interface LabContext {
  machines(): string[];
  spec(machine: string): MachineSpec;
  /** False while a machine is taken down by fault injection: peers see it as offline/unreachable. */
  isUp(machine: string): boolean;
  durations: LabDurations;
  sleep(ms: number): Promise<void>;
  /** False while a daemon on an up machine is stopped for a snap change (snapd/timeline.ts);
   *  absent (always running) in contexts without snapd. Use machines.ts daemonRunning(). */
  serviceUp?(machine: string, daemon: LabDaemon): boolean;
  /** Lab milliseconds since the site started (the clock of the site's log). */
  elapsed?(): number;
}

/** What a snap refresh stops: a service's daemon, or the Ceph OSDs MicroCeph runs. */
export type LabDaemon = Exclude<LabService, 'snapd'> | 'ceph-osd';

/** A site-wide model of one service (its clusters span machines); one handler per machine. */
export interface ServiceWorld {
  handler(machine: string): LabHandler;
}
