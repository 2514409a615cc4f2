// `applyPlan`: what `microcloud apply` calls once it has a plan and a Host per machine. It wires the
// generic executor to the plan's step runners, the site lock on the initiator's LXD, the journal
// file and the progress renderer, and confirms convergence with the caller's replan (gather + diff).
import {
  LxdConfigLock, SecretSet, execute, fileJournal, noJournal, planRegistry, silentProgress, systemClock,
  type ApplyReport, type Clock, type Hosts, type ProgressSink, type StepRetryPolicy,
} from '../apply/index.js';
import { hasErrorFindings, type Plan } from '../plan/index.js';

export interface ApplyPlanOptions {
  /** Steps at once (--parallelism); default 10. */
  parallelism?: number;
  /** How long to wait for a lock another run holds (--lock-timeout); default 0: fail at once. */
  lockTimeoutMs?: number;
  /** Shown to whoever finds the lock taken, e.g. "apply site.yaml". */
  operation?: string;
  /** JSON lines are appended here; null or absent: no journal file. */
  journalPath?: string | null;
  progress?: ProgressSink;
  /** The steps a fresh plan still has (gather + diff); absent: convergence is not checked. */
  replan?: () => Promise<readonly { address: string }[]>;
  /** Values to mask wherever they might appear (the session passphrase, say). */
  secrets?: readonly string[];
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
  const lockHost = hosts.get(plan.initiator);
  if (!lockHost && plan.steps.length > 0) return refused(`no connection to the initiator ${plan.initiator}, which holds the site lock`, plan);
  const clock = opts.clock ?? systemClock;
  const secrets = new SecretSet();
  for (const s of opts.secrets ?? []) secrets.add(s);
  return execute(plan, {
    registry: planRegistry,
    hosts,
    clock,
    secrets,
    ...(opts.parallelism !== undefined ? { parallelism: opts.parallelism } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.replan ? { replan: opts.replan } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(lockHost ? {
      lock: new LxdConfigLock(lockHost, {
        timeoutMs: opts.lockTimeoutMs ?? 0, operation: opts.operation ?? 'apply', clock, ...(opts.lockPollMs ? { pollMs: opts.lockPollMs } : {}),
      }),
    } : {}),
    journal: opts.journalPath ? fileJournal(opts.journalPath, clock.now) : noJournal,
    progress: opts.progress ?? silentProgress,
  });
}
