// Storage driver and network type rules the lab enforces: which keys are valid, what a driver fills
// in on create (LXD rewrites `source` for block devices, loop files when no source), and which
// member-local create errors a real daemon hits (missing devices, missing parent interfaces).
import type { DiskSpec, MachineSpec } from '../types.js';
import { createHash } from 'node:crypto';
import type { CephAccess, CliFailure, LxdCephPeer, LxdOvnPeer } from './context.js';
import { diskByIdNames } from '../machines.js';
import type { FlavorInfo } from './flavor.js';
import { varDir } from './flavor.js';
import { badRequest, plainError } from './errors.js';

const LOCAL_DRIVERS = ['dir', 'zfs', 'btrfs', 'lvm'];

const POOL_KEYS: Record<string, { exact: string[]; prefixes: string[] }> = {
  dir: { exact: ['source'], prefixes: [] },
  zfs: { exact: ['size', 'source', 'zfs.pool_name', 'zfs.clone_copy', 'zfs.export'], prefixes: [] },
  btrfs: { exact: ['size', 'source', 'btrfs.mount_options'], prefixes: [] },
  lvm: { exact: ['size', 'source', 'lvm.vg_name', 'lvm.thinpool_name', 'lvm.use_thinpool', 'lvm.thinpool_metadata_size',
    'lvm.vg.force_reuse', 'lvm.metadata_size'], prefixes: [] },
  ceph: { exact: ['ceph.cluster_name', 'ceph.osd.data_pool_name', 'ceph.osd.pg_num', 'ceph.osd.pool_name',
    'ceph.osd.pool_size', 'ceph.rbd.clone_copy', 'ceph.rbd.du', 'ceph.rbd.features', 'ceph.user.name',
    'volatile.pool.pristine'], prefixes: [] },
  cephfs: { exact: ['cephfs.cluster_name', 'cephfs.create_missing', 'cephfs.data_pool', 'cephfs.fscache',
    'cephfs.meta_pool', 'cephfs.osd_pg_num', 'cephfs.osd_pool_size', 'cephfs.path', 'cephfs.user.name', 'volatile.pool.pristine'], prefixes: [] },
  cephobject: { exact: [], prefixes: ['cephobject.'] },
};

export function isRemoteDriver(driver: string): boolean {
  return driver === 'ceph' || driver === 'cephfs' || driver === 'cephobject';
}

export function driverSupported(f: FlavorInfo, driver: string): boolean {
  return f.storageDrivers.some((d) => d.Name === driver);
}

/** storagePoolValidate: driver known, every key valid for it. Returns the error message or undefined. */
export function poolConfigError(f: FlavorInfo, driver: string, config: Record<string, string>): string | undefined {
  if (!POOL_KEYS[driver]) return 'Unknown driver';
  if (!driverSupported(f, driver)) {
    // A known driver whose kernel module / tools are missing fails in its load().
    return driver === 'zfs'
      ? 'Error loading "zfs" module: Failed to run: modprobe -b zfs: exit status 1 (modprobe: FATAL: Module zfs not found in directory /lib/modules/6.1.0-26-amd64)'
      : `Required tool '${driver}' is missing`;
  }
  const rules = POOL_KEYS[driver];
  const sourceCommon = f.name !== 'snap-6.8' || LOCAL_DRIVERS.includes(driver);
  for (const k of Object.keys(config).sort()) {
    if (k.startsWith('user.') || k.startsWith('volume.') || k.startsWith('rsync.')) continue;
    if (k === 'volatile.initial_source' || k === 'source.wipe') continue;
    if (k === 'source.recover' && f.name === 'snap-6.8') continue;
    if (k === 'source' && sourceCommon) continue;
    if (rules.exact.includes(k) || rules.prefixes.some((p) => k.startsWith(p))) continue;
    return `Invalid option ${JSON.stringify(k)}`;
  }
  return undefined;
}

export function assertPoolConfig(f: FlavorInfo, driver: string, config: Record<string, string>, asBadRequest: boolean): void {
  const err = poolConfigError(f, driver, config);
  if (err) throw asBadRequest ? badRequest(err) : plainError(err);
}

/** A stable pseudo filesystem UUID for a formatted device. */
function fsUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A /dev path naming one of the machine's disks (by kernel name, by-id or by-path). */
export function findDisk(spec: MachineSpec, path: string): DiskSpec | undefined {
  return spec.disks.find((d) => path === `/dev/${d.id}`
    || diskByIdNames(d).some((n) => path === `/dev/disk/by-id/${n}`)
    || (d.device_path !== '' && path === `/dev/disk/by-path/${d.device_path}`));
}

/**
 * The member-local part of pool creation (driver Create + FillConfig). `config` is global + member
 * config merged; returns the config LXD stores afterwards, or throws the driver's error.
 */
export function createPoolLocal(f: FlavorInfo, spec: MachineSpec, name: string, driver: string,
  config: Record<string, string>): Record<string, string> {
  const out = { ...config };
  const dir = varDir(f);
  const source = out.source ?? '';
  const loop = () => {
    out.size = out.size || '30GiB';
    out.source = `${dir}/disks/${name}.img`;
  };
  switch (driver) {
    case 'dir':
      if (!source) out.source = `${dir}/storage-pools/${name}`;
      break;
    case 'zfs':
      out['zfs.pool_name'] = out['zfs.pool_name'] || name;
      if (!source) { loop(); break; }
      if (source.startsWith('/')) {
        if (!findDisk(spec, source)) throw plainError('Custom loop file locations are not supported');
        out['volatile.initial_source'] = source;
        out.source = out['zfs.pool_name'];
      }
      break;
    case 'lvm':
      out['lvm.vg_name'] = out['lvm.vg_name'] || name;
      out['lvm.thinpool_name'] = out['lvm.thinpool_name'] || 'LXDThinPool';
      if (!source) { loop(); break; }
      if (source.startsWith('/')) {
        if (!findDisk(spec, source)) throw plainError('Custom loop file locations are not supported');
        out['volatile.initial_source'] = source;
        out.source = out['lvm.vg_name'];
      }
      break;
    case 'btrfs': {
      if (!source) { loop(); break; }
      const disk = source.startsWith('/') ? findDisk(spec, source) : undefined;
      if (disk) {
        out['volatile.initial_source'] = source;
        out.source = `/dev/disk/by-uuid/${fsUuid(`${spec.hostname}/${disk.id}/${name}`)}`;
      } else if (source.startsWith('/dev/')) {
        throw plainError('Provided path does not reside on a btrfs filesystem');
      }
      break;
    }
    case 'ceph':
      out['ceph.cluster_name'] = out['ceph.cluster_name'] || 'ceph';
      out['ceph.user.name'] = out['ceph.user.name'] || 'admin';
      out['ceph.osd.pg_num'] = out['ceph.osd.pg_num'] || '32';
      out['ceph.osd.pool_name'] = out['ceph.osd.pool_name'] || source || name;
      if (!f.remoteDropSource) out.source = out['ceph.osd.pool_name'];
      out['volatile.pool.pristine'] = out['volatile.pool.pristine'] || 'true';
      break;
    case 'cephfs':
      out['cephfs.cluster_name'] = out['cephfs.cluster_name'] || 'ceph';
      out['cephfs.user.name'] = out['cephfs.user.name'] || 'admin';
      out['cephfs.path'] = out['cephfs.path'] || source || name;
      if (!f.remoteDropSource) out.source = out['cephfs.path'];
      break;
    default:
      break;
  }
  return out;
}

// --- remote pools: what the ceph/cephfs drivers do to the Ceph cluster ---------------------

/**
 * shared.RunError as LXD renders it. The wording is LXD main's (canonical/lxd a83edf2…, which the
 * notes quote for 5.21 too); the older 5.0 module says "Failed to run".
 */
function runError(f: FlavorInfo, cmd: string, fail: CliFailure): string {
  return `${f.name === 'deb-5.0' ? 'Failed to run' : 'Failed running'}: ${cmd}: exit status ${fail.exitCode} (${fail.stderr})`;
}

const isFailure = (x: CephAccess | CliFailure): x is CliFailure => 'exitCode' in x;

/**
 * The cluster-side part of creating a ceph or cephfs pool, on the member that received the request
 * (LXD creates a remote pool once; the other members only mount it). `config` is what
 * createPoolLocal filled in; returns the keys the driver's FillConfig adds (the pool size).
 *
 * canonical/lxd lxd/storage/drivers/driver_ceph.go FillConfig/Create, driver_ceph_utils.go
 * getOSDPoolDefaultSize/osdPoolExists, driver_cephfs.go FillConfig/Create, at
 * a83edf2e79e4346f6e29e3dd3b97be4f5cf3ea05 (same flow on stable-5.21 cfee9f27…).
 */
export async function createRemotePool(f: FlavorInfo, peer: LxdCephPeer, machine: string, driver: string,
  config: Record<string, string>, sleep: () => Promise<void>): Promise<Record<string, string>> {
  if (driver === 'ceph') return createCephPool(f, peer, machine, config, sleep);
  if (driver === 'cephfs') return createCephFs(f, peer, machine, config);
  return {};
}

/** `ceph --name client.<user> --cluster <cluster> …`, as the drivers prefix every call. */
function cephCmd(user: string, cluster: string, args: string): string {
  return `ceph --name client.${user} --cluster ${cluster} ${args}`;
}

/** FillConfig's default size: `ceph config get mon osd_pool_default_size --format json`, the first
 *  call that talks to the cluster. */
function fillPoolSize(f: FlavorInfo, peer: LxdCephPeer, machine: string, user: string, cluster: string,
  key: string, out: Record<string, string>): CephAccess | CliFailure {
  const ceph = peer.cephAt(machine, cluster);
  if (out[key]) return ceph;
  if (isFailure(ceph)) throw plainError(runError(f, cephCmd(user, cluster, 'config get mon osd_pool_default_size --format json'), ceph));
  out[key] = String(ceph.defaultPoolSize());
  return ceph;
}

async function createCephPool(f: FlavorInfo, peer: LxdCephPeer, machine: string, config: Record<string, string>,
  sleep: () => Promise<void>): Promise<Record<string, string>> {
  const user = config['ceph.user.name'] || 'admin';
  const cluster = config['ceph.cluster_name'] || 'ceph';
  const osdPool = config['ceph.osd.pool_name'] || '';
  const out: Record<string, string> = {};
  if (config['ceph.osd.pool_size']) out['ceph.osd.pool_size'] = config['ceph.osd.pool_size'];
  const ceph = fillPoolSize(f, peer, machine, user, cluster, 'ceph.osd.pool_size', out);
  // Create 1: osdPoolExists (exit status 2 = absent; any other failure is an internal error).
  if (isFailure(ceph)) {
    throw plainError(`Failed checking the existence of the ceph ${JSON.stringify(osdPool)} osd pool while attempting to create it because of an internal error: ${runError(f, cephCmd(user, cluster, `osd pool get ${osdPool} size`), ceph)}`);
  }
  const size = Number(out['ceph.osd.pool_size']);
  const existing = ceph.pool(osdPool);
  if (!existing) {
    // Create 2–3: `osd pool create <pool> <pg_num>`, then the size when it is not the default.
    ceph.createPool(osdPool, Number(config['ceph.osd.pg_num'] || '32'));
    if (size !== ceph.defaultPoolSize()) ceph.setPoolSize(osdPool, size);
  } else if (existing.lxdPlaceholder) {
    throw plainError(`Pool ${JSON.stringify(osdPool)} in cluster ${JSON.stringify(cluster)} seems to be in use by another LXD instance`);
  }
  // Create 4: the placeholder image is an RBD write: without an OSD up, rbd blocks (LXD runs it
  // with no deadline). The lab waits the pool-create time and fails; this text is the lab's
  // (rbd's stderr is not in the LXD repository).
  if (ceph.osdsUp() === 0) {
    await sleep();
    throw plainError(runError(f, `rbd --id ${user} --cluster ${cluster} --image-feature layering --size 0B create ${osdPool}/lxd_${osdPool}`,
      { exitCode: 110, stderr: 'rbd: create error: (110) Connection timed out' }));
  }
  ceph.setLxdPlaceholder(osdPool, true);
  return out;
}

function createCephFs(f: FlavorInfo, peer: LxdCephPeer, machine: string, config: Record<string, string>): Record<string, string> {
  const user = config['cephfs.user.name'] || 'admin';
  const cluster = config['cephfs.cluster_name'] || 'ceph';
  const fsName = (config['cephfs.path'] || '').split('/')[0] ?? '';
  const out: Record<string, string> = {};
  if (config['cephfs.osd_pool_size']) out['cephfs.osd_pool_size'] = config['cephfs.osd_pool_size'];
  const ceph = fillPoolSize(f, peer, machine, user, cluster, 'cephfs.osd_pool_size', out);
  if (isFailure(ceph)) {
    throw plainError(`Failed checking if ${JSON.stringify(fsName)} CephFS exists: ${runError(f, cephCmd(user, cluster, `fs get ${fsName} --format json`), ceph)}`);
  }
  if (ceph.filesystem(fsName)) {
    for (const key of ['cephfs.create_missing', 'cephfs.osd_pg_num', 'cephfs.meta_pool', 'cephfs.data_pool']) {
      if (config[key]) throw plainError(`Invalid config key ${JSON.stringify(key)}: CephFS filesystem already exists`);
    }
    return out;
  }
  if (!['1', 'true', 'yes', 'on'].includes((config['cephfs.create_missing'] ?? '').toLowerCase())) {
    throw plainError(`The requested ${JSON.stringify(fsName)} CephFS does not exist`);
  }
  const size = Number(out['cephfs.osd_pool_size']);
  const pools: string[] = [];
  for (const key of ['cephfs.meta_pool', 'cephfs.data_pool']) {
    const name = config[key] ?? '';
    if (name === '') throw plainError(`Missing required key ${JSON.stringify(key)} for creating cephfs osd pool`);
    pools.push(name);
    if (ceph.pool(name)) continue;
    ceph.createPool(name, Number(config['cephfs.osd_pg_num'] || '32'));
    if (size !== ceph.defaultPoolSize()) ceph.setPoolSize(name, size);
  }
  ceph.createFilesystem(fsName, pools[0]!, pools[1]!);
  return out;
}

/** Deleting a ceph pool (driver_ceph.go Delete): the placeholder goes; the OSD pool too when LXD
 *  created it (volatile.pool.pristine). A cluster that cannot be reached leaves both. */
export function deleteRemotePool(peer: LxdCephPeer, machine: string, driver: string, config: Record<string, string>): void {
  if (driver !== 'ceph') return;
  const ceph = peer.cephAt(machine, config['ceph.cluster_name'] || 'ceph');
  if (isFailure(ceph)) return;
  const osdPool = config['ceph.osd.pool_name'] || '';
  if (!ceph.pool(osdPool)) return;
  if (config['volatile.pool.pristine'] === 'true') ceph.deletePool(osdPool);
  else ceph.setLxdPlaceholder(osdPool, false);
}

// --- OVN northbound ---------------------------------------------------------------------------

/** LXD main's default when network.ovn.northbound_connection is unset and no MicroOVN is connected;
 *  5.x's default value for the key. */
export const OVN_NB_DEFAULT = 'unix:/var/run/ovn/ovnnb_db.sock';

/**
 * (*ovn).Create → setup on the member that received the request: the NB client, then the first NB
 * write, ChassisGroupAdd (`ha-chassis-group-add`), whose error comes back unwrapped.
 *
 * canonical/lxd lxd/network/openvswitch/ovn.go NewOVN/xbctl/ChassisGroupAdd, lxd/network/driver_ovn.go
 * Create/setup, shared/util.go IsMicroOVNUsed, at a83edf2e79e4346f6e29e3dd3b97be4f5cf3ea05; the
 * dynamic default (ovn_dynamic_northbound_connection) from lxd-6.8 84705553…; 5.21 (cfee9f27…)
 * uses the key's value as is. `configured` is the server's network.ovn.northbound_connection.
 */
export function checkOvnNorthbound(f: FlavorInfo, peer: LxdOvnPeer, machine: string, configured: string | undefined, networkId: number): void {
  let conn = configured ?? '';
  if (conn === '') {
    if (f.apiExtensions.includes('ovn_dynamic_northbound_connection')) {
      const env = peer.microovnEnv(machine);
      const file = '/var/snap/lxd/current/microovn/ovn-env/env/ovn.env';
      if (env === 'no-env') {
        throw plainError(`Failed getting OVN client: Failed opening MicroOVN env file ${JSON.stringify(file)}: open ${file}: no such file or directory`);
      }
      conn = env === 'absent' ? OVN_NB_DEFAULT : env.nbConnect;
      if (conn === '') throw plainError(`Failed getting OVN client: OVN_NB_CONNECT not found in MicroOVN env file ${file}`);
    } else {
      conn = OVN_NB_DEFAULT;
    }
  }
  if (peer.northboundReachable(machine, conn)) return;
  const ssl = conn.split(',').some((c) => c.trim().startsWith('ssl:')) ? ' -c /proc/self/fd/3 -p /proc/self/fd/4 -C /proc/self/fd/5' : '';
  const first = conn.split(',')[0]!.trim();
  // The stderr is the lab's, in ovn-nbctl's shape; OVN's own text is not in the LXD repository.
  const why = first.startsWith('unix:') ? 'No such file or directory' : 'Connection refused';
  throw plainError(runError(f, `ovn-nbctl --timeout=10 --db ${conn}${ssl} ha-chassis-group-add lxd-net${networkId}`,
    { exitCode: 1, stderr: `ovn-nbctl: ${first}: database connection failed (${why})` }));
}

// --- networks -------------------------------------------------------------------------------

export const NETWORK_TYPES = ['bridge', 'macvlan', 'sriov', 'ovn', 'physical'];

export function supportsMemberConfig(type: string): boolean {
  return type !== 'ovn';
}

const NET_KEYS: Record<string, { exact: string[]; prefixes: string[] }> = {
  physical: { exact: ['parent', 'mtu', 'vlan', 'gvrp', 'ipv4.gateway', 'ipv6.gateway', 'ipv4.ovn.ranges',
    'ipv6.ovn.ranges', 'ipv4.routes', 'ipv6.routes', 'ipv4.routes.anycast', 'ipv6.routes.anycast', 'dns.nameservers',
    'dns.search', 'ovn.ingress_mode', 'volatile.last_state.created'], prefixes: ['bgp.', 'maas.'] },
  bridge: { exact: ['mtu'], prefixes: ['bridge.', 'ipv4.', 'ipv6.', 'dns.', 'fan.', 'raw.', 'tunnel.', 'security.', 'bgp.', 'maas.', 'volatile.'] },
  ovn: { exact: ['network'], prefixes: ['bridge.', 'ipv4.', 'ipv6.', 'dns.', 'security.', 'volatile.'] },
  macvlan: { exact: ['parent', 'mtu', 'vlan', 'gvrp'], prefixes: ['maas.'] },
  sriov: { exact: ['parent', 'mtu', 'vlan'], prefixes: ['maas.'] },
};

/** Network Validate: unknown keys and required parent, in LXD's words. */
export function networkConfigError(name: string, type: string, config: Record<string, string>): string | undefined {
  const rules = NET_KEYS[type];
  if (!rules) return undefined;
  for (const k of Object.keys(config).sort()) {
    if (k.startsWith('user.')) continue;
    if (rules.exact.includes(k) || rules.prefixes.some((p) => k.startsWith(p))) continue;
    return `Invalid option for network ${JSON.stringify(name)} option ${JSON.stringify(k)}`;
  }
  if ((type === 'physical' || type === 'macvlan' || type === 'sriov') && !config.parent) {
    return `Invalid value for network ${JSON.stringify(name)} option "parent": Required value`;
  }
  return undefined;
}

let subnetCounter = 0;

/** FillConfig: "auto" addresses become concrete subnets, NAT on by default. */
export function fillNetworkConfig(type: string, config: Record<string, string>): void {
  if (type !== 'bridge' && type !== 'ovn') return;
  if (config['bridge.mode'] === 'fan') {
    config['fan.underlay_subnet'] = config['fan.underlay_subnet'] || 'auto';
    return;
  }
  subnetCounter += 1;
  const a = 10 + (subnetCounter % 200);
  const b = (subnetCounter * 37) % 250;
  if (config['ipv4.address'] === undefined || config['ipv4.address'] === 'auto') {
    config['ipv4.address'] = `10.${a}.${b}.1/24`;
    if (config['ipv4.nat'] === undefined) config['ipv4.nat'] = 'true';
  }
  if (config['ipv6.address'] === undefined || config['ipv6.address'] === 'auto') {
    const hex = (subnetCounter * 7919).toString(16).padStart(4, '0');
    config['ipv6.address'] = `fd42:${hex}:${(subnetCounter * 31).toString(16)}:${b.toString(16)}::1/64`;
    if (config['ipv6.nat'] === undefined) config['ipv6.nat'] = 'true';
  }
}
