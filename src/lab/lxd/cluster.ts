// /1.0/cluster, /1.0/cluster/members[/<name>]: bootstrap, join dispatch, disable, join tokens, removal.
import { randomBytes } from 'node:crypto';
import type { LabResponse } from '../types.js';
import { syncResponse } from '../envelope.js';
import { newOperation, parseExpiry, servedCert, visibleOperations } from './common.js';
import type { Ctx } from './context.js';
import { decodeBody, isRecursion, memberByName, q, str, unreachable } from './context.js';
import { badRequest, plainError } from './errors.js';
import { etagHeader } from './etag.js';
import { clusterPutJoin } from './join.js';
import { renderMember } from './members.js';
import { isWildcard } from './net.js';
import type { Router } from './router.js';
import type { DaemonState } from './state.js';

function clusterObject(d: DaemonState): Record<string, unknown> {
  const keys: Array<{ entity: string; name: string; key: string; value: string; description: string }> = [];
  const row = d.memberName;
  for (const p of d.db.pools.values()) {
    for (const [k, v] of Object.entries(p.nodes.get(row)?.config ?? {})) {
      if (k.startsWith('volatile.')) continue;
      keys.push({ entity: 'storage-pool', name: p.name, key: k, value: d.flavor.memberConfigValues ? v : '',
        description: `"${k}" property for storage pool "${p.name}"` });
    }
  }
  for (const n of d.db.networks.values()) {
    if (n.project !== 'default') continue;
    for (const [k, v] of Object.entries(n.nodes.get(row)?.config ?? {})) {
      if (k.startsWith('volatile.')) continue;
      keys.push({ entity: 'network', name: n.name, key: k, value: d.flavor.memberConfigValues ? v : '',
        description: `"${k}" property for network "${n.name}"` });
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  keys.sort((a, b) => cmp(a.entity, b.entity) || cmp(a.name, b.name) || cmp(a.key, b.key) || cmp(a.description, b.description));
  return { server_name: d.db.clustered ? d.memberName : '', enabled: d.db.clustered, member_config: keys };
}

function getCluster(c: Ctx): LabResponse {
  const obj = clusterObject(c.d);
  return syncResponse(obj, 200, etagHeader(obj));
}

async function putCluster(c: Ctx): Promise<LabResponse> {
  const fields = {
    server_name: 'string', enabled: 'bool', member_config: 'array', cluster_address: 'string',
    cluster_certificate: 'string', server_address: 'string', cluster_password: 'string', cluster_token: 'string',
  } as const;
  const body = decodeBody(c, 'ClusterPut', fields);
  const serverName = str(body.server_name);
  const enabled = body.enabled === true;
  if (serverName === '' && enabled) throw badRequest('ServerName is required when enabling clustering');
  if (serverName !== '' && !enabled) throw badRequest('ServerName must be empty when disabling clustering');
  if (serverName !== '' && serverName.startsWith('@') && c.d.flavor.name !== 'deb-5.0') {
    throw badRequest('ServerName may not start with "@"');
  }
  if (serverName === 'none') throw badRequest('ServerName cannot be "none"');
  if (!enabled) return disable(c);
  if (str(body.cluster_address) === '') return bootstrap(c, serverName);
  return clusterPutJoin(c, body);
}

function disable(c: Ctx): LabResponse {
  // clusterPutDisable: reset the local database and restart the daemon as a standalone server.
  // The cluster keeps its record of this member (it shows Offline there) until it is removed.
  c.world.resetDaemon(c.d);
  return syncResponse({});
}

function bootstrap(c: Ctx, serverName: string): LabResponse {
  const d = c.d;
  if (!d.localConfig['cluster.https_address']) {
    const core = d.localConfig['core.https_address'] ?? '';
    if (isWildcard(core)) {
      throw plainError(`Cannot use wildcard core.https_address "" for cluster.https_address. Please specify a new cluster.https_address or core.https_address`);
    }
    d.localConfig['cluster.https_address'] = core;
  }
  const op = newOperation(d, {
    class: 'task', description: 'Creating bootstrap node', resources: { cluster: [] },
    run: async () => {
      await c.world.lab.sleep(c.world.lab.durations.lxdBootstrap);
      if (d.db.clustered) throw plainError('Inconsistent state: found leftover cluster certificate');
      const address = d.localConfig['cluster.https_address'] ?? '';
      if (!address) throw plainError('No cluster.https_address config is set on this member');
      const db = d.db;
      for (const p of db.pools.values()) renameRow(p.nodes, 'none', serverName);
      for (const n of db.networks.values()) renameRow(n.nodes, 'none', serverName);
      for (const v of db.volumes) if (v.location === 'none') v.location = serverName;
      db.clustered = true;
      const now = Date.now();
      db.members = [{
        name: serverName, address, machine: d.machine, architecture: 'x86_64', description: '', failureDomain: 'default',
        groups: ['default'], config: {}, joinedAt: now, lastHeartbeat: now, flavor: d.flavor,
      }];
      db.clusterCert = d.serverCert;
      if (!db.certificates.has(d.serverCert.fingerprint)) {
        db.certificates.set(d.serverCert.fingerprint, { name: serverName, type: 'server', restricted: false, projects: [],
          certificate: d.serverCert.pem, fingerprint: d.serverCert.fingerprint });
      }
      d.memberName = serverName;
    },
  });
  return op.response();
}

function renameRow<T>(m: Map<string, T>, from: string, to: string): void {
  const v = m.get(from);
  if (v === undefined) return;
  m.delete(from);
  m.set(to, v);
}

function requireClustered(c: Ctx): void {
  if (!c.d.db.clustered) throw plainError('Server is not clustered');
}

function listMembers(c: Ctx): LabResponse {
  requireClustered(c);
  const db = c.d.db;
  if (!isRecursion(c)) return syncResponse(db.members.map((m) => `/1.0/cluster/members/${m.name}`));
  return syncResponse(db.members.map((m) => renderMember(db, m, (x) => c.world.memberUp(db, x), c.d.flavor, Date.now(), (x) => c.world.versionBlocked(db, x))));
}

function getMember(c: Ctx): LabResponse {
  requireClustered(c);
  const m = memberByName(c.d.db, c.params.name ?? '');
  const obj = renderMember(c.d.db, m, (x) => c.world.memberUp(c.d.db, x), c.d.flavor, Date.now(), (x) => c.world.versionBlocked(c.d.db, x));
  const writable = { config: obj.config, description: obj.description, roles: obj.roles, failure_domain: obj.failure_domain, groups: obj.groups };
  return syncResponse(obj, 200, etagHeader(writable));
}

function createToken(c: Ctx): LabResponse {
  const body = decodeBody(c, 'ClusterMembersPost', { server_name: 'string' });
  const d = c.d;
  if (!d.db.clustered) throw badRequest('This server is not clustered');
  const name = str(body.server_name);
  if (name === 'none') throw badRequest('Join token name cannot be "none"');
  const expiryCfg = d.db.config['cluster.join_token_expiry'] ?? '3H';
  const expiresAt = parseExpiry(expiryCfg);
  if (!expiresAt) throw badRequest(`Invalid expiry format ${JSON.stringify(expiryCfg)}`);
  const addresses = d.db.members.filter((m) => c.world.memberUp(d.db, m)).map((m) => m.address);
  if (addresses.length < 1) throw plainError('There are no online cluster members');
  for (const op of visibleOperations(c.world, d)) {
    if (op.class === 'token' && op.description === 'Cluster join token' && op.status === 'Running'
      && op.metadata.serverName === name) op.consume();
  }
  const op = newOperation(d, {
    class: 'token', description: 'Cluster join token', resources: { cluster: [] }, project: 'default',
    metadata: {
      serverName: name,
      secret: randomBytes(32).toString('hex'),
      fingerprint: servedCert(d).fingerprint,
      addresses,
      expiresAt: expiresAt.toISOString(),
    },
  });
  return op.response();
}

/**
 * clusterMemberDelete (canonical/lxd lxd/api_cluster_member.go; cluster.Leave and
 * membershipCheckClusterStateForLeave in lxd/cluster/membership.go; NodeIsEmpty in lxd/db/node.go;
 * at a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05). Without force, in that order: the member must hold
 * no instance and no custom volume of a local pool, and not be the only member; then the leader
 * asks the member itself to delete its networks and pools (so a member that is down fails the
 * removal) and, once purged, to disable clustering (a reset). With force none of that: the member is
 * purged from the database and never contacted, so its machine keeps what it had.
 */
function deleteMember(c: Ctx): LabResponse {
  requireClustered(c);
  const db = c.d.db;
  const m = memberByName(db, c.params.name ?? '');
  const force = q(c, 'force') === '1';
  if (!force) {
    const instances = db.instances.filter((i) => i.location === m.name).map((i) => i.name);
    if (instances.length) throw plainError(`Node still has the following instances: ${instances.join(', ')}`);
    const remote = (pool: string) => ['ceph', 'cephfs'].includes(db.pools.get(pool)?.driver ?? '');
    const vols = db.volumes.filter((v) => v.location === m.name && !remote(v.pool)).map((v) => v.name);
    if (vols.length) throw plainError(`Node still has the following custom volumes: ${vols.join(', ')}`);
  }
  if (db.members.length === 1) throw plainError('Member is the only member in the cluster');
  if (!force && !c.world.memberUp(db, m)) throw unreachable(m.address);
  db.members = db.members.filter((x) => x.name !== m.name);
  db.instances = db.instances.filter((i) => i.location !== m.name);
  for (const p of db.pools.values()) p.nodes.delete(m.name);
  for (const n of db.networks.values()) n.nodes.delete(m.name);
  db.volumes = db.volumes.filter((v) => v.location !== m.name);
  for (const [fp, cert] of db.certificates) if (cert.type === 'server' && cert.name === m.name) db.certificates.delete(fp);
  const gone = c.world.daemon(m.machine);
  if (!force && gone.db === db) c.world.resetDaemon(gone);
  return syncResponse({});
}

export function registerCluster(r: Router): void {
  r.add('/1.0/cluster', { GET: getCluster, PUT: putCluster });
  r.add('/1.0/cluster/members', { GET: listMembers, POST: createToken });
  r.add('/1.0/cluster/members/{name}', { GET: getMember, DELETE: deleteMember });
}
