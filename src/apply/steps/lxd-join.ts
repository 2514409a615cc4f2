// `lxd/member/<name>`: join one machine to the initiator's LXD cluster the way MicroCloud does: a
// token issued on the cluster for the joiner's name (a stale one cancelled first), the cluster
// certificate checked against the token, the joiner's core.https_address set when unset, then
// PUT /1.0/cluster on the joiner with the token and the member_config of every existing pool and
// network, awaited; finally the member must show (the plan's `satisfied`, over the joiner and the
// anchor's member list) and the joiner must be ready.
import { reachable, type StepOf } from '../../plan/index.js';
import type { Host } from '../../remote/index.js';
import type { StepContext } from '../types.js';
import { MINUTE, hostOf, unlessAlreadyDone } from './common.js';
import { lxdServer, type LxdServer } from './lxd.js';
import { cancelOperation, clusterCertificate, issueJoinToken } from './lxd-token.js';
import type { StepActor } from './runner.js';

type Step = StepOf<'lxd-join'>;

/**
 * The ClusterPut field for the token, from the joiner's API extensions (never its version):
 * `cluster_token` came with `explicit_trust_token`; before it (Debian's 5.0) the token travels in
 * `cluster_password`. Without the extension both fields carry it: Go's decoder ignores a field it
 * does not know, and a server that lists fewer extensions than it has still finds its own.
 */
export function tokenFields(server: LxdServer, token: string): Record<string, string> {
  return server.api_extensions.includes('explicit_trust_token') ? { cluster_token: token } : { cluster_password: token, cluster_token: token };
}

async function join(step: Step, anchor: Host, joiner: Host, ctx: StepContext): Promise<void> {
  const { serverName, serverAddress, clusterAddress, memberConfig } = step.inputs;
  const { server } = await lxdServer(joiner);
  if (server.environment.server_clustered) {
    throw new Error(`LXD on ${step.machine} is already clustered, but not with ${step.inputs.cluster}: remove it from its cluster first`);
  }
  if (!server.config['core.https_address']) {
    await joiner.request('lxd', 'PATCH', '/1.0', { config: { 'core.https_address': serverAddress } });
  }
  const token = await issueJoinToken(anchor, serverName, ctx);
  try {
    const body = {
      server_name: serverName,
      enabled: true,
      server_address: serverAddress,
      cluster_address: token.addresses.includes(clusterAddress) ? clusterAddress : token.addresses[0],
      cluster_certificate: await clusterCertificate(anchor, token),
      member_config: memberConfig.map(({ entity, name, key, value }) => ({ entity, name, key, value })),
      ...tokenFields(server, token.token),
    };
    await joiner.request('lxd', 'PUT', '/1.0/cluster', body, { operationTimeoutMs: 5 * MINUTE });
  } catch (err) {
    // An unused token stays valid for hours: do not leave it behind.
    await cancelOperation(anchor, token.operation).catch(() => undefined);
    throw err;
  }
}

export const lxdJoin: StepActor<'lxd-join'> = {
  timeoutMs: 8 * MINUTE,
  reads: (step) => [{ machine: step.inputs.serverName, services: ['lxd'] }, { machine: step.inputs.cluster, services: ['lxd'] }],
  async act(step, hosts, ctx, done) {
    try {
      await join(step, hostOf(hosts, step.inputs.cluster), hostOf(hosts, step.machine), ctx);
    } catch (err) {
      await unlessAlreadyDone(err, [/already clustered/], done, ctx);
    }
  },
  showsWithinMs: MINUTE,
  missing(step, live) {
    const { serverName, cluster } = step.inputs;
    if (reachable(live, serverName)?.lxd?.clustered !== true) return `LXD on ${serverName} is not clustered after joining it to ${cluster}'s cluster`;
    const members = reachable(live, cluster)?.lxd?.members.map((m) => m.name) ?? [];
    return `${serverName} is not among the LXD cluster members ${cluster} lists (${members.join(', ') || 'none'})`;
  },
  // MicroCloud's WaitReady: the joiner's daemon answers /internal/ready once it is up (503 before).
  settle: async (step, hosts) => { await hostOf(hosts, step.machine).request('lxd', 'GET', '/internal/ready'); },
};
