// The targets the figures are reported against (issue 16). A missed target is reported, never an
// error: the run's purpose is to measure, and the machine it runs on may be too busy to meet any.
import type { BootstrapFigures } from './bootstrap.js';
import type { NoopPlanFigures } from './noop-plan.js';
import type { StartupFigures } from './startup.js';

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

/** The limits, once: evaluateTargets checks them and the report's table shows them. */
export const LIMITS = {
  /** `microcloud --version` / `node -e 0`. */
  versionRatio: 1.5,
  /** `microcloud validate EXAMPLE` / `node -e 0`. */
  validateRatio: 2.5,
  /** No-op plan / OpenSSH floor, by site size. */
  opensshRatio: { 3: 2.0, 50: 1.5, 200: 1.5 } as Record<number, number>,
  /** Bootstrap wall / critical path, at every size. */
  bootstrapRatio: 1.15,
  /** Peak RSS of the tool in MB (no-op plan or bootstrap, whichever is higher), by site size. */
  maxRssMb: { 50: 150, 200: 250 } as Record<number, number>,
} as const;

const at = (sizes: readonly SizeResult[], n: number): SizeResult | undefined => sizes.find((s) => s.machines === n);

/** `applies`: false for a size not in --sizes (n/a); a figure missing where it applies is a MISS. */
function target(id: string, description: string, applies: unknown, value: number | undefined, ok: (v: number) => boolean): TargetResult {
  if (!applies) return { id, description, value: null, pass: null };
  if (value === undefined || Number.isNaN(value)) return { id, description, value: null, pass: false };
  return { id, description, value, pass: ok(value) };
}

/** The tool's peak RSS at a size, over its no-op plans and its bootstrap. */
export function peakRssMb(size: SizeResult | undefined): number | undefined {
  if (!size) return undefined;
  const rss = [size.noopPlan?.maxRssMb, size.bootstrap?.maxRssMb].filter((v): v is number => v !== undefined && !Number.isNaN(v));
  return rss.length > 0 ? Math.max(...rss) : undefined;
}

/** `startup` is undefined when start-up could not be measured (a MISS, not n/a: it always runs). */
export function evaluateTargets(sizes: readonly SizeResult[], startup: StartupFigures | undefined): TargetResult[] {
  const s200 = at(sizes, 200);
  const sized = (limits: Record<number, number>): number[] => Object.keys(limits).map(Number).sort((a, b) => a - b);
  return [
    target('startup-version', `\`microcloud --version\` within ${LIMITS.versionRatio}x of \`node -e 0\``, true,
      startup?.versionRatio, (v) => v <= LIMITS.versionRatio),
    target('startup-validate', `\`microcloud validate\` of an example within ${LIMITS.validateRatio}x of \`node -e 0\``, true,
      startup?.validateRatio, (v) => v <= LIMITS.validateRatio),
    ...sized(LIMITS.opensshRatio).map((n) => target(`noop-openssh@${n}`, `no-op plan within ${LIMITS.opensshRatio[n]}x of the OpenSSH floor at ${n} machines`,
      at(sizes, n), at(sizes, n)?.noopPlan?.opensshRatio, (v) => v <= LIMITS.opensshRatio[n]!)),
    ...sizes.map((s) => target(`bootstrap-cp@${s.machines}`, `bootstrap within ${LIMITS.bootstrapRatio}x of the critical path at ${s.machines} machines`,
      s, s.bootstrap?.wallRatio, (v) => v <= LIMITS.bootstrapRatio)),
    ...sized(LIMITS.maxRssMb).map((n) => target(`rss@${n}`, `peak RSS of the tool <= ${LIMITS.maxRssMb[n]} MB at ${n} machines`,
      at(sizes, n), peakRssMb(at(sizes, n)), (v) => v <= LIMITS.maxRssMb[n]!)),
    target('works@200', '200 machines bootstrap and plan without changes', s200,
      s200 && !s200.error && s200.noopPlan && s200.bootstrap ? 200 : undefined, () => true),
  ];
}
