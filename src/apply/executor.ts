// The executor: one apply run, generic over steps (Terraform's walker, k0sctl's phase manager). It
// checks the plan, takes the lock, walks the graph (walk.ts: bounded parallelism, stop on the first
// failure), asks `replan` whether anything is left, releases the lock whatever happened, and
// journals and reports every outcome. The next apply resumes from the live state, since every step
// checks before it acts. It knows nothing about LXD or Ceph: the registry does.
import { randomUUID } from 'node:crypto';
import { SecretSet } from '../secrets.js';
import { systemClock } from './clock.js';
import { inputsDigest, noJournal, type Journal, type JournalRecord } from './journal.js';
import { withLock, type RunLock } from './lock.js';
import { silentProgress, type ProgressEvent, type ProgressSink } from './progress.js';
import type { ApplyReport } from './report.js';
import { describe, type StepResult, type StepRetryPolicy } from './run-step.js';
import type { Clock, ExecutableStep, StepRegistry } from './types.js';
import { walkSteps, type Walk } from './walk.js';

export const DEFAULT_PARALLELISM = 10;

export interface ExecuteOptions<S extends ExecutableStep, H> {
  registry: StepRegistry<S, H>;
  hosts: H;
  clock?: Clock;
  /** Steps running at once; default 10 (Terraform's default). */
  parallelism?: number;
  retry?: Partial<StepRetryPolicy>;
  /** Which failures may succeed on a second try; default the remote layer's rule. */
  isTransient?: (err: unknown) => boolean;
  /** Held for the whole run, the final check included; skipped for an empty plan (nothing to protect). */
  lock?: RunLock;
  journal?: Journal;
  progress?: ProgressSink;
  secrets?: SecretSet;
  /** The steps a fresh plan would contain now (apply-plan.ts passes the caller's re-read of what the steps touched + diff). */
  replan?: () => Promise<readonly { address: string }[]>;
  /** Aborting stops scheduling, as a failure does (Ctrl-C). */
  signal?: AbortSignal;
}

export async function execute<S extends ExecutableStep, H>(plan: { steps: readonly S[] }, opts: ExecuteOptions<S, H>): Promise<ApplyReport> {
  const clock = opts.clock ?? systemClock;
  const secrets = opts.secrets ?? new SecretSet();
  const journal = opts.journal ?? noJournal;
  const progress = opts.progress ?? silentProgress;
  const runId = randomUUID();
  const started = clock.now();
  const emit = (e: ProgressEvent): void => progress.emit(secrets.redact(e));
  const record = (r: JournalRecord): void => journal.write(secrets.redact({ ...r, run: runId }));
  const steps = plan.steps;
  const warnings: string[] = [];

  record({ event: 'run-start', steps: steps.length, parallelism: opts.parallelism ?? DEFAULT_PARALLELISM });
  emit({ type: 'run-started', steps: steps.length });
  let walk: Walk = { results: [], notStarted: steps.map((s) => s.address) };
  let remaining: string[] | null = null;
  const run = async (releaseSoon?: () => void): Promise<void> => {
    walk = await walkSteps(steps, {
      ...opts, parallelism: opts.parallelism ?? DEFAULT_PARALLELISM, clock, secrets, emit, record,
    });
    if (!walk.error && walk.results.every((r) => r.result !== 'failed') && opts.replan && steps.length > 0) {
      try {
        releaseSoon?.();
        remaining = (await opts.replan()).map((s) => s.address);
      } catch (err) {
        walk.error = `every step finished, but reading the site again to confirm failed: ${describe(err, secrets)}`;
      }
    }
  };
  try {
    const problem = validate(steps, opts);
    if (problem) throw new Error(problem);
    if (steps.length > 0 && opts.lock) {
      await withLock(opts.lock, {
        onWait: (holder) => emit({ type: 'lock-waiting', holder }),
        onTakeover: (message) => emit({ type: 'warning', message }),
        onReleaseError: (err) => warnings.push(`the lock could not be released: ${describe(err, secrets)}`),
      }, async () => undefined, (_read, releaseSoon) => run(releaseSoon));
    } else {
      await run();
    }
  } catch (err) {
    walk.error = describe(err, secrets);
  }
  const report = buildReport(walk, remaining, warnings, clock.now() - started);
  for (const address of report.notStarted) {
    const s = steps.find((x) => x.address === address)!;
    record({ event: 'step', address, kind: s.kind, machine: s.machine, inputs: inputsDigest(s.inputs), result: 'not-started' });
  }
  record({
    event: 'run-end', ok: report.ok, done: report.done.length, skipped: report.skipped.length, failed: report.failed.length,
    notStarted: report.notStarted.length, remaining: report.remaining, durationMs: report.durationMs, ...(report.error ? { error: report.error } : {}),
  });
  emit({
    type: 'run-finished', ok: report.ok, done: report.done.length, skipped: report.skipped.length,
    failed: report.failed.length, notStarted: report.notStarted.length, elapsedMs: report.durationMs,
  });
  try {
    await journal.close();
  } catch (err) {
    report.warnings.push(describe(err, secrets));
  }
  // Errors were scrubbed as they were caught; this is the last guard before the report is shown.
  return secrets.redact(report);
}

function validate<S extends ExecutableStep, H>(steps: readonly S[], opts: ExecuteOptions<S, H>): string | null {
  const p = opts.parallelism ?? DEFAULT_PARALLELISM;
  if (!Number.isInteger(p) || p < 1) return `parallelism must be a whole number of at least 1, not ${p}`;
  const addresses = new Set(steps.map((s) => s.address));
  if (addresses.size !== steps.length) return 'the plan has two steps with the same address';
  for (const s of steps) {
    if (!opts.registry(s)) return `no runner for step kind ${JSON.stringify(s.kind)} (${s.address})`;
    const missing = s.dependsOn.find((d) => !addresses.has(d));
    if (missing) return `${s.address} depends on ${missing}, which is not in the plan`;
  }
  return null;
}

function buildReport(walk: Walk, remaining: string[] | null, warnings: string[], durationMs: number): ApplyReport {
  const of = (k: StepResult['result']) => walk.results.filter((r) => r.result === k);
  const failed = of('failed').map((r) => ({ address: r.address, error: r.error ?? 'failed' }));
  const ok = !walk.error && failed.length === 0 && walk.notStarted.length === 0 && (remaining === null || remaining.length === 0);
  if (!walk.error && remaining?.length) {
    walk.error = `every step finished, but the site does not match the file yet: a new plan still has ${remaining.join(', ')}`;
  }
  return {
    ok,
    exitCode: ok ? 0 : 1,
    steps: walk.results,
    done: of('done').map((r) => r.address),
    skipped: of('skipped').map((r) => r.address),
    failed,
    notStarted: walk.notStarted,
    ...(walk.error ? { error: walk.error } : {}),
    warnings,
    remaining,
    durationMs,
  };
}
