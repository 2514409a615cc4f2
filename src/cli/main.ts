#!/usr/bin/env node
// The `microcloud` command: parse arguments, set up logging, dispatch. Nothing here may end in a
// stack trace: usage errors and failures are one clear message and a documented exit code.
//
// Start-up is paid by every command, so this file imports only what parsing the arguments needs; a
// command's modules (and through them ssh2, undici, winston, yaml) are imported when it runs.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, UsageError, type CliIo, type CommandContext } from './io.js';
import type { LogFormat, LogLevel } from './log.js';
import { SecretSet } from '../secrets.js';
import { toolVersion } from '../site/version.js';
import { closestKey } from '../preseed/suggest.js';
import { visible } from '../preseed/text.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

interface Command {
  summary: string;
  usage: string;
  options: Options;
  /** What each option does, for `microcloud <command> --help`: every option has a line (tests/cli/main.test.ts). */
  help: Record<string, string>;
  /** Hands the rest of the arguments to a command with its own parser (lab). */
  passthrough?: boolean;
  run(ctx: CommandContext, positionals: string[], values: Values): Promise<number>;
}

const GLOBAL_OPTIONS: Options = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  'log-format': { type: 'string' },
  'log-level': { type: 'string' },
  'no-color': { type: 'boolean' },
};

const COMMANDS: Record<string, Command> = {
  validate: {
    summary: 'Check a preseed file: every error and warning, with line, column and key path',
    usage: 'microcloud validate FILE [--json]',
    options: { json: { type: 'boolean' } },
    help: { json: 'Print the diagnostics as a JSON array of {severity, path, line, column, message, hint}' },
    async run(ctx, positionals, values) {
      if (positionals.length !== 1) throw new UsageError('validate takes exactly one FILE', 'validate');
      const { validateCommand } = await import('./validate.js');
      return validateCommand(ctx, positionals[0] as string, values['json'] === true);
    },
  },
  plan: {
    summary: 'Show what apply would do: read every machine, compare with the file, list the steps',
    usage: 'microcloud plan FILE [--json] [--out PLANFILE] [--detailed-exitcode] [--parallelism N] [--trust-on-first-use]',
    options: {
      json: { type: 'boolean' },
      out: { type: 'string' },
      'detailed-exitcode': { type: 'boolean' },
      parallelism: { type: 'string' },
      'trust-on-first-use': { type: 'boolean' },
    },
    help: {
      json: 'Print the plan as the versioned JSON document (the same one --out saves)',
      out: 'Save the plan to PLANFILE (mode 0600) for `apply PLANFILE`; it never holds a secret',
      'detailed-exitcode': 'Exit 2 when the plan has changes, 0 when it has none (1 stays an error)',
      parallelism: 'Machines read at once, 1 to 1000 (default 64)',
      'trust-on-first-use': "Accept and record an unknown host's key (never a changed one)",
    },
    async run(ctx, positionals, values) {
      if (positionals.length !== 1) throw new UsageError('plan takes exactly one FILE', 'plan');
      const { parallelismOption, planCommand } = await import('./plan.js');
      const out = values['out'];
      return planCommand(ctx, positionals[0] as string, {
        json: values['json'] === true,
        ...(typeof out === 'string' ? { out } : {}),
        detailedExitcode: values['detailed-exitcode'] === true,
        parallelism: parallelismOption(values['parallelism']),
        trustOnFirstUse: values['trust-on-first-use'] === true,
      });
    },
  },
  apply: {
    summary: 'Show the plan, then carry it out; a saved plan (plan --out) is applied only if the site has not changed',
    usage: 'microcloud apply FILE|PLANFILE [--auto-approve] [--json] [--parallelism N] [--lock-timeout DURATION] [--journal PATH] [--trust-on-first-use] [--force-unlock]',
    options: {
      'auto-approve': { type: 'boolean' },
      json: { type: 'boolean' },
      parallelism: { type: 'string' },
      'lock-timeout': { type: 'string' },
      journal: { type: 'string' },
      'trust-on-first-use': { type: 'boolean' },
      'force-unlock': { type: 'boolean' },
    },
    help: {
      'auto-approve': 'Apply without asking; required when stdin is not a terminal',
      json: 'Stream one JSON event per line and end with one result line (schemas/output.schema.json)',
      parallelism: 'Machines read and steps run at once, 1 to 1000 (defaults: 64 reads, 10 steps)',
      'lock-timeout': 'How long to wait for a lock another run holds: 90s, 1m30s, 1h (default 0: fail at once)',
      journal: 'Where to append the step journal (default .microcloud/journal.jsonl next to the file)',
      'trust-on-first-use': "Accept and record an unknown host's key (never a changed one)",
      'force-unlock': 'Remove the site lock a dead run left on another machine, say whose it was, and stop',
    },
    async run(ctx, positionals, values) {
      if (positionals.length !== 1) throw new UsageError('apply takes exactly one FILE or PLANFILE', 'apply');
      const [{ applyCommand, lockTimeoutOption }, { parallelismOption }] = await Promise.all([import('./apply.js'), import('./plan.js')]);
      const journal = values['journal'];
      return applyCommand(ctx, positionals[0] as string, {
        autoApprove: values['auto-approve'] === true,
        json: values['json'] === true,
        parallelism: parallelismOption(values['parallelism'], 'apply'),
        lockTimeoutMs: lockTimeoutOption(values['lock-timeout']),
        trustOnFirstUse: values['trust-on-first-use'] === true,
        ...(typeof journal === 'string' ? { journal } : {}),
        forceUnlock: values['force-unlock'] === true,
      });
    },
  },
  status: {
    summary: 'Is the site in sync with the file, and healthy (members online, Ceph health)? Read-only',
    usage: 'microcloud status FILE [--json] [--parallelism N] [--trust-on-first-use]',
    options: {
      json: { type: 'boolean' },
      parallelism: { type: 'string' },
      'trust-on-first-use': { type: 'boolean' },
    },
    help: {
      json: 'Print {format_version, in_sync, differences, errors, healthy, services}',
      parallelism: 'Machines read at once, 1 to 1000 (default 64)',
      'trust-on-first-use': "Accept and record an unknown host's key (never a changed one)",
    },
    async run(ctx, positionals, values) {
      if (positionals.length !== 1) throw new UsageError('status takes exactly one FILE', 'status');
      const [{ statusCommand }, { parallelismOption }] = await Promise.all([import('./status.js'), import('./plan.js')]);
      return statusCommand(ctx, positionals[0] as string, {
        json: values['json'] === true,
        parallelism: parallelismOption(values['parallelism'], 'status'),
        trustOnFirstUse: values['trust-on-first-use'] === true,
      });
    },
  },
  export: {
    summary: 'Write the running site as a preseed that plan reads as "No changes" (warnings for what it cannot express)',
    usage: 'microcloud export DEST | --connect FILE [--out FILE] [--strict] [--parallelism N] [--trust-on-first-use]',
    options: {
      connect: { type: 'string' },
      out: { type: 'string' },
      strict: { type: 'boolean' },
      parallelism: { type: 'string' },
      'trust-on-first-use': { type: 'boolean' },
    },
    help: {
      connect: "Reach each machine as FILE's systems[].name and ssh: settings say (instead of DEST, [user@]host[:port] of one member)",
      out: 'Write the preseed to FILE (mode 0600) instead of stdout',
      strict: 'Treat every warning (what the preseed cannot express) as an error: exit 1, write nothing',
      parallelism: 'Machines read at once, 1 to 1000 (default 64)',
      'trust-on-first-use': "Accept and record an unknown host's key (never a changed one)",
    },
    async run(ctx, positionals, values) {
      const [{ exportCommand }, { parallelismOption }] = await Promise.all([import('./export.js'), import('./plan.js')]);
      const connect = values['connect'];
      const out = values['out'];
      return exportCommand(ctx, positionals, {
        ...(typeof connect === 'string' ? { connect } : {}),
        ...(typeof out === 'string' ? { out } : {}),
        strict: values['strict'] === true,
        parallelism: parallelismOption(values['parallelism'], 'export'),
        trustOnFirstUse: values['trust-on-first-use'] === true,
      });
    },
  },
  schema: {
    summary: 'Print the preseed JSON Schema (for editors and other tools)',
    usage: 'microcloud schema',
    options: {},
    help: {},
    async run(ctx, positionals) {
      if (positionals.length > 0) throw new UsageError('schema takes no arguments', 'schema');
      const { SCHEMA_URL } = await import('../preseed/schema.js');
      ctx.io.stdout.write(readFileSync(SCHEMA_URL, 'utf8'));
      return EXIT.OK;
    },
  },
  lab: {
    summary: 'Run a simulated site to try the tool without hardware (lab up|down|status)',
    usage: 'microcloud lab up --nodes N [--dir DIR] [--latency MS] [--detach] | lab down [--dir DIR] | lab status [--dir DIR]',
    options: {},
    passthrough: true,
    help: {},
    async run(_ctx, positionals) {
      const { labCommand } = await import('../lab/cli.js');
      return labCommand(positionals);
    },
  },
};


function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'microcloud: turn a MicroCloud preseed into a running LXD + MicroCeph + MicroOVN cluster, and keep it so.',
    '',
    'Usage: microcloud [global options] <command> [arguments]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    ...GLOBAL_HELP,
    '',
    'Exit codes: 0 success, 1 error or invalid input, 2 changes (plan --detailed-exitcode) or out of sync/unhealthy (status), 64 usage error.',
  ].join('\n');
}

const GLOBAL_HELP = [
  '  --log-format text|json   Log as readable text (default) or JSON lines; logs go to stderr',
  '  --log-level LEVEL        error, warn, info (default) or debug',
  '  --no-color               No colors (logs on a terminal, the plan on a terminal; also NO_COLOR=1)',
  '  -h, --help               Show help (also `microcloud <command> --help`)',
  '  --version                Show the version',
];

function commandHelp(c: Command): string {
  const metavar = (name: string): string =>
    ({ out: c.usage.includes('--out PLANFILE') ? 'PLANFILE' : 'FILE', connect: 'FILE', journal: 'PATH', 'lock-timeout': 'DURATION' })[name] ?? 'N';
  const flag = (name: string): string => `--${name}${c.options[name]?.type === 'string' ? ` ${metavar(name)}` : ''}`;
  const width = Math.max(24, ...Object.keys(c.options).map((n) => flag(n).length));
  const lines = Object.keys(c.options).map((n) => `  ${flag(n).padEnd(width)} ${c.help[n] ?? ''}`);
  return [`Usage: ${c.usage}`, '', `${c.summary}.`, ...(lines.length ? ['', 'Options:', ...lines] : []), '', 'Global options:', ...GLOBAL_HELP].join('\n');
}

/** The command word: the first argument that is neither a global option nor a global option's value. */
function splitCommand(argv: string[]): { name: string | undefined; before: string[]; after: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) return { name: arg, before: argv.slice(0, i), after: argv.slice(i + 1) };
    const long = arg.replace(/^--/, '').split('=')[0] as string;
    if (!arg.includes('=') && GLOBAL_OPTIONS[long]?.type === 'string') i++;
  }
  return { name: undefined, before: argv, after: [] };
}

function parse(argv: string[], options: Options, command?: string): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (e) {
    // Node's messages name the option ("Unknown option '--x'"); drop its advice about '--'.
    const message = (e as Error).message.split('. To specify a positional')[0] ?? 'invalid arguments';
    throw new UsageError(message, command);
  }
}

function choice<T extends string>(value: unknown, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const secrets = new SecretSet();
  try {
    const { name, before, after } = splitCommand(argv);
    const command = name !== undefined ? COMMANDS[name] : undefined;
    if (name !== undefined && !command) {
      const near = closestKey(name, Object.keys(COMMANDS));
      throw new UsageError(`unknown command ${JSON.stringify(name)}${near ? ` (did you mean "${near}"?)` : ''}; commands: ${Object.keys(COMMANDS).join(', ')}`);
    }
    // A passthrough command parses its own options; only global options before its name count here.
    const parsed = parse(command?.passthrough ? before : [...before, ...after], { ...GLOBAL_OPTIONS, ...(command?.options ?? {}) }, name);
    const values = parsed.values;
    const positionals = command?.passthrough ? after : parsed.positionals;
    if (values['version']) {
      io.stdout.write(`microcloud-apply ${toolVersion()}\n`);
      return EXIT.OK;
    }
    if (!command || (values['help'] && !command.passthrough)) {
      if (!command && !values['help']) throw new UsageError('no command given');
      io.stdout.write(`${command ? commandHelp(command) : help()}\n`);
      return EXIT.OK;
    }
    const format = choice<LogFormat>(values['log-format'], ['text', 'json'], '--log-format') ?? 'text';
    const level = choice<LogLevel>(values['log-level'], ['error', 'warn', 'info', 'debug'], '--log-level') ?? 'info';
    const { createLogger } = await import('./log.js');
    const colors = values['no-color'] !== true && !io.env['NO_COLOR'];
    const log = createLogger({ format, level, secrets, stream: io.stderr, color: io.isTTY && colors });
    return await command.run({ io, log, secrets, color: io.stdoutIsTTY === true && colors }, positionals, values);
  } catch (e) {
    if (e instanceof UsageError) {
      const more = e.command && COMMANDS[e.command] ? `Usage: ${COMMANDS[e.command]?.usage}` : "Run 'microcloud --help' for usage.";
      io.stderr.write(`microcloud: ${visible(secrets.scrub(e.message))}\n${more}\n`);
      return EXIT.USAGE;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`microcloud: error: ${visible(secrets.scrub(message))}\n`);
    return EXIT.ERROR;
  }
}

function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTTY: Boolean(process.stderr.isTTY), stdoutIsTTY: Boolean(process.stdout.isTTY), cwd: process.cwd(), env: process.env };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`microcloud: error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = EXIT.ERROR;
    },
  );
}
