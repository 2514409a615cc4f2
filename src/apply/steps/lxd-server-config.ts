// `lxd/server-config/…`: PATCH /1.0 (never PUT, which would drop keys it does not name), on the
// member itself for member-local keys. The network.ovn.northbound_connection the tool computes takes
// MicroOVN's central addresses as they are when the step runs (the plan could only predict them);
// one the file gives is set as written. Secret values come from the run's secrets, by name. Both go
// into the step apply judges with the plan's `satisfied` (atRunTime), and into what act sends. A
// key of the file is sent with its ownership record (ownedMark) in the one PATCH, which LXD applies
// to the cluster config in one transaction (canonical/lxd lxd/api_1.0.go doAPI10Update,
// a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05): a crash leaves both or neither.
import { secretRef } from '../../preseed/lxd-config.js';
import { reachable, type LiveState, type StepOf } from '../../plan/index.js';
import { OWNED_VALUE, ownedMark } from '../../plan/steps/lxd-server-config.js';
import { ApiError } from '../../remote/index.js';
import { REDACTED } from '../../secrets.js';
import type { StepContext } from '../types.js';
import { MINUTE, hostOf, refusedWith, withQuery } from './common.js';
import { readLive } from './live.js';
import { liveFromViews } from '../../live/state.js';
import { NORTHBOUND_KEY, northboundOf } from './northbound.js';
import type { StepActor } from './runner.js';

type Step = StepOf<'lxd-server-config'>;

/** `?target=` only for another member's local keys: a standalone server refuses any target. */
const targetOf = (step: Step): string | null => (step.inputs.target && step.inputs.target !== step.machine ? step.inputs.target : null);

/** Whether the value to send depends on MicroOVN's members as they are now. */
const followsOvn = (step: Step): boolean => !step.inputs.fromFile && step.inputs.config[NORTHBOUND_KEY] !== undefined;

function secretValue(key: string, ctx: StepContext): string {
  const secret = ctx.secrets.named(secretRef(key));
  if (!secret) throw new Error(`the value of ${key} is secret and not part of the plan, and this run was not given it: apply with the preseed file`);
  return secret.reveal();
}

/** The config to set: the plan's, secret values filled in, the northbound connection as MicroOVN's members give it. */
function wanted(step: Step, live: LiveState, ctx: StepContext, note = false): Record<string, string> {
  const config = { ...step.inputs.config };
  for (const key of step.inputs.sensitive ?? []) config[key] = secretValue(key, ctx);
  if (followsOvn(step)) {
    const now = northboundOf(reachable(live, step.machine)?.microovn);
    if (now && now !== config[NORTHBOUND_KEY]) {
      if (note) ctx.note(`MicroOVN's central members give ${now} (the plan predicted ${config[NORTHBOUND_KEY]})`);
      config[NORTHBOUND_KEY] = now;
    }
  }
  return config;
}

/** What PATCH sends: the values, the keys to unset as "", and for the file's keys whether the tool now owns each. */
function body(step: Step, config: Record<string, string>): Record<string, string> {
  const out = { ...config };
  for (const key of step.inputs.unset ?? []) out[key] = '';
  if (!step.inputs.fromFile) return out;
  for (const [key, value] of Object.entries(out)) out[ownedMark(key)] = value === '' ? '' : OWNED_VALUE;
  return out;
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

export const lxdServerConfig: StepActor<'lxd-server-config'> = {
  timeoutMs: 2 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: followsOvn(step) ? ['lxd', 'microovn'] : ['lxd'] }],
  // Every value known: `satisfied` compares the secret ones too, as the planner did with the file.
  atRunTime(step, live, ctx) {
    const config = wanted(step, live, ctx);
    const same = !step.inputs.sensitive?.length && Object.entries(config).every(([k, v]) => step.inputs.config[k] === v);
    return same ? step : { ...step, inputs: { ...step.inputs, config, sensitive: [] } };
  },
  async act(step, hosts, ctx) {
    const live = followsOvn(step) ? await readLive(hosts, [{ machine: step.machine, services: ['microovn'] }]) : liveFromViews({});
    const config = wanted(step, live, ctx, true);
    try {
      await hostOf(hosts, step.machine).request('lxd', 'PATCH', withQuery('/1.0', { target: targetOf(step) }), { config: body(step, config) });
    } catch (err) {
      throw refusal(err, step, config);
    }
  },
  missing(step) {
    const set = [...Object.keys(step.inputs.config), ...(step.inputs.sensitive ?? [])];
    const unset = step.inputs.unset ?? [];
    return `LXD on ${step.machine} does not show ${[set.length ? `${set.join(', ')} as set` : '', unset.length ? `${unset.join(', ')} as unset` : ''].filter(Boolean).join(', or ')}`;
  },
};
