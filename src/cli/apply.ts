// `microcloud apply FILE | PLANFILE`: read the site; when there is work, take the site lock and read
// it again, so the plan shown, confirmed and applied (a saved plan only if it is exactly that plan)
// is the one read under the lock; apply it through applyPlan (src/apply/apply-plan.ts) and report.
// Every path ends with one result (ApplyResult; with --json, one line of it).
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import parseDuration from 'parse-duration';
import { applyPlan } from '../apply/apply-plan.js';
import {
  describeHolder, forceUnlock, jsonProgress, LockHeldError, LxdConfigLock, plainProgress, reportLines, systemClock, terminalProgress,
  type ApplyReport, type ProgressSink,
} from '../apply/index.js';
import { hasErrorFindings, renderPlanText, summarize, type Plan, type PlanFinding } from '../plan/index.js';
import { savedStepsDiffer, unreadableSavedPlan, type SavedPlan } from '../plan/saved-plan.js';
import { namedSecrets, secretsOf } from '../preseed/desired.js';
import type { Host } from '../remote/index.js';
import type { LoadedSite, PlannedSite } from '../site/pipeline.js';
import { readSavedPlan } from '../site/plan-file.js';
import { EXIT, UsageError, type CliIo, type CommandContext } from './io.js';
import { loadSiteFor, planSiteFor } from './load-site.js';
import { diagnosticsJson } from './validate.js';
import { jsonText, visible } from '../preseed/text.js';

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

// Go's duration syntax (time.ParseDuration, as Terraform's -lock-timeout takes it): one or more
// number+unit pairs, units ns, us, µs, ms, s, m, h. parse-duration does the arithmetic; this only
// keeps out what Go would refuse ("1 hour", "5 m"), which parse-duration would read.
const GO_DURATION = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/;

/** `--lock-timeout`: a Go/Terraform duration (`90s`, `1m30s`, `1h`), or a whole number of seconds. */
export function lockTimeoutOption(value: string | boolean | undefined): number {
  if (value === undefined) return 0;
  const text = typeof value === 'string' ? value.trim() : '';
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : GO_DURATION.test(text) ? parseDuration(text) : null;
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms > 7 * 24 * 3600_000) {
    throw new UsageError(`--lock-timeout must be a duration such as 90s, 1m30s or 1h (at most a week), not ${JSON.stringify(value)}`, 'apply');
  }
  return Math.round(ms);
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

/**
 * How an apply ended, on every path: `--json` prints it as the one closing `result` line
 * (schemas/apply-result.schema.json); text mode has already said it in words.
 */
export interface ApplyResult {
  type: 'result';
  ok: boolean;
  added: number;
  changed: number;
  failed: string[];
  not_started: string[];
  error?: string;
  findings?: PlanFinding[];
  diagnostics?: ReturnType<typeof diagnosticsJson>;
}

const ended = (ok: boolean, extra: Partial<ApplyResult> = {}): ApplyResult => ({
  type: 'result', ok, added: 0, changed: 0, failed: [], not_started: [], ...extra,
});

export async function applyCommand(ctx: CommandContext, file: string, opts: ApplyCommandOptions): Promise<number> {
  const { io } = ctx;
  // Text on stderr in --json mode: stdout carries events and the result only.
  const say = (line: string): void => { (opts.json ? io.stderr : io.stdout).write(`${line}\n`); };
  const fail = (message: string, extra: Partial<ApplyResult> = {}): ApplyResult => {
    io.stderr.write(`microcloud: ${visible(ctx.secrets.scrub(message))}\n`);
    return ended(false, { error: ctx.secrets.scrub(message), ...extra });
  };
  let result: ApplyResult;
  try {
    result = await applyRun(ctx, file, opts, say, fail);
  } catch (err) {
    result = fail((err as Error).message);
  }
  if (opts.json) io.stdout.write(jsonText(result));
  return result.ok ? EXIT.OK : EXIT.ERROR;
}

type Say = (line: string) => void;
type Fail = (message: string, extra?: Partial<ApplyResult>) => ApplyResult;

async function applyRun(ctx: CommandContext, file: string, opts: ApplyCommandOptions, say: Say, fail: Fail): Promise<ApplyResult> {
  const { io } = ctx;
  const saved = await readSavedPlan(resolve(io.cwd, file));
  if (saved) {
    const unreadable = unreadableSavedPlan(saved);
    if (unreadable) return fail(`cannot apply ${file}: ${unreadable}. Run plan again with this build.`);
  }
  const loaded = await loadSiteFor(ctx, saved ? saved.preseedFile : file, { json: opts.json });
  if (!loaded.site) return fail(`${saved ? saved.preseedFile : file} is invalid; nothing was applied`, { diagnostics: diagnosticsJson(loaded.diagnostics) });
  const site = loaded.site;
  if (saved && saved.preseedDigest !== site.digest) {
    return fail(`the saved plan ${file} is stale: ${site.path} changed since it was planned. Run plan again.`);
  }
  const planned = await planSiteFor(ctx, site, opts);
  let lock: LxdConfigLock | null = null;
  try {
    const first = planned.plan;
    if (opts.forceUnlock) return await releaseLock(ctx, planned, first, say, fail);
    const refusal = refuseOnFindings(first);
    if (refusal) {
      if (!opts.json) io.stdout.write(renderPlanText(first));
      return fail(refusal, { findings: first.findings });
    }
    // Refusals that the first read already proves cost no lock and no write of any kind.
    const early = savedPlanRefusal(file, saved, first);
    if (early) return fail(early);
    if (first.steps.length === 0) return noChanges(opts, first, say);
    if (!opts.autoApprove && !io.stdin?.isTTY) {
      if (!opts.json) io.stdout.write(renderPlanText(first));
      return fail('refusing to apply: stdin is not a terminal to confirm on. Review the plan and run again with --auto-approve.', { not_started: first.steps.map((s) => s.address) });
    }

    // Lock, then read again: the plan shown, confirmed and applied is the one read under the lock,
    // so no other run can change the site between the read and the last check (Terraform's order).
    const lockHost = planned.gathered.hosts.get(first.initiator);
    if (!lockHost) return fail(`no connection to the initiator ${first.initiator}, which holds the site lock`);
    lock = new LxdConfigLock(lockHost, { timeoutMs: opts.lockTimeoutMs, operation: `apply ${file}`, clock: systemClock });
    const progress = progressFor(io, opts.json);
    try {
      await lock.acquire((holder) => progress.emit({ type: 'lock-waiting', holder }), (message) => progress.emit({ type: 'warning', message }));
    } catch (err) {
      lock = null;
      return fail(err instanceof LockHeldError ? err.message : `could not take the site lock: ${(err as Error).message}`);
    }
    const plan = await planned.replan();
    const errorsNow = refuseOnFindings(plan);
    if (errorsNow) return fail(errorsNow, { findings: plan.findings });
    const movedSince = savedPlanRefusal(file, saved, plan);
    if (movedSince) return fail(movedSince);
    if (plan.steps.length === 0) return noChanges(opts, plan, say);
    if (!opts.json) io.stdout.write(renderPlanText(plan));
    if (!opts.autoApprove) {
      if (!(await confirm(io))) {
        io.stderr.write('Apply cancelled: nothing was changed.\n');
        return ended(false, { error: 'cancelled at the prompt; nothing was changed', not_started: plan.steps.map((s) => s.address) });
      }
    }
    const report = await runSteps(ctx, site, planned, plan, opts);
    for (const line of reportLines(report)) say(ctx.secrets.scrub(line));
    const { add, change } = summarize(plan);
    if (report.ok && !opts.json) io.stdout.write(`\nApply complete! ${add} added, ${change} changed. The site matches the file.\n`);
    return ended(report.ok, {
      added: add, changed: change, failed: report.failed.map((f) => f.address), not_started: report.notStarted,
      ...(report.error ? { error: ctx.secrets.scrub(report.error) } : {}),
    });
  } finally {
    if (lock) {
      await lock.release().catch((err: unknown) => io.stderr.write(`warning: the lock could not be released: ${visible(ctx.secrets.scrub((err as Error).message))}\n`));
    }
    await planned.gathered.close();
  }
}

/** Why a saved plan may not run against this fresh plan (stale, or not the same steps), or null. */
function savedPlanRefusal(file: string, saved: SavedPlan | null, plan: Plan): string | null {
  if (!saved) return null;
  if (saved.liveFingerprint !== plan.liveFingerprint) return `the saved plan ${file} is stale: the site changed since it was planned. Run plan again.`;
  const differs = savedStepsDiffer(saved.steps, plan.steps);
  if (differs.length === 0) return null;
  return `the saved plan ${file} is not the plan this file and site produce (it was edited, or made by another build): ${differs.join('; ')}. Nothing was applied; run plan again.`;
}

/** The plan's error findings, as one line. */
const errorMessages = (plan: Plan): string => plan.findings.filter((f) => f.severity === 'error').map((f) => f.message).join('; ');

function refuseOnFindings(plan: Plan): string | null {
  return hasErrorFindings(plan.findings) ? `the plan has errors, so nothing was applied: ${errorMessages(plan)}` : null;
}

function noChanges(opts: ApplyCommandOptions, plan: Plan, say: Say): ApplyResult {
  if (!opts.json) say(renderPlanText(plan).trimEnd());
  return ended(true);
}

/** The steps, under the lock the caller holds, with Ctrl-C stopping the walk as a failure does. */
async function runSteps(ctx: CommandContext, site: LoadedSite, planned: PlannedSite, plan: Plan, opts: ApplyCommandOptions): Promise<ApplyReport> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    return await applyPlan(plan, planned.gathered.hosts, {
      parallelism: opts.parallelism,
      lockHeld: true,
      journalPath: opts.journal ?? join(dirname(site.path), '.microcloud', 'journal.jsonl'),
      progress: progressFor(ctx.io, opts.json),
      replan: async () => {
        const next = await planned.replan();
        // A plan with errors has no steps; that must not read as "converged".
        if (hasErrorFindings(next.findings)) throw new Error(`the final check failed: ${errorMessages(next)}`);
        return next.steps;
      },
      secrets: secretsOf(site.desired).map((x) => x.reveal()),
      named: namedSecrets(site.desired),
      signal: controller.signal,
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

async function releaseLock(ctx: CommandContext, planned: PlannedSite, plan: Plan, say: Say, fail: Fail): Promise<ApplyResult> {
  const host: Host | undefined = planned.gathered.hosts.get(plan.initiator);
  if (!host) return fail(`cannot release the lock: no connection to the initiator ${plan.initiator}`);
  const holder = await forceUnlock(host);
  say(holder ? `Released the lock held by ${describeHolder(holder, Date.now())}.` : 'The site was not locked.');
  return ended(true);
}
