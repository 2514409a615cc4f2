// `microcloud validate FILE [--json]`: every finding at once; exit 0 when valid (warnings allowed).
import { resolve } from 'node:path';
import { secretsOf } from '../preseed/desired.js';
import { hasErrors, renderDiagnostic, type Diagnostic } from '../preseed/diagnostics.js';
import { readPreseedFile } from '../site/preseed-file.js';
import { EXIT, type CommandContext } from './io.js';
import { jsonText } from '../preseed/text.js';

/**
 * Diagnostics as `validate` prints them, for every command that reads a preseed: the documented
 * `[{severity, path, line, column, message, hint}]` with --json, else one located line each and a
 * closing summary.
 */
/** The documented JSON of diagnostics: `[{severity, path, line, column, message, hint}]`. */
export function diagnosticsJson(diagnostics: readonly Diagnostic[]): Pick<Diagnostic, 'severity' | 'path' | 'line' | 'column' | 'message' | 'hint'>[] {
  return diagnostics.map(({ severity, path, line, column, message, hint }) => ({ severity, path, line, column, message, hint }));
}

export function printDiagnostics(out: NodeJS.WritableStream, file: string, diagnostics: Diagnostic[], json: boolean): { errors: number; warnings: number } {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (json) {
    out.write(jsonText(diagnosticsJson(diagnostics), 2));
  } else {
    for (const d of diagnostics) out.write(`${renderDiagnostic(d)}\n`);
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    if (errors > 0) out.write(`${file} is invalid: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}.\n`);
    else out.write(`${file} is valid${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}.\n`);
  }
  return { errors, warnings };
}

export async function validateCommand(ctx: CommandContext, file: string, json: boolean): Promise<number> {
  const { io, log } = ctx;
  const result = await readPreseedFile(resolve(io.cwd, file), io.env['HOME'] || undefined);
  // Paths in messages stay as the user typed them.
  const diagnostics = result.diagnostics.map((d) => ({ ...d, file }));
  for (const secret of result.desired ? secretsOf(result.desired) : []) ctx.secrets.add(secret.reveal());
  const { errors, warnings } = printDiagnostics(io.stdout, file, diagnostics, json);
  log.debug('validated preseed', { file, errors, warnings, systems: result.desired?.systems.length ?? null });
  return hasErrors(diagnostics) ? EXIT.ERROR : EXIT.OK;
}
