// Apply's final check, narrowed: which machines' daemons to read again after the steps, and the
// LiveState to plan from then, the fresh read of those merged into the read the plan was made from.
// Untouched parts are as read before apply: no step changed them, and the planner found nothing to
// do there then. A daemon touched on one member is read again on every member of its cluster, since
// what a cluster holds is stored once for all of them (src/live/state.ts) and a cluster-wide step
// (a pool, the profile) shows on every member; so the merged clusters carry the keys a full gather
// would give them, and no member sees a mix of before and after.
import { recordOf, type LiveState, type MachineRecord, type ServiceName } from '../live/state.js';

/** Machine → the daemons read there. */
export type Reads = ReadonlyMap<string, ReadonlySet<ServiceName>>;

const SERVICES: readonly ServiceName[] = ['lxd', 'microceph', 'microovn', 'microcloud'];

const clusterOf = (m: MachineRecord | undefined, s: ServiceName): string | null | undefined =>
  s === 'lxd' ? m?.lxd?.cluster : m?.[s]?.cluster;

/** `touched`, and each touched daemon on every machine that was in the same cluster before. */
export function recheckReads(before: LiveState, touched: Reads): Map<string, Set<ServiceName>> {
  const reads = new Map<string, Set<ServiceName>>();
  const add = (key: string, s: ServiceName): void => {
    const set = reads.get(key) ?? new Set<ServiceName>();
    set.add(s);
    reads.set(key, set);
  };
  for (const [key, services] of touched) {
    for (const s of services) {
      add(key, s);
      const cluster = clusterOf(recordOf(before, key), s);
      if (cluster == null) continue;
      for (const other of Object.keys(before.machines)) {
        if (clusterOf(recordOf(before, other), s) === cluster) add(other, s);
      }
    }
  }
  return reads;
}

/**
 * `before` with what `fresh` read (`reads`: the daemons of each machine; host facts stay) put in
 * place. A machine the fresh read could not reach is unreachable, as in any plan.
 */
export function mergeRead(before: LiveState, fresh: LiveState, reads: Reads): LiveState {
  const live: LiveState = {
    machines: { ...before.machines },
    clusters: {
      lxd: { ...before.clusters.lxd, ...fresh.clusters.lxd },
      microceph: { ...before.clusters.microceph, ...fresh.clusters.microceph },
      microovn: { ...before.clusters.microovn, ...fresh.clusters.microovn },
      microcloud: { ...before.clusters.microcloud, ...fresh.clusters.microcloud },
    },
  };
  for (const [key, services] of reads) {
    const now = fresh.machines[key];
    const was = recordOf(before, key);
    if (!now?.reachable || !was) {
      live.machines[key] = now?.reachable === false ? now : { reachable: false, reason: 'not read again after the steps' };
      continue;
    }
    const record: MachineRecord = { ...was };
    for (const s of SERVICES) {
      if (!services.has(s)) continue;
      if (s === 'lxd') record.lxd = now.lxd;
      else record[s] = now[s];
    }
    live.machines[key] = record;
  }
  return live;
}
