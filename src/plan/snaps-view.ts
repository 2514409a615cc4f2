// The site as it will be once the file's snaps are in place: what the rest of the plan is made
// from, so one apply installs the snaps and builds the site. A machine that lacks a listed snap gets
// its daemon fresh (uninitialized, at the version the target revision runs); a snap that will be
// refreshed runs the target's version. Pure: the live state itself is not changed, and the snap
// steps themselves are planned from it (src/plan/plan-snaps.ts).
//
// What cannot be known before LXD is installed: its disks (GET /1.0/resources) and its API
// extensions. The disks are left unknown (`planned`): a disk named by path is taken as written and
// checked when MicroCeph or LXD uses it; a disk filter is refused (src/plan/snaps-preflight.ts). The
// extensions are those of a machine already at the target revision, else what the planner asks of
// LXD by release (LXD_EXTENSIONS).
import type { DesiredState } from '../preseed/desired.js';
import { SNAP_NAMES, type DesiredSnap } from '../preseed/snaps.js';
import { reachable, type InstalledSnap, type LiveState, type MachineRecord, type ServiceName } from '../live/state.js';

export interface SnapTarget {
  /** The revision every machine ends on; "" when neither the file nor the store says. */
  revision: string;
  /** The version that revision runs; "" when unknown. */
  version: string;
}

/** The store's channel as gathered (null: the store has no such snap or channel, undefined: not read). */
export function storeChannel(live: LiveState, want: DesiredSnap): { revision: string; version: string } | null | undefined {
  const channels = live.snaps?.store[want.name];
  if (channels === undefined) return undefined;
  return channels?.find((c) => c.channel === want.channel) ?? null;
}

const installedOn = (live: LiveState, machine: string, name: string): InstalledSnap | undefined =>
  reachable(live, machine)?.host.snaps.find((s) => s.name === name);

/** The revision the file pins, else the store channel's; the version from the store or a machine on it. */
export function snapTarget(live: LiveState, want: DesiredSnap): SnapTarget {
  const store = storeChannel(live, want);
  const revision = want.revision !== null ? String(want.revision) : store?.revision ?? '';
  const onIt = Object.keys(live.machines).map((k) => installedOn(live, k, want.name)).find((s) => s !== undefined && s.revision === revision);
  return { revision, version: store && store.revision === revision ? store.version : onIt?.version ?? '' };
}

/**
 * The extensions the planner asks LXD about (plan-lxd-cluster.ts, plan-lxd-objects.ts), by the
 * release that has them: the lists the lab's LXD flavours serve (src/lab/lxd/flavor.ts, read from
 * canonical/lxd's doc/api-extensions.md for 5.21 and 6.8). An LXD the plan installs is assumed
 * to have its release's; the final replan of apply compares with what it then reports.
 */
const LXD_5_21 = ['clustering', 'clustering_join', 'network_type_ovn', 'network_type_physical', 'storage_pool_source_wipe',
  'resources_disk_id', 'instances_migration_stateful', 'cluster_internal_custom_volume_copy'];
const LXD_6_8 = [...LXD_5_21, 'storage_remote_drop_source', 'storage_ceph_use_rbd_defaults', 'ovn_dynamic_northbound_connection',
  'storage_and_network_operations'];

function lxdExtensions(version: string): string[] {
  const m = /^(\d+)\.(\d+)/.exec(version);
  const [major, minor] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  return major > 6 || (major === 6 && minor >= 8) ? LXD_6_8 : LXD_5_21;
}

/** The daemon version of the service on a machine whose snap is at `revision`, if any has it. */
function daemonVersionAt(live: LiveState, svc: ServiceName, revision: string): { version: string; extensions: string[] } | null {
  for (const key of Object.keys(live.machines)) {
    const m = reachable(live, key);
    const daemon = m?.[svc];
    if (!m || !daemon || revision === '' || installedOn(live, key, svc)?.revision !== revision) continue;
    return { version: daemon.version, extensions: svc === 'lxd' ? m.lxd!.apiExtensions : [] };
  }
  return null;
}

/** The live state with every listed snap where the file puts it. */
export function withPlannedSnaps(desired: DesiredState, live: LiveState): LiveState {
  const wanted = SNAP_NAMES.flatMap((n) => (desired.snaps[n] ? [desired.snaps[n]] : []));
  if (wanted.length === 0) return live;
  const view = structuredClone(live);
  for (const want of wanted) {
    const target = snapTarget(live, want);
    const same = daemonVersionAt(live, want.name, target.revision);
    const version = same?.version ?? target.version;
    for (const [key, m] of Object.entries(view.machines)) {
      if (!m.reachable) continue;
      const have = m.host.snaps.find((s) => s.name === want.name);
      const moves = !have || (target.revision !== '' && have.revision !== target.revision);
      if (!moves) continue;
      const snap: InstalledSnap = { name: want.name, version: target.version || have?.version || '', revision: target.revision || have?.revision || '',
        channel: want.channel, held: want.hold, cohort: want.cohort };
      m.host.snaps = [...m.host.snaps.filter((s) => s.name !== want.name), snap];
      if (!have) freshDaemon(view, key, m, want.name, version, same?.extensions);
      else if (version !== '') runs(m, want.name, version);
    }
  }
  return view;
}

/** A daemon as its snap's install leaves it: there, not initialized; a deb's LXD stays as it is. */
function freshDaemon(view: LiveState, key: string, m: MachineRecord, svc: ServiceName, version: string, extensions: string[] | undefined): void {
  if (m[svc] !== null) return;
  if (svc !== 'lxd') {
    m[svc] = { version, initialized: false, cluster: null };
    return;
  }
  m.lxd = {
    version, apiExtensions: extensions ?? lxdExtensions(version), config: {}, clustered: false, serverName: m.host.hostname,
    disks: [], cluster: key, rows: { pools: {}, networks: {} }, planned: true,
  };
  view.clusters.lxd[key] = { members: [], pools: [], networks: [], defaultProfile: { config: {}, devices: {} }, volumes: [] };
}

function runs(m: MachineRecord, svc: ServiceName, version: string): void {
  const daemon = m[svc];
  if (daemon) m[svc] = { ...daemon, version } as never;
}


/**
 * Machines whose LXD snap is already at the file's revision but whose LXD does not answer while
 * another machine's LXD snap is not: LXD waits at start-up until every member runs its version
 * (canonical/lxd lxd/daemon.go at a83edf2a: "Wait for other cluster members to align their
 * versions, cluster not started yet"), so an LXD refresh walk that stopped part-way leaves them so.
 * The plan then finishes the LXD refreshes alone; nothing else can be planned until they answer.
 */
export function lxdWaiting(desired: DesiredState, live: LiveState): string[] {
  const want = desired.snaps.lxd;
  if (!want) return [];
  const target = snapTarget(live, want).revision;
  if (target === '') return [];
  const keys = Object.keys(live.machines).filter((k) => live.machines[k]!.reachable);
  const at = (k: string) => installedOn(live, k, 'lxd')?.revision === target;
  if (keys.every(at)) return [];
  return keys.filter((k) => at(k) && reachable(live, k)?.lxd === null);
}
