// `lxd/server-config/…`: PATCH /1.0 (never PUT, which would drop keys it does not name), on the
// member itself for member-local keys. The network.ovn.northbound_connection the tool computes takes
// MicroOVN's central addresses as they are when the step runs (the plan could only predict them);
// one the file gives is set as written. Secret values come from the run's secrets, by name.
import { configMatches, secretRef } from '../../preseed/lxd-config.js';
import type { StepOf } from '../../plan/index.js';
import { ApiError } from '../../remote/index.js';
import { REDACTED } from '../secrets.js';
import type { StepContext } from '../types.js';
import { MINUTE, hostOf, refusedWith, withQuery, type Hosts, type PlanStepRunner } from './common.js';
import { lxdServer } from './lxd.js';
import { NORTHBOUND_KEY, liveNorthbound } from './northbound.js';

type Step = StepOf<'lxd-server-config'>;

/** `?target=` only for another member's local keys: a standalone server refuses any target. */
const targetOf = (step: Step): string | null => (step.inputs.target && step.inputs.target !== step.machine ? step.inputs.target : null);

function secretValue(key: string, ctx: StepContext): string {
  const secret = ctx.secrets.named(secretRef(key));
  if (!secret) throw new Error(`the value of ${key} is secret and not part of the plan, and this run was not given it: apply with the preseed file`);
  return secret.reveal();
}

async function wanted(step: Step, hosts: Hosts, ctx: StepContext, note = false): Promise<Record<string, string>> {
  const config = { ...step.inputs.config };
  for (const key of step.inputs.sensitive ?? []) config[key] = secretValue(key, ctx);
  if (!step.inputs.fromFile && config[NORTHBOUND_KEY] !== undefined) {
    const live = await liveNorthbound(hostOf(hosts, step.machine));
    if (live && live !== config[NORTHBOUND_KEY]) {
      if (note) ctx.note(`MicroOVN's central members give ${live} (the plan predicted ${config[NORTHBOUND_KEY]})`);
      config[NORTHBOUND_KEY] = live;
    }
  }
  return config;
}

async function matches(step: Step, hosts: Hosts, want: Record<string, string>): Promise<boolean> {
  const { server } = await lxdServer(hostOf(hosts, step.machine), targetOf(step));
  return Object.entries(want).every(([k, v]) => configMatches(k, server.config[k], v));
}

/**
 * LXD refuses a config value as `cannot set '<key>' to '<value>': <reason>`: a secret value is
 * masked however short, and a key this LXD does not know gets a hint about the file.
 */
function refusal(err: unknown, step: Step, config: Record<string, string>): unknown {
  if (!(err instanceof ApiError) || err.status !== 400) return err;
  let text = err.message;
  for (const key of step.inputs.sensitive ?? []) text = text.split(`'${config[key]}'`).join(`'${REDACTED}'`);
  const unknown = step.inputs.fromFile && refusedWith(err, /unknown key/i);
  return new Error(unknown ? `${text} (remove the key from lxd.config, or check its name against this LXD version's server config keys)` : text);
}

export const lxdServerConfig: PlanStepRunner<'lxd-server-config'> = {
  timeoutMs: 2 * MINUTE,
  check: async (step, hosts, ctx) => matches(step, hosts, await wanted(step, hosts, ctx)),
  async act(step, hosts, ctx) {
    const config = await wanted(step, hosts, ctx, true);
    try {
      await hostOf(hosts, step.machine).request('lxd', 'PATCH', withQuery('/1.0', { target: targetOf(step) }), { config });
    } catch (err) {
      throw refusal(err, step, config);
    }
  },
  async verify(step, hosts, ctx) {
    const want = await wanted(step, hosts, ctx);
    if (!(await matches(step, hosts, want))) throw new Error(`LXD on ${step.machine} does not show ${Object.keys(want).join(', ')} as set`);
  },
};
