// `lxd/server-config/…`: PATCH /1.0 (never PUT, which would drop keys it does not name), on the
// member itself for member-local keys. network.ovn.northbound_connection takes MicroOVN's central
// addresses as they are when the step runs: the plan could only predict them.
import type { StepOf } from '../../plan/index.js';
import type { StepContext } from '../types.js';
import { MINUTE, hostOf, withQuery, type Hosts, type PlanStepRunner } from './common.js';
import { lxdServer } from './lxd.js';
import { NORTHBOUND_KEY, liveNorthbound } from './northbound.js';

type Step = StepOf<'lxd-server-config'>;

/** `?target=` only for another member's local keys: a standalone server refuses any target. */
const targetOf = (step: Step): string | null => (step.inputs.target && step.inputs.target !== step.machine ? step.inputs.target : null);

async function wanted(step: Step, hosts: Hosts, ctx?: StepContext): Promise<Record<string, string>> {
  const config = { ...step.inputs.config };
  if (config[NORTHBOUND_KEY] !== undefined) {
    const live = await liveNorthbound(hostOf(hosts, step.machine));
    if (live && live !== config[NORTHBOUND_KEY]) {
      ctx?.note(`MicroOVN's central members give ${live} (the plan predicted ${config[NORTHBOUND_KEY]})`);
      config[NORTHBOUND_KEY] = live;
    }
  }
  return config;
}

async function matches(step: Step, hosts: Hosts, want: Record<string, string>): Promise<boolean> {
  const { server } = await lxdServer(hostOf(hosts, step.machine), targetOf(step));
  return Object.entries(want).every(([k, v]) => server.config[k] === v);
}

export const lxdServerConfig: PlanStepRunner<'lxd-server-config'> = {
  timeoutMs: 2 * MINUTE,
  check: async (step, hosts) => matches(step, hosts, await wanted(step, hosts)),
  async act(step, hosts, ctx) {
    const config = await wanted(step, hosts, ctx);
    await hostOf(hosts, step.machine).request('lxd', 'PATCH', withQuery('/1.0', { target: targetOf(step) }), { config });
  },
  async verify(step, hosts) {
    const want = await wanted(step, hosts);
    if (!(await matches(step, hosts, want))) throw new Error(`LXD on ${step.machine} does not show ${Object.keys(want).join(', ')} as set`);
  },
};
