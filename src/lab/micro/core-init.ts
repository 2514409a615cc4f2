// Bootstrap and join: POST /core/control in the order controlPost checks things, the joiner's walk
// over the token's addresses, and the accepting side on the leader.
import { syncResponse } from '../envelope.js';
import { HandlerPanic, type LabRequest, type LabResponse } from '../types.js';
import type { MicroclusterCore } from './core.js';
import { fakeCertificate, machineIPs } from './core-identity.js';
import { decodeToken, expired } from './core-tokens.js';
import { DB_NOT_READY, DB_ONLINE, DB_STARTING, type CoreCluster, type CoreDaemon, type CoreMember } from './core-types.js';
import {
  ApiError, decodeStruct, messageOf, plainError, quote, statusError, statusOf, validateFQDN, wrapError, type StructSpec,
} from './go.js';

const CONTROL: StructSpec = {
  goType: 'types.Control',
  fields: { bootstrap: 'bool', config: 'stringMap', join_token: 'string', address: 'addrport', name: 'string' },
};

/** POST /core/control: bootstrap or join, in the order controlPost checks things. */
export async function control<S>(core: MicroclusterCore<S>, d: CoreDaemon<S>, req: LabRequest): Promise<LabResponse> {
  if (d.status !== DB_NOT_READY) throw plainError(`Unable to initialize cluster: ${d.status}`);
  let body: Record<string, unknown>;
  try {
    body = decodeStruct(req.rawBody, CONTROL);
  } catch (e) {
    throw statusError(400, messageOf(e));
  }
  const bootstrap = body['bootstrap'] as boolean;
  const joinToken = body['join_token'] as string;
  const address = body['address'] as string;
  const name = body['name'] as string;
  const config = (body['config'] ?? {}) as Record<string, string>;
  if (bootstrap && joinToken !== '') throw plainError('Invalid options - received join token and bootstrap flag');
  try {
    validateFQDN(name);
  } catch (e) {
    throw wrapError(`Cluster member name ${quote(name)} is not a valid FQDN: `, e);
  }
  // SetConfig: the name and address are written before anything can fail.
  d.name = name;
  d.address = address;
  try {
    core.app.preInit?.(d, bootstrap, config);
  } catch (e) {
    throw wrapError('Failed to run pre-init hook before starting the API: ', e);
  }
  const certNameMatches = d.certName === name;
  if (!certNameMatches) {
    d.certName = name;
    d.certificate = core.newCert(d.machine, name);
  }
  if (joinToken !== '') return join(core, d, joinToken, config, certNameMatches);
  if (!bootstrap) {
    core.resetDaemon(d);
    throw plainError('Failed to re-establish cluster connection: the lab does not simulate starting without bootstrap or a join token');
  }
  d.status = DB_STARTING;
  try {
    checkListen(core, d);
    await core.ctx.sleep(core.ctx.durations.microBootstrap);
    const id = core.newClusterId();
    const fp = fakeCertificate(`${core.app.snap}/cluster/${id}/${d.machine}`);
    const cluster: CoreCluster<S> = {
      id, certificate: fp.pem, fingerprint: fp.fingerprint, members: [], tokens: [],
      nextMemberId: 1, lastHeartbeat: core.now(), app: core.app.initialState(),
    };
    const member = addMember(cluster, d);
    d.cluster = cluster;
    d.status = DB_ONLINE;
    try {
      await core.app.bootstrap(cluster, member, config);
    } catch (e) {
      throw wrapError('Failed to run post-bootstrap actions: ', e);
    }
  } catch (e) {
    core.resetDaemon(d);
    throw e;
  }
  return syncResponse({});
}

function addMember<S>(cluster: CoreCluster<S>, d: CoreDaemon<S>): CoreMember {
  const member: CoreMember = {
    id: cluster.nextMemberId++, name: d.name, machine: d.machine, address: d.address,
    certificate: d.certificate, role: 'PENDING', heartbeat: null,
  };
  cluster.members.push(member);
  return member;
}

/** The network listener: the address must be one of the machine's (or a wildcard). */
function checkListen<S>(core: MicroclusterCore<S>, d: CoreDaemon<S>): void {
  if (d.address === '' || d.name === '') throw plainError('Cannot start network API without valid daemon configuration');
  const host = d.address.startsWith('[') ? d.address.slice(1, d.address.lastIndexOf(']')) : d.address.slice(0, d.address.lastIndexOf(':'));
  if (host === '0.0.0.0' || host === '::') return;
  if (!machineIPs(core.ctx.spec(d.machine)).includes(host)) {
    throw plainError(`Failed to listen on https socket: listen tcp ${d.address}: bind: cannot assign requested address`);
  }
}

async function join<S>(core: MicroclusterCore<S>, d: CoreDaemon<S>, tokenString: string, config: Record<string, string>, certNameMatches: boolean): Promise<LabResponse> {
  // Until a cluster member has authorised the join, a failure leaves the daemon alone unless its
  // certificate name did not change (then it resets); after authorisation it always resets and
  // asks the cluster to delete the half-joined member.
  let authorised: { cluster: CoreCluster<S>; member: CoreMember } | undefined;
  const fail = (e: unknown): unknown => {
    if (authorised) {
      if (authorised.cluster.members.includes(authorised.member)) {
        authorised.cluster.members = authorised.cluster.members.filter((m) => m !== authorised!.member);
        core.app.memberRemoved(authorised.cluster, authorised.member);
      }
      core.resetDaemon(d);
    } else if (certNameMatches) {
      core.resetDaemon(d);
    }
    return e;
  };
  let token: Record<string, unknown>;
  try {
    token = decodeToken(tokenString);
  } catch (e) {
    throw fail(e);
  }
  const addresses = (token['join_addresses'] ?? []) as string[];
  let lastErr: unknown;
  for (const addr of addresses) {
    const peer = core.daemonAt(addr);
    // Could not fetch the peer's certificate, or it is not the token's cluster: try the next one.
    if (!peer || !peer.cluster || peer.cluster.fingerprint !== token['fingerprint']) continue;
    try {
      authorised = acceptJoin(core, peer.cluster, d, token['secret'] as string);
      break;
    } catch (e) {
      lastErr = e;
    }
  }
  if (!authorised) {
    const last = lastErr === undefined ? '%!w(<nil>)' : messageOf(lastErr);
    throw fail(new ApiError(`${addresses.length} join attempts were unsuccessful. Last error: ${last}`, lastErr === undefined ? 500 : statusOf(lastErr)));
  }
  d.status = DB_STARTING;
  try {
    checkListen(core, d);
    await core.ctx.sleep(core.ctx.durations.microJoin);
    if (!authorised.cluster.members.includes(authorised.member)) throw plainError('Failed to join cluster: member was removed while joining');
    d.cluster = authorised.cluster;
    d.status = DB_ONLINE;
    await core.app.join(authorised.cluster, authorised.member, config);
  } catch (e) {
    // A panic in a hook unwinds through controlPost's deferred reverter while its joinInfo is still
    // nil (joinWithToken never returned): the joiner resets only if its certificate name matched, and
    // nothing deletes its member record on the cluster (canonical/microcluster
    // internal/rest/resources/control.go controlPost at e950e52e06d8801a422006ae5f5de4f8f471d787).
    if (e instanceof HandlerPanic) {
      if (certNameMatches) core.resetDaemon(d);
      throw e;
    }
    throw fail(e);
  }
  return syncResponse({});
}

/** The accepting side (POST /core/internal/cluster on the leader). */
function acceptJoin<S>(core: MicroclusterCore<S>, cluster: CoreCluster<S>, joiner: CoreDaemon<S>, secret: string): { cluster: CoreCluster<S>; member: CoreMember } {
  if (!core.hasQuorum(cluster)) throw plainError('context deadline exceeded');
  if (cluster.members.some((m) => m.address === joiner.address)) {
    throw plainError(`Remote with address ${quote(joiner.address)} exists`);
  }
  const record = cluster.tokens.find((t) => t.secret === secret);
  if (!record) throw statusError(404, 'CoreTokenRecord not found');
  if (expired(core, record)) throw plainError('Token expired');
  if (record.name !== joiner.certName) throw plainError('Joining server certificate SAN does not contain join token name');
  if (cluster.members.some((m) => m.name === joiner.name)) {
    throw statusError(409, 'This "core_cluster_members" entry already exists');
  }
  const member = addMember(cluster, joiner);
  cluster.tokens = cluster.tokens.filter((t) => t !== record);
  return { cluster, member };
}
