// The targets the figures are reported against. A missed target is reported, never an error: the
// run's purpose is to measure, and the machine it runs on may be too busy to meet any of them.
import type { BootstrapFigures } from './bootstrap.js';
import type { NoopPlanFigures } from './noop-plan.js';

export interface SizeResult {
  machines: number;
  noopPlan?: NoopPlanFigures;
  bootstrap?: BootstrapFigures;
  /** Why this size could not be measured to the end. */
  error?: string;
}

export interface TargetResult {
  id: string;
  description: string;
  /** The measured figure; null when the size was not run or failed before it. */
  value: number | null;
  /** PASS, MISS, or null when it could not be evaluated (size not in --sizes). */
  pass: boolean | null;
}

const at = (sizes: readonly SizeResult[], n: number): SizeResult | undefined => sizes.find((s) => s.machines === n);

function target(id: string, description: string, size: SizeResult | undefined, value: number | undefined, ok: (v: number) => boolean): TargetResult {
  if (!size) return { id, description, value: null, pass: null };
  if (value === undefined || Number.isNaN(value)) return { id, description, value: null, pass: false };
  return { id, description, value, pass: ok(value) };
}

export function evaluateTargets(sizes: readonly SizeResult[]): TargetResult[] {
  const s50 = at(sizes, 50);
  const s200 = at(sizes, 200);
  const rss50 = s50 && Math.max(s50.noopPlan?.maxRssMb ?? Number.NaN, s50.bootstrap?.maxRssMb ?? Number.NaN);
  return [
    target('noop-floor@50', 'no-op plan within 1.5x of the floor at 50 machines', s50, s50?.noopPlan?.floorRatio, (v) => v <= 1.5),
    target('noop-serial@50', 'no-op plan >= 20x faster than --parallelism 1 at 50 machines', s50, s50?.noopPlan?.speedup, (v) => v >= 20),
    ...sizes.map((s) => target(`bootstrap-cp@${s.machines}`, `bootstrap within 1.15x of the critical path at ${s.machines} machines`,
      s, s.bootstrap?.wallRatio, (v) => v <= 1.15)),
    target('rss@50', 'peak RSS of the tool <= 200 MB at 50 machines', s50, rss50, (v) => v <= 200),
    target('works@200', '200 machines bootstrap and plan without changes', s200,
      s200 && !s200.error && s200.noopPlan && s200.bootstrap ? 200 : undefined, () => true),
  ];
}
