// What a plan's steps touch: the machines and daemons each step's check reads (its actor's `reads`,
// src/apply/steps/<kind>.ts), which are where its work shows. Apply's final check reads these again
// and takes the rest of the site as read before the steps ran (src/site/recheck.ts).
import type { ServiceName } from '../live/state.js';
import type { Step, StepKind, StepOf } from '../plan/index.js';
import { STEP_ACTORS } from './registry.js';
import type { StepActor } from './steps/runner.js';

/** Machine (its key in the plan) → the daemons the steps read there. */
export type Touched = ReadonlyMap<string, ReadonlySet<ServiceName>>;

export function touchedBy(steps: readonly Step[]): Touched {
  const touched = new Map<string, Set<ServiceName>>();
  for (const step of steps) {
    const actor = STEP_ACTORS[step.kind] as StepActor<StepKind>;
    for (const r of actor.reads(step as StepOf<StepKind>)) {
      const services = touched.get(r.machine) ?? new Set<ServiceName>();
      for (const s of r.services) services.add(s);
      touched.set(r.machine, services);
    }
  }
  return touched;
}
