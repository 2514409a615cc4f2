// What every step kind is, in one place per kind (src/plan/steps/<kind>.ts): its address, the
// service it belongs to, and `satisfied`, the one answer to "is this step done?". It reads only the
// step's own inputs and a LiveState, so the planner asks it over what gather read, and apply asks it
// again over a fresh read of the machines the step concerns, before acting (check) and after (verify):
// src/apply/steps/runner.ts. How a kind acts is in src/apply/steps/<kind>.ts.
import { reachable, type LiveState, type ServiceName } from '../../live/state.js';
import type { StepKind, StepOf } from '../plan.js';

export interface StepSpec<K extends StepKind> {
  kind: K;
  service: ServiceName;
  /** Acts on the cluster as a whole (shown under the cluster rather than a machine). */
  clusterWide(step: StepOf<K>): boolean;
  /** Whether the step has nothing left to do. Pure; reads only the machines and daemons apply reads for it. */
  satisfied(step: StepOf<K>, live: LiveState): boolean;
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
