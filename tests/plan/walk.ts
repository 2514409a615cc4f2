// Walks an apply without a network: plan, run one ready step through its expected effect, plan
// again, and check that the new plan is exactly the old one without that step. Down to the empty plan.
import type { DesiredState } from '../../src/preseed/desired.js';
import { diff } from '../../src/plan/diff.js';
import { respectsDependencies } from '../../src/plan/dag.js';
import type { LiveState } from '../../src/live/state.js';
import type { Plan, Step } from '../../src/plan/plan.js';
import { satisfied } from '../../src/plan/steps/index.js';
import { expectedEffect } from '../model/effects/index.js';
import { OPTS } from './fixtures.js';

export type Picker = (ready: Step[], round: number) => Step;

export const firstReady: Picker = (ready) => ready[0]!;
export const lastReady: Picker = (ready) => ready[ready.length - 1]!;

/** A seeded choice among the ready steps (mulberry32), so a failing order can be replayed. */
export function seededPicker(seed: number): Picker {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (ready) => ready[Math.floor(next() * ready.length)]!;
}

/** A comparable view of the steps: order-free, dependencies as sets. */
export function normalized(steps: readonly Step[]): unknown[] {
  return [...steps]
    .map((s) => ({ ...s, dependsOn: [...s.dependsOn].sort() }))
    .sort((a, b) => a.address.localeCompare(b.address));
}

export function without(steps: readonly Step[], address: string): Step[] {
  return steps.filter((s) => s.address !== address).map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => d !== address) }));
}

export function plan(desired: DesiredState, live: LiveState): Plan {
  return diff(desired, live, OPTS);
}

export const errorsOf = (p: Plan) => p.findings.filter((f) => f.severity === 'error');

export interface Walk {
  applied: Step[];
  live: LiveState;
  first: Plan;
}

export function walk(desired: DesiredState, live: LiveState, pick: Picker = firstReady): Walk {
  let current = plan(desired, live);
  const first = current;
  expect(errorsOf(current)).toEqual([]);
  const applied: Step[] = [];
  for (let round = 0; current.steps.length > 0; round++) {
    if (round > 1000) throw new Error('the walk does not end');
    expect(respectsDependencies(current.steps)).toBe(true);
    const ready = current.steps.filter((s) => s.dependsOn.length === 0);
    expect(ready.length).toBeGreaterThan(0);
    const step = pick(ready, round);
    expect(satisfied(step, live)).toBe(false);
    const next = expectedEffect(step, live);
    expect({ address: step.address, satisfied: satisfied(step, next) }).toEqual({ address: step.address, satisfied: true });
    const nextPlan = plan(desired, next);
    expect(errorsOf(nextPlan)).toEqual([]);
    expect({ after: step.address, steps: normalized(nextPlan.steps) }).toEqual({ after: step.address, steps: normalized(without(current.steps, step.address)) });
    applied.push(step);
    live = next;
    current = nextPlan;
  }
  return { applied, live, first };
}

/** Applies plans until the site matches the file (no per-step checks: a quick way to build a site). */
export function converge(desired: DesiredState, live: LiveState): LiveState {
  for (let round = 0; round < 20; round++) {
    const p = plan(desired, live);
    if (errorsOf(p).length > 0) throw new Error(`cannot converge: ${errorsOf(p).map((f) => f.message).join('; ')}`);
    if (p.steps.length === 0) return live;
    for (const step of p.steps) live = expectedEffect(step, live);
  }
  throw new Error('the site does not converge');
}

/** Whether `a` must run before `b` (through any chain of dependencies). */
export function precedes(steps: readonly Step[], a: string, b: string): boolean {
  const byAddress = new Map(steps.map((s) => [s.address, s]));
  const seen = new Set<string>();
  const visit = (x: string): boolean => {
    for (const d of byAddress.get(x)?.dependsOn ?? []) {
      if (d === a) return true;
      if (!seen.has(d)) {
        seen.add(d);
        if (visit(d)) return true;
      }
    }
    return false;
  };
  return visit(b);
}
