// `lxd/cluster@<initiator>`: PUT /1.0/cluster {server_name, enabled} (an operation, awaited), after
// the server addresses are set (lxd/server-config/bootstrap@…); then, as MicroCloud, wait until the
// member list shows the new member.
import { MINUTE, hostOf, unlessAlreadyDone, waitUntil, type PlanStepRunner } from './common.js';
import { lxdMemberNames, lxdServer } from './lxd.js';

const ALREADY_CLUSTERED = [/leftover cluster certificate/, /already part of a cluster/, /already clustered/];

export const lxdBootstrap: PlanStepRunner<'lxd-bootstrap'> = {
  timeoutMs: 4 * MINUTE,
  check: async (step, hosts) => (await lxdServer(hostOf(hosts, step.machine))).server.environment.server_clustered === true,
  async act(step, hosts, ctx) {
    const host = hostOf(hosts, step.machine);
    try {
      await host.request('lxd', 'PUT', '/1.0/cluster', { server_name: step.inputs.serverName, enabled: true }, { operationTimeoutMs: 2 * MINUTE });
    } catch (err) {
      await unlessAlreadyDone(err, ALREADY_CLUSTERED, async () => (await lxdServer(host)).server.environment.server_clustered, ctx);
    }
  },
  verify: (step, hosts, ctx) => waitUntil(ctx, `LXD on ${step.machine} listing ${step.inputs.serverName} as a cluster member`, MINUTE,
    async () => (await lxdMemberNames(hostOf(hosts, step.machine))).includes(step.inputs.serverName)),
};
