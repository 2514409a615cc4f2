// A model of what the daemons do to the site when a step runs: the step's effect on a LiveState.
// It lets tests walk a whole apply without a network (tests/plan/walk.ts) and refuses what the
// daemons would refuse, so a wrong order cannot pass a walk. Not part of the product: apply reads
// the daemons, it never predicts them. One file per step kind, next to the registry in index.ts.
import { reachable, type LiveState, type LxdLive, type MicroCephLive, type MicroOvnLive, type ReachableMachine, type ServiceName } from '../../../src/live/state.js';
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

export function machineAt(live: LiveState, name: string): ReachableMachine {
  const m = reachable(live, name);
  need(m, `${name} is not reachable`);
  return m;
}

export function lxdAt(live: LiveState, name: string): LxdLive {
  const lxd = machineAt(live, name).lxd;
  need(lxd, `LXD is not installed on ${name}`);
  return lxd;
}

type Micro = 'microceph' | 'microovn';
type MicroOf<S extends Micro> = S extends 'microceph' ? MicroCephLive : MicroOvnLive;

export function microAt<S extends Micro>(live: LiveState, service: S, name: string): MicroOf<S> {
  const m = machineAt(live, name)[service] as MicroOf<S> | null;
  need(m, `${service} is not installed on ${name}`);
  return m;
}

const memberNames = (members: readonly { name: string }[]): string[] => members.map((m) => m.name);

/** Machines whose `service` is in the same cluster as `anchor`'s (the anchor first). */
export function clusterMates(live: LiveState, service: ServiceName, anchor: string): string[] {
  const names = (name: string): string[] | null => {
    const m = reachable(live, name);
    if (service === 'lxd') return m?.lxd?.clustered ? memberNames(m.lxd.members) : null;
    const micro = m?.[service];
    return micro?.initialized ? memberNames(micro.members) : null;
  };
  const own = names(anchor);
  need(own, `${service} on ${anchor} is not part of a cluster`);
  const mates = Object.keys(live.machines).filter((k) => k !== anchor && (names(k) ?? []).some((n) => own.includes(n)));
  return [anchor, ...mates];
}
