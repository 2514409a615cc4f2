// `gate/…`: waits, up to the gate's own timeout, until its check opens (src/plan/steps/gate.ts):
// the refreshed snaps show on their machines and Ceph is healthy (noout aside) or every member of
// the service is online. Polls fresh narrow reads; a gate that does not open fails with what kept it
// closed, which stops the walk (every later step depends on it) with the site readable.
import { gateBlockers } from '../../plan/steps/gate.js';
import type { StepOf } from '../../plan/index.js';
import { SECOND, MINUTE } from './common.js';
import { readLive, type LiveRead } from './live.js';
import type { StepActor } from './runner.js';
import type { Hosts } from './common.js';

/** The longest gate the planner writes (plan-snaps.ts GATE_TIMEOUT_MS), and the last read after it. */
const LONGEST_GATE_MS = 30 * MINUTE;

function reads(step: StepOf<'gate'>): LiveRead[] {
  const { check, service, after } = step.inputs;
  return [
    { machine: step.machine, services: check === 'ceph-health' ? [] : [service], snaps: check === 'ceph-health' ? ['ceph-health'] : [] },
    ...after.map((a) => ({ machine: a.machine, services: [], snaps: ['installed' as const] })),
  ];
}

export const gate: StepActor<'gate'> = {
  timeoutMs: LONGEST_GATE_MS + MINUTE,
  reads,
  async act(step, hosts: Hosts, ctx) {
    const deadline = ctx.clock.now() + step.inputs.timeoutMs;
    for (let delay = 250; ; delay = Math.min(delay * 2, 5 * SECOND)) {
      const blockers = gateBlockers(step, await readLive(hosts, reads(step), 'gate'));
      if (blockers.length === 0) return;
      if (ctx.signal.aborted || ctx.clock.now() >= deadline) {
        throw new Error(`${step.address} did not open within ${Math.round(step.inputs.timeoutMs / SECOND)} s: ${blockers.join('; ')}. The walk stops here; the site is as the steps before left it`);
      }
      await ctx.clock.sleep(Math.min(delay, Math.max(0, deadline - ctx.clock.now())), ctx.signal);
    }
  },
  missing: (step, live) => `${step.address} is closed: ${gateBlockers(step, live).join('; ')}`,
};
