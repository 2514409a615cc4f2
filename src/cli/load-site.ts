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
 * With `print`, errors are printed as `validate` prints them; warnings always go to stderr.
 */
export async function loadSiteFor(ctx: CommandContext, file: string, opts: { json: boolean; print: boolean }): Promise<{ site: LoadedSite | null; diagnostics: Diagnostic[] }> {
  const { io } = ctx;
  const { site, diagnostics } = await loadSite(resolve(io.cwd, file), io.env['HOME'] || undefined);
  // Paths in messages stay as the user typed them.
  const shown = diagnostics.map((d) => ({ ...d, file }));
  for (const secret of site ? secretsOf(site.desired) : []) ctx.secrets.add(secret.reveal());
  if (!site) {
    if (opts.print) printDiagnostics(io.stdout, file, shown, opts.json);
    else for (const d of shown) io.stderr.write(`${renderDiagnostic(d)}\n`);
    return { site: null, diagnostics: shown };
  }
  // Warnings only (errors stopped us above); stdout stays the command's result.
  for (const d of shown) io.stderr.write(`${renderDiagnostic(d)}\n`);
  return { site, diagnostics: shown };
}

export function planSiteFor(ctx: CommandContext, site: LoadedSite, opts: { parallelism: number | undefined; trustOnFirstUse: boolean }): Promise<PlannedSite> {
  return planSite(site, { ...opts, logger: ctx.log, ...(ctx.io.env['HOME'] ? { home: ctx.io.env['HOME'] } : {}) });
}
