// Which disk serves what: the file's explicit paths and its `find:` filters resolved against each
// machine's disks with MicroCloud's rules (cmd/microcloud/preseed.go, reference §1.2/§1.3):
// candidates are disks without partitions; Ceph filters run first and every Ceph match leaves the
// Ceph candidate list; local filters use their own list and give each system its first match;
// find_min/find_max count matches across all systems; filters only cover systems without explicit
// disks of their kind. The result is part of the plan, so a saved plan pins it.
//
// Unlike MicroCloud, which runs once, this runs again on a site it has already built. A disk that
// already serves its purpose (an OSD of the machine's MicroCeph, the source of its `local` pool)
// stays a candidate even though ZFS has partitioned it, counts as a match, is preferred by the local
// filters, and is marked inUse: it needs no step. So a converged site resolves exactly as it did
// before the first apply.
import { matchesDisk, type ResourcesDisk } from '../preseed/disk-filter.js';
import type { DesiredDiskFilter, DesiredState } from '../preseed/desired.js';
import { diskAliases, findDisk, isPartitioned, samePath, stablePath } from './disk-paths.js';
import { errorAt, finding, type PlanFinding } from './findings.js';
import { reachable, type LiveState, type ReachableMachine } from '../live/state.js';

export type DiskUse = 'local' | 'ceph';

export type DiskSource =
  | { kind: 'explicit'; given: string }
  | { kind: 'filter'; index: number; find: string };

export interface ResolvedDisk {
  machine: string;
  use: DiskUse;
  /** What LXD or MicroCeph is given: a `/dev/disk/by-id/…` path whenever the disk has one. */
  path: string;
  /** Kernel name (sdb, nvme0n1); null when the machine does not show the disk. */
  device: string | null;
  model: string | null;
  size: number | null;
  from: DiskSource;
  wipe: boolean;
  encrypt: boolean;
  /** Already an OSD of this machine's MicroCeph, or the disk of its created `local` pool. */
  inUse: boolean;
}

export interface FilterOutcome {
  use: DiskUse;
  index: number;
  find: string;
  /** Matches across all systems, counted as MicroCloud counts them (per expression). */
  matched: number;
  findMin: number;
  /** 0: no maximum. */
  findMax: number;
}

export interface DiskResolution {
  disks: ResolvedDisk[];
  filters: FilterOutcome[];
}

interface MachineDisks {
  name: string;
  disks: ResourcesDisk[];
  osdPaths: string[];
  /** The disk the machine's `local` pool row names, pending or created. */
  localSource: string | null;
  /** Whether that row is created, i.e. ZFS has taken the disk. */
  localCreated: boolean;
}

/** The source of the machine's own `local` pool row: LXD rewrites `source` to the zpool name once created. */
export function localPoolSource(m: ReachableMachine): string | null {
  const row = m.lxd?.pools.find((p) => p.name === 'local')?.member;
  if (!row) return null;
  return row.config['volatile.initial_source'] ?? row.config['source'] ?? null;
}

function machineDisks(live: LiveState, name: string): MachineDisks | null {
  const m = reachable(live, name);
  if (!m?.lxd) return null;
  const ceph = m.microceph;
  const osdPaths = ceph?.initialized ? ceph.disks.filter((d) => d.location === name).map((d) => d.path) : [];
  const localCreated = m.lxd.pools.find((p) => p.name === 'local')?.member?.status === 'Created';
  return { name, disks: m.lxd.disks, osdPaths, localSource: localPoolSource(m), localCreated };
}

const isOsd = (md: MachineDisks, disk: ResourcesDisk): boolean => diskAliases(disk).some((a) => md.osdPaths.includes(a));
const isLocalSource = (md: MachineDisks, disk: ResourcesDisk): boolean =>
  md.localSource !== null && diskAliases(disk).includes(md.localSource);
const isLocalDisk = (md: MachineDisks, disk: ResourcesDisk): boolean => md.localCreated && isLocalSource(md, disk);

function resolved(md: MachineDisks, use: DiskUse, path: string, disk: ResourcesDisk | undefined, from: DiskSource,
  wipe: boolean, encrypt: boolean, inUse: boolean): ResolvedDisk {
  return {
    machine: md.name, use, path, device: disk?.id ?? null, model: disk?.model ?? null, size: disk?.size ?? null,
    from, wipe, encrypt: use === 'ceph' && encrypt, inUse,
  };
}

const quote = (s: string): string => JSON.stringify(s);

export function resolveDisks(desired: DesiredState, live: LiveState): { resolution: DiskResolution; findings: PlanFinding[] } {
  const findings: PlanFinding[] = [];
  const disks: ResolvedDisk[] = [];
  const machines = new Map<string, MachineDisks>();
  for (const s of desired.systems) {
    const md = machineDisks(live, s.name);
    if (md) machines.set(s.name, md);
  }

  // Explicit disks first: they are what the file says, filters only fill the gaps.
  for (const s of desired.systems) {
    const md = machines.get(s.name);
    if (!md) continue;
    const explicit = (use: DiskUse, given: string, wipe: boolean, encrypt: boolean) => {
      const disk = findDisk(md.disks, given);
      const inUse = use === 'ceph'
        ? md.osdPaths.some((p) => p === given || (disk !== undefined && diskAliases(disk).includes(p)))
        : md.localCreated && md.localSource !== null && samePath(given, md.localSource, md.disks);
      // An LXD this plan installs has not listed its disks yet (src/plan/snaps-view.ts): the path is taken as written.
      if (!disk && !inUse && !reachable(live, s.name)?.lxd?.planned) {
        findings.push(errorAt('disk-missing', s.name, `disk ${given} was not found on ${s.name}`,
          `list the disks LXD sees there: lxc query /1.0/resources | jq '.storage.disks[] | {id, device_id}'`));
      }
      disks.push(resolved(md, use, stablePath(given, disk), disk, { kind: 'explicit', given }, wipe, encrypt, inUse));
    };
    if (s.localDisk) explicit('local', s.localDisk.path, s.localDisk.wipe, false);
    for (const d of s.cephDisks) explicit('ceph', d.path, d.wipe, d.encrypt);
  }

  const outcomes: FilterOutcome[] = [];
  const counts = { ceph: new Map<string, number>(), local: new Map<string, number>() };
  const count = (use: DiskUse, f: DesiredDiskFilter, n: number) => counts[use].set(f.find, (counts[use].get(f.find) ?? 0) + n);

  // Ceph: every match of every filter, each disk at most once.
  for (const s of desired.systems) {
    const md = machines.get(s.name);
    if (!md || s.cephDisks.length > 0 || desired.filters.ceph.length === 0) continue;
    let candidates = md.disks.filter((d) => !isPartitioned(d) || isOsd(md, d));
    desired.filters.ceph.forEach((f, index) => {
      const matched = candidates.filter((d) => matchesDisk(f.filter, d));
      for (const d of matched) {
        disks.push(resolved(md, 'ceph', stablePath(`/dev/${d.id}`, d), d, { kind: 'filter', index, find: f.find }, f.wipe, f.encrypt, isOsd(md, d)));
      }
      count('ceph', f, matched.length);
      candidates = candidates.filter((d) => !matched.includes(d));
    });
  }

  // Local: the first filter that matches gives the system its disk (the one already in use, if it matches).
  for (const s of desired.systems) {
    const md = machines.get(s.name);
    if (!md || s.localDisk || desired.filters.local.length === 0) continue;
    const candidates = md.disks.filter((d) => !isPartitioned(d) || isLocalDisk(md, d));
    for (const [index, f] of desired.filters.local.entries()) {
      const matched = candidates.filter((d) => matchesDisk(f.filter, d));
      const pick = matched.find((d) => isLocalSource(md, d)) ?? matched[0];
      if (!pick) continue;
      disks.push(resolved(md, 'local', stablePath(`/dev/${pick.id}`, pick), pick, { kind: 'filter', index, find: f.find }, f.wipe, false, isLocalDisk(md, pick)));
      count('local', f, 1);
      break;
    }
  }

  for (const use of ['ceph', 'local'] as const) {
    desired.filters[use].forEach((f, index) => {
      const matched = counts[use].get(f.find) ?? 0;
      outcomes.push({ use, index, find: f.find, matched, findMin: f.findMin, findMax: f.findMax });
      const where = `storage.${use}[${index}]`;
      if (matched < f.findMin) {
        findings.push(errorAt('disk-filter', null, `Failed to find at least ${f.findMin} disks for filter ${quote(f.find)}`,
          `${where} matched ${matched} disk(s) without partitions across all systems; relax the filter or lower find_min`));
      }
      if (f.findMax > 0 && matched > f.findMax) {
        findings.push(errorAt('disk-filter', null, `Found more than ${f.findMax} disks for filter ${quote(f.find)}`,
          `${where} matched ${matched} disk(s) across all systems; narrow the filter or raise find_max`));
      }
    });
  }

  if (desired.mode === 'bootstrap' && desired.filters.local.length > 0) {
    const withLocal = new Set(disks.filter((d) => d.use === 'local').map((d) => d.machine));
    if (withLocal.size > 0 && withLocal.size < desired.systems.length) {
      const missing = desired.systems.map((s) => s.name).filter((n) => !withLocal.has(n));
      findings.push(errorAt('disk-filter', null, 'Failed to find at least 1 disk on each machine for local storage pool configuration',
        `no local disk for ${missing.join(', ')}: every machine needs one, or none`));
    }
  }

  findings.push(...overlaps(disks));
  if (desired.filters.ceph.length > 0) {
    const hosts = new Set(disks.filter((d) => d.use === 'ceph').map((d) => d.machine)).size;
    if (hosts > 0 && hosts < 3) {
      findings.push(finding('warning', 'fault-tolerance', null,
        `Disk configuration does not meet recommendations for fault tolerance. At least 3 systems must supply disks (${hosts} currently supplying)`));
    }
  }
  return { resolution: { disks, filters: outcomes }, findings };
}

/** A disk picked twice (a local and a Ceph filter matching the same disk, or two names of one disk). */
function overlaps(disks: ResolvedDisk[]): PlanFinding[] {
  const out: PlanFinding[] = [];
  const seen = new Map<string, ResolvedDisk>();
  const label = (d: ResolvedDisk) => (d.from.kind === 'explicit' ? `${d.use} (explicit ${d.from.given})` : `${d.use} (filter storage.${d.use}[${d.from.index}])`);
  for (const d of disks) {
    const key = `${d.machine}\u0000${d.device ?? d.path}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, d);
      continue;
    }
    out.push(errorAt('disk-double', d.machine, `disk ${d.path} on ${d.machine} is selected twice: for ${label(first)} and for ${label(d)}`,
      'a disk can back the local pool or one OSD, not both; make the filters or paths disjoint'));
  }
  return out;
}

export const disksOf = (r: DiskResolution, machine: string, use: DiskUse): ResolvedDisk[] =>
  r.disks.filter((d) => d.machine === machine && d.use === use);
