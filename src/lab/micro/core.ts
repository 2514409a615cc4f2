// The microcluster framework as MicroCeph and MicroOVN embed it (canonical/microcluster v3): one
// daemon per machine with the snap, the /core API on its control socket (bootstrap, join, tokens,
// member list and removal), dqlite roles and heartbeats, ?target= forwarding, and the rule that
// every endpoint not marked AllowedBeforeInit answers 503 until the database is up. The service
// (the "app") plugs in its hooks and its /1.0 endpoints; this file knows nothing about Ceph or OVN.
import { createHash, randomBytes } from 'node:crypto';
import { errorResponse, syncResponse } from '../envelope.js';
import type { LabContext, LabHandler, LabRequest, LabResponse, MachineSpec } from '../types.js';
import {
  ApiError, decodeStruct, decodeValue, formatIP, goTime, messageOf, parseIP, parseJsonBody, plainError,
  statusError, statusOf, unreachableError, validateFQDN, wrapError, type StructSpec,
} from './go.js';

/** types.DatabaseStatus strings, which are also the 503 messages. */
export const DB_NOT_READY = 'Database is not yet initialized';
export const DB_STARTING = 'Database is still starting';
export const DB_ONLINE = 'Database is online';
export type DbStatus = typeof DB_NOT_READY | typeof DB_STARTING | typeof DB_ONLINE;

/** dqlite roles as the member list reports them; PENDING until the leader's heartbeat assigns one. */
export type MemberRole = 'voter' | 'stand-by' | 'spare' | 'PENDING';

export interface CoreMember {
  /** core_cluster_members.id: join order, never reused. */
  readonly id: number;
  readonly name: string;
  readonly machine: string;
  /** The member's listen address, "10.1.0.11:7443". */
  readonly address: string;
  /** PEM of the member's server certificate. */
  readonly certificate: string;
  role: MemberRole;
  /** When the leader's heartbeat last reached the member (ms since epoch); null before the first. */
  heartbeat: number | null;
}

export interface CoreToken {
  readonly name: string;
  readonly secret: string;
  /** ms since epoch; null = never expires (expire_after 0). */
  readonly expiresAt: number | null;
}

export interface CoreCluster<S> {
  readonly id: number;
  /** The cluster certificate (PEM) and its SHA-256 fingerprint, which join tokens carry. */
  readonly certificate: string;
  readonly fingerprint: string;
  members: CoreMember[];
  tokens: CoreToken[];
  nextMemberId: number;
  /** When the roles were last adjusted by a heartbeat. */
  lastHeartbeat: number;
  /** The app's own tables for this cluster. */
  app: S;
}

export interface CoreDaemon<S> {
  readonly machine: string;
  /** The daemon's member name: the hostname until bootstrap/join sets another. */
  name: string;
  /** Its listen address: "" until bootstrap/join. */
  address: string;
  status: DbStatus;
  cluster: CoreCluster<S> | undefined;
  /** The name in the daemon's server certificate (regenerated when init uses another name). */
  certName: string;
  certificate: string;
}

/** What an app endpoint handler gets: the daemon that serves the request, and its cluster. */
export interface AppRequest<S> {
  core: MicroclusterCore<S>;
  daemon: CoreDaemon<S>;
  cluster: CoreCluster<S>;
  member: CoreMember;
  req: LabRequest;
  params: Record<string, string>;
}

export type AppHandler<S> = (r: AppRequest<S>) => Promise<LabResponse> | LabResponse;

export interface AppAction<S> {
  handler: AppHandler<S>;
  /** rest.EndpointAction.ProxyTarget: ?target=<member> runs the request on that member. */
  proxyTarget?: boolean;
}

/** An app endpoint under /1.0 (never AllowedBeforeInit). */
export interface AppEndpoint<S> {
  path: string;
  /** Whether its handlers touch the database (and so hang without dqlite quorum). Default true. */
  db?: boolean;
  get?: AppAction<S>;
  put?: AppAction<S>;
  post?: AppAction<S>;
  delete?: AppAction<S>;
  patch?: AppAction<S>;
}

/** The service built on microcluster: its snap, port, hooks and /1.0 API. */
export interface MicroApp<S> {
  readonly snap: 'microceph' | 'microovn';
  /** The port MicroCloud gives the daemon (7443 MicroCeph, 6443 MicroOVN). */
  readonly port: number;
  /** API extensions the app registers (reported next to microcluster's internal ones). */
  readonly extensions: readonly string[];
  /** The app's schema update count (schema_external_version). */
  readonly schemaExternal: number;
  initialState(): S;
  /** The PreInit hook: runs before the API starts on bootstrap and join; throwing refuses the init
   *  (the core prefixes "Failed to run pre-init hook before starting the API: "). */
  preInit?(daemon: CoreDaemon<S>, bootstrap: boolean, config: Record<string, string>): void;
  /** PostBootstrap: the database is up with the one member (core prefixes "Failed to run post-bootstrap actions: "). */
  bootstrap(cluster: CoreCluster<S>, member: CoreMember, config: Record<string, string>): void | Promise<void>;
  /** The joiner's hook once it is in the cluster (MicroCeph PostJoin, MicroOVN PreJoin); errors as is. */
  join(cluster: CoreCluster<S>, member: CoreMember, config: Record<string, string>): void | Promise<void>;
  /** PreRemove on the departing member; throwing refuses the removal unless forced. */
  preRemove?(cluster: CoreCluster<S>, member: CoreMember, force: boolean): void;
  /** The member's rows are gone (the app tables reference core_cluster_members ON DELETE CASCADE). */
  memberRemoved(cluster: CoreCluster<S>, member: CoreMember): void;
  readonly endpoints: readonly AppEndpoint<S>[];
}

export interface MicroOptions {
  /** Clock for token expiry and heartbeats (default Date.now). */
  now?: () => number;
  /** dqlite's heartbeat / role-adjustment interval. 0 (the default) adjusts roles on every request,
   *  so new members never show PENDING; the real daemons use 10000. */
  heartbeatMs?: number;
  /** How long a request that needs the database hangs when dqlite has lost quorum before it fails
   *  (the real daemon hangs until the client gives up). Default 30000. */
  quorumLossDelayMs?: number;
}

/** microcluster's own API extensions. */
const INTERNAL_EXTENSIONS = ['internal:runtime_extension_v1', 'internal:rename_core_endpoints'] as const;
/** microcluster v3's internal schema update count. */
const SCHEMA_INTERNAL = 7;

const CONTROL: StructSpec = {
  goType: 'types.Control',
  fields: { bootstrap: 'bool', config: 'stringMap', join_token: 'string', address: 'addrport', name: 'string' },
};
const TOKEN_REQUEST: StructSpec = { goType: 'types.TokenRequest', fields: { name: 'string', expire_after: 'int64' } };
const TOKEN: StructSpec = {
  goType: 'types.Token',
  fields: { secret: 'string', fingerprint: 'string', join_addresses: 'addrportArray' },
};

const quote = (s: string): string => JSON.stringify(s);

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
const METHODS: readonly Method[] = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'];

type RouteFn<S> = (d: CoreDaemon<S>, req: LabRequest, params: Record<string, string>) => Promise<LabResponse>;

interface Route<S> {
  segments: string[];
  allowedBeforeInit: boolean;
  /** Needs the database (hangs without dqlite quorum). */
  db: boolean;
  actions: Partial<Record<Method, { fn: RouteFn<S>; proxyTarget: boolean }>>;
}

/** A deterministic stand-in for a DER certificate and its PEM armour. */
function fakeCertificate(seed: string): { pem: string; fingerprint: string } {
  const chunks: Buffer[] = [];
  let h = seed;
  for (let k = 0; k < 14; k++) {
    h = createHash('sha256').update(h).digest('hex');
    chunks.push(Buffer.from(h, 'hex'));
  }
  const der = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0xbc]), ...chunks]);
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return {
    pem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}

/** base64.StdEncoding.DecodeString, strict like Go's. */
function decodeBase64Std(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!/[A-Za-z0-9+/=]/.test(c)) throw plainError(`illegal base64 data at input byte ${i}`);
  }
  const pad = s.indexOf('=');
  if (pad >= 0 && !/^=+$/.test(s.slice(pad))) throw plainError(`illegal base64 data at input byte ${pad}`);
  if (s.length % 4 !== 0) throw plainError(`illegal base64 data at input byte ${s.length - (s.length % 4)}`);
  return Buffer.from(s, 'base64').toString('utf8');
}

/** The machine's interface addresses (any scope), for "can the daemon listen there?". */
export function machineIPs(spec: MachineSpec): string[] {
  const out: string[] = [];
  for (const iface of spec.interfaces) {
    for (const cidr of iface.addresses) {
      const ip = parseIP(cidr.split('/')[0] ?? '');
      if (ip) out.push(formatIP(ip));
    }
  }
  return out;
}

/** The machine's first global IPv4 address, as MicroCloud picks it. */
export function firstGlobalIPv4(spec: MachineSpec): string | undefined {
  for (const iface of spec.interfaces) {
    if (iface.kind === 'loopback') continue;
    for (const cidr of iface.addresses) {
      const ip = parseIP(cidr.split('/')[0] ?? '');
      if (ip && ip.family === 4 && !formatIP(ip).startsWith('127.') && !formatIP(ip).startsWith('169.254.')) {
        return formatIP(ip);
      }
    }
  }
  return undefined;
}

/**
 * One microcluster-based service across the site: a daemon per machine that has the snap, and the
 * clusters those daemons form. The worlds (MicroCephWorld, MicroOvnWorld) own one of these.
 */
export class MicroclusterCore<S> {
  readonly ctx: LabContext;
  readonly app: MicroApp<S>;
  private readonly opts: Required<MicroOptions>;
  private readonly daemons = new Map<string, CoreDaemon<S>>();
  private readonly routes: Route<S>[];
  private nextClusterId = 1;
  private certCounter = 0;

  constructor(ctx: LabContext, app: MicroApp<S>, options: MicroOptions = {}) {
    this.ctx = ctx;
    this.app = app;
    this.opts = {
      now: options.now ?? Date.now,
      heartbeatMs: options.heartbeatMs ?? 0,
      quorumLossDelayMs: options.quorumLossDelayMs ?? 30_000,
    };
    this.routes = this.buildRoutes();
  }

  now(): number {
    return this.opts.now();
  }

  // ---- daemons --------------------------------------------------------------------------------

  /** Whether the machine has the snap, i.e. whether the daemon and its control socket exist. */
  installed(machine: string): boolean {
    return this.ctx.spec(machine).snaps.some((s) => s.name === this.app.snap);
  }

  /** The daemon on a machine; throws when the machine has no snap (there is no socket to reach). */
  daemon(machine: string): CoreDaemon<S> {
    let d = this.daemons.get(machine);
    if (d) return d;
    if (!this.installed(machine)) {
      throw new Error(`${machine} has no ${this.app.snap} snap: no daemon listens on its control socket`);
    }
    const hostname = this.ctx.spec(machine).hostname;
    const cert = this.newCert(machine, hostname);
    d = { machine, name: hostname, address: '', status: DB_NOT_READY, cluster: undefined, certName: hostname, certificate: cert };
    this.daemons.set(machine, d);
    return d;
  }

  /** The address MicroCloud would give this machine's daemon: first global IPv4 + the app's port. */
  defaultAddress(machine: string): string {
    const ip = firstGlobalIPv4(this.ctx.spec(machine));
    if (!ip) throw new Error(`${machine} has no global IPv4 address`);
    return `${ip}:${this.app.port}`;
  }

  handler(machine: string): LabHandler {
    const d = this.daemon(machine);
    return (req) => this.dispatch(d, req);
  }

  /** Every cluster some daemon belongs to. */
  clusters(): CoreCluster<S>[] {
    const seen = new Set<CoreCluster<S>>();
    for (const d of this.daemons.values()) if (d.cluster) seen.add(d.cluster);
    return [...seen].sort((a, b) => a.id - b.id);
  }

  /** The cluster a machine's daemon is in, or (no machine given) the first cluster there is. */
  clusterOf(machine?: string): CoreCluster<S> | undefined {
    if (machine !== undefined) return this.daemons.get(machine)?.cluster;
    return this.clusters()[0];
  }

  memberOf(cluster: CoreCluster<S>, machine: string): CoreMember | undefined {
    return cluster.members.find((m) => m.machine === machine);
  }

  private newCert(machine: string, name: string): string {
    return fakeCertificate(`${this.app.snap}/${machine}/${name}/${this.certCounter++}`).pem;
  }

  /** The daemon reset that follows a failed init or a removal: state dir wiped, process re-exec'd. */
  resetDaemon(d: CoreDaemon<S>): void {
    const hostname = this.ctx.spec(d.machine).hostname;
    d.name = hostname;
    d.address = '';
    d.status = DB_NOT_READY;
    d.cluster = undefined;
    d.certName = hostname;
    d.certificate = this.newCert(d.machine, hostname);
  }

  /** Whether a member's daemon answers on its address (GET /core/1.0/ready over HTTPS). */
  reachable(member: CoreMember): boolean {
    if (!this.ctx.isUp(member.machine)) return false;
    const d = this.daemons.get(member.machine);
    return d !== undefined && d.address === member.address && d.status !== DB_NOT_READY;
  }

  // ---- dqlite ---------------------------------------------------------------------------------

  /** dqlite keeps working while a majority of voters is up. */
  hasQuorum(cluster: CoreCluster<S>): boolean {
    const voters = cluster.members.filter((m) => m.role === 'voter');
    if (voters.length === 0) return true;
    const up = voters.filter((m) => this.ctx.isUp(m.machine)).length;
    return up * 2 > voters.length;
  }

  /** A database transaction: hangs, then fails, when dqlite has no quorum. */
  async db(cluster: CoreCluster<S>): Promise<void> {
    if (this.hasQuorum(cluster)) return;
    await this.ctx.sleep(this.opts.quorumLossDelayMs);
    throw plainError('Failed to begin transaction: context deadline exceeded');
  }

  /** The leader's heartbeat: adjust dqlite roles (3 voters, 3 stand-bys, the rest spare) among the
   *  members that answer, and record the heartbeat time on them. */
  heartbeat(cluster: CoreCluster<S>): void {
    if (!this.hasQuorum(cluster)) return;
    const now = this.now();
    const up = (m: CoreMember): boolean => this.reachable(m);
    const ordered = [...cluster.members].sort((a, b) => a.id - b.id);
    const rank: Record<MemberRole, number> = { 'stand-by': 0, spare: 1, PENDING: 2, voter: 3 };
    let onlineVoters = ordered.filter((m) => m.role === 'voter' && up(m)).length;
    const candidates = ordered.filter((m) => m.role !== 'voter' && up(m)).sort((a, b) => rank[a.role] - rank[b.role] || a.id - b.id);
    while (onlineVoters < 3 && candidates.length > 0) {
      candidates.shift()!.role = 'voter';
      onlineVoters++;
    }
    let voters = ordered.filter((m) => m.role === 'voter').length;
    for (const m of ordered) {
      if (voters > 3 && m.role === 'voter' && !up(m)) { m.role = 'spare'; voters--; }
    }
    let standbys = ordered.filter((m) => m.role === 'stand-by' && up(m)).length;
    for (const m of ordered) {
      if (!up(m) || m.role === 'voter' || m.role === 'stand-by') continue;
      if (standbys < 3) { m.role = 'stand-by'; standbys++; } else m.role = 'spare';
    }
    let allStandbys = ordered.filter((m) => m.role === 'stand-by').length;
    for (const m of ordered) {
      if (allStandbys > 3 && m.role === 'stand-by' && !up(m)) { m.role = 'spare'; allStandbys--; }
    }
    for (const m of ordered) if (up(m)) m.heartbeat = now;
    cluster.lastHeartbeat = now;
  }

  private maybeHeartbeat(cluster: CoreCluster<S>): void {
    if (this.opts.heartbeatMs <= 0 || this.now() - cluster.lastHeartbeat >= this.opts.heartbeatMs) {
      this.heartbeat(cluster);
    }
  }

  // ---- routing --------------------------------------------------------------------------------

  private buildRoutes(): Route<S>[] {
    const r = (path: string, allowedBeforeInit: boolean, db: boolean, actions: Route<S>['actions']): Route<S> => ({
      segments: path.split('/').slice(1), allowedBeforeInit, db, actions,
    });
    const a = (fn: RouteFn<S>, proxyTarget = false) => ({ fn, proxyTarget });
    const core: Route<S>[] = [
      // UnixEndpoints (/core/control), then PublicEndpoints (/core/1.0), as microcluster registers them.
      r('/core/control', true, false, { POST: a((d, req) => this.control(d, req)) }),
      r('/core/control/tokens', false, true, {
        POST: a((d, req) => this.tokensPost(d, req)),
        GET: a((d) => this.tokensGet(d)),
      }),
      r('/core/1.0', true, false, { GET: a(async (d) => this.api10(d)) }),
      r('/core/1.0/cluster', true, false, { GET: a((d) => this.clusterGet(d)) }),
      r('/core/1.0/cluster/{name}', false, true, { DELETE: a((d, req, p) => this.clusterMemberDelete(d, req, p)) }),
      r('/core/1.0/tokens/{name}', false, true, { DELETE: a((d, _req, p) => this.tokenDelete(d, p)) }),
      r('/core/1.0/ready', true, false, { GET: a(async () => syncResponse({})) }),
    ];
    const app = this.app.endpoints.map((e) => {
      const actions: Route<S>['actions'] = {};
      for (const m of METHODS) {
        const act = e[m.toLowerCase() as 'get' | 'put' | 'post' | 'delete' | 'patch'];
        if (!act) continue;
        actions[m] = a((d, req, params) => this.appCall(act.handler, d, req, params), act.proxyTarget ?? false);
      }
      return r(e.path, false, e.db ?? true, actions);
    });
    return [...core, ...app];
  }

  private match(path: string): { route: Route<S>; params: Record<string, string> } | undefined {
    const segs = path.split('/').slice(1);
    for (const route of this.routes) {
      if (route.segments.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let k = 0; k < segs.length; k++) {
        const want = route.segments[k]!;
        const got = segs[k]!;
        if (want.startsWith('{') && want.endsWith('}')) {
          if (got === '') { ok = false; break; }
          params[want.slice(1, -1)] = got;
        } else if (want !== got) { ok = false; break; }
      }
      if (ok) return { route, params };
    }
    return undefined;
  }

  private async dispatch(d: CoreDaemon<S>, req: LabRequest): Promise<LabResponse> {
    try {
      return await this.route(d, req);
    } catch (e) {
      return errorResponse(statusOf(e), messageOf(e));
    }
  }

  /** Serve one request on daemon `d`: route, init gate, method, ?target= forwarding, handler. */
  private async route(d: CoreDaemon<S>, req: LabRequest): Promise<LabResponse> {
    if (req.path === '/') return syncResponse(['/1.0']);
    const found = this.match(req.path);
    if (!found) return errorResponse(404, 'not found');
    const { route } = found;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(found.params)) {
      try {
        params[k] = decodeURIComponent(v);
      } catch {
        throw plainError(`invalid URL escape ${quote(v.slice(v.indexOf('%'), v.indexOf('%') + 3))}`);
      }
    }
    if (!route.allowedBeforeInit && d.status !== DB_ONLINE) throw statusError(503, d.status);
    const method = req.method.toUpperCase();
    if (!METHODS.includes(method as Method)) throw statusError(404, `Method '${req.method}' not found`);
    const action = route.actions[method as Method];
    if (!action) throw statusError(501, 'not implemented');
    const target = req.query.get('target') ?? '';
    const forwarding = action.proxyTarget && d.cluster !== undefined && target !== '' && target !== d.name;
    if (d.cluster && d.status === DB_ONLINE) {
      // Forwarding looks the target up in the database too.
      if (route.db || forwarding) await this.db(d.cluster);
      this.maybeHeartbeat(d.cluster);
    }
    if (forwarding) return this.forward(d, d.cluster!, target, req);
    return action.fn(d, req, params);
  }

  /** proxyTarget: run the request on the named member, over HTTPS, and re-wrap its answer. */
  private async forward(d: CoreDaemon<S>, cluster: CoreCluster<S>, target: string, req: LabRequest): Promise<LabResponse> {
    const member = cluster.members.find((m) => m.name === target);
    if (!member) {
      throw statusError(400, `Failed to get cluster member for request target name ${quote(target)}: CoreClusterMember not found`);
    }
    const prefix = `Failed to send request to target ${quote(target)}: `;
    const qs = req.query.toString();
    const url = `https://${member.address}${req.path}${qs ? `?${qs}` : ''}`;
    const td = this.daemons.get(member.machine);
    if (!this.reachable(member) || !td) throw plainError(prefix + unreachableError(req.method, url, member.address));
    const res = await this.dispatch(td, req);
    const body = res.body as { type?: string; error?: string; metadata?: unknown };
    if (body.type === 'error') throw new ApiError(prefix + (body.error ?? ''), res.status);
    return syncResponse(body.metadata ?? null);
  }

  private async appCall(h: AppHandler<S>, d: CoreDaemon<S>, req: LabRequest, params: Record<string, string>): Promise<LabResponse> {
    const cluster = d.cluster;
    const member = cluster ? this.memberOf(cluster, d.machine) : undefined;
    if (!cluster || !member) throw statusError(503, DB_NOT_READY);
    return h({ core: this, daemon: d, cluster, member, req, params });
  }

  // ---- /core/1.0 ------------------------------------------------------------------------------

  private version(machine: string): string {
    return this.ctx.spec(machine).snaps.find((s) => s.name === this.app.snap)?.version ?? '';
  }

  extensions(): string[] {
    return [...INTERNAL_EXTENSIONS, ...this.app.extensions];
  }

  private api10(d: CoreDaemon<S>): LabResponse {
    return syncResponse({
      name: d.name,
      address: d.address,
      version: this.version(d.machine),
      ready: d.status === DB_ONLINE,
      extensions: this.extensions(),
    });
  }

  private async clusterGet(d: CoreDaemon<S>): Promise<LabResponse> {
    if (d.status !== DB_ONLINE || !d.cluster) throw statusError(503, d.status);
    const cluster = d.cluster;
    await this.db(cluster);
    this.maybeHeartbeat(cluster);
    const members = [...cluster.members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return syncResponse(members.map((m) => ({
      name: m.name,
      address: m.address,
      certificate: m.certificate,
      role: m.role,
      schema_internal_version: SCHEMA_INTERNAL,
      schema_external_version: this.app.schemaExternal,
      last_heartbeat: goTime(m.heartbeat),
      status: m.machine === d.machine || this.reachable(m) ? 'ONLINE' : 'UNREACHABLE',
      extensions: this.extensions(),
      secret: '',
    })));
  }

  private async clusterMemberDelete(d: CoreDaemon<S>, req: LabRequest, p: Record<string, string>): Promise<LabResponse> {
    const cluster = d.cluster!;
    const name = p['name'] ?? '';
    const force = req.query.get('force') === '1';
    const member = cluster.members.find((m) => m.name === name);
    if (!member) throw plainError(`No remote exists with the given name ${quote(name)}`);
    const pending = cluster.members.filter((m) => m.role === 'PENDING').length;
    if (cluster.members.length - pending < 1) {
      throw plainError('Cannot remove cluster members, there are no remaining non-pending members');
    }
    if (cluster.members.length < 2) throw plainError(`Cannot leave a cluster with ${cluster.members.length} members`);
    // The leader asks the departing member to run its PreRemove hook.
    if (!this.reachable(member)) {
      if (!force) {
        const url = `https://${member.address}/core/internal/hooks/pre-remove?target=${encodeURIComponent(name)}`;
        throw plainError(unreachableError('POST', url, member.address));
      }
    } else {
      try {
        this.app.preRemove?.(cluster, member, force);
      } catch (e) {
        if (!force) throw wrapError(`Failed to execute pre-remove hook on cluster member ${quote(name)}: `, e);
      }
    }
    this.removeMember(cluster, member);
    return syncResponse({});
  }

  /** Drop a member: its record, its app rows, and (it is told to reset) its daemon's state. */
  removeMember(cluster: CoreCluster<S>, member: CoreMember): void {
    cluster.members = cluster.members.filter((m) => m !== member);
    this.app.memberRemoved(cluster, member);
    const md = this.daemons.get(member.machine);
    if (md && md.cluster === cluster) this.resetDaemon(md);
  }

  // ---- tokens ---------------------------------------------------------------------------------

  private tokenString(cluster: CoreCluster<S>, secret: string): string {
    const joinAddresses = [...cluster.members]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((m) => m.address);
    const json = JSON.stringify({ secret, fingerprint: cluster.fingerprint, join_addresses: joinAddresses });
    return Buffer.from(json, 'utf8').toString('base64');
  }

  private expired(t: CoreToken): boolean {
    return t.expiresAt !== null && t.expiresAt < this.now();
  }

  private async tokensPost(d: CoreDaemon<S>, req: LabRequest): Promise<LabResponse> {
    const cluster = d.cluster!;
    let body: Record<string, unknown>;
    try {
      body = decodeStruct(req.rawBody, TOKEN_REQUEST);
    } catch (e) {
      throw statusError(400, messageOf(e));
    }
    const name = body['name'] as string;
    const expireAfter = body['expire_after'] as number;
    try {
      validateFQDN(name);
    } catch (e) {
      throw wrapError(`Token name ${quote(name)} is not a valid FQDN: `, e);
    }
    // Expired records are purged before each insert; a live one with the same name violates UNIQUE(name).
    cluster.tokens = cluster.tokens.filter((t) => !this.expired(t));
    if (cluster.tokens.some((t) => t.name === name)) {
      throw plainError('Failed to create "core_token_records" entry: UNIQUE constraint failed: core_token_records.name');
    }
    const secret = randomBytes(32).toString('hex');
    const expiresAt = expireAfter !== 0 ? this.now() + expireAfter / 1e6 : null;
    cluster.tokens.push({ name, secret, expiresAt });
    return syncResponse(this.tokenString(cluster, secret));
  }

  private async tokensGet(d: CoreDaemon<S>): Promise<LabResponse> {
    const cluster = d.cluster!;
    const records = [...cluster.tokens]
      .sort((a, b) => (a.secret < b.secret ? -1 : 1))
      .filter((t) => !this.expired(t))
      .map((t) => ({ name: t.name, token: this.tokenString(cluster, t.secret), expires_at: goTime(t.expiresAt) }));
    return syncResponse(records);
  }

  private async tokenDelete(d: CoreDaemon<S>, p: Record<string, string>): Promise<LabResponse> {
    const cluster = d.cluster!;
    const name = p['name'] ?? '';
    const before = cluster.tokens.length;
    cluster.tokens = cluster.tokens.filter((t) => t.name !== name);
    if (cluster.tokens.length === before) throw statusError(404, 'CoreTokenRecord not found');
    return syncResponse({});
  }

  // ---- bootstrap / join -----------------------------------------------------------------------

  /** POST /core/control: bootstrap or join, in the order controlPost checks things. */
  private async control(d: CoreDaemon<S>, req: LabRequest): Promise<LabResponse> {
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
      this.app.preInit?.(d, bootstrap, config);
    } catch (e) {
      throw wrapError('Failed to run pre-init hook before starting the API: ', e);
    }
    const certNameMatches = d.certName === name;
    if (!certNameMatches) {
      d.certName = name;
      d.certificate = this.newCert(d.machine, name);
    }
    if (joinToken !== '') return this.join(d, joinToken, config, certNameMatches);
    if (!bootstrap) {
      this.resetDaemon(d);
      throw plainError('Failed to re-establish cluster connection: the lab does not simulate starting without bootstrap or a join token');
    }
    d.status = DB_STARTING;
    try {
      this.checkListen(d);
      await this.ctx.sleep(this.ctx.durations.microBootstrap);
      const fp = fakeCertificate(`${this.app.snap}/cluster/${this.nextClusterId}/${d.machine}`);
      const cluster: CoreCluster<S> = {
        id: this.nextClusterId++, certificate: fp.pem, fingerprint: fp.fingerprint, members: [], tokens: [],
        nextMemberId: 1, lastHeartbeat: this.now(), app: this.app.initialState(),
      };
      const member = this.addMember(cluster, d);
      d.cluster = cluster;
      d.status = DB_ONLINE;
      try {
        await this.app.bootstrap(cluster, member, config);
      } catch (e) {
        throw wrapError('Failed to run post-bootstrap actions: ', e);
      }
    } catch (e) {
      this.resetDaemon(d);
      throw e;
    }
    return syncResponse({});
  }

  private addMember(cluster: CoreCluster<S>, d: CoreDaemon<S>): CoreMember {
    const member: CoreMember = {
      id: cluster.nextMemberId++, name: d.name, machine: d.machine, address: d.address,
      certificate: d.certificate, role: 'PENDING', heartbeat: null,
    };
    cluster.members.push(member);
    return member;
  }

  /** The network listener: the address must be one of the machine's (or a wildcard). */
  private checkListen(d: CoreDaemon<S>): void {
    if (d.address === '' || d.name === '') throw plainError('Cannot start network API without valid daemon configuration');
    const host = d.address.startsWith('[') ? d.address.slice(1, d.address.lastIndexOf(']')) : d.address.slice(0, d.address.lastIndexOf(':'));
    if (host === '0.0.0.0' || host === '::') return;
    if (!machineIPs(this.ctx.spec(d.machine)).includes(host)) {
      throw plainError(`Failed to listen on https socket: listen tcp ${d.address}: bind: cannot assign requested address`);
    }
  }

  /** The daemon that serves HTTPS on `address` (a member's listener), if any. */
  private daemonAt(address: string): CoreDaemon<S> | undefined {
    for (const d of this.daemons.values()) {
      if (d.address === address && d.status !== DB_NOT_READY && this.ctx.isUp(d.machine)) return d;
    }
    return undefined;
  }

  private async join(d: CoreDaemon<S>, tokenString: string, config: Record<string, string>, certNameMatches: boolean): Promise<LabResponse> {
    // Until a cluster member has authorised the join, a failure leaves the daemon alone unless its
    // certificate name did not change (then it resets); after authorisation it always resets and
    // asks the cluster to delete the half-joined member.
    let authorised: { cluster: CoreCluster<S>; member: CoreMember } | undefined;
    const fail = (e: unknown): unknown => {
      if (authorised) {
        if (authorised.cluster.members.includes(authorised.member)) {
          authorised.cluster.members = authorised.cluster.members.filter((m) => m !== authorised!.member);
          this.app.memberRemoved(authorised.cluster, authorised.member);
        }
        this.resetDaemon(d);
      } else if (certNameMatches) {
        this.resetDaemon(d);
      }
      return e;
    };
    let token: Record<string, unknown>;
    try {
      token = decodeValue(parseJsonBody(decodeBase64Std(tokenString)), TOKEN);
    } catch (e) {
      throw fail(e);
    }
    const addresses = (token['join_addresses'] ?? []) as string[];
    let lastErr: unknown;
    for (const addr of addresses) {
      const peer = this.daemonAt(addr);
      // Could not fetch the peer's certificate, or it is not the token's cluster: try the next one.
      if (!peer || !peer.cluster || peer.cluster.fingerprint !== token['fingerprint']) continue;
      try {
        authorised = this.acceptJoin(peer.cluster, d, token['secret'] as string);
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
      this.checkListen(d);
      await this.ctx.sleep(this.ctx.durations.microJoin);
      if (!authorised.cluster.members.includes(authorised.member)) throw plainError('Failed to join cluster: member was removed while joining');
      d.cluster = authorised.cluster;
      d.status = DB_ONLINE;
      await this.app.join(authorised.cluster, authorised.member, config);
    } catch (e) {
      throw fail(e);
    }
    return syncResponse({});
  }

  /** The accepting side (POST /core/internal/cluster on the leader). */
  private acceptJoin(cluster: CoreCluster<S>, joiner: CoreDaemon<S>, secret: string): { cluster: CoreCluster<S>; member: CoreMember } {
    if (!this.hasQuorum(cluster)) throw plainError('context deadline exceeded');
    if (cluster.members.some((m) => m.address === joiner.address)) {
      throw plainError(`Remote with address ${quote(joiner.address)} exists`);
    }
    const record = cluster.tokens.find((t) => t.secret === secret);
    if (!record) throw statusError(404, 'CoreTokenRecord not found');
    if (this.expired(record)) throw plainError('Token expired');
    if (record.name !== joiner.certName) throw plainError('Joining server certificate SAN does not contain join token name');
    if (cluster.members.some((m) => m.name === joiner.name)) {
      throw statusError(409, 'This "core_cluster_members" entry already exists');
    }
    const member = this.addMember(cluster, joiner);
    cluster.tokens = cluster.tokens.filter((t) => t !== record);
    return { cluster, member };
  }
}

