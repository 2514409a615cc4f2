// A model of what the daemons do to the site when a step runs: the step's effect on a LiveState.
// It lets tests walk a whole apply without a network (tests/plan/walk.ts) and refuses what the
// daemons would refuse, so a wrong order cannot pass a walk. Not part of the product: apply reads
// the daemons, it never predicts them. One file per step kind, next to the registry in index.ts.
// Effects read a machine's point of view (`machineAt`) and write the stored records and clusters.
import {
  reachable, recordOf, type LiveClusters, type LiveState, type LxdCluster, type LxdMachine, type MachineRecord,
  type MicroMachine, type MicroName, type ReachableMachine, type ServiceName,
} from '../../../src/live/state.js';
import type { StepKind, StepOf } from '../../../src/plan/plan.js';

/** Applies the step to `live` in place; throws EffectError when the daemons would refuse it. */
export type Effect<K extends StepKind> = (step: StepOf<K>, live: LiveState) => void;

/** The step cannot run in this state: a daemon would refuse it. In tests, an ordering bug. */
export class EffectError extends Error {
  override readonly name = 'EffectError';
}

export function need(condition: unknown, message: string): asserts condition {
  if (!condition) throw new EffectError(message);
}

/** The machine's point of view, to read. */
export function machineAt(live: LiveState, name: string): ReachableMachine {
  const m = reachable(live, name);
  need(m, `${name} is not reachable`);
  return m;
}

export function recordAt(live: LiveState, name: string): MachineRecord {
  const m = recordOf(live, name);
  need(m, `${name} is not reachable`);
  return m;
}

export function lxdAt(live: LiveState, name: string): LxdMachine {
  const lxd = recordAt(live, name).lxd;
  need(lxd, `LXD is not installed on ${name}`);
  return lxd;
}

export function lxdClusterAt(live: LiveState, name: string): LxdCluster {
  const c = live.clusters.lxd[lxdAt(live, name).cluster];
  need(c, `LXD on ${name} names no cluster`);
  return c;
}

type Micro = MicroName;
export type MicroClusterOf<S extends Micro> = LiveClusters[S][string];

export function microAt(live: LiveState, service: Micro, name: string): MicroMachine {
  const m = recordAt(live, name)[service];
  need(m, `${service} is not installed on ${name}`);
  return m;
}

export function microClusterAt<S extends Micro>(live: LiveState, service: S, name: string): MicroClusterOf<S> {
  const key = microAt(live, service, name).cluster;
  const c = key === null ? undefined : live.clusters[service][key];
  need(c, `${service} on ${name} is not part of a cluster`);
  return c as MicroClusterOf<S>;
}

/** Machines whose `service` is in the same cluster as `anchor`'s (the anchor first). */
export function clusterMates(live: LiveState, service: ServiceName, anchor: string): string[] {
  const keyOf = (name: string): string | null => {
    const m = recordOf(live, name);
    if (service === 'lxd') return m?.lxd ? m.lxd.cluster : null;
    return m?.[service]?.initialized ? m[service]!.cluster : null;
  };
  const own = keyOf(anchor);
  need(own !== null, `${service} on ${anchor} is not part of a cluster`);
  return [anchor, ...Object.keys(live.machines).filter((k) => k !== anchor && keyOf(k) === own)];
}
