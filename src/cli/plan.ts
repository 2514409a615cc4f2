// `microcloud plan FILE`: validate the preseed, gather every machine's live state, and show what
// apply would do — for people (text), for pipelines (--json), and for apply (--out PLANFILE).
// Exit codes: 0 success (no changes, or changes without --detailed-exitcode), 1 error (invalid
// file, unreachable machine, failed preflight), 2 changes (--detailed-exitcode only).
import { toolVersion } from './version.js';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { renderDiagnostic, type Diagnostic } from '../preseed/diagnostics.js';
import type { DesiredState } from '../preseed/desired.js';
import { DEFAULT_PARALLELISM, gather } from '../plan/gather.js';
import { diff, hasErrorFindings, renderPlanText, type Plan } from '../plan/index.js';
import { readPlannedPreseed } from '../plan/preseed-file.js';
import { renderSavedPlan, savedPlan, writePlanFile } from '../plan/saved-plan.js';
import { initiatorEndpoint, siteTargets } from '../plan/targets.js';
import type { ConnectOptions } from '../remote/index.js';
import { EXIT, UsageError, type CommandContext } from './io.js';

export interface PlanCommandOptions {
  json: boolean;
  out?: string;
  detailedExitcode: boolean;
  parallelism: number;
  trustOnFirstUse: boolean;
}

/** Connection settings for reading a site: quick to give up on a machine that is down. */
export const PLAN_CONNECT: ConnectOptions = {
  retry: { retries: 2, minTimeoutMs: 250, maxTimeoutMs: 2000 },
  // Reads are short and killed locally on timeout; nothing needs timeout(1) on the machine.
  remoteTimeout: false,
};

/** `--parallelism N`: a whole number from 1 to 1000; default DEFAULT_PARALLELISM. */
export function parallelismOption(value: string | boolean | undefined): number {
  if (value === undefined) return DEFAULT_PARALLELISM;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 1000) {
    throw new UsageError(`--parallelism must be a whole number from 1 to 1000, not ${JSON.stringify(value)}`, 'plan');
  }
  return n;
}

function printInvalid(ctx: CommandContext, file: string, diagnostics: Diagnostic[], json: boolean): void {
  const { stdout } = ctx.io;
  if (json) {
    const out = diagnostics.map(({ severity, path, line, column, message, hint }) => ({ severity, path, line, column, message, hint }));
    stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  for (const d of diagnostics) stdout.write(`${renderDiagnostic(d)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  stdout.write(`${file} is invalid: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}.\n`);
}

async function makePlan(ctx: CommandContext, desired: DesiredState, text: string, digest: string, version: string, opts: PlanCommandOptions): Promise<Plan> {
  const pathCtx = { baseDir: dirname(desired.file), homeDir: ctx.io.env['HOME'] || homedir() };
  const targets = siteTargets(desired, desired.mode === 'add' ? initiatorEndpoint(text, desired, pathCtx) : null);
  ctx.log.debug('gathering', { machines: targets.map((t) => t.key), parallelism: opts.parallelism });
  const started = Date.now();
  const gathered = await gather(targets, {
    parallelism: opts.parallelism,
    connect: { ...PLAN_CONNECT, trustOnFirstUse: opts.trustOnFirstUse, logger: ctx.log },
  });
  try {
    const unreachable = Object.entries(gathered.live.machines).filter(([, m]) => !m.reachable).map(([k]) => k);
    ctx.log.debug('gathered', { ms: Date.now() - started, unreachable });
    return diff(desired, gathered.live, { preseedDigest: digest, marker: version });
  } finally {
    await gathered.close();
  }
}

export async function planCommand(ctx: CommandContext, file: string, opts: PlanCommandOptions): Promise<number> {
  const { io } = ctx;
  if (opts.out === '') throw new UsageError('--out needs a file name', 'plan');
  const path = resolve(io.cwd, file);
  const loaded = await readPlannedPreseed(path, io.env['HOME'] || undefined);
  const diagnostics = loaded.result.diagnostics.map((d) => ({ ...d, file }));
  const desired = loaded.result.desired;
  if (desired?.sessionPassphrase) ctx.secrets.add(desired.sessionPassphrase.reveal());
  if (!desired || loaded.text === null || loaded.digest === null) {
    printInvalid(ctx, file, diagnostics, opts.json);
    return EXIT.ERROR;
  }
  // Warnings only (errors stopped us above); stdout stays the plan.
  for (const d of diagnostics) io.stderr.write(`${renderDiagnostic(d)}\n`);

  const version = toolVersion();
  const plan = await makePlan(ctx, desired, loaded.text, loaded.digest, version, opts);
  const failed = hasErrorFindings(plan.findings);
  const json = renderSavedPlan(savedPlan(plan, { version, preseedFile: path }), desired.sessionPassphrase ? [desired.sessionPassphrase] : []);
  if (opts.json) {
    io.stdout.write(json);
    // Every finding names its machine; whoever watches the terminal sees why the exit code is 1.
    for (const f of plan.findings.filter((x) => x.severity === 'error')) io.stderr.write(`error: ${f.message}\n`);
  } else {
    io.stdout.write(renderPlanText(plan));
  }
  if (opts.out !== undefined) {
    const note = (line: string) => (opts.json ? io.stderr : io.stdout).write(`${line}\n`);
    if (failed) {
      note(`No plan file written to ${opts.out}: planning failed.`);
    } else {
      await writePlanFile(resolve(io.cwd, opts.out), json);
      note(`Saved the plan to ${opts.out}. Apply exactly these steps with: microcloud apply ${opts.out}`);
    }
  }
  if (failed) return EXIT.ERROR;
  return opts.detailedExitcode && plan.steps.length > 0 ? EXIT.CHANGES : EXIT.OK;
}
