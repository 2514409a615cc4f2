// The plan as a graph: a stable topological order (ties keep the planner's order, which reads as
// MicroCloud's phases), and the checks an executor and the tests rely on.
import type { Step } from './plan.js';

export class PlanGraphError extends Error {
  override readonly name = 'PlanGraphError';
}

/** Kahn's algorithm, always taking the earliest ready step; throws on an unknown dependency or a cycle. */
export function orderSteps(steps: readonly Step[]): Step[] {
  const index = new Map(steps.map((s, i) => [s.address, i]));
  for (const s of steps) {
    for (const d of s.dependsOn) if (!index.has(d)) throw new PlanGraphError(`${s.address} depends on ${d}, which is not in the plan`);
  }
  const done = new Set<string>();
  const out: Step[] = [];
  while (out.length < steps.length) {
    const next = steps.find((s) => !done.has(s.address) && s.dependsOn.every((d) => done.has(d)));
    if (!next) {
      const stuck = steps.filter((s) => !done.has(s.address)).map((s) => s.address);
      throw new PlanGraphError(`the plan has a dependency cycle among ${stuck.join(', ')}`);
    }
    done.add(next.address);
    out.push(next);
  }
  return out;
}

/** Whether running the steps in this order respects every dependency. */
export function respectsDependencies(order: readonly Step[]): boolean {
  const seen = new Set<string>();
  for (const s of order) {
    if (!s.dependsOn.every((d) => seen.has(d))) return false;
    seen.add(s.address);
  }
  return true;
}
