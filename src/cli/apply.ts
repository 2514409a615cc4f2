// `applyPlan`: what `microcloud apply` calls once it has a plan and a Host per machine. It wires the
// generic executor to the plan's step runners, the site lock on the initiator's LXD, the journal
// file and the progress renderer, and confirms convergence with the caller's replan (gather + diff).
import {
  LxdConfigLock, SecretSet, execute, fileJournal, noJournal, planRegistry, silentProgress, systemClock,
  type ApplyReport, type Clock, type Hosts, type ProgressSink, type StepRetryPolicy,
} from '../apply/index.js';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  describeHolder, forceUnlock, jsonProgress, plainProgress, reportLines, terminalProgress,
} from '../apply/index.js';
import { hasErrorFindings, PLAN_DOCUMENT_KIND, renderPlanText, summarize, type Plan } from '../plan/index.js';
import type { SavedPlan } from '../plan/saved-plan.js';
import { namedSecrets, secretsOf } from '../preseed/desired.js';
import type { Secret } from '../preseed/secret.js';
import { EXIT, UsageError, type CliIo, type CommandContext } from './io.js';
import { loadSite, planSite, type PlannedSite } from '../site/pipeline.js';

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
  const lockHost = hosts.get(plan.initiator);
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
    journal,
    progress: opts.progress ?? silentProgress,
  });
}

// ---- microcloud apply FILE | PLANFILE ----------------------------------------------------------

export interface ApplyCommandOptions {
  autoApprove: boolean;
  json: boolean;
  /** --parallelism: machines read and steps run at once; undefined: each stage's own default. */
  parallelism: number | undefined;
  lockTimeoutMs: number;
  trustOnFirstUse: boolean;
  journal?: string;
  forceUnlock: boolean;
}

/** `--lock-timeout`: seconds, or a number with s/m suffix ("90", "90s", "5m"). */
export function lockTimeoutOption(value: string | boolean | undefined): number {
  if (value === undefined) return 0;
  const m = typeof value === 'string' ? /^(\d+)(s|m)?$/.exec(value.trim()) : null;
  if (!m) throw new UsageError(`--lock-timeout must be a duration such as 30s or 5m, not ${JSON.stringify(value)}`, 'apply');
  return Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000);
}

/** A saved plan (`plan --out`), or null when the file is a preseed. */
async function readSavedPlan(path: string): Promise<(SavedPlan & Plan) | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null; // loadSite reports unreadable files in its own words.
  }
  if (!text.trimStart().startsWith('{')) return null;
  try {
    const doc = JSON.parse(text) as SavedPlan & Plan;
    return doc.kind === PLAN_DOCUMENT_KIND ? doc : null;
  } catch {
    return null;
  }
}

async function confirm(io: CliIo): Promise<boolean> {
  io.stderr.write("\nDo you want to perform these actions? Only 'yes' will be accepted: ");
  const rl = createInterface({ input: io.stdin as NodeJS.ReadableStream });
  try {
    const answer = await new Promise<string>((done) => rl.once('line', done).once('close', () => done('')));
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

function progressFor(io: CliIo, json: boolean): ProgressSink {
  if (json) return jsonProgress(io.stdout);
  return io.isTTY ? terminalProgress(io.stderr) : plainProgress(io.stderr);
}

export async function applyCommand(ctx: CommandContext, file: string, opts: ApplyCommandOptions): Promise<number> {
  const { io } = ctx;
  const saved = await readSavedPlan(resolve(io.cwd, file));
  const site = await loadSite(ctx, saved ? saved.preseedFile : file, opts.json);
  if (!site) return EXIT.ERROR;
  if (saved && saved.preseedDigest !== site.digest) {
    io.stderr.write(`microcloud: the saved plan ${file} is stale: ${site.path} changed since it was planned. Run plan again.\n`);
    return EXIT.ERROR;
  }
  const planned = await planSite(ctx, site, opts);
  try {
    if (saved && saved.liveFingerprint !== planned.plan.liveFingerprint) {
      // A machine that cannot be read now (down, or a changed host key) moves the fingerprint too;
      // "stale" alone would hide why.
      for (const f of planned.plan.findings.filter((x) => x.severity === 'error')) io.stderr.write(`error: ${f.message}\n`);
      io.stderr.write(`microcloud: the saved plan ${file} is stale: the site changed since it was planned. Run plan again.\n`);
      return EXIT.ERROR;
    }
    const plan: Plan = saved ?? planned.plan;
    if (opts.forceUnlock) return await releaseLock(ctx, planned, plan);
    if (!opts.json) io.stdout.write(renderPlanText(plan));
    if (hasErrorFindings(plan.findings)) return EXIT.ERROR;
    if (plan.steps.length === 0) {
      if (opts.json) io.stdout.write(`${JSON.stringify({ type: 'result', ok: true, changes: 0 })}\n`);
      return EXIT.OK;
    }
    if (!opts.autoApprove) {
      if (!io.stdin?.isTTY) {
        io.stderr.write('microcloud: refusing to apply: stdin is not a terminal to confirm on. Review the plan and run again with --auto-approve.\n');
        return EXIT.ERROR;
      }
      if (!(await confirm(io))) {
        io.stderr.write('Apply cancelled: nothing was changed.\n');
        return EXIT.ERROR;
      }
    }
    const { add, change } = summarize(plan);
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    const report = await applyPlan(plan, planned.gathered.hosts, {
      parallelism: opts.parallelism,
      lockTimeoutMs: opts.lockTimeoutMs,
      operation: `apply ${file}`,
      journalPath: opts.journal ?? join(dirname(site.path), '.microcloud', 'journal.jsonl'),
      progress: progressFor(io, opts.json),
      replan: async () => {
        const next = await planned.replan();
        // A plan with errors has no steps; that must not read as "converged".
        if (hasErrorFindings(next.findings)) throw new Error(`the final check failed: ${next.findings.filter((f) => f.severity === 'error').map((f) => f.message).join('; ')}`);
        return next.steps;
      },
      secrets: secretsOf(site.desired).map((x) => x.reveal()),
      named: namedSecrets(site.desired),
      signal: controller.signal,
    }).finally(() => process.removeListener('SIGINT', onSignal));
    const out = opts.json ? io.stderr : io.stdout;
    for (const line of reportLines(report)) out.write(`${ctx.secrets.scrub(line)}\n`);
    if (opts.json) io.stdout.write(`${JSON.stringify({ type: 'result', ok: report.ok, added: add, changed: change, failed: report.failed.map((f) => f.address), not_started: report.notStarted })}\n`);
    else if (report.ok) io.stdout.write(`\nApply complete! ${add} added, ${change} changed. The site matches the file.\n`);
    return report.exitCode;
  } finally {
    await planned.gathered.close();
  }
}

async function releaseLock(ctx: CommandContext, planned: PlannedSite, plan: Plan): Promise<number> {
  const host = planned.gathered.hosts.get(plan.initiator);
  if (!host) {
    ctx.io.stderr.write(`microcloud: cannot release the lock: no connection to the initiator ${plan.initiator}.\n`);
    return EXIT.ERROR;
  }
  const holder = await forceUnlock(host);
  ctx.io.stdout.write(holder ? `Released the lock held by ${describeHolder(holder, Date.now())}.\n` : 'The site was not locked.\n');
  return EXIT.OK;
}
