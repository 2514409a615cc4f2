// `lxd/member/<m>/evacuate`: POST /1.0/cluster/members/<m>/state {action: evacuate}, as `lxc cluster
// evacuate` sends it (an operation, awaited: it returns once every instance has moved; canonical/lxd
// lxd/api_cluster_member.go clusterMemberStatePost, a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05). A
// member already evacuated is refused with "Cluster member is already evacuated": done, once the
// member list, read again, says Evacuated.
import { MINUTE, enc, hostOf, unlessAlreadyDone } from './common.js';
import type { StepActor } from './runner.js';

/** Each instance is stopped (boot.host_shutdown_timeout, 30 s by default) and migrated. */
const EVACUATE_MS = 30 * MINUTE;

export const lxdMemberEvacuate: StepActor<'lxd-member-evacuate'> = {
  timeoutMs: EVACUATE_MS + MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['lxd'] }],
  async act(step, hosts, ctx, done) {
    try {
      await hostOf(hosts, step.machine).request('lxd', 'POST', `/1.0/cluster/members/${enc(step.inputs.name)}/state`, { action: 'evacuate' },
        { timeoutMs: EVACUATE_MS, operationTimeoutMs: EVACUATE_MS });
    } catch (err) {
      await unlessAlreadyDone(err, [/already evacuated/], done, ctx);
    }
  },
  missing: (step) => `LXD does not show ${step.inputs.name} as Evacuated after evacuating it`,
};
