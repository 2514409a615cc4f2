// `lxd/cluster@<initiator>`: PUT /1.0/cluster {server_name, enabled} (an operation, awaited), after
// the server addresses are set (lxd/server-config/bootstrap@…); then, as MicroCloud, wait until the
// member list shows the new member.
import { MINUTE, hostOf, unlessAlreadyDone, waitUntil } from './common.js';
import { lxdMemberNames } from './lxd.js';
import type { StepActor } from './runner.js';

const ALREADY_CLUSTERED = [/leftover cluster certificate/, /already part of a cluster/, /already clustered/];

export const lxdBootstrap: StepActor<'lxd-bootstrap'> = {
  timeoutMs: 4 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['lxd'] }],
  async act(step, hosts, ctx, done) {
    const host = hostOf(hosts, step.machine);
    try {
      await host.request('lxd', 'PUT', '/1.0/cluster', { server_name: step.inputs.serverName, enabled: true }, { operationTimeoutMs: 2 * MINUTE });
    } catch (err) {
      await unlessAlreadyDone(err, ALREADY_CLUSTERED, done, ctx);
    }
  },
  showsWithinMs: MINUTE,
  missing: (step) => `LXD on ${step.machine} is not clustered after bootstrapping it`,
  settle: (step, hosts, ctx) => waitUntil(ctx, `LXD on ${step.machine} listing ${step.inputs.serverName} as a cluster member`, MINUTE,
    async () => (await lxdMemberNames(hostOf(hosts, step.machine))).includes(step.inputs.serverName)),
};
