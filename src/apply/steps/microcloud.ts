// MicroCloud's own cluster (the `microcloud` snap's daemon, a microcluster app on port 9443), formed
// as `microcloud init` and `microcloud add` form it (canonical/microcloud cmd/microcloud/main_init.go
// setupCluster and addPeers, service/microcloud.go, api/services.go at
// f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741): bootstrap on the initiator before any other service,
// then each joiner joins it, one at a time, before its other services join (step kinds
// microcloud-bootstrap and microcloud-join).
// The join runs inside MicroCloud's trust-establishment session: joinWithSession (microcloud-session.ts).
//
// The microcluster calls are micro.ts's. What is MicroCloud's own: the join goes through the joiner's
// PUT /1.0/services with the MicroCloud token, as MicroCloud's initiator sends it (the daemon then
// joins under its own name, at <address>:9443), and the joiner's daemon must be in a joining
// session that finished trust establishment: its PostJoin hook sends on the session's exit channel,
// which panics without one, and the panic resets the joiner while the cluster keeps its record.
import type { Host } from '../../remote/index.js';
import { readCoreServer } from '../../services/microcluster.js';
import type { StepContext } from '../types.js';
import { unlessAlreadyDone } from './common.js';
import { ALREADY_INITIALIZED, MICRO_JOIN_MS, alreadyClustered, bootstrapMicro, issueToken, revokeToken, waitForMember } from './micro.js';

/**
 * CloudService.Bootstrap: POST /core/control {bootstrap: true, name, address: "<ip>:9443"} with no
 * config (MicroCloud gives it 2 min), then until the member shows (MicroCloud polls 1 min).
 * "Database is online" counts only if the step is done (`done`).
 */
export async function bootstrapMicroCloud(host: Host, init: { name: string; address: string }, ctx: StepContext, done: () => Promise<boolean>): Promise<void> {
  await bootstrapMicro(host, 'microcloud', { ...init, config: {} }, ctx, done);
  await waitForMember(host, 'microcloud', init.name, ctx);
}

/** CloudService.IssueToken: a 1 h token named after the joiner, on a member (stale ones revoked). */
export function issueMicroCloudToken(anchor: Host, name: string, ctx: StepContext): Promise<string> {
  return issueToken(anchor, 'microcloud', name, ctx);
}

/**
 * Whether the joiner's daemon may join the anchor's cluster under `name`: not in a cluster yet, and
 * named `name` (its hostname): a token for another name would be refused ("Joining server
 * certificate SAN does not contain join token name").
 */
export async function checkJoiner(anchor: Host, joiner: Host, name: string): Promise<void> {
  // GET /core/1.0 answers before init too; a daemon without it is MicroCloud 1.x, which preflight refuses.
  const own = await readCoreServer(joiner, 'microcloud');
  if (!own) throw new Error(`MicroCloud on ${joiner.name} has no /core/1.0 API: refresh it to 2/stable or later`);
  if (own.ready) throw await alreadyClustered(joiner, 'microcloud', anchor.name);
  if (own.name !== name) {
    throw new Error(`MicroCloud on ${joiner.name} joins as ${JSON.stringify(own.name)} (its hostname), not ${JSON.stringify(name)}: ` +
      'name the system after its hostname');
  }
}

/**
 * The joiner joins the anchor's MicroCloud cluster (checkJoiner first): a token for its name on the
 * anchor, then the joiner's PUT /1.0/services {tokens: [{service: "MicroCloud", join_token}],
 * address: <ip>} (the daemon joins as its own name at <ip>:9443), then the anchor must list it
 * (MicroCloud allows 5 min for the join, then 30 s for the member to show). A token left unused by
 * a failed join is revoked. Precondition: the joiner's daemon is in a joining session past trust
 * establishment (findings §4); joinWithSession (microcloud-session.ts) runs it inside one.
 */
export async function joinMicroCloud(anchor: Host, joiner: Host, init: { name: string; ip: string }, ctx: StepContext, done: () => Promise<boolean>): Promise<void> {
  await checkJoiner(anchor, joiner, init.name);
  await joinChecked(anchor, joiner, init, ctx, done);
}

/** joinMicroCloud after its checks. */
export async function joinChecked(anchor: Host, joiner: Host, init: { name: string; ip: string }, ctx: StepContext, done: () => Promise<boolean>): Promise<void> {
  const token = await issueMicroCloudToken(anchor, init.name, ctx);
  const body = { tokens: [{ service: 'MicroCloud', join_token: token }], address: init.ip, lxd_config: null, ceph_config: null, ovn_config: null };
  try {
    await joiner.request('microcloud', 'PUT', '/1.0/services', body, { timeoutMs: MICRO_JOIN_MS, retry: false });
  } catch (err) {
    await revokeToken(anchor, 'microcloud', init.name).catch(() => undefined);
    await unlessAlreadyDone(err, ALREADY_INITIALIZED, done, ctx);
    return;
  }
  await waitForMember(anchor, 'microcloud', init.name, ctx);
}

/** PUT /1.0/session/stop on a daemon whose session a failed run leaves open (MicroCloud's revert). */
export async function stopMicroCloudSession(host: Host, reason: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  await host.request('microcloud', 'PUT', '/1.0/session/stop', { reason }, { ...opts, retry: false });
}
