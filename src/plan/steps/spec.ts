// What every step kind provides, and the helpers their checks and effects share. A kind's check reads
// only the step's own inputs and the live state, so apply can repeat it right before acting and
// verify with it afterwards; its effect is what the daemons do, so tests can walk a whole apply
// without a network and verify can compare the expectation with what gather reads back.
import { reachable, type LiveState, type LxdLive, type MicroCephLive, type MicroOvnLive, type ReachableMachine, type ServiceName } from '../../live/state.js';
import type { StepKind, StepOf } from '../plan.js';

export interface StepSpec<K extends StepKind> {
  kind: K;
  service: ServiceName;
  /** Acts on the cluster as a whole (shown under the cluster rather than a machine). */
  clusterWide(step: StepOf<K>): boolean;
  satisfied(step: StepOf<K>, live: LiveState): boolean;
  /** Applies the step to `live` in place; throws EffectError when the daemons would refuse it. */
  effect(step: StepOf<K>, live: LiveState): void;
}

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

/** Whether `name` is a member of the cluster `anchor`'s service belongs to. */
export function isMemberOf(live: LiveState, service: ServiceName, anchor: string, name: string): boolean {
  const own = reachable(live, name);
  const a = reachable(live, anchor);
  if (service === 'lxd') {
    return own?.lxd?.clustered === true && (a?.lxd?.members.some((m) => m.name === name) ?? false);
  }
  return own?.[service]?.initialized === true && (a?.[service]?.members.some((m) => m.name === name) ?? false);
}

export const sameRecord = (a: Record<string, string> | undefined, b: Record<string, string>): boolean =>
  a !== undefined && Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);
