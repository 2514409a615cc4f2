// `microcloud plan FILE`: validate the preseed, gather every machine's live state, and show what
// apply would do — for people (text), for pipelines (--json), and for apply (--out PLANFILE).
// Exit codes: 0 success (no changes, or changes without --detailed-exitcode), 1 error (invalid
// file, unreachable machine, failed preflight), 2 changes (--detailed-exitcode only).
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { hasErrorFindings, PLAN_DOCUMENT_KIND, PLAN_FORMAT_VERSION, renderPlanText } from '../plan/index.js';
import { renderSavedPlan, savedPlan } from '../plan/saved-plan.js';
import { writePlanFile } from '../site/plan-file.js';
import { secretsOf } from '../preseed/desired.js';
import { EXIT, UsageError, type CommandContext } from './io.js';
import { loadSiteFor, planSiteFor } from './load-site.js';
import { diagnosticsJson } from './validate.js';
import { jsonText, visible } from '../preseed/text.js';

export interface PlanCommandOptions {
  json: boolean;
  out?: string;
  detailedExitcode: boolean;
  /** --parallelism; undefined: each stage's own default. */
  parallelism: number | undefined;
  trustOnFirstUse: boolean;
}

/**
 * `--parallelism N`: a whole number from 1 to 1000. Unset (undefined), reads and steps each keep
 * their own default (DEFAULT_READ_PARALLELISM machines read at once, DEFAULT_PARALLELISM steps).
 */
export function parallelismOption(value: string | boolean | undefined, command = 'plan'): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 1000) {
    throw new UsageError(`--parallelism must be a whole number from 1 to 1000, not ${JSON.stringify(value)}`, command);
  }
  return n;
}

export async function planCommand(ctx: CommandContext, file: string, opts: PlanCommandOptions): Promise<number> {
  const { io } = ctx;
  if (opts.out === '') throw new UsageError('--out needs a file name', 'plan');
  if (opts.out !== undefined && samePath(resolve(io.cwd, opts.out), resolve(io.cwd, file))) {
    throw new UsageError(`--out ${opts.out} is the preseed being planned; the plan would overwrite it. Give the plan its own file, such as site.plan`, 'plan');
  }
  const { site, diagnostics } = await loadSiteFor(ctx, file, { json: opts.json });
  if (!site) {
    // The plan document's own shape (schemas/plan-document.schema.json), with the diagnostics inside.
    if (opts.json) io.stdout.write(jsonText({ kind: PLAN_DOCUMENT_KIND, format_version: PLAN_FORMAT_VERSION, error: `${file} is invalid`, diagnostics: diagnosticsJson(diagnostics) }, 2));
    return EXIT.ERROR;
  }
  const planned = await planSiteFor(ctx, site, opts);
  await planned.gathered.close();
  const { plan, version } = planned;
  const failed = hasErrorFindings(plan.findings);
  const json = renderSavedPlan(savedPlan(plan, { version, preseedFile: site.path }), secretsOf(site.desired));
  if (opts.json) {
    io.stdout.write(json);
    // Every finding names its machine; whoever watches the terminal sees why the exit code is 1.
    for (const f of plan.findings.filter((x) => x.severity === 'error')) io.stderr.write(`error: ${visible(f.message)}\n`);
  } else {
    io.stdout.write(renderPlanText(plan, { color: ctx.color === true }));
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

/** Whether two paths name one file (a link or `./` does not hide it). */
function samePath(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  return a === b || real(a) === real(b);
}
