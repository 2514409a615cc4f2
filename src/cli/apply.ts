// `microcloud apply FILE | PLANFILE`: read the site; when there is work, take the site lock and read
// it again, so the plan shown, confirmed and applied (a saved plan only if it is exactly that plan)
// is the one read under the lock; apply it through applyPlan (src/apply/apply-plan.ts) and report.
// Every path ends with one result (ApplyResult; with --json, one line of it).
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import parseDuration from 'parse-duration';
import { applyPlan } from '../apply/apply-plan.js';
import { lockMachine, splitForLock } from '../apply/lock-first.js';
import { withLock } from '../apply/lock.js';
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
  /** Present only when the plan destroyed something (the file's `remove:`). */
  destroyed?: number;
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
  try {
    const first = planned.plan;
    if (opts.forceUnlock) return await releaseLock(ctx, planned, first, say, fail);
    const refusal = refuseOnFindings(first);
    if (refusal) {
      if (!opts.json) io.stdout.write(renderPlanText(first, { color: ctx.color === true }));
      return fail(refusal, { findings: first.findings });
    }
    // Refusals that the first read already proves cost no lock and no write of any kind.
    const early = savedPlanRefusal(file, saved, first);
    if (early) return fail(early);
    if (first.steps.length === 0) return noChanges(opts, first, say);
    if (!opts.autoApprove && !io.stdin?.isTTY) {
      if (!opts.json) io.stdout.write(renderPlanText(first, { color: ctx.color === true }));
      return fail('refusing to apply: stdin is not a terminal to confirm on. Review the plan and run again with --auto-approve.', { not_started: first.steps.map((s) => s.address) });
    }

    // The site lock lives in the initiator's LXD: a plan that installs it runs its installs first.
    const split = splitForLock(first);
    if (split && saved) {
      return fail(`the saved plan ${file} installs LXD on the initiator ${first.initiator}, where the site lock lives: apply ${saved.preseedFile} instead (its installs run first, then the rest under the lock)`);
    }
    if (split) {
      const stopped = await installsBeforeLock(ctx, site, planned, first, split.first, opts, say);
      if (stopped) return stopped;
    }

    // Lock, then read again: the plan shown, confirmed and applied is the one read under the lock,
    // so no other run can change the site between the read and the last check (Terraform's order).
    const lockHost = planned.gathered.hosts.get(lockMachine(first));
    if (!lockHost) return fail(`no connection to the initiator ${first.initiator}, which holds the site lock`);
    const lock = new LxdConfigLock(lockHost, { timeoutMs: opts.lockTimeoutMs, operation: `apply ${file}`, clock: systemClock });
    const progress = progressFor(io, opts.json);
    let held = false;
    try {
      return await withLock(lock, {
        onWait: (holder) => progress.emit({ type: 'lock-waiting', holder }),
        onTakeover: (message) => progress.emit({ type: 'warning', message }),
        onReleaseError: (err) => io.stderr.write(`warning: the lock could not be released: ${visible(ctx.secrets.scrub((err as Error).message))}\n`),
      }, () => planned.replan(), (plan, releaseSoon) => {
        held = true;
        return underLock(ctx, file, saved, site, planned, plan, opts, say, fail, releaseSoon);
      });
    } catch (err) {
      if (held) throw err;
      return fail(err instanceof LockHeldError ? err.message : `could not take the site lock: ${(err as Error).message}`);
    }
  } finally {
    await planned.gathered.close();
  }
}

/** From the plan read under the lock: the checks again, the plan shown and confirmed, the steps. */
async function underLock(
  ctx: CommandContext, file: string, saved: SavedPlan | null, site: LoadedSite, planned: PlannedSite, plan: Plan,
  opts: ApplyCommandOptions, say: Say, fail: Fail, releaseSoon: () => void,
): Promise<ApplyResult> {
  const { io } = ctx;
  const errorsNow = refuseOnFindings(plan);
  if (errorsNow) return fail(errorsNow, { findings: plan.findings });
  const movedSince = savedPlanRefusal(file, saved, plan);
  if (movedSince) return fail(movedSince);
  if (plan.steps.length === 0) return noChanges(opts, plan, say);
  if (!opts.json) io.stdout.write(renderPlanText(plan, { color: ctx.color === true }));
  if (!opts.autoApprove) {
    if (!(await confirm(io))) {
      io.stderr.write('Apply cancelled: nothing was changed.\n');
      return ended(false, { error: 'cancelled at the prompt; nothing was changed', not_started: plan.steps.map((s) => s.address) });
    }
  }
  const report = await runSteps(ctx, site, planned, plan, opts, true, releaseSoon);
  for (const line of reportLines(report)) say(ctx.secrets.scrub(line));
  const { add, change, destroy } = summarize(plan);
  const destroyed = destroy > 0 ? `, ${destroy} destroyed` : '';
  if (report.ok && !opts.json) io.stdout.write(`\nApply complete! ${add} added, ${change} changed${destroyed}. The site matches the file.\n`);
  return ended(report.ok, {
    added: add, changed: change, ...(destroy > 0 ? { destroyed: destroy } : {}), failed: report.failed.map((f) => f.address), not_started: report.notStarted,
    ...(report.error ? { error: ctx.secrets.scrub(report.error) } : {}),
  });
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

/**
 * A plan that installs the initiator's LXD, where the lock lives (src/apply/lock-first.ts): the plan
 * is shown and confirmed, its snap installs run unlocked, and the caller goes on to lock and read
 * again (which shows the rest). Null once the installs are done; the result to end with otherwise.
 */
async function installsBeforeLock(
  ctx: CommandContext, site: LoadedSite, planned: PlannedSite, plan: Plan, installs: Plan, opts: ApplyCommandOptions, say: Say,
): Promise<ApplyResult | null> {
  const { io } = ctx;
  if (!opts.json) io.stdout.write(renderPlanText(plan, { color: ctx.color === true }));
  say(`The site lock lives in LXD, which this plan installs on ${plan.initiator}: its ${installs.steps.length} snap installs run first, then the site is read again under the lock and the rest is shown${opts.autoApprove ? '' : ' to confirm'}.`);
  if (!opts.autoApprove && !(await confirm(io))) {
    io.stderr.write('Apply cancelled: nothing was changed.\n');
    return ended(false, { error: 'cancelled at the prompt; nothing was changed', not_started: plan.steps.map((s) => s.address) });
  }
  const report = await runSteps(ctx, site, planned, installs, opts, false);
  if (report.failed.length === 0 && report.error === undefined && report.notStarted.length === 0) return null;
  for (const line of reportLines(report)) say(ctx.secrets.scrub(line));
  const installed = new Set(installs.steps.map((s) => s.address));
  return ended(false, {
    failed: report.failed.map((f) => f.address), not_started: [...report.notStarted, ...plan.steps.filter((s) => !installed.has(s.address)).map((s) => s.address)],
    ...(report.error ? { error: ctx.secrets.scrub(report.error) } : {}),
  });
}

/** The steps, under the lock the caller holds, with Ctrl-C stopping the walk as a failure does.
 *  `finalCheck` false: no final read (a first part of the plan, whose rest follows). `releaseSoon`:
 *  the lock's release may start its read alongside the final check (withLock). */
async function runSteps(
  ctx: CommandContext, site: LoadedSite, planned: PlannedSite, plan: Plan, opts: ApplyCommandOptions, finalCheck = true, releaseSoon?: () => void,
): Promise<ApplyReport> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    return await applyPlan(plan, planned.gathered.hosts, {
      parallelism: opts.parallelism,
      lockHeld: true,
      journalPath: opts.journal ?? join(dirname(site.path), '.microcloud', 'journal.jsonl'),
      progress: progressFor(ctx.io, opts.json),
      // Only what the steps touched is read again; the rest is the read under the lock (recheck.ts).
      replan: !finalCheck ? undefined : async (touched) => {
        releaseSoon?.();
        const next = await planned.recheck(touched);
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
