// A machine's block devices as MicroCeph sees them: which device a path names (and the stable path
// it records), and LXD's storage resources view that GET /1.0/resources returns.
import { diskByIdNames } from '../machines.js';
import type { DiskSpec, MachineSpec } from '../types.js';
import type { DiskRuntime } from './ceph-model.js';

export interface ResolvedDevice {
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
