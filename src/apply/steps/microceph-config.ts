// `microceph/config/<key>`: PUT /1.0/configs (cluster_network drift). `wait: true` so the OSD
// restarts the key triggers are over when the step ends.
//
// MicroCeph (canonical/microceph microceph/api/configs.go cmdConfigsPut/configChangeRefresh,
// microceph/client/services.go SendRestartRequestToClusterMembers, at 79f99b50…) stores the key
// first, then asks every other member in turn to restart its daemons (120 s each), then restarts
// its own. A member that does not answer ends that with a 500 (`failed Forwarding To: <url>: …`),
// the key staying set: the daemons not restarted pick it up when they next start. So a 500 after
// which the key reads back as wanted is the step done, with a note saying what did not restart.
import { reachable } from '../../plan/index.js';
import { ApiError, type Host } from '../../remote/index.js';
import { MINUTE, SECOND, hostOf } from './common.js';
import type { StepActor } from './runner.js';

/** Per member: the leader's readiness probe (30 s) and the restart request (120 s). */
const PER_MEMBER_MS = 30 * SECOND + 120 * SECOND;
/** The step's own bound is one number for every step of the kind (StepActor.timeoutMs): sized for
 *  this many members; each request's timeout follows the cluster's actual size. */
const SIZED_FOR_MEMBERS = 64;

/** How long PUT /1.0/configs with wait may take on a cluster of `members`. */
export function configWaitMs(members: number): number {
  return Math.max(1, members) * PER_MEMBER_MS + MINUTE;
}

async function memberCount(host: Host): Promise<number> {
  const r = await host.request<unknown[]>('microceph', 'GET', '/core/1.0/cluster');
  return Array.isArray(r.metadata) ? r.metadata.length : 1;
}

export const microcephConfig: StepActor<'microceph-config'> = {
  timeoutMs: configWaitMs(SIZED_FOR_MEMBERS) + MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['microceph'] }],
  async act(step, hosts, ctx, done) {
    const { key, value } = step.inputs;
    const host = hostOf(hosts, step.machine);
    const timeoutMs = configWaitMs(await memberCount(host));
    try {
      await host.request('microceph', 'PUT', '/1.0/configs', { key, value, wait: true, skip_restart: false }, { timeoutMs });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 500) || !(await done())) throw err;
      ctx.note(`${key} is set, but MicroCeph did not restart the daemons on every member (they use it once they restart): ${err.apiMessage}`);
    }
  },
  missing(step, live) {
    const now = reachable(live, step.machine)?.microceph?.config[step.inputs.key];
    return `MicroCeph's ${step.inputs.key} is ${now ?? 'unset'} after setting it to ${step.inputs.value}`;
  },
};
