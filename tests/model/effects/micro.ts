// The shared part of a microcluster daemon's effects: a cluster's member list, service placement
// and (for MicroCeph) OSDs, pools and config are the same on every member, so an effect computes
// them once from the anchor and hands every member its own copy.
import type { LiveState, MicroCephLive, MicroOvnLive } from '../../../src/live/state.js';
import { clusterMates, machineAt } from './model.js';

type Micro = 'microceph' | 'microovn';

/** Applies `change` to the anchor's view, then copies the anchor's cluster-wide fields to every member. */
export function changeCluster<S extends Micro>(live: LiveState, service: S, anchor: string,
  change: (view: S extends 'microceph' ? MicroCephLive : MicroOvnLive) => void, extra: string[] = []): void {
  const mates = [...clusterMates(live, service, anchor), ...extra];
  const view = machineAt(live, anchor)[service] as (S extends 'microceph' ? MicroCephLive : MicroOvnLive);
  change(view);
  for (const name of mates.slice(1)) {
    const target = machineAt(live, name)[service];
    if (!target) continue;
    target.initialized = true;
    target.members = structuredClone(view.members);
    target.services = structuredClone(view.services);
    if (service === 'microceph') {
      const from = view as MicroCephLive;
      const to = target as MicroCephLive;
      to.disks = structuredClone(from.disks);
      to.config = structuredClone(from.config);
      to.pools = structuredClone(from.pools);
    }
  }
}

/** microcluster's auto-placement on join: a service goes to the joiner while fewer than 3 members run it. */
export function placeOnJoin(services: { service: string; location: string }[], joiner: string, always: string[], upToThree: string[]): void {
  for (const service of always) services.push({ service, location: joiner });
  for (const service of upToThree) {
    if (services.filter((s) => s.service === service).length < 3) services.push({ service, location: joiner });
  }
}

/** The size pools LXD creates get: osd_pool_default_size, Ceph's 3 until pools-op sets it. */
export function defaultPoolSize(view: { config: Record<string, string> }): number {
  return Number(view.config['osd_pool_default_size'] ?? '3');
}
