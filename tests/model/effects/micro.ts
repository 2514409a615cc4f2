// The shared part of a microcluster daemon's effects: a cluster's member list, service placement
// and (for MicroCeph) OSDs, pools and config are stored once per cluster, so an effect changes them
// there; a joiner's own record then names that cluster.
import type { LiveState, MicroName } from '../../../src/live/state.js';
import { microAt, microClusterAt, recordAt, type MicroClusterOf } from './model.js';

type Micro = MicroName;

/** Applies `change` to the anchor's cluster; the `extra` machines (joiners) become its members. */
export function changeCluster<S extends Micro>(live: LiveState, service: S, anchor: string,
  change: (cluster: MicroClusterOf<S>) => void, extra: string[] = []): void {
  const cluster = microClusterAt(live, service, anchor);
  change(cluster);
  const key = microAt(live, service, anchor).cluster;
  for (const name of extra) {
    const own = recordAt(live, name)[service];
    if (!own) continue;
    own.initialized = true;
    own.cluster = key;
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
