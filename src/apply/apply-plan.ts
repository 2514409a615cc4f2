// `applyPlan`: what `microcloud apply` calls once it has a plan and a Host per machine. It wires the
// generic executor to the plan's step runners, the site lock on the initiator's LXD, the journal
// file and the progress renderer, and confirms convergence with the caller's replan, told what the
// plan's steps touched (touched.ts) so that it need read only that again.
import { hasErrorFindings, type Plan } from '../plan/index.js';
import type { Secret } from '../secrets.js';
import { systemClock } from './clock.js';
import { execute } from './executor.js';
import { fileJournal, noJournal } from './journal.js';
import { LxdConfigLock } from './lock.js';
import { silentProgress, type ProgressSink } from './progress.js';
import { planRegistry } from './registry.js';
import type { ApplyReport } from './report.js';
import type { StepRetryPolicy } from './run-step.js';
import { SecretSet } from '../secrets.js';
import type { Hosts } from './steps/common.js';
import { joinReports, lockMachine, splitForLock } from './lock-first.js';
import { touchedBy, type Touched } from './touched.js';
import type { Clock } from './types.js';

export interface ApplyPlanOptions {
  /** Steps at once (--parallelism); default 10. */
  parallelism?: number;
  /** The caller already holds the site lock (the CLI takes it before it reads the site). */
  lockHeld?: boolean;
  /** How long to wait for a lock another run holds (--lock-timeout); default 0: fail at once. */
  lockTimeoutMs?: number;
  /** Shown to whoever finds the lock taken, e.g. "apply site.yaml". */
  operation?: string;
  /** JSON lines are appended here; null or absent: no journal file. */
  journalPath?: string | null;
  progress?: ProgressSink;
  /** The steps a fresh plan still has, given the machines and daemons the steps touched (a re-read
   *  of those + diff); absent: convergence is not checked. */
  replan?: (touched: Touched) => Promise<readonly { address: string }[]>;
  /** Values to mask wherever they might appear (the session passphrase, say). */
  secrets?: readonly string[];
  /** Secrets the plan names instead of holding (namedSecrets of the preseed): given to the steps that send them, and masked. */
  named?: ReadonlyMap<string, Secret>;
  clock?: Clock;
  retry?: Partial<StepRetryPolicy>;
  lockPollMs?: number;
  signal?: AbortSignal;
}

const refused = (error: string, plan: Plan): ApplyReport => ({
  ok: false, exitCode: 1, steps: [], done: [], skipped: [], failed: [], notStarted: plan.steps.map((s) => s.address),
  error, warnings: [], remaining: null, durationMs: 0,
});

export async function applyPlan(plan: Plan, hosts: Hosts, opts: ApplyPlanOptions = {}): Promise<ApplyReport> {
  if (hasErrorFindings(plan.findings)) return refused('the plan has errors (see its findings); nothing was applied', plan);
  const lockHost = hosts.get(lockMachine(plan));
  if (!lockHost && plan.steps.length > 0) return refused(`no connection to the initiator ${plan.initiator}, which holds the site lock`, plan);
  const clock = opts.clock ?? systemClock;
  let journal = noJournal;
  try {
    if (opts.journalPath) journal = fileJournal(opts.journalPath, clock.now);
  } catch (err) {
    return refused(`cannot open the journal ${opts.journalPath}: ${(err as Error).message}`, plan);
  }
  const secrets = new SecretSet();
  for (const s of opts.secrets ?? []) secrets.add(s);
  for (const [name, s] of opts.named ?? []) secrets.provide(name, s);
  // Without LXD on the initiator there is nowhere to hold the lock: its installs first (lock-first.ts).
  const split = opts.lockHeld ? null : splitForLock(plan);
  if (split) {
    const first = await applyPlan(split.first, hosts, { ...opts, lockHeld: true, replan: undefined });
    if (first.failed.length > 0 || first.error !== undefined || first.notStarted.length > 0) {
      return joinReports(first, null, split.rest.steps.map((s) => s.address));
    }
    const touched = touchedBy(plan.steps);
    return joinReports(first, await applyPlan(split.rest, hosts, { ...opts, ...(opts.replan ? { replan: () => opts.replan!(touched) } : {}) }), []);
  }
  return execute(plan, {
    registry: planRegistry,
    hosts,
    clock,
    secrets,
    ...(opts.parallelism !== undefined ? { parallelism: opts.parallelism } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.replan ? { replan: () => opts.replan!(touchedBy(plan.steps)) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(lockHost && !opts.lockHeld ? {
      lock: new LxdConfigLock(lockHost, {
        timeoutMs: opts.lockTimeoutMs ?? 0, operation: opts.operation ?? 'apply', clock, ...(opts.lockPollMs ? { pollMs: opts.lockPollMs } : {}),
      }),
    } : {}),
    journal,
    progress: opts.progress ?? silentProgress,
  });
}
