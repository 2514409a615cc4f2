// Storage driver and network type rules the lab enforces: which keys are valid, what a driver fills
// in on create (LXD rewrites `source` for block devices, loop files when no source), and which
// member-local create errors a real daemon hits (missing devices, missing parent interfaces).
import type { DiskSpec, MachineSpec } from '../types.js';
import { createHash } from 'node:crypto';
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
    'cephfs.meta_pool', 'cephfs.osd_pg_num', 'cephfs.path', 'cephfs.user.name', 'volatile.pool.pristine'], prefixes: [] },
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
