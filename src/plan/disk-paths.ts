// One disk has several names: the kernel's (/dev/sdb), udev's by-id links (device_id, wwn-…,
// nvme-eui…) and its by-path link. The file may use any of them, MicroCeph records a by-id one and
// LXD keeps whatever it was given; comparing them needs every name of the disk.
import { diskPath, type ResourcesDisk } from '../preseed/disk-filter.js';

const BY_ID = '/dev/disk/by-id/';

/** Every path that names this disk. */
export function diskAliases(disk: ResourcesDisk): string[] {
  const names = new Set<string>([`/dev/${disk.id}`]);
  if (disk.device_id) names.add(`${BY_ID}${disk.device_id}`);
  if (disk.wwn.startsWith('0x')) names.add(`${BY_ID}wwn-${disk.wwn}`);
  if (disk.wwn.startsWith('eui.')) names.add(`${BY_ID}nvme-${disk.wwn}`);
  if (disk.device_path) names.add(`/dev/disk/by-path/${disk.device_path}`);
  return [...names];
}

export function findDisk<T extends ResourcesDisk>(disks: readonly T[], path: string): T | undefined {
  return disks.find((d) => diskAliases(d).includes(path));
}

/** The path to record: a by-id path as given stays (it is already stable), anything else becomes FormatDiskPath. */
export function stablePath(given: string, disk: ResourcesDisk | undefined): string {
  if (given.startsWith(BY_ID) || disk === undefined) return given;
  return diskPath(disk);
}

export function samePath(a: string, b: string, disks: readonly ResourcesDisk[]): boolean {
  if (a === b) return true;
  const disk = findDisk(disks, a);
  return disk !== undefined && diskAliases(disk).includes(b);
}

/** The last part of an address for a disk: the by-id name, else the path without its leading slash. */
export function diskAddressPart(path: string): string {
  return path.startsWith(BY_ID) ? path.slice(BY_ID.length) : path.replace(/^\/+/, '');
}

export const isPartitioned = (disk: ResourcesDisk): boolean => (disk.partitions?.length ?? 0) > 0;
