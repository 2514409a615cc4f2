// `microceph.ceph health [detail] [--format json|json-pretty|plain]`, `osd set|unset <flag>` and
// `config-key …` (ceph-mon.ts): the ceph CLI that the MicroCeph snap exposes as the `ceph` app.
import { configKey, osdFlag } from './ceph-mon.js';
import { type CephHealth, type CephMonitors, type CommandContext, type CommandImpl, type CommandResult, fail, ok } from './types.js';

const NO_CONF = "Error initializing cluster client: ObjectNotFound('RADOS object not found (error calling conf_read_file)')";
const NO_PERMISSION = "Error initializing cluster client: PermissionDeniedError('error calling conf_read_file')";

interface CheckLike { severity?: string; summary?: { message?: string }; detail?: { message?: string }[] }

function plain(health: CephHealth, detail: boolean): string {
  const checks = Object.entries(health.checks) as [string, CheckLike][];
  const summaries = checks.map(([, c]) => c.summary?.message ?? '');
  let out = checks.length ? `${health.status} ${summaries.join('; ')}\n` : `${health.status}\n`;
  if (detail) {
    for (const [name, c] of checks) {
      const tag = c.severity === 'HEALTH_ERR' ? 'ERR' : 'WRN';
      out += `[${tag}] ${name}: ${c.summary?.message ?? ''}\n`;
      for (const d of c.detail ?? []) out += `    ${d.message ?? ''}\n`;
    }
  }
  return out;
}

export const microcephCeph: CommandImpl = (args, ctx) => {
  let format = 'plain';
  const words: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '--format' || a === '-f') {
      const f = args[++k];
      if (f === undefined) return fail(`${a}: expected one argument`, 2);
      format = f;
    } else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else words.push(a);
  }
  if (!['plain', 'json', 'json-pretty'].includes(format)) {
    return fail(`lab: output format ${JSON.stringify(format)} is not simulated (use json, json-pretty or plain)`, 22);
  }
  const [cmd, ...sub] = words;
  const monitorCommand = (cmd === 'osd' && (sub[0] === 'set' || sub[0] === 'unset')) || cmd === 'config-key';
  if (!monitorCommand && (cmd !== 'health' || (sub.length > 0 && !(sub.length === 1 && sub[0] === 'detail')))) {
    return fail(`lab: "ceph ${words.join(' ')}" is not simulated; "ceph health [detail]", "osd set|unset <flag>" and "config-key …" are`, 22);
  }
  if (!ctx.root) return fail(NO_PERMISSION, 1);
  if (monitorCommand) return onMonitors(ctx, (mons) => (cmd === 'osd' ? osdFlag(sub, mons) : configKey(sub, mons, format)));
  let health: CephHealth | null | undefined;
  try {
    health = ctx.cephHealth();
  } catch (err) {
    // The model reports the CLI's own failures (e.g. no monitor quorum: a RADOS timeout) as errors
    // that carry the exit status.
    const code = (err as { exitCode?: unknown }).exitCode;
    if (typeof code === 'number' && err instanceof Error) return fail(err.message, code);
    throw err;
  }
  if (!health) return fail(NO_CONF, 1);
  const detail = sub[0] === 'detail';
  const report: CephHealth = detail
    ? health
    : {
      ...health,
      checks: Object.fromEntries(Object.entries(health.checks).map(([k, v]) => {
        const { detail: _omit, ...rest } = (v ?? {}) as Record<string, unknown>;
        return [k, rest];
      })),
    };
  if (format === 'json') return ok(JSON.stringify(report) + '\n');
  if (format === 'json-pretty') return ok('\n' + JSON.stringify(report, null, 4) + '\n');
  return ok(plain(health, detail));
};

/** Runs a command against the monitors the machine's ceph.conf names, or fails as the CLI does. */
function onMonitors(ctx: CommandContext, run: (mons: CephMonitors) => CommandResult): CommandResult {
  const mons = ctx.cephMonitors?.();
  if (!mons) return fail(NO_CONF, 1);
  if ('exitCode' in mons) return fail(mons.stderr, mons.exitCode);
  return run(mons);
}
