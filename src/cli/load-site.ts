// How a command reads its preseed and site: the pipeline of src/site, with the diagnostics printed
// the way `validate` prints them and the file's secrets registered for masking before any log line.
import { resolve } from 'node:path';
import { secretsOf } from '../preseed/desired.js';
import { renderDiagnostic, type Diagnostic } from '../preseed/diagnostics.js';
import { loadSite, planSite, type LoadedSite, type PlannedSite } from '../site/pipeline.js';
import type { CommandContext } from './io.js';
import { printDiagnostics } from './validate.js';

/**
 * The valid site (null when the file is invalid) and every diagnostic, paths as the user typed them.
 * An invalid file in text mode is reported as `validate` reports it, on stdout; otherwise each
 * diagnostic is a line on stderr, so stdout stays the command's result (with --json, the command's
 * own document carries the diagnostics).
 */
export async function loadSiteFor(ctx: CommandContext, file: string, opts: { json: boolean }): Promise<{ site: LoadedSite | null; diagnostics: Diagnostic[] }> {
  const { io } = ctx;
  const { site, diagnostics } = await loadSite(resolve(io.cwd, file), io.env['HOME'] || undefined);
  const shown = diagnostics.map((d) => ({ ...d, file }));
  for (const secret of site ? secretsOf(site.desired) : []) ctx.secrets.add(secret.reveal());
  if (!site && !opts.json) printDiagnostics(io.stdout, file, shown, false);
  else for (const d of shown) io.stderr.write(`${renderDiagnostic(d)}\n`);
  return { site, diagnostics: shown };
}

export function planSiteFor(ctx: CommandContext, site: LoadedSite, opts: { parallelism: number | undefined; trustOnFirstUse: boolean }): Promise<PlannedSite> {
  return planSite(site, { ...opts, logger: ctx.log, ...(ctx.io.env['HOME'] ? { home: ctx.io.env['HOME'] } : {}) });
}
