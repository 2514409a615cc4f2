// The MicroCloud daemon (microcloudd, the `microcloud` snap): a microcluster app on port 9443 whose
// own cluster `microcloud status`, `add` and `remove` judge a site by. Read from canonical/microcloud
// at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741 (cmd/microcloudd/main.go, service/microcloud.go,
// service/service_handler.go, api/) and checked against the LTS the lab's snaps track, tag 2.1.3
// (33f6c5b4bbd77b0e5ee476a78e36d95bc6941b22); microcluster as in core.ts.
//
// What it serves on its control socket: the microcluster core (bootstrap, tokens, join, members,
// ready); GET /1.0/status (microcloud-status.ts); PUT /1.0/services, with which MicroCloud's
// initiator makes a joiner join (here for the MicroCloud token only); the trust-establishment
// sessions, websockets on GET /1.0/session/initiating|joining, with the join intents the daemons
// send each other on POST /1.0/session/join (microcloud-trust.ts); PUT /1.0/session/stop; and the
// session state the PostJoin hook needs (microcloud-session.ts). Tests may also put a daemon into
// a session directly with startSession().
//
// The daemon never writes user.microcloud when it bootstraps or joins (its PostBootstrap and PostJoin
// hooks only record its address); OnStart does, on a start with its database open and LXD
// initialized: restart() below. `microcloud init` writes it with LXD's bootstrap (service/lxd.go).
import { errorResponse, syncResponse } from '../envelope.js';
import { HandlerPanic, type LabContext, type LabHandler, type LabRequest, type LabResponse } from '../types.js';
import { DB_ONLINE, type AppRequest, type CoreCluster, type MicroApp, type MicroOptions } from './core.js';
import { firstGlobalIPv4, machineIPs } from './core-identity.js';
import {
  ApiError, decodeStruct, decodeValue, formatAddrPort, formatIP, hostOf, joinHostPort, messageOf, parseAddrPort, parseIP,
  plainError, quote, statusError, statusOf, type StructSpec,
} from './go.js';
import { DaemonSessions, type CloudSession, type SessionRole } from './microcloud-session.js';
import { memberStatus, type LocalAnswer, type LocalService, type MemberStatus } from './microcloud-status.js';
import { TrustEstablishment } from './microcloud-trust.js';
import { MicroWorld } from './world.js';

export type CloudSibling = 'lxd' | 'microceph' | 'microovn';

/** How microcloudd reaches the other daemons of its machine: their unix sockets. */
export interface MicroCloudPeers {
  /** That daemon's handler, or undefined when it is not installed (no socket: service.Exists). */
  daemon(machine: string, service: CloudSibling): LabHandler | undefined;
}

const NO_PEERS: MicroCloudPeers = { daemon: () => undefined };

/** MicroCloud 2.x keeps no tables of its own (3.x adds cluster_manager, one schema update). */
export type CloudClusterState = Record<string, never>;

/** types.ServiceType values (api/types/services.go). */
const SERVICE_TYPES = ['MicroCloud', 'MicroCeph', 'MicroOVN', 'LXD'] as const;
const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'];

const SERVICES_PUT: StructSpec = {
  goType: 'types.ServicesPut',
  fields: { tokens: 'any', address: 'string', lxd_config: 'any', ceph_config: 'any', ovn_config: 'stringMap' },
};
const SERVICE_TOKEN: StructSpec = { goType: 'types.ServiceToken', fields: { service: 'string', join_token: 'string' } };
const SESSION_STOP: StructSpec = { goType: 'types.SessionStopPut', fields: { reason: 'string' } };

/** util.CanonicalNetworkAddress(address, port). */
function canonicalAddress(address: string, port: number): string {
  const ip = parseIP(address);
  if (ip) return joinHostPort(formatIP(ip), port);
  try {
    return formatAddrPort(parseAddrPort(address));
  } catch {
    return joinHostPort(address, port);
  }
}

/** The endpoint's only method, as microcluster's router answers the others. */
function expectMethod(req: LabRequest, method: string): void {
  const m = req.method.toUpperCase();
  if (!METHODS.includes(m)) throw statusError(404, `Method '${req.method}' not found`);
  if (m !== method) throw statusError(501, 'not implemented');
}

/**
 * The simulated MicroCloud daemons of a site. `handler(machine)` serves that machine's control
 * socket; machines without the microcloud snap have none.
 */
export class MicroCloudWorld extends MicroWorld<CloudClusterState> {
  /** Handler.Session of every daemon. */
  readonly sessions = new DaemonSessions();
  private peers: MicroCloudPeers = NO_PEERS;
  private readonly trust = new TrustEstablishment({
    ctx: this.ctx,
    sessions: this.sessions,
    identity: (m) => {
      const d = this.core.daemon(m);
      return { name: d.name, certificate: d.certificate };
    },
    // cmd/microcloudd/main.go: MicroCloud and LXD always, MicroCeph and MicroOVN while their sockets exist.
    services: (m) => ['MicroCloud', 'LXD', ...(['microceph', 'microovn'] as const)
      .filter((s) => this.peers.daemon(m, s) !== undefined).map((s) => (s === 'microceph' ? 'MicroCeph' : 'MicroOVN'))],
    version: (m, service) => this.serviceVersion(m, service),
    listenerAt: (host) => this.listenerAt(host),
    handler: (m) => this.handler(m),
  });

  constructor(ctx: LabContext, peers: Partial<MicroCloudPeers> = {}, options: MicroOptions = {}) {
    super(ctx, options);
    this.peers = { ...NO_PEERS, ...peers };
  }

  override handler(machine: string): LabHandler {
    const core = super.handler(machine);
    return async (req) => {
      const own = this.ownEndpoint(machine, req);
      if (!own) return core(req);
      try {
        return await own();
      } catch (e) {
        if (e instanceof HandlerPanic) throw e;
        return errorResponse(statusOf(e), messageOf(e));
      }
    };
  }

  /** Start a session on the daemon, as GET /1.0/session/<role> does before its websocket runs. */
  startSession(machine: string, role: SessionRole): CloudSession {
    this.core.daemon(machine);
    return this.sessions.start(machine, role);
  }

  /**
   * The daemon starts again (snap restart or refresh, reboot): the new process has no session, and
   * its OnStart hook sets LXD's user.microcloud to the daemon's version when its database is open and
   * LXD is initialized (clustered, or with a storage pool) and the key differs (cmd/microcloudd/main.go
   * OnStart; LXDService.isInitialized in service/lxd.go). Upstream sends GetServer/UpdateServer; the
   * lab sends the equivalent PATCH. Resolves to whether the key was written.
   */
  async restart(machine: string): Promise<boolean> {
    const d = this.core.daemon(machine);
    this.sessions.forget(machine);
    if (d.status !== DB_ONLINE) return false;
    const server = await this.local(machine, 'lxd', 'GET', '/1.0');
    if (server === null || server.status !== 200) return false;
    const md = server.metadata as { config?: Record<string, string>; environment?: { server_clustered?: boolean } };
    if (md.environment?.server_clustered !== true) {
      const pools = await this.local(machine, 'lxd', 'GET', '/1.0/storage-pools');
      if (!Array.isArray(pools?.metadata) || pools.metadata.length === 0) return false;
    }
    const version = this.core.version(machine);
    if (md.config?.['user.microcloud'] === version) return false;
    const res = await this.local(machine, 'lxd', 'PATCH', '/1.0', { config: { 'user.microcloud': version } });
    return res !== null && res.status === 200;
  }

  /** What GET /1.0/status answers on `machine` (members, then the machine's own status last). */
  async status(machine: string): Promise<MemberStatus[]> {
    const res = await this.handler(machine)({ method: 'GET', path: '/1.0/status', query: new URLSearchParams(), headers: {}, body: undefined, rawBody: '' });
    const body = res.body as { error?: string; metadata?: unknown };
    if (res.status !== 200) throw new ApiError(body.error ?? '', res.status);
    return body.metadata as MemberStatus[];
  }

  // ---- the app --------------------------------------------------------------------------------

  protected override app(): MicroApp<CloudClusterState> {
    return {
      snap: 'microcloud',
      port: 9443,
      // DaemonArgs.PreInitListenAddress "[::]:" + CloudPort: it listens, and reports that address, before init.
      preInitAddress: '[::]:9443',
      extensions: [],
      schemaExternal: 0,
      initialState: () => ({}),
      // PostBootstrap only records the handler's address.
      bootstrap: () => undefined,
      // PostJoin sends on the session's exit channel before recording the address.
      join: (_c, m) => this.sessions.postJoin(m.machine),
      memberRemoved: () => undefined,
      daemonReset: (machine) => this.sessions.forget(machine),
      endpoints: [
        // StatusCmd: not AllowedBeforeInit, ProxyTarget.
        { path: '/1.0/status', get: { handler: (r) => this.statusGet(r), proxyTarget: true } },
      ],
    };
  }

  /** The AllowedBeforeInit endpoints MicroCloud adds beside the core's, by path. */
  private ownEndpoint(machine: string, req: LabRequest): (() => Promise<LabResponse>) | undefined {
    switch (req.path) {
      case '/1.0/services': return async () => { expectMethod(req, 'PUT'); return this.servicesPut(machine, req); };
      case '/1.0/session/initiating':
      case '/1.0/session/joining':
        return async () => {
          expectMethod(req, 'GET');
          return this.trust.sessionGet(machine, req.path === '/1.0/session/initiating' ? 'initiating' : 'joining', req);
        };
      case '/1.0/session/stop': return async () => { expectMethod(req, 'PUT'); return this.sessionStop(machine, req); };
      case '/1.0/session/join': return async () => { expectMethod(req, 'POST'); return this.trust.joinPost(machine, req); };
      default: return undefined;
    }
  }

  /** sessionStopPut (api/session_stop.go): SessionTransaction refuses without a live session; Stop
   *  writes the reason to the session's websocket and waits for the client to hang up. */
  private async sessionStop(machine: string, req: LabRequest): Promise<LabResponse> {
    let reason: string;
    try {
      reason = decodeStruct(req.rawBody, SESSION_STOP)['reason'] as string;
    } catch (e) {
      throw statusError(400, messageOf(e));
    }
    const s = this.sessions.current(machine);
    if (!s?.active) throw statusError(400, 'No active session');
    if (!(await s.stop(reason))) {
      throw statusError(400, `Failed to stop session: Failed to write session stop cause to websocket: Failed to write control message: ${s.gateway?.cause ?? ''}`);
    }
    return syncResponse({});
  }

  /** service.GetVersion: LXD's environment.server_version, the others' GET /core/1.0 version. */
  private async serviceVersion(machine: string, service: string): Promise<string> {
    if (service === 'MicroCloud') return this.core.version(machine);
    if (service === 'LXD') {
      const res = await this.local(machine, 'lxd', 'GET', '/1.0');
      if (!res || res.status !== 200) throw plainError(`Failed to retrieve current server configuration: ${res?.error ?? 'LXD is not running'}`);
      return (res.metadata as { environment?: { server_version?: string } }).environment?.server_version ?? '';
    }
    const res = await this.local(machine, service === 'MicroCeph' ? 'microceph' : 'microovn', 'GET', '/core/1.0');
    if (!res || res.status !== 200) throw plainError(res?.error ?? `${service} is not running`);
    return (res.metadata as { version?: string }).version ?? '';
  }

  /** The machine whose MicroCloud daemon answers on `host`:9443: before init it listens on [::]:9443
   *  (every address of the machine), after it on its member address. */
  private listenerAt(host: string): string | undefined {
    const ip = parseIP(host);
    if (!ip) return undefined;
    const wanted = formatIP(ip);
    for (const m of this.ctx.machines()) {
      if (!this.installed(m) || !this.core.running(m)) continue;
      const d = this.core.daemon(m);
      const addresses = d.address === '[::]:9443' ? machineIPs(this.ctx.spec(m)) : [hostOf(d.address)];
      if (addresses.includes(wanted)) return m;
    }
    return undefined;
  }

  /**
   * servicesPut (api/services.go): join the listed services, MicroCloud first and LXD last, each with
   * its token; the member name is the daemon's own, the address the body's or the first interface's.
   * The lab joins MicroCloud itself; the other services the tool joins through their own daemons.
   */
  private async servicesPut(machine: string, req: LabRequest): Promise<LabResponse> {
    let body: Record<string, unknown>;
    let tokens: { service: string; join_token: string }[];
    try {
      body = decodeStruct(req.rawBody, SERVICES_PUT);
      tokens = decodeTokens(body['tokens']);
    } catch (e) {
      throw statusError(400, messageOf(e));
    }
    const address = (body['address'] as string) || firstGlobalIPv4(this.ctx.spec(machine)) || '';
    // NewHandler refuses the first unknown service type, before anything runs.
    const unknown = tokens.find((t) => !(SERVICE_TYPES as readonly string[]).includes(t.service));
    if (unknown) throw statusError(404, `Invalid service type: ${quote(unknown.service)}`);
    const others = [...new Set(tokens.filter((t) => t.service !== 'MicroCloud').map((t) => t.service))];
    if (others.length > 0) {
      throw statusError(501, `lab: joining ${others.join(', ')} through MicroCloud's PUT /1.0/services is not simulated; join them through their own daemons`);
    }
    // joinConfigs is a map by service: the last token of a type wins.
    const token = tokens.filter((t) => t.service === 'MicroCloud').pop();
    if (token) await this.joinCloud(machine, address, token.join_token);
    return syncResponse({});
  }

  /** CloudService.Join: microcluster's JoinCluster through the local socket. */
  private async joinCloud(machine: string, address: string, joinToken: string): Promise<void> {
    const prefix = 'Failed to join "MicroCloud" cluster: ';
    const target = canonicalAddress(address, 9443);
    try {
      parseAddrPort(target);
    } catch (e) {
      throw plainError(`${prefix}Received invalid address ${quote(target)}: ${messageOf(e)}`);
    }
    const name = this.core.daemon(machine).name;
    let res: LocalAnswer | null;
    try {
      res = await this.local(machine, 'microcloud', 'POST', '/core/control', { bootstrap: false, config: null, join_token: joinToken, address: target, name });
    } catch (e) {
      // The daemon's handler panicked: net/http closed the connection under the client.
      if (e instanceof HandlerPanic) throw plainError(`${prefix}Post "http://control.socket/core/control": EOF`);
      throw e;
    }
    if (res && res.status !== 200) throw new ApiError(prefix + res.error, res.status);
  }

  /** statusGet: the leader's member list, every other member's own status, then this one's. */
  private async statusGet(r: AppRequest<CloudClusterState>): Promise<LabResponse> {
    const self = r.daemon;
    const list = await this.local(self.machine, 'microcloud', 'GET', '/core/1.0/cluster');
    if (list === null || list.status !== 200) throw new ApiError(list?.error ?? '', list?.status ?? 500);
    const others = (list.metadata as { name: string; address: string }[]).filter((m) => m.address !== self.address);
    // cluster.Query runs concurrently and skips (logs) a member whose GET /1.0/status fails.
    const statuses = await Promise.all(others.map(async (m) => {
      const member = r.cluster.members.find((x) => x.name === m.name);
      return member && r.core.reachable(member) ? this.localStatus(member.machine, r.cluster) : undefined;
    }));
    const out = statuses.filter((s): s is MemberStatus => s !== undefined);
    out.push(await this.localStatus(self.machine, r.cluster));
    return syncResponse(out);
  }

  private async localStatus(machine: string, cluster: CoreCluster<CloudClusterState>): Promise<MemberStatus> {
    const d = this.core.existingDaemon(machine);
    const address = d && d.cluster === cluster ? hostOf(d.address) : '';
    const get = (service: LocalService, path: string): Promise<LocalAnswer | null> => this.local(machine, service, 'GET', path);
    return memberStatus(get, this.ctx.spec(machine).hostname, address, {
      microceph: this.peers.daemon(machine, 'microceph') !== undefined,
      microovn: this.peers.daemon(machine, 'microovn') !== undefined,
    });
  }

  /** One request from microcloudd to a daemon on its machine; null when that one is not installed. */
  private async local(machine: string, service: LocalService, method: string, pathAndQuery: string, body?: unknown): Promise<LocalAnswer | null> {
    const h = service === 'microcloud' ? super.handler(machine) : this.peers.daemon(machine, service);
    if (!h) return null;
    const [path = '', qs = ''] = pathAndQuery.split('?');
    const rawBody = body === undefined ? '' : JSON.stringify(body);
    const res = await h({ method, path, query: new URLSearchParams(qs), headers: {}, body, rawBody });
    const env = res.body as { error?: string; metadata?: unknown };
    return { status: res.status, error: env.error ?? '', metadata: env.metadata ?? null };
  }
}

/** The tokens field as encoding/json fills []types.ServiceToken. */
function decodeTokens(raw: unknown): { service: string; join_token: string }[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) {
    const kind = typeof raw === 'object' ? 'object' : typeof raw === 'boolean' ? 'bool' : typeof raw;
    throw plainError(`json: cannot unmarshal ${kind} into Go struct field ServicesPut.tokens of type []types.ServiceToken`);
  }
  return raw.map((t) => {
    const v = decodeValue(t, SERVICE_TOKEN);
    return { service: v['service'] as string, join_token: v['join_token'] as string };
  });
}
