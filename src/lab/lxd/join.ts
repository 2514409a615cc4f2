// PUT /1.0/cluster with cluster_address: joining an existing cluster (lxd/api_cluster.go clusterPutJoin,
// lxd/cluster/membership.go Accept, internalClusterPostAccept), and what joins side by side meet:
// the leader's membership mutex, dqlite's one membership change at a time.
import type { LabResponse } from '../types.js';
import { pemToDer, fingerprintOf } from './cert.js';
import { newOperation, servedCert, visibleOperations } from './common.js';
import type { Ctx, WorldApi } from './context.js';
import { str } from './context.js';
import { createPoolLocal, poolConfigError } from './drivers.js';
import { badRequest, plainError, statusError, toLxdError, wrap } from './errors.js';
import { leaderOf } from './members.js';
import { canBind, isAddressCovered, isWildcard, listenAddressError } from './net.js';
import type { DaemonState, Database, PoolRecord, NetworkRecord } from './state.js';

interface MemberConfigKey { entity: string; name: string; key: string; value: string }

function memberConfig(body: Record<string, unknown>): MemberConfigKey[] {
  const raw = Array.isArray(body.member_config) ? body.member_config : [];
  return raw.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object').map((x) => ({
    entity: str(x.entity), name: str(x.name), key: str(x.key), value: str(x.value),
  }));
}

export function clusterPutJoin(c: Ctx, body: Record<string, unknown>): LabResponse {
  const d = c.d;
  const f = d.flavor;
  const spec = c.world.lab.spec(d.machine);
  if (str(body.cluster_certificate).length === 0) throw badRequest('No target cluster member certificate provided');
  if (d.db.clustered) throw badRequest('This server is already clustered');
  const serverAddress = str(body.server_address);
  if (serverAddress === '') throw badRequest('No server address provided for this member');

  const bindError = (addr: string) =>
    plainError(`Cannot listen on network HTTPS socket ${JSON.stringify(addr)}: listen tcp ${addr}: bind: cannot assign requested address`);
  let localAddress = d.localConfig['core.https_address'] ?? '';
  if (localAddress === '') {
    if (!canBind(spec, serverAddress)) throw bindError(serverAddress);
    d.localConfig['core.https_address'] = serverAddress;
    d.localConfig['cluster.https_address'] = serverAddress;
    localAddress = serverAddress;
  } else {
    if (!isAddressCovered(serverAddress, localAddress)) {
      if (!canBind(spec, serverAddress)) throw bindError(serverAddress);
      localAddress = serverAddress;
    } else if (f.name !== 'deb-5.0' && isWildcard(localAddress)) {
      localAddress = serverAddress;
    }
    const reason = listenAddressError(localAddress, false);
    if (reason) throw plainError(`cannot set 'cluster.https_address' to '${localAddress}': ${reason}`);
    d.localConfig['cluster.https_address'] = localAddress;
  }

  const op = newOperation(d, {
    class: 'task', description: 'Joining cluster', resources: { cluster: [] },
    run: () => joinRun(c, body, localAddress),
  });
  return op.response();
}

function joinToken(d: DaemonState, body: Record<string, unknown>): string {
  const pw = str(body.cluster_password);
  const tok = str(body.cluster_token);
  switch (d.flavor.joinTokenField) {
    case 'cluster_password': return pw;
    default: return d.flavor.name === 'snap-5.21' ? pw || tok : tok;
  }
}

interface DecodedJoinToken { server_name: string; secret: string; fingerprint: string; addresses: string[]; expires_at?: string }

/** shared.JoinTokenDecode */
export function decodeJoinToken(token: string): DecodedJoinToken | undefined {
  try {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(token)) return undefined;
    const j = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, unknown>;
    const addresses = Array.isArray(j.addresses) ? j.addresses.filter((a): a is string => typeof a === 'string') : [];
    if (!str(j.server_name) || addresses.length < 1 || !str(j.secret) || !str(j.fingerprint)) return undefined;
    return { server_name: str(j.server_name), secret: str(j.secret), fingerprint: str(j.fingerprint), addresses,
      expires_at: str(j.expires_at) };
  } catch {
    return undefined;
  }
}

/** What the target's certificatesPost does with an untrusted client presenting a join token. */
function addServerCertWithToken(world: WorldApi, target: DaemonState, joiner: DaemonState, name: string, token: string): void {
  const jt = decodeJoinToken(token);
  if (!jt) {
    // Not a join token: 5.x then tries it as a certificate add token, then as core.trust_password.
    const pw = target.db.config['core.trust_password'];
    if (joiner.flavor.name === 'snap-6.8' || !pw || pw !== token) throw statusError(403, 'not authorized');
    trustServerCert(target, joiner, name);
    return;
  }
  const ops = visibleOperations(world, target);
  const op = ops.find((o) => o.class === 'token' && o.description === 'Cluster join token' && o.status === 'Running'
    && o.metadata.serverName === jt.server_name && o.metadata.secret === jt.secret);
  if (!op) throw statusError(403, 'No matching cluster join operation found');
  op.consume();
  const exp = Date.parse(str(op.metadata.expiresAt));
  if (Number.isFinite(exp) && Date.now() > exp) {
    throw plainError('Failed during search for join token operation: Token has expired');
  }
  trustServerCert(target, joiner, name);
}

function trustServerCert(target: DaemonState, joiner: DaemonState, name: string): void {
  const cert = joiner.serverCert;
  if (!target.db.certificates.has(cert.fingerprint)) {
    target.db.certificates.set(cert.fingerprint, { name, type: 'server', restricted: false, projects: [],
      certificate: cert.pem, fingerprint: cert.fingerprint });
  }
}

async function joinRun(c: Ctx, body: Record<string, unknown>, localAddress: string): Promise<void> {
  const { world } = c;
  const lab = world.lab;
  const d = c.d;
  const clusterAddress = str(body.cluster_address);
  const serverName = str(body.server_name);
  const token = joinToken(d, body);

  // Reach the target member, pinning the certificate we were given.
  const connect = (prefix: string): DaemonState => {
    const target = world.listenerAt(clusterAddress);
    const base = `${prefix}: Failed to connect to target cluster node ${JSON.stringify(clusterAddress)}: Get "https://${clusterAddress}/1.0"`;
    if (!target || !lab.isUp(target.machine)) {
      throw plainError(`${base}: Unable to connect to: ${clusterAddress} ([dial tcp ${clusterAddress}: connect: connection refused])`);
    }
    const der = pemToDer(str(body.cluster_certificate));
    if (!der || fingerprintOf(der) !== servedCert(target).fingerprint) {
      throw plainError(`${base}: tls: failed to verify certificate: x509: certificate signed by unknown authority`);
    }
    return target;
  };

  let target: DaemonState;
  if (token !== '') {
    target = connect('Failed to setup cluster trust');
    try {
      addServerCertWithToken(world, target, d, serverName, token);
    } catch (e) {
      throw wrap('Failed to setup cluster trust: Failed to add server cert to cluster', e);
    }
  }
  target = connect('Failed to update cluster trust');
  const existing = target.db.certificates.get(d.serverCert.fingerprint);
  if (!existing) throw statusError(403, d.flavor.msg.updateTrustNotAuthorized);
  if (existing.name !== serverName && existing.type === 'server') {
    throw plainError(`Failed to update cluster trust: Existing server certificate with different name ${JSON.stringify(existing.name)} already in trust store`);
  }
  existing.name = serverName;
  existing.type = 'server';

  const cluster = target.db;
  const mc = memberConfig(body);
  // clusterInitMember's revert hook: local pools and networks come back as they were on failure.
  const savedPools = cloneRecords(d.db.pools);
  const savedNetworks = cloneRecords(d.db.networks);
  const revert = () => { d.db.pools = savedPools; d.db.networks = savedNetworks; };
  const cost = lab.durations.lxdJoin;
  try {
    initMember(c, cluster, mc);
    await lab.sleep(cost * JOIN_SHARE.before);
    // internalClusterPostAccept on the leader, under its clusterMembershipMutex.
    await underMembershipMutex(cluster, async () => {
      await lab.sleep(cost * JOIN_SHARE.accept);
      try {
        accept(c, cluster, serverName, localAddress);
      } catch (e) {
        throw wrap('Failed request to add member', e);
      }
    });
  } catch (e) {
    revert();
    throw e;
  }
  await raftJoin(c, cluster, serverName, cost * JOIN_SHARE.raft);
  completeJoin(c, cluster, serverName, localAddress);
}

/**
 * How a join's time divides (of lxdJoin, which a lone join still takes in full): the joiner's own
 * work before the accept (trust, clusterInitMember), side by side with other joiners; the accept
 * on the leader, one join at a time; cluster.Join on the joiner (the dqlite membership change, the
 * move of its rows into the cluster database). The accept's tenth stands for the two requests a
 * join makes under the leader's clusterMembershipMutex (the accept, and the rebalance at its end:
 * lxd/api_cluster.go internalClusterPostAccept, internalClusterPostRebalance, canonical/lxd
 * d3bdc6b0f0a0b9746719e8444bb14a9c9d7ddb45 (5.0.2) and a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05):
 * each a transaction or a role change on the leader, a small part of a join that takes seconds.
 */
const JOIN_SHARE = { before: 0.4, accept: 0.1, raft: 0.5 } as const;

// Per cluster (its Database, shared by the members): the leader's membership mutex, and the joins
// inside cluster.Join now.
const membershipMutex = new WeakMap<Database, Promise<void>>();
const inRaftJoin = new WeakMap<Database, Set<string>>();

async function underMembershipMutex(db: Database, fn: () => Promise<void>): Promise<void> {
  const before = membershipMutex.get(db) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => { release = r; });
  membershipMutex.set(db, before.then(() => mine));
  await before;
  try {
    await fn();
  } finally {
    release();
  }
}

/**
 * cluster.Join on the joiner. dqlite takes one membership change at a time and answers another
 * with "a configuration change is already in progress". From 5.20 and 5.0.3 the joiner retries
 * (canonical/lxd 0655571fb08ef7948febb168c34bdbfe18e9fc27, lxd/cluster/membership.go `Join`);
 * that wait is one raft change, milliseconds, and is not charged here. Debian's 5.0.2 returns the
 * error with the cluster database still held exclusively, and the clean-up of the failed join
 * (clusterInitMember's revert: PUT /1.0/projects/default on its own socket, lxd/api_cluster.go
 * clusterPutJoin and lxd/init.go at d3bdc6b0f0a0b9746719e8444bb14a9c9d7ddb45) waits for that lock
 * for ever: the join's operation never ends and the member stays pending, hidden from the member
 * list (a goroutine dump on the real-host lab shows exactly this: tests/real/concurrent-join.ts).
 * The real one does not always collide (1 of 5 runs of 4 joins at once came through, none of 6 or
 * 8); the lab does not roll dice: a 5.0 join that enters cluster.Join while another is inside it
 * locks up.
 */
async function raftJoin(c: Ctx, cluster: Database, name: string, ms: number): Promise<void> {
  let joining = inRaftJoin.get(cluster);
  if (!joining) inRaftJoin.set(cluster, (joining = new Set()));
  if (joining.size > 0 && c.d.flavor.name === 'deb-5.0') await new Promise<never>(() => undefined);
  joining.add(name);
  try {
    await c.world.lab.sleep(ms);
  } finally {
    joining.delete(name);
  }
}

function cloneRecords<T extends { nodes: Map<string, { state: string; config: Record<string, string> }>; config: Record<string, string> }>(
  m: Map<string, T>): Map<string, T> {
  const out = new Map<string, T>();
  for (const [k, v] of m) {
    out.set(k, { ...v, config: { ...v.config },
      nodes: new Map([...v.nodes].map(([n, r]) => [n, { ...r, config: { ...r.config } }])) });
  }
  return out;
}

/** clusterInitMember: create the cluster's pools and networks locally, with this member's config. */
function initMember(c: Ctx, cluster: Database, mc: MemberConfigKey[]): void {
  const d = c.d;
  const f = d.flavor;
  const spec = c.world.lab.spec(d.machine);
  const prefix = 'Failed to initialize member: Failed to initialize storage pools and networks';
  for (const pool of cluster.pools.values()) {
    if (pool.state === 'Pending') continue;
    const config = { ...pool.config };
    delete config['volatile.initial_source'];
    delete config['zfs.pool_name'];
    for (const k of mc) {
      if (k.entity === 'storage-pool' && k.name === pool.name && f.memberStorageKeys.includes(k.key)) config[k.key] = k.value;
    }
    const local = d.db.pools.get(pool.name);
    if (local) {
      if (local.driver !== pool.driver) {
        throw plainError(`${prefix}: Storage pool ${JSON.stringify(pool.name)} is of type ${JSON.stringify(local.driver)} instead of ${JSON.stringify(pool.driver)}`);
      }
      const row = local.nodes.get('none') ?? { state: 'Created' as const, config: {} };
      for (const [k, v] of Object.entries(config)) {
        if (f.memberStorageKeys.includes(k)) row.config[k] = v;
        else local.config[k] = v;
      }
      local.nodes.set('none', row);
      if (pool.description) local.description = pool.description;
      continue;
    }
    try {
      const err = poolConfigError(f, pool.driver, config);
      if (err) throw plainError(err);
      const created = createPoolLocal(f, spec, pool.name, pool.driver, config);
      const rec: PoolRecord = { name: pool.name, driver: pool.driver, description: pool.description, config: {},
        state: 'Created', nodes: new Map() };
      const row: Record<string, string> = {};
      for (const [k, v] of Object.entries(created)) {
        if (f.memberStorageKeys.includes(k)) row[k] = v;
        else rec.config[k] = v;
      }
      rec.nodes.set('none', { state: 'Created', config: row });
      d.db.pools.set(pool.name, rec);
    } catch (e) {
      throw plainError(`${prefix}: Failed to create storage pool ${JSON.stringify(pool.name)}: ${toLxdError(e).message}`);
    }
  }
  for (const net of cluster.networks.values()) {
    if (net.state !== 'Created' || net.project !== 'default') continue;
    const config = { ...net.config };
    for (const k of mc) {
      if (k.entity === 'network' && k.name === net.name && f.memberNetworkKeys.includes(k.key)) config[k.key] = k.value;
    }
    const local = d.db.networks.get(net.name);
    const target: NetworkRecord = local ?? { name: net.name, project: 'default', type: net.type, description: net.description,
      config: {}, state: 'Created', nodes: new Map() };
    const row = target.nodes.get('none') ?? { state: 'Created' as const, config: {} };
    for (const [k, v] of Object.entries(config)) {
      if (f.memberNetworkKeys.includes(k)) row.config[k] = v;
      else target.config[k] = v;
    }
    target.nodes.set('none', row);
    if (net.description) target.description = net.description;
    d.db.networks.set(net.name, target);
  }
}

/** util.CompareConfigs */
function compareConfigs(a: Record<string, string>, b: Record<string, string>, exclude: readonly string[]): string | undefined {
  const delta = new Set<string>();
  for (const [k, v] of Object.entries(a)) if (!exclude.includes(k) && b[k] !== v) delta.add(k);
  for (const [k, v] of Object.entries(b)) if (!exclude.includes(k) && a[k] !== v) delta.add(k);
  if (delta.size === 0) return undefined;
  return `different values for keys: ${[...delta].sort().join(', ')}`;
}

function accept(c: Ctx, cluster: Database, name: string, address: string): void {
  const d = c.d;
  const leader = leaderOf(cluster, (m) => c.world.memberUp(cluster, m));
  const leaderDaemon = leader ? c.world.memberDaemon(cluster, leader.name) : undefined;
  if (!cluster.clustered || !leader || !leaderDaemon) throw plainError('Server is not clustered');
  const lf = leaderDaemon.flavor;
  for (const pool of cluster.pools.values()) {
    if (pool.state !== 'Created') continue;
    const mine = d.db.pools.get(pool.name);
    if (!mine) throw plainError(`Missing storage pool ${pool.name}`);
    if (mine.driver !== pool.driver) throw plainError(`Mismatching driver for storage pool ${pool.name}`);
    const theirs = { ...pool.config, ...(pool.nodes.get(leader.name)?.config ?? {}) };
    const ours = { ...mine.config, ...(mine.nodes.get('none')?.config ?? {}) };
    const diff = compareConfigs(theirs, ours, lf.memberStorageKeys);
    if (diff) throw plainError(`Mismatching config for storage pool ${pool.name}: ${diff}`);
  }
  for (const net of cluster.networks.values()) {
    if (net.state !== 'Created') continue;
    const mine = d.db.networks.get(net.name);
    if (!mine) throw plainError(`Missing network ${JSON.stringify(net.name)} in project ${JSON.stringify(net.project)}`);
    if (mine.type !== net.type) {
      throw plainError(`Mismatching type for network ${JSON.stringify(net.name)} in project ${JSON.stringify(net.project)}`);
    }
    const theirs = { ...net.config, ...(net.nodes.get(leader.name)?.config ?? {}) };
    const ours = { ...mine.config, ...(mine.nodes.get('none')?.config ?? {}) };
    const diff = compareConfigs(theirs, ours, lf.memberNetworkKeys);
    if (diff) {
      throw plainError(`Mismatching config for network ${JSON.stringify(net.name)} in project ${JSON.stringify(net.project)}: ${diff}`);
    }
  }
  for (const m of cluster.members) {
    if (m.name === name) throw badRequest(`The cluster already has a member with name: ${name}`);
    if (m.address === address) throw badRequest(`The cluster already has a member with address: ${address}`);
    if (m.flavor.dbSchema !== d.flavor.dbSchema) throw badRequest(lf.msg.joiningVersionSchema(lf.serverVersion, d.flavor.dbSchema));
    if (m.flavor.apiExtensionCount !== d.flavor.apiExtensionCount) {
      throw badRequest(lf.msg.joiningVersionApi(lf.serverVersion, d.flavor.apiExtensionCount));
    }
  }
}

/** cluster.Join: this daemon's local rows move into the cluster database under its member name. */
function completeJoin(c: Ctx, cluster: Database, name: string, address: string): void {
  const d = c.d;
  const own = d.db;
  const now = Date.now();
  cluster.members.push({
    name, address, machine: d.machine, architecture: 'x86_64', description: '', failureDomain: 'default',
    groups: ['default'], config: {}, joinedAt: now, lastHeartbeat: now, flavor: d.flavor,
  });
  for (const mine of own.pools.values()) {
    const theirs = cluster.pools.get(mine.name);
    if (!theirs) continue;
    const row = mine.nodes.get('none');
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...mine.config, ...(row?.config ?? {}) })) {
      if (d.flavor.memberStorageKeys.includes(k)) config[k] = v;
    }
    theirs.nodes.set(name, { state: 'Created', config });
  }
  for (const mine of own.networks.values()) {
    const theirs = cluster.networks.get(mine.name);
    if (!theirs) continue;
    const row = mine.nodes.get('none');
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...mine.config, ...(row?.config ?? {}) })) {
      if (d.flavor.memberNetworkKeys.includes(k)) config[k] = v;
    }
    theirs.nodes.set(name, { state: 'Created', config });
  }
  for (const v of own.volumes) {
    if (!cluster.pools.has(v.pool)) continue;
    cluster.volumes.push({ ...v, location: v.location === 'none' ? name : v.location });
  }
  for (const [fp, cert] of own.certificates) if (!cluster.certificates.has(fp)) cluster.certificates.set(fp, cert);
  d.db = cluster;
  d.memberName = name;
  c.world.heartbeat(cluster);
}
