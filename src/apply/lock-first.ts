// The site lock lives in the initiator's LXD (lock.ts). A plan that installs that LXD has nowhere to
// take the lock until it is installed, so its snap installs run first, unlocked, and every other
// step after the lock is taken. That is safe for installs: they restart nothing, they are each
// checked and acted on as any step (already installed is done), and snapd itself refuses a second
// change of a snap while one runs (snapstate.checkChangeConflict, canonical/snapd at bee548f7).
import type { Plan, Step } from '../plan/index.js';
import { LXD_WAITING } from '../plan/snaps-preflight.js';
import type { ApplyReport } from './report.js';

/** The installs to run before the lock, and the rest of the plan; null when the initiator has LXD. */
export function splitForLock(plan: Plan): { first: Plan; rest: Plan } | null {
  const installsLxd = plan.steps.some((s) => s.kind === 'snap' && s.action === 'create' && s.machine === plan.initiator && s.inputs.name === 'lxd');
  if (!installsLxd) return null;
  const isFirst = (s: Step) => s.kind === 'snap' && s.action === 'create';
  const firstIds = new Set(plan.steps.filter(isFirst).map((s) => s.address));
  const keep = (steps: Step[], inside: boolean) => steps.filter((s) => firstIds.has(s.address) === inside)
    .map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => firstIds.has(d) === inside) }));
  return { first: { ...plan, steps: keep(plan.steps, true) }, rest: { ...plan, steps: keep(plan.steps, false) } };
}

/** One report of the two runs; `rest` null when the first stopped the run. */
export function joinReports(first: ApplyReport, rest: ApplyReport | null, notRun: readonly string[]): ApplyReport {
  if (!rest) return { ...first, notStarted: [...first.notStarted, ...notRun], remaining: null };
  return {
    ...rest,
    steps: [...first.steps, ...rest.steps], done: [...first.done, ...rest.done], skipped: [...first.skipped, ...rest.skipped],
    failed: [...first.failed, ...rest.failed], warnings: [...first.warnings, ...rest.warnings], durationMs: first.durationMs + rest.durationMs,
  };
}

/**
 * The machine whose LXD holds the lock: the initiator, unless its LXD waits for the other members'
 * refresh (src/plan/snaps-preflight.ts LXD_WAITING) — then another member's, the key being
 * cluster-wide once clustered.
 */
export function lockMachine(plan: Plan): string {
  const waiting = new Set(plan.findings.filter((f) => f.code === LXD_WAITING && f.machine).map((f) => f.machine!));
  if (!waiting.has(plan.initiator)) return plan.initiator;
  return plan.steps.map((s) => s.machine).find((m) => !waiting.has(m)) ?? plan.initiator;
}
