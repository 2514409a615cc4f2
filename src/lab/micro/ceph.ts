// MicroCeph (canonical/microceph): the microcluster core plus its /1.0 API — disks, services,
// configs, pools — over a model of the Ceph cluster it runs (OSDs, mons, pools, crush rules, health).
// Messages and orderings follow microceph/api/*.go and microceph/ceph/*.go.
import { randomBytes, randomUUID } from 'node:crypto';
import { syncResponse } from '../envelope.js';
import { diskByIdNames } from '../machines.js';
import type { DiskSpec, LabContext, LabHandler, LabResponse, MachineSpec, ServiceWorld } from '../types.js';
import {
  MicroclusterCore, type AppEndpoint, type AppRequest, type CoreCluster, type CoreDaemon, type CoreMember,
  type MemberRole, type MicroApp, type MicroOptions,
} from './core.js';
import {
  decodeStruct, decodeValue, hostOf, messageOf, parseJsonBody, plainError, statusError, type StructSpec,
} from './go.js';
import { findIpOnSubnet, findNetworkAddress, isIpOnSubnet } from './net.js';

export type CrushRule = 'microceph_auto_osd' | 'microceph_auto_host';

/** Crush rule ids as a fresh MicroCeph creates them (replicated_rule comes with Ceph). */
const CRUSH_RULE_IDS: Record<string, number> = {
  replicated_rule: 0, microceph_auto_osd: 1, microceph_auto_host: 2, microceph_auto_rack: 3,
};

interface ServiceRow { member: string; service: string }
interface DiskRow {
  osd: number;
  member: string;
  machine: string;
  /** The stable path recorded (/dev/disk/by-id/…). */
  path: string;
  diskId: string;
  partition: number;
  /** Purged from Ceph by a removal that then failed to delete the record. */
  purged: boolean;
}
interface PoolRow { name: string; id: number; size: number; minSize: number; crushRule: string; pgNum: number }

/** MicroCeph's tables and the Ceph cluster's state, per cluster. */
export interface CephClusterState {
  fsid: string;
  v2Only: boolean;
  /** MicroCeph's config table: fsid, keyring.client.admin, mon.host.<member>, public_network. */
  db: Map<string, string>;
  /** Ceph's centralised config (global section): what `ceph config get/dump` shows. */
  ceph: Map<string, string>;
  services: ServiceRow[];
  disks: DiskRow[];
  /** AUTOINCREMENT of the disks table: OSD numbers start at 1 and are never reused. */
  nextOsd: number;
  pools: PoolRow[];
  nextPoolId: number;
  defaultRule: CrushRule;
  /** availability-zone host tags. */
  azs: Map<string, string>;
}

/** A physical disk's current state on its machine (the spec is the initial state). */
export interface DiskRuntime {
  hasData: boolean;
  partitions: number;
  mounted: boolean;
  /** The OSD that uses it, if any. */
  osd: number | null;
}

export interface MicroCephOptions extends MicroOptions {
  /** Whether disk encryption works on a machine (the dm-crypt snap interface is connected). Default: never,
   *  as on a fresh snap install. */
  encryptionSupported?: (machine: string) => boolean;
}

export interface CephHealthCheck {
  severity: 'HEALTH_WARN' | 'HEALTH_ERR';
  summary: { message: string; count: number };
  /** What `ceph health detail` adds; plain `ceph health` leaves it out. */
  detail: { message: string }[];
  muted: boolean;
}

/** `ceph health detail --format json` (drop each check's `detail` for plain `ceph health`). */
export interface CephHealthReport {
  status: 'HEALTH_OK' | 'HEALTH_WARN' | 'HEALTH_ERR';
  checks: Record<string, CephHealthCheck>;
  mutes: unknown[];
}

/** What the `ceph` CLI does when no monitor quorum can be reached: it times out. */
export class CephTimeoutError extends Error {
  readonly exitCode = 1;
  constructor() {
    super('[errno 110] RADOS timed out (error connecting to the cluster)');
    this.name = 'CephTimeoutError';
  }
}

export interface CephMemberView { name: string; machine: string; address: string; role: MemberRole }
export interface CephDiskView { osd: number; path: string; location: string }
export interface CephServiceView { service: string; location: string }
export interface CephPoolView { pool: string; pool_id: number; size: number; min_size: number; crush_rule: string }

const ENCRYPTION_REASON =
  'dm-crypt interface connection missing: \nuse "sudo snap connect microceph:dm-crypt ; sudo snap restart microceph.daemon" to enable encryption.';

/** ceph/config.go GetConstConfigTable: key → read-only? */
const CONFIG_TABLE: Record<string, { ro: boolean }> = {
  public_network: { ro: true },
  cluster_network: { ro: false },
  rbd_default_features: { ro: false },
  osd_pool_default_crush_rule: { ro: false },
  ...Object.fromEntries([
    'rgw_s3_auth_use_keystone', 'rgw_keystone_url', 'rgw_keystone_admin_token', 'rgw_keystone_admin_token_path',
    'rgw_keystone_admin_user', 'rgw_keystone_admin_password', 'rgw_keystone_admin_password_path',
    'rgw_keystone_admin_project', 'rgw_keystone_admin_domain', 'rgw_keystone_service_token_enabled',
    'rgw_keystone_service_token_accepted_roles', 'rgw_keystone_expired_token_cache_expiration',
    'rgw_keystone_api_version', 'rgw_keystone_accepted_roles', 'rgw_keystone_accepted_admin_roles',
    'rgw_keystone_token_cache_size', 'rgw_keystone_verify_ssl', 'rgw_keystone_implicit_tenants',
    'rgw_swift_account_in_url', 'rgw_swift_versioning_enabled', 'rgw_swift_enforce_content_length',
    'rgw_swift_custom_header',
  ].map((k) => [k, { ro: false }])),
};

/** Ceph's defaults for the table's keys, as `ceph config get mon <key>` prints them when unset. */
const CEPH_DEFAULTS: Record<string, string> = {
  osd_pool_default_crush_rule: '-1',
  rbd_default_features: 'layering,exclusive-lock,object-map,fast-diff,deep-flatten',
  rgw_keystone_api_version: '2',
  rgw_keystone_token_cache_size: '10000',
  rgw_keystone_verify_ssl: 'true',
  rgw_keystone_implicit_tenants: 'false',
  rgw_s3_auth_use_keystone: 'false',
  rgw_swift_account_in_url: 'false',
  rgw_swift_versioning_enabled: 'false',
  rgw_swift_enforce_content_length: 'false',
  rgw_keystone_service_token_enabled: 'false',
  rgw_keystone_expired_token_cache_expiration: '3600',
  rgw_keystone_accepted_roles: 'Member, admin',
  rgw_keystone_accepted_admin_roles: '',
};

const CEPH_SERVICES = new Set(['mon', 'mgr', 'osd', 'mds', 'rgw']);
/** GetServicePlacementTable. */
const PLACEABLE = new Set(['mon', 'mgr', 'mds', 'nfs', 'rgw', 'rbd-mirror', 'cephfs-mirror']);

const DISKS_POST: StructSpec = {
  goType: 'types.DisksPost',
  fields: {
    path: 'stringArray', wipe: 'bool', encrypt: 'bool', waldev: 'stringPtr', walwipe: 'bool', walencrypt: 'bool',
    dbdev: 'stringPtr', dbwipe: 'bool', dbencrypt: 'bool', osd_match: 'string', wal_match: 'string',
    wal_size: 'string', db_match: 'string', db_size: 'string', dry_run: 'bool',
  },
};
const DISKS_DELETE: StructSpec = {
  goType: 'types.DisksDelete',
  fields: { osdid: 'int64', bypass_safety: 'bool', confirm_downgrade: 'bool', prohibit_crush_scaledown: 'bool', timeout: 'int64' },
};
const CONFIG: StructSpec = {
  goType: 'types.Config', fields: { key: 'string', value: 'string', wait: 'bool', skip_restart: 'bool' },
};
const ENABLE_SERVICE: StructSpec = { goType: 'types.EnableService', fields: { name: 'string', bool: 'bool', payload: 'string' } };
const POOL_PUT: StructSpec = { goType: 'types.PoolPut', fields: { pools: 'stringArray', size: 'int64' } };
const SERVICE: StructSpec = {
  goType: 'types.Service', fields: { service: 'string', location: 'string', group_id: 'string', info: 'string' },
};

/** strconv.ParseBool, errors ignored as MicroCeph does. */
function goBool(s: string | undefined): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s ?? '');
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Ceph's min_size for a replicated pool of `size` (osd_pool_default_min_size 0 → size - size/2). */
const minSizeFor = (size: number): number => size - Math.floor(size / 2);

interface ResolvedDevice {
  disk: DiskSpec;
  /** 0 for the whole disk. */
  partition: number;
  /** The path setStablePath settles on. */
  stable: string;
}

function partitionName(diskId: string, k: number): string {
  return /\d$/.test(diskId) ? `${diskId}p${k}` : `${diskId}${k}`;
}

/** shared.IsBlockdevPath + setStablePath: which block device a path names on this machine, and the
 *  stable /dev/disk/by-id path MicroCeph records for it. */
export function resolveBlockDevice(spec: MachineSpec, runtime: Map<string, DiskRuntime>, path: string): ResolvedDevice | undefined {
  if (!path.startsWith('/dev/')) return undefined;
  for (const disk of spec.disks) {
    const byId = diskByIdNames(disk).map((n) => `/dev/disk/by-id/${n}`);
    const byPath = disk.device_path ? [`/dev/disk/by-path/${disk.device_path}`] : [];
    const whole = [`/dev/${disk.id}`, ...byId, ...byPath];
    if (whole.includes(path)) {
      const stable = disk.device_id ? `/dev/disk/by-id/${disk.device_id}`
        : disk.device_path ? `/dev/disk/by-path/${disk.device_path}` : path;
      return { disk, partition: 0, stable };
    }
    const parts = runtime.get(disk.id)?.partitions ?? disk.partitions;
    for (let k = 1; k <= parts; k++) {
      const raw = `/dev/${partitionName(disk.id, k)}`;
      const names = [raw, ...byId.map((n) => `${n}-part${k}`), ...byPath.map((n) => `${n}-part${k}`)];
      if (!names.includes(path)) continue;
      if (path === raw) return { disk, partition: k, stable: raw };
      const stable = disk.device_id ? `/dev/disk/by-id/${disk.device_id}-part${k}`
        : disk.device_path ? `/dev/disk/by-path/${disk.device_path}-part${k}` : path;
      return { disk, partition: k, stable };
    }
  }
  return undefined;
}

/** LXD's api.ResourcesStorage for a machine, as MicroCeph's GET /1.0/resources returns it. */
export function storageResources(spec: MachineSpec, runtime?: Map<string, DiskRuntime>): { disks: unknown[]; total: number } {
  const disks = spec.disks.map((d) => {
    const rt = runtime?.get(d.id);
    const parts = rt ? rt.partitions : d.partitions;
    const [maj = 0, min = 0] = d.device.split(':').map(Number);
    const partSize = parts > 0 ? Math.floor((d.size - 1_048_576) / parts) : 0;
    const out: Record<string, unknown> = { id: d.id, device: d.device };
    if (d.model) out['model'] = d.model;
    if (d.type) out['type'] = d.type;
    out['read_only'] = d.read_only;
    out['size'] = d.size;
    out['removable'] = d.removable;
    if (d.wwn) out['wwn'] = d.wwn;
    out['numa_node'] = d.numa_node;
    if (d.device_path) out['device_path'] = d.device_path;
    out['block_size'] = d.block_size;
    if (d.firmware_version) out['firmware_version'] = d.firmware_version;
    out['rpm'] = d.rpm;
    if (d.serial) out['serial'] = d.serial;
    out['device_id'] = d.device_id;
    out['partitions'] = Array.from({ length: parts }, (_, k) => ({
      id: partitionName(d.id, k + 1), device: `${maj}:${min + k + 1}`, read_only: d.read_only, size: partSize, partition: k + 1,
    }));
    if (d.pci_address) out['pci_address'] = d.pci_address;
    out['mounted'] = rt ? rt.mounted : d.mounted;
    return out;
  });
  return { disks, total: disks.length };
}

interface SimpleBootstrap { monIp: string; publicNet: string; clusterNet: string; az: string; v2Only: boolean }

/**
 * The simulated MicroCeph deployment of a site. `handler(machine)` serves that machine's control
 * socket; machines without the microceph snap have no daemon (`installed()` is false and
 * `handler()` throws).
 */
export class MicroCephWorld implements ServiceWorld {
  readonly core: MicroclusterCore<CephClusterState>;
  private readonly ctx: LabContext;
  private readonly options: MicroCephOptions;
  private readonly runtimes = new Map<string, Map<string, DiskRuntime>>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(ctx: LabContext, options: MicroCephOptions = {}) {
    this.ctx = ctx;
    this.options = options;
    this.core = new MicroclusterCore(ctx, this.app(), options);
  }

  // ---- public API -----------------------------------------------------------------------------

  handler(machine: string): LabHandler {
    return this.core.handler(machine);
  }

  /** Whether the machine runs a MicroCeph daemon (has the snap, so the control socket exists). */
  installed(machine: string): boolean {
    return this.core.installed(machine);
  }

  /** The address MicroCloud gives the daemon: the machine's first global IPv4 and port 7443. */
  defaultAddress(machine: string): string {
    return this.core.defaultAddress(machine);
  }

  /** Whether the machine's daemon has bootstrapped or joined (its database is online). */
  initialized(machine: string): boolean {
    return this.installed(machine) && this.core.daemon(machine).cluster !== undefined;
  }

  /** Run the dqlite heartbeat (role adjustment) on every cluster now. */
  heartbeat(): void {
    for (const c of this.core.clusters()) this.core.heartbeat(c);
  }

  members(machine?: string): CephMemberView[] {
    const c = this.core.clusterOf(machine);
    if (!c) return [];
    return [...c.members].sort((a, b) => a.id - b.id).map((m) => ({ name: m.name, machine: m.machine, address: m.address, role: m.role }));
  }

  /** GET /1.0/disks as the cluster would answer. */
  disks(machine?: string): CephDiskView[] {
    const c = this.core.clusterOf(machine);
    return c ? this.diskList(c) : [];
  }

  /** GET /1.0/services (mon/mgr/mds records; OSDs are not services in MicroCeph's table). */
  services(machine?: string): CephServiceView[] {
    const c = this.core.clusterOf(machine);
    return c ? this.serviceList(c).map((s) => ({ service: s.service, location: s.location })) : [];
  }

  pools(machine?: string): CephPoolView[] {
    const c = this.core.clusterOf(machine);
    return c ? c.app.pools.map(poolView) : [];
  }

  poolSizes(machine?: string): Record<string, number> {
    return Object.fromEntries(this.pools(machine).map((p) => [p.pool, p.size]));
  }

  /** Ceph's centralised config (global section). */
  cephConfig(machine?: string): Record<string, string> {
    const c = this.core.clusterOf(machine);
    return c ? Object.fromEntries([...c.app.ceph].sort(([a], [b]) => byName(a, b))) : {};
  }

  /** The automatic crush rule new pools get. */
  defaultCrushRule(machine?: string): CrushRule | undefined {
    return this.core.clusterOf(machine)?.app.defaultRule;
  }

  /** The live state of a machine's disks (mutable: the LXD model may mark a disk it used). */
  diskRuntime(machine: string): Map<string, DiskRuntime> {
    let rt = this.runtimes.get(machine);
    if (!rt) {
      rt = new Map(this.ctx.spec(machine).disks.map((d) => [d.id, {
        hasData: d.has_data, partitions: d.partitions, mounted: d.mounted, osd: null,
      }]));
      this.runtimes.set(machine, rt);
    }
    return rt;
  }

  /**
   * Create an OSD pool the way LXD's ceph/cephfs drivers do (`ceph osd pool create`): it gets
   * osd_pool_default_size replicas and the default crush rule. Idempotent; returns the pool.
   */
  ensurePool(name: string, machine?: string): CephPoolView {
    const c = this.core.clusterOf(machine);
    if (!c) throw new Error('no MicroCeph cluster to create the pool in');
    const st = c.app;
    let pool = st.pools.find((p) => p.name === name);
    if (!pool) {
      const size = Number(st.ceph.get('osd_pool_default_size') ?? '3');
      pool = { name, id: st.nextPoolId++, size, minSize: minSizeFor(size), crushRule: st.defaultRule, pgNum: 32 };
      st.pools.push(pool);
    }
    return poolView(pool);
  }

  /**
   * `microceph.ceph health --format json` as seen from `machine` (or the first cluster): null when
   * there is no Ceph cluster; throws CephTimeoutError when the monitors have no quorum.
   */
  cephHealth(machine?: string): CephHealthReport | null {
    const c = this.core.clusterOf(machine);
    if (!c) return null;
    return this.health(c);
  }

  // ---- the app --------------------------------------------------------------------------------

  private app(): MicroApp<CephClusterState> {
    return {
      snap: 'microceph',
      port: 7443,
      extensions: [],
      schemaExternal: 9,
      initialState: () => ({
        fsid: '', v2Only: false, db: new Map(), ceph: new Map(), services: [], disks: [], nextOsd: 1,
        pools: [], nextPoolId: 1, defaultRule: 'microceph_auto_osd', azs: new Map(),
      }),
      preInit: (d, bootstrap, config) => {
        if (!bootstrap) return;
        const b = this.getBootstrapper(d, config);
        this.precheck(this.ctx.spec(d.machine), b);
      },
      bootstrap: (c, m, config) => this.bootstrap(c, m, config),
      join: (c, m, config) => this.join(c, m, config),
      preRemove: (c, m, force) => this.preRemove(c, m, force),
      memberRemoved: (c, m) => {
        const st = c.app;
        st.services = st.services.filter((s) => s.member !== m.name);
        st.disks = st.disks.filter((d) => d.member !== m.name);
        st.db.delete(`mon.host.${m.name}`);
        st.azs.delete(m.name);
      },
      endpoints: this.endpoints(),
    };
  }

  /** getBootstrapper + Prefill (cmd/microcephd/bootstrapper.go, simple_bootstrapper.go). */
  private getBootstrapper(d: CoreDaemon<CephClusterState>, config: Record<string, string>): SimpleBootstrap {
    if (goBool(config['DeferCeph'])) throw plainError('lab: deferred Ceph bootstrap (DeferCeph) is not simulated');
    if ((config['AdoptFSID'] ?? '') !== '' && (config['AdoptAdminKey'] ?? '') !== '') {
      throw plainError('lab: adopting an existing Ceph cluster is not simulated');
    }
    const spec = this.ctx.spec(d.machine);
    let monIp = config['MonIp'] ?? '';
    let publicNet = config['PublicNet'] ?? '';
    let clusterNet = config['ClusterNet'] ?? '';
    if (monIp === '') {
      monIp = publicNet === '' ? hostOf(d.address) : findIpOnSubnet(spec, publicNet);
    }
    if (publicNet === '') {
      try {
        publicNet = findNetworkAddress(spec, monIp);
      } catch (e) {
        throw plainError(`failed to locate ${monIp} on host: ${messageOf(e)}`);
      }
    }
    if (clusterNet === '') clusterNet = publicNet;
    const v2Only = goBool(config['V2Only']);
    if (v2Only) monIp = `v2:${monIp}:3300`;
    return { monIp, publicNet, clusterNet, az: config['AvailabilityZone'] ?? '', v2Only };
  }

  /** SimpleBootstrapper.Precheck. */
  private precheck(spec: MachineSpec, b: SimpleBootstrap): void {
    const monIp = b.v2Only ? b.monIp.replace('v2:', '').replace(':3300', '') : b.monIp;
    try {
      findNetworkAddress(spec, monIp);
    } catch (e) {
      throw plainError(`failed to locate monIP ${monIp} on host: ${messageOf(e)}`);
    }
    if (!isIpOnSubnet(monIp, b.publicNet)) throw plainError(`monIP ${monIp} is not available on public network ${b.publicNet}`);
    findIpOnSubnet(spec, b.clusterNet);
    if (b.az !== '' && !/^[a-zA-Z0-9_.-]+$/.test(b.az)) {
      throw plainError(`invalid availability zone name ${JSON.stringify(b.az)}: must match [a-zA-Z0-9_.-]+`);
    }
  }

  private bootstrap(c: CoreCluster<CephClusterState>, m: CoreMember, config: Record<string, string>): void {
    const d = this.core.daemon(m.machine);
    const b = this.getBootstrapper(d, config);
    const st = c.app;
    st.fsid = randomUUID();
    st.v2Only = b.v2Only;
    for (const service of ['mon', 'mgr', 'mds']) st.services.push({ member: m.name, service });
    st.db.set('fsid', st.fsid);
    st.db.set('keyring.client.admin', `AQ${randomBytes(28).toString('base64')}`);
    st.db.set(`mon.host.${m.name}`, b.monIp);
    st.db.set('public_network', b.publicNet);
    if (b.az !== '') st.azs.set(m.name, b.az);
    // The mgr creates .mgr as soon as it is up; then the crush rules and the network config.
    st.pools.push({ name: '.mgr', id: st.nextPoolId++, size: 3, minSize: 2, crushRule: 'microceph_auto_osd', pgNum: 1 });
    st.defaultRule = 'microceph_auto_osd';
    st.ceph.set('osd_pool_default_crush_rule', String(CRUSH_RULE_IDS['microceph_auto_osd']));
    st.ceph.set('cluster_network', b.clusterNet);
    st.ceph.set('public_network', b.publicNet);
    st.ceph.set('rbd_default_features', '63');
  }

  /** PostJoin: ceph.Join — render ceph.conf, record the AZ, auto-place mon/mds/mgr while < 3. */
  private join(c: CoreCluster<CephClusterState>, m: CoreMember, config: Record<string, string>): void {
    if (goBool(config['DeferCeph'])) throw plainError('lab: deferred Ceph join (DeferCeph) is not simulated');
    const st = c.app;
    const spec = this.ctx.spec(m.machine);
    const pubNet = st.db.get('public_network') ?? '';
    try {
      findIpOnSubnet(spec, pubNet);
    } catch (e) {
      throw plainError(`failed to generate the configuration: failed to locate IP on public network ${pubNet}: ${messageOf(e)}`);
    }
    const az = config['AvailabilityZone'] ?? '';
    if (az !== '' && !/^[a-zA-Z0-9_.-]+$/.test(az)) {
      throw plainError(`invalid availability zone name ${JSON.stringify(az)}: must match [a-zA-Z0-9_.-]+`);
    }
    const mixed = 'mixed empty availability zones and set availability zones are not supported';
    if (az === '' && st.azs.size > 0) {
      throw plainError(`${mixed}: ${st.azs.size} existing availability zones found, but join was called without an associated availability zone`);
    }
    if (az !== '' && st.azs.size === 0) {
      throw plainError(`${mixed}: existing hosts do not have an availability zone, but join was called with an associated availability zone`);
    }
    if (az !== '') st.azs.set(m.name, az);
    for (const service of ['mon', 'mds', 'mgr']) {
      if (st.services.filter((s) => s.service === service).length >= 3) continue;
      st.services.push({ member: m.name, service });
      if (service === 'mon') {
        const ip = findIpOnSubnet(spec, pubNet);
        st.db.set(`mon.host.${m.name}`, st.v2Only ? `v2:${ip}:3300` : ip);
      }
    }
  }

  /** ceph.PreRemove → removeNode: prerequisites unless forced, then drop the member's services. */
  private preRemove(c: CoreCluster<CephClusterState>, m: CoreMember, force: boolean): void {
    const st = c.app;
    if (!force) {
      if (st.disks.some((d) => d.member === m.name)) {
        throw plainError(`Node ${m.name} still has disks configured, remove before proceeding`);
      }
      const others = (svc: string): number => st.services.filter((s) => s.service === svc && s.member !== m.name).length;
      if (others('mon') < 3 || others('mgr') < 1 || others('mds') < 1) {
        throw plainError(`Insufficient non OSD services: need at least 3 mon, 1 mds, and 1 mgr services in the cluster besides those in node '${m.name}'`);
      }
    }
    st.services = st.services.filter((s) => s.member !== m.name);
    st.db.delete(`mon.host.${m.name}`);
  }

  // ---- /1.0 endpoints -------------------------------------------------------------------------

  private endpoints(): AppEndpoint<CephClusterState>[] {
    type H = (r: AppRequest<CephClusterState>) => Promise<LabResponse> | LabResponse;
    const p = (handler: H) => ({ handler, proxyTarget: true });
    // In the order api/servers.go registers them (the first matching path wins).
    return [
      { path: '/1.0/disks', get: p((r) => syncResponse(this.diskList(r.cluster))), post: p((r) => this.disksPost(r)) },
      { path: '/1.0/disks/encryption-support', db: false, get: p((r) => this.encryptionSupport(r)) },
      { path: '/1.0/disks/{osdid}', delete: p((r) => this.disksDelete(r)) },
      { path: '/1.0/resources', db: false, get: p((r) => syncResponse(storageResources(this.ctx.spec(r.daemon.machine), this.diskRuntime(r.daemon.machine)))) },
      { path: '/1.0/services', get: p((r) => syncResponse(this.serviceList(r.cluster))) },
      {
        path: '/1.0/configs',
        get: p((r) => this.configsGet(r)), put: p((r) => this.configsPut(r)), delete: p((r) => this.configsDelete(r)),
      },
      { path: '/1.0/services/restart', post: p((r) => this.servicesRestart(r)) },
      { path: '/1.0/services/mds', put: p((r) => this.servicePut(r)), delete: p((r) => this.serviceDelete(r, 'mds')) },
      { path: '/1.0/services/mgr', put: p((r) => this.servicePut(r)), delete: p((r) => this.serviceDelete(r, 'mgr')) },
      {
        path: '/1.0/services/mon', get: p((r) => syncResponse({ addresses: this.monAddresses(r.cluster) })),
        put: p((r) => this.servicePut(r)), delete: p((r) => this.serviceDelete(r, 'mon')),
      },
      { path: '/1.0/services/nfs', put: p((r) => this.servicePut(r)), delete: p((r) => this.serviceDelete(r, 'nfs')) },
      { path: '/1.0/services/rgw', put: p((r) => this.servicePut(r)), delete: p((r) => this.serviceDelete(r, 'rgw')) },
      { path: '/1.0/services/rbd-mirror', put: p((r) => this.servicePut(r)), delete: p((r) => this.serviceDelete(r, 'rbd-mirror')) },
      { path: '/1.0/services/cephfs-mirror', put: p((r) => this.servicePut(r)), delete: p((r) => this.serviceDelete(r, 'cephfs-mirror')) },
      { path: '/1.0/pools-op', put: p((r) => this.poolsPut(r)) },
      { path: '/1.0/pools', get: p((r) => syncResponse(r.cluster.app.pools.map(poolView))) },
    ];
  }

  private memberIds(c: CoreCluster<CephClusterState>): Map<string, number> {
    return new Map(c.members.map((m) => [m.name, m.id]));
  }

  private diskList(c: CoreCluster<CephClusterState>): CephDiskView[] {
    const ids = this.memberIds(c);
    return [...c.app.disks]
      .sort((a, b) => (ids.get(a.member) ?? 0) - (ids.get(b.member) ?? 0) || byName(a.path, b.path))
      .map((d) => ({ osd: d.osd, path: d.path, location: d.member }));
  }

  private serviceList(c: CoreCluster<CephClusterState>): { service: string; location: string; group_id: string; info: string }[] {
    const ids = this.memberIds(c);
    return [...c.app.services]
      .sort((a, b) => (ids.get(a.member) ?? 0) - (ids.get(b.member) ?? 0) || byName(a.service, b.service))
      .map((s) => ({ service: s.service, location: s.member, group_id: '', info: '' }));
  }

  private monAddresses(c: CoreCluster<CephClusterState>): string[] {
    const ids = this.memberIds(c);
    return c.app.services
      .filter((s) => s.service === 'mon')
      .sort((a, b) => (ids.get(a.member) ?? 0) - (ids.get(b.member) ?? 0))
      .map((s) => c.app.db.get(`mon.host.${s.member}`))
      .filter((a): a is string => a !== undefined)
      .map((a) => (a.includes(':') && !a.startsWith('v2:') && !a.startsWith('[') ? `[${a}]` : a));
  }

  private encryptionSupported(machine: string): boolean {
    return this.options.encryptionSupported?.(machine) ?? false;
  }

  private encryptionSupport(r: AppRequest<CephClusterState>): LabResponse {
    return this.encryptionSupported(r.daemon.machine)
      ? syncResponse({ supported: true })
      : syncResponse({ supported: false, reason_unsupported: ENCRYPTION_REASON });
  }

  /** MicroCeph's process-wide disk mutex, i.e. one disk operation at a time per member. */
  private async locked<T>(machine: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(machine) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    this.locks.set(machine, run.catch(() => undefined));
    return run;
  }

  /** POST /1.0/disks: always HTTP 200; failures are in validation_error and report[]. */
  private async disksPost(r: AppRequest<CephClusterState>): Promise<LabResponse> {
    // parseAndPatchDiskPostParams: a string "path" is wrapped, an absent one becomes [].
    let value: unknown = r.req.rawBody.trim() === '' ? { path: [] } : parseJsonBody(r.req.rawBody);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const obj = { ...(value as Record<string, unknown>) };
      const path = obj['path'];
      if (!Array.isArray(path)) obj['path'] = path !== undefined && path !== null && path !== '' && typeof path !== 'object' ? [String(path)] : [];
      value = obj;
    }
    const req = decodeValue(value, DISKS_POST);
    const validation = validateDisksPost(req);
    if (validation) return syncResponse({ validation_error: validation, report: null });
    const machine = r.daemon.machine;
    return this.locked(machine, async () => {
      if (req['osd_match'] !== '' || req['wal_match'] !== '' || req['db_match'] !== '' || req['dry_run'] || req['wal_size'] !== '' || req['db_size'] !== '') {
        return syncResponse({ validation_error: 'lab: DSL disk selection (osd_match/wal_match/db_match) is not simulated', report: null });
      }
      const paths = (req['path'] ?? []) as string[];
      if (paths.length === 0) return syncResponse({ validation_error: '', report: null });
      const wipe = req['wipe'] as boolean;
      const encrypt = req['encrypt'] as boolean;
      const wal = req['waldev'] === null ? undefined : { path: req['waldev'] as string, wipe: req['walwipe'] as boolean, encrypt: req['walencrypt'] as boolean };
      const db = req['dbdev'] === null ? undefined : { path: req['dbdev'] as string, wipe: req['dbwipe'] as boolean, encrypt: req['dbencrypt'] as boolean };
      const failAll = (err: string) => syncResponse({
        validation_error: err, report: paths.map((path) => ({ path, report: 'Failure', error: '' })),
      });
      if (paths.length > 1) {
        if (wal || db) return failAll('wal/db devices are not supported in batch disk addition');
        const loop = paths.find((x) => x.startsWith('loop,'));
        if (loop) return failAll(`cannot add loop spec '${loop}', add a single loop spec or one or more block device paths`);
      } else if (paths[0]!.startsWith('loop,')) {
        if (wal || db) return failAll('loopback and WAL/DB are mutually exclusive');
        if (encrypt) return failAll('encryption is not supported on loop devices');
      }
      const report = [];
      for (const path of paths) {
        report.push(await this.addDisk(r.cluster, r.member, machine, { path, wipe, encrypt }, paths.length === 1 ? wal : undefined, paths.length === 1 ? db : undefined));
      }
      return syncResponse({ validation_error: '', report });
    });
  }

  /** One disk through doAddOSD, in its order: stable path, record, partitions, pristine, prepare. */
  private async addDisk(
    c: CoreCluster<CephClusterState>, m: CoreMember, machine: string,
    data: { path: string; wipe: boolean; encrypt: boolean },
    wal?: { path: string; wipe: boolean; encrypt: boolean }, db?: { path: string; wipe: boolean; encrypt: boolean },
  ): Promise<{ path: string; report: string; error: string }> {
    const result = (error?: string) => ({ path: data.path, report: error === undefined ? 'Success' : 'Failure', error: error ?? '' });
    if (data.path.startsWith('loop,')) return result('lab: loop-file OSDs are not simulated');
    const spec = this.ctx.spec(machine);
    const rt = this.diskRuntime(machine);
    const dev = resolveBlockDevice(spec, rt, data.path);
    if (!dev) return result(`failed to set stable disk path: invalid disk path: ${data.path}`);
    const st = c.app;
    if (st.disks.some((d) => d.member === m.name && d.path === dev.stable)) {
      return result('failed to record disk: This "disks" entry already exists');
    }
    const row: DiskRow = { osd: st.nextOsd++, member: m.name, machine, path: dev.stable, diskId: dev.disk.id, partition: dev.partition, purged: false };
    st.disks.push(row);
    const fail = (err: string) => {
      st.disks = st.disks.filter((d) => d !== row);
      return result(err);
    };
    const state = rt.get(dev.disk.id)!;
    const checkErr = this.deviceCheck(dev, state, data.wipe, 'data');
    if (checkErr) return fail(checkErr);
    const prepErr = this.prepareDevice(machine, dev, state, data);
    if (prepErr) return fail(`failed to prepare data device: ${prepErr}`);
    const aux: { dev: ResolvedDevice; state: DiskRuntime }[] = [];
    for (const [kind, param] of [['WAL', wal], ['DB', db]] as const) {
      if (!param) continue;
      const auxDev = resolveBlockDevice(spec, rt, param.path);
      if (!auxDev) return fail(`failed to set stable path for ${kind}: invalid disk path: ${param.path}`);
      const auxState = rt.get(auxDev.disk.id)!;
      const e1 = this.deviceCheck(auxDev, auxState, param.wipe, kind);
      if (e1) return fail(e1);
      const e2 = this.prepareDevice(machine, auxDev, auxState, param);
      if (e2) return fail(`failed to set up ${kind} device: ${e2}`);
      aux.push({ dev: auxDev, state: auxState });
    }
    await this.ctx.sleep(this.ctx.durations.diskAdd);
    if (!st.disks.includes(row)) return result('failed to bootstrap OSD: member left the cluster while the OSD was created');
    state.hasData = true;
    state.osd = row.osd;
    for (const a of aux) a.state.hasData = true;
    this.updateFailureDomain(st);
    return result();
  }

  /** checkPartitionsOnDevice + checkPristineDevice (skipped with wipe). */
  private deviceCheck(dev: ResolvedDevice, state: DiskRuntime, wipe: boolean, kind: string): string | undefined {
    if (wipe) return undefined;
    if (dev.partition === 0 && state.partitions > 0) return `${kind} device ${dev.stable} has partitions - use --wipe to override`;
    const pristine = dev.partition === 0 ? !state.hasData : false;
    if (!pristine) return `${kind} device ${dev.stable} is not pristine (contains data) - use --wipe to override`;
    return undefined;
  }

  /** prepareDisk: mounted check, wipe, encryption. */
  private prepareDevice(machine: string, dev: ResolvedDevice, state: DiskRuntime, p: { wipe: boolean; encrypt: boolean }): string | undefined {
    if (state.mounted) return `device ${dev.stable} is currently mounted and cannot be used - aborting`;
    if (p.wipe && dev.partition === 0) {
      state.hasData = false;
      state.partitions = 0;
    }
    if (p.encrypt && !this.encryptionSupported(machine)) return `encryption unsupported on this machine: ${ENCRYPTION_REASON}`;
    return undefined;
  }

  private hostsWithDisks(st: CephClusterState, excludeOsd?: number): number {
    return new Set(st.disks.filter((d) => d.osd !== excludeOsd).map((d) => d.member)).size;
  }

  private switchFailureDomain(st: CephClusterState, from: CrushRule, to: CrushRule): void {
    st.defaultRule = to;
    st.ceph.set('osd_pool_default_crush_rule', String(CRUSH_RULE_IDS[to]));
    for (const pool of st.pools) if (pool.crushRule === from) pool.crushRule = to;
  }

  /** updateFailureDomain: OSDs on 3+ hosts switch the automatic rule from osd to host. */
  private updateFailureDomain(st: CephClusterState): void {
    if (st.defaultRule === 'microceph_auto_osd' && this.hostsWithDisks(st) >= 3) {
      this.switchFailureDomain(st, 'microceph_auto_osd', 'microceph_auto_host');
    }
  }

  /** DELETE /1.0/disks/{osdid} (must run on the OSD's member: ?target=). */
  private async disksDelete(r: AppRequest<CephClusterState>): Promise<LabResponse> {
    const osdText = r.params['osdid'] ?? '';
    if (!/^[+-]?[0-9]+$/.test(osdText)) {
      throw statusError(400, `strconv.ParseInt: parsing ${JSON.stringify(osdText)}: invalid syntax`);
    }
    const osd = Number(osdText);
    if (!Number.isSafeInteger(osd)) throw statusError(400, `strconv.ParseInt: parsing ${JSON.stringify(osdText)}: value out of range`);
    let req: Record<string, unknown>;
    try {
      req = decodeStruct(r.req.rawBody, DISKS_DELETE);
    } catch (e) {
      throw statusError(400, messageOf(e));
    }
    const st = r.cluster.app;
    return this.locked(r.daemon.machine, async () => {
      const downgrade = st.defaultRule === 'microceph_auto_host' && this.hostsWithDisks(st, osd) < 3;
      if (!req['prohibit_crush_scaledown'] && downgrade && !req['confirm_downgrade']) {
        throw statusError(400, `removing osd.${osdText} would require a downgrade of the automatic crush rule from 'host' to 'osd' level. Likely this will result in additional data movement. Please confirm by setting the '--confirm-failure-domain-downgrade' flag to true`);
      }
      if (osd < 0) throw plainError('OSD must be a positive integer');
      const row = st.disks.find((d) => d.osd === osd);
      if (!row) throw statusError(404, `osd.${osd} not found`);
      if (!req['bypass_safety'] && st.disks.length <= 3) {
        throw plainError(`cannot remove osd.${osd} we need at least 3 OSDs, have ${st.disks.length}`);
      }
      if (downgrade) this.switchFailureDomain(st, 'microceph_auto_host', 'microceph_auto_osd');
      await this.ctx.sleep(this.ctx.durations.diskAdd);
      // The OSD is purged from Ceph; the record is deleted by (this member, path).
      row.purged = true;
      if (row.member !== r.member.name) throw statusError(404, `failed to remove osd.${osd} from database: Disk not found`);
      st.disks = st.disks.filter((d) => d !== row);
      const state = this.diskRuntime(row.machine).get(row.diskId);
      if (state && row.partition === 0) {
        state.hasData = false;
        state.osd = null;
      }
      return syncResponse({});
    });
  }

  private configsGet(r: AppRequest<CephClusterState>): LabResponse {
    const req = decodeStruct(r.req.rawBody, CONFIG);
    const st = r.cluster.app;
    const key = req['key'] as string;
    if (key !== '') {
      if (!(key in CONFIG_TABLE)) throw plainError(`requested key ${key} is not a MicroCeph supported cluster config`);
      // The raw output of `ceph config get mon <key>`, newline included.
      const value = st.ceph.get(key) ?? CEPH_DEFAULTS[key] ?? '';
      return syncResponse([{ key, value: `${value}\n`, wait: false, skip_restart: false }]);
    }
    const items = [...st.ceph].filter(([k]) => k in CONFIG_TABLE).sort(([a], [b]) => byName(a, b))
      .map(([k, v]) => ({ key: k, value: v, wait: false, skip_restart: false }));
    return syncResponse(items.length > 0 ? items : null);
  }

  private canSet(key: string): void {
    const def = CONFIG_TABLE[key];
    if (!def) throw plainError(`requested key ${key} is not a MicroCeph supported cluster config`);
    if (def.ro) throw plainError(`requested key ${key} does not support write operation`);
  }

  private async configsPut(r: AppRequest<CephClusterState>): Promise<LabResponse> {
    const req = decodeStruct(r.req.rawBody, CONFIG);
    const key = req['key'] as string;
    try {
      this.canSet(key);
    } catch (e) {
      throw plainError(`config set(${key}) failed: ${messageOf(e)}`);
    }
    r.cluster.app.ceph.set(key, req['value'] as string);
    return syncResponse({});
  }

  private async configsDelete(r: AppRequest<CephClusterState>): Promise<LabResponse> {
    const req = decodeStruct(r.req.rawBody, CONFIG);
    const key = req['key'] as string;
    this.canSet(key);
    r.cluster.app.ceph.delete(key);
    return syncResponse({});
  }

  private servicesRestart(r: AppRequest<CephClusterState>): LabResponse {
    const value = parseJsonBody(r.req.rawBody);
    if (value !== null && !Array.isArray(value)) {
      throw plainError(`json: cannot unmarshal ${typeof value === 'object' ? 'object' : typeof value === 'number' ? 'number' : typeof value} into Go value of type types.Services`);
    }
    for (const item of (value ?? []) as unknown[]) {
      const svc = decodeValue(item, SERVICE);
      if (!CEPH_SERVICES.has(svc['service'] as string)) throw plainError(`${svc['service'] as string} is not a valid ceph service`);
    }
    return syncResponse({});
  }

  /** PUT /1.0/services/<svc>: ServicePlacementHandler. The service is the body's "name"; "bool" is the wait flag. */
  private servicePut(r: AppRequest<CephClusterState>): LabResponse {
    const req = decodeStruct(r.req.rawBody, ENABLE_SERVICE);
    const name = req['name'] as string;
    if (!PLACEABLE.has(name)) throw plainError(`${name} enablement is not supported`);
    if (name === 'rgw' || name === 'nfs') throw plainError(`lab: ${name} enablement is not simulated`);
    const st = r.cluster.app;
    const enable = (): void => {
      if (st.services.some((x) => x.member === r.member.name && x.service === name)) {
        throw plainError(`host failed hospitality check for ${name} enablement: ${name} service already active on host`);
      }
      st.services.push({ member: r.member.name, service: name });
      if (name === 'mon') {
        const ip = findIpOnSubnet(this.ctx.spec(r.daemon.machine), st.db.get('public_network') ?? '');
        st.db.set(`mon.host.${r.member.name}`, st.v2Only ? `v2:${ip}:3300` : ip);
      }
    };
    if (req['bool']) enable();
    else {
      // Without the wait flag the enablement runs in the background; its errors only reach the log.
      try { enable(); } catch { /* logged by the daemon */ }
    }
    return syncResponse(null);
  }

  /** DELETE /1.0/services/<svc>: DeleteService on this member. */
  private serviceDelete(r: AppRequest<CephClusterState>, service: string): LabResponse {
    if (service === 'rgw' || service === 'nfs') throw plainError(`lab: disabling ${service} is not simulated`);
    const st = r.cluster.app;
    const row = st.services.find((x) => x.member === r.member.name && x.service === service);
    if (!row) throw statusError(404, `failed to remove service ${JSON.stringify(service)} from database: Service not found`);
    st.services = st.services.filter((x) => x !== row);
    if (service === 'mon') st.db.delete(`mon.host.${r.member.name}`);
    return syncResponse(null);
  }

  /** PUT /1.0/pools-op: SetReplicationFactor. */
  private poolsPut(r: AppRequest<CephClusterState>): LabResponse {
    const req = decodeStruct(r.req.rawBody, POOL_PUT);
    const st = r.cluster.app;
    const size = req['size'] as number;
    let pools = (req['pools'] ?? []) as string[];
    const run = (args: string, status: number, stderr: string): string =>
      `Failed to run: ceph ${args}: exit status ${status} (${stderr})`;
    if (size < 0 || size > 10) {
      const limit = size < 0 ? 'value must be >= 0' : 'value must be <= 10';
      throw plainError(`failed to set pool size default: ${run(`config set global osd_pool_default_size ${size}`, 22, `Error EINVAL: error parsing value: ${limit}`)}`);
    }
    st.ceph.set('osd_pool_default_size', String(size));
    st.ceph.set('mon_allow_pool_size_one', size === 1 ? 'true' : 'false');
    if (pools.length === 1 && pools[0] === '*') pools = st.pools.map((p) => p.name);
    for (const raw of pools) {
      const name = raw.trim();
      if (name === '') continue;
      const args = `osd pool set ${name} size ${size} --yes-i-really-mean-it`;
      const pool = st.pools.find((p) => p.name === name);
      if (!pool) throw plainError(`failed to set pool size for ${name}: ${run(args, 2, `Error ENOENT: unrecognized pool '${name}'`)}`);
      if (size < 1) throw plainError(`failed to set pool size for ${name}: ${run(args, 22, 'Error EINVAL: pool size must be between 1 and 10')}`);
      pool.size = size;
      pool.minSize = minSizeFor(size);
    }
    return syncResponse({});
  }

  // ---- health ---------------------------------------------------------------------------------

  private health(c: CoreCluster<CephClusterState>): CephHealthReport {
    const st = c.app;
    const machineOf = new Map(c.members.map((mm) => [mm.name, mm.machine]));
    const up = (member: string): boolean => {
      const machine = machineOf.get(member);
      return machine !== undefined && this.ctx.isUp(machine);
    };
    const checks: Record<string, CephHealthCheck> = {};
    const warn = (name: string, message: string, count: number, detail: string[] = []): void => {
      checks[name] = {
        severity: 'HEALTH_WARN', summary: { message, count },
        detail: detail.slice(0, 50).map((m) => ({ message: m })), muted: false,
      };
    };
    const mons = st.services.filter((s) => s.service === 'mon');
    const upMons = mons.filter((s) => up(s.member));
    if (mons.length > 0 && upMons.length * 2 <= mons.length) throw new CephTimeoutError();
    if (upMons.length < mons.length) {
      const down = mons.length - upMons.length;
      const lines = mons.map((s, rank) => ({ s, rank })).filter(({ s }) => !up(s.member)).map(({ s, rank }) => {
        const ip = (st.db.get(`mon.host.${s.member}`) ?? '').replace(/^v2:/, '').replace(/:3300$/, '');
        return `mon.${s.member} (rank ${rank}) addr [v2:${ip}:3300/0,v1:${ip}:6789/0] is down (out of quorum)`;
      });
      warn('MON_DOWN', `${down}/${mons.length} mons down, quorum ${upMons.map((s) => s.member).join(',')}`, down, lines);
    }
    const osds = st.disks.filter((d) => !d.purged).sort((a, b) => a.osd - b.osd);
    const upOsds = osds.filter((d) => up(d.member));
    const downOsds = osds.filter((d) => !up(d.member));
    if (downOsds.length > 0) {
      warn('OSD_DOWN', `${downOsds.length} osds down`, downOsds.length,
        downOsds.map((d) => `osd.${d.osd} (root=default,host=${d.member}) is down`));
      const hosts = [...new Set(downOsds.map((d) => d.member))];
      const n = osds.filter((d) => hosts.includes(d.member)).length;
      warn('OSD_HOST_DOWN', `${hosts.length} host${hosts.length === 1 ? '' : 's'} (${n} osds) down`, hosts.length,
        hosts.map((h) => `host ${h} (root=default) (${osds.filter((d) => d.member === h).length} osds) is down`));
    }
    const inactive: string[] = [];
    const undersized: string[] = [];
    for (const pool of st.pools) {
      // One OSD per failure domain: per OSD for the osd rule, per host for the host rule.
      const acting: number[] = [];
      const hostsUsed = new Set<string>();
      for (const d of upOsds) {
        if (acting.length >= pool.size) break;
        if (pool.crushRule === 'microceph_auto_host') {
          if (hostsUsed.has(d.member)) continue;
          hostsUsed.add(d.member);
        }
        acting.push(d.osd);
      }
      for (let k = 0; k < pool.pgNum; k++) {
        const pg = `pg ${pool.id}.${k.toString(16)}`;
        if (acting.length === 0) inactive.push(`${pg} is unknown`);
        else if (acting.length < pool.minSize) inactive.push(`${pg} is undersized+peered, acting [${acting.join(',')}]`);
        else if (acting.length < pool.size) undersized.push(`${pg} is active+undersized+degraded, acting [${acting.join(',')}]`);
      }
    }
    const pgs = (n: number): string => `${n} pg${n === 1 ? '' : 's'}`;
    if (inactive.length > 0) warn('PG_AVAILABILITY', `Reduced data availability: ${pgs(inactive.length)} inactive`, inactive.length, inactive);
    if (undersized.length > 0) warn('PG_DEGRADED', `Degraded data redundancy: ${pgs(undersized.length)} undersized`, undersized.length, undersized);
    const single = st.pools.filter((p) => p.size === 1);
    if (single.length > 0) {
      warn('POOL_NO_REDUNDANCY', `${single.length} pool(s) have no replicas configured`, single.length,
        single.map((p) => `pool '${p.name}' has no replicas configured`));
    }
    const defaultSize = Number(st.ceph.get('osd_pool_default_size') ?? '3');
    if (osds.length < defaultSize) warn('TOO_FEW_OSDS', `OSD count ${osds.length} < osd_pool_default_size ${defaultSize}`, 1);
    const sorted = Object.fromEntries(Object.entries(checks).sort(([a], [b]) => byName(a, b)));
    const status = Object.keys(sorted).length === 0 ? 'HEALTH_OK'
      : Object.values(sorted).some((k) => k.severity === 'HEALTH_ERR') ? 'HEALTH_ERR' : 'HEALTH_WARN';
    return { status, checks: sorted, mutes: [] };
  }
}

function poolView(p: PoolRow): CephPoolView {
  return { pool: p.name, pool_id: p.id, size: p.size, min_size: p.minSize, crush_rule: p.crushRule };
}

/** units.ParseByteSizeString, enough for the DSL size validation. */
function parseByteSize(value: string): number | undefined {
  const m = /^(-?[0-9]+)\s*(B|kB|KB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB|EiB)?$/.exec(value.trim());
  if (!m) return undefined;
  const mult: Record<string, number> = {
    B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15, EB: 1e18,
    KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, PiB: 2 ** 50, EiB: 2 ** 60,
  };
  return Number(m[1]) * (mult[m[2] ?? 'B'] ?? 1);
}

/** api/disks.go validateDiskPostRequest. */
function validateDisksPost(req: Record<string, unknown>): string | undefined {
  const s = (k: string): string => req[k] as string;
  const b = (k: string): boolean => req[k] as boolean;
  const paths = (req['path'] ?? []) as string[];
  const usesDSL = s('osd_match') !== '' || s('wal_match') !== '' || s('db_match') !== '' || b('dry_run') || s('wal_size') !== '' || s('db_size') !== '';
  const walDev = req['waldev'] !== null;
  const dbDev = req['dbdev'] !== null;
  if (usesDSL && paths.length > 0) return '--osd-match/--wal-match/--db-match cannot be used with positional device arguments';
  if (b('dry_run') && s('osd_match') === '') return '--dry-run requires --osd-match';
  if (usesDSL && (walDev || dbDev)) return '--wal-device and --db-device are not supported with DSL matching in this version';
  if (s('wal_match') !== '' && s('osd_match') === '') return '--wal-match requires --osd-match';
  if (s('db_match') !== '' && s('osd_match') === '') return '--db-match requires --osd-match';
  if (s('wal_match') !== '' && s('wal_size') === '') return '--wal-match requires --wal-size';
  if (s('db_match') !== '' && s('db_size') === '') return '--db-match requires --db-size';
  if (s('wal_size') !== '' && s('wal_match') === '') return '--wal-size requires --wal-match';
  if (s('db_size') !== '' && s('db_match') === '') return '--db-size requires --db-match';
  if (b('walencrypt') && s('wal_match') === '' && !walDev) return '--wal-encrypt requires --wal-match or --wal-device';
  if (b('walwipe') && s('wal_match') === '' && !walDev) return '--wal-wipe requires --wal-match or --wal-device';
  if (b('dbencrypt') && s('db_match') === '' && !dbDev) return '--db-encrypt requires --db-match or --db-device';
  if (b('dbwipe') && s('db_match') === '' && !dbDev) return '--db-wipe requires --db-match or --db-device';
  for (const [match, size, flag] of [['wal_match', 'wal_size', '--wal-size'], ['db_match', 'db_size', '--db-size']] as const) {
    if (s(match) === '') continue;
    const bytes = parseByteSize(s(size));
    if (bytes === undefined) return `invalid ${flag}: Invalid value: ${s(size)}`;
    if (bytes <= 0) return `${flag} must be greater than 0`;
  }
  return undefined;
}
