// `microcloud export DEST | --connect FILE [--out FILE] [--strict]`: the running site as a preseed
// that `plan` reads as "No changes". Exit codes: 0 written (warnings on stderr), 1 error (a machine
// unreachable, FILE unusable, or with --strict any warning: then nothing is written), 64 usage.
import { dirname, resolve } from 'node:path';
import { jumpAsWritten } from '../preseed/desired.js';
import { renderDiagnostic } from '../preseed/diagnostics.js';
import { visible } from '../preseed/text.js';
import { connectSystems } from '../export/connect.js';
import { exportSite, type ExportSource } from '../site/export.js';
import { writePlanFile } from '../site/plan-file.js';
import { readPlannedPreseed } from '../site/preseed-file.js';
import { EXIT, UsageError, type CommandContext } from './io.js';

export interface ExportCommandOptions {
  connect?: string;
  out?: string;
  strict: boolean;
  parallelism: number | undefined;
  trustOnFirstUse: boolean;
}

/** DEST as `[user@]host[:port]`, IPv6 hosts in brackets. */
export function destOption(text: string): { host: string; user?: string; port?: number } {
  const d = jumpAsWritten(text);
  if (d.host === '' || /[\s/]/.test(d.host) || d.user === '') {
    throw new UsageError(`DEST must be [user@]host[:port], not ${JSON.stringify(text)}`, 'export');
  }
  if (d.port !== undefined && !(Number.isInteger(d.port) && d.port >= 1 && d.port <= 65535)) {
    throw new UsageError(`the port in DEST must be a whole number from 1 to 65535, not ${JSON.stringify(text)}`, 'export');
  }
  return d;
}

export async function exportCommand(ctx: CommandContext, positionals: string[], opts: ExportCommandOptions): Promise<number> {
  const { io } = ctx;
  const home = io.env['HOME'] || undefined;
  if (opts.out === '') throw new UsageError('--out needs a file name', 'export');
  if (opts.connect === '') throw new UsageError('--connect needs a file name', 'export');
  if ((positionals.length === 1) === (opts.connect !== undefined) || positionals.length > 1) {
    throw new UsageError('export takes one DEST ([user@]host[:port] of a member) or --connect FILE, not both', 'export');
  }
  if (opts.out !== undefined && opts.connect !== undefined && resolve(io.cwd, opts.out) === resolve(io.cwd, opts.connect)) {
    throw new UsageError(`--out ${opts.out} is the --connect file; the export would overwrite it. Give it its own name`, 'export');
  }
  let source: ExportSource;
  if (opts.connect !== undefined) {
    const path = resolve(io.cwd, opts.connect);
    const read = await readPlannedPreseed(path, home);
    const parsed = read.text === null
      ? { systems: null, diagnostics: read.result.diagnostics }
      : connectSystems(path, read.text, { baseDir: dirname(path), homeDir: home ?? '' });
    if (!parsed.systems) {
      for (const d of parsed.diagnostics) io.stderr.write(`${renderDiagnostic({ ...d, file: opts.connect })}\n`);
      io.stderr.write(`${opts.connect}: cannot reach the site from it (only systems[].name, systems[].ssh and ssh: are read).\n`);
      return EXIT.ERROR;
    }
    source = { kind: 'connect', file: opts.connect, systems: parsed.systems };
  } else {
    source = { kind: 'dest', dest: destOption(positionals[0]!), text: positionals[0]! };
  }

  const exported = await exportSite(source, {
    parallelism: opts.parallelism, trustOnFirstUse: opts.trustOnFirstUse, logger: ctx.log, cwd: io.cwd, ...(home ? { home } : {}),
  });
  if (!exported.ok) {
    for (const u of exported.unreachable) io.stderr.write(`error: ${visible(u.name)} is unreachable: ${visible(u.reason)}\n`);
    io.stderr.write('Nothing exported: every machine of the site must be read.\n');
    return EXIT.ERROR;
  }
  const { result, systems } = exported;
  const level = opts.strict ? 'error' : 'warning';
  for (const w of result.warnings) io.stderr.write(`${level}: ${w.message}\n`);
  if (opts.strict && result.warnings.length > 0) {
    io.stderr.write(`Nothing exported (--strict): ${result.warnings.length} thing${result.warnings.length === 1 ? '' : 's'} the preseed cannot express.\n`);
    return EXIT.ERROR;
  }
  if (opts.out === undefined) {
    io.stdout.write(result.text);
  } else {
    // 0600: the file holds a session passphrase.
    await writePlanFile(resolve(io.cwd, opts.out), result.text);
    io.stderr.write(`Exported ${systems.length} system${systems.length === 1 ? '' : 's'} to ${visible(opts.out)}${result.warnings.length ? ` with ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}` : ''}.\n`);
  }
  return EXIT.OK;
}
