// Request routing on a daemon's control socket: the /core endpoints and the app's /1.0 ones in
// registration order, the 503 gate before init, the dqlite wait, and ?target= forwarding.
import { errorResponse, syncResponse } from '../envelope.js';
import { HandlerPanic, type LabRequest, type LabResponse } from '../types.js';
import type { MicroclusterCore } from './core.js';
import { control } from './core-init.js';
import { api10, clusterGet, clusterMemberDelete } from './core-members.js';
import { tokenDelete, tokensGet, tokensPost } from './core-tokens.js';
import { DB_NOT_READY, DB_ONLINE, type AppHandler, type CoreCluster, type CoreDaemon } from './core-types.js';
import { ApiError, messageOf, plainError, quote, statusError, statusOf, unreachableError } from './go.js';

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

/** Routes a daemon's requests: one per core, shared by all its daemons. */
export class CoreRouter<S> {
  private readonly core: MicroclusterCore<S>;
  private readonly routes: Route<S>[];

  constructor(core: MicroclusterCore<S>) {
    this.core = core;
    this.routes = this.buildRoutes();
  }

  private buildRoutes(): Route<S>[] {
    const r = (path: string, allowedBeforeInit: boolean, db: boolean, actions: Route<S>['actions']): Route<S> => ({
      segments: path.split('/').slice(1), allowedBeforeInit, db, actions,
    });
    const a = (fn: RouteFn<S>, proxyTarget = false) => ({ fn, proxyTarget });
    const core: Route<S>[] = [
      // UnixEndpoints (/core/control), then PublicEndpoints (/core/1.0), as microcluster registers them.
      r('/core/control', true, false, { POST: a((d, req) => control(this.core, d, req)) }),
      r('/core/control/tokens', false, true, {
        POST: a((d, req) => tokensPost(this.core, d, req)),
        GET: a((d) => tokensGet(this.core, d)),
      }),
      r('/core/1.0', true, false, { GET: a(async (d) => api10(this.core, d)) }),
      r('/core/1.0/cluster', true, false, { GET: a((d) => clusterGet(this.core, d)) }),
      r('/core/1.0/cluster/{name}', false, true, { DELETE: a((d, req, p) => clusterMemberDelete(this.core, d, req, p)) }),
      r('/core/1.0/tokens/{name}', false, true, { DELETE: a((d, _req, p) => tokenDelete(d, p)) }),
      r('/core/1.0/ready', true, false, { GET: a(async () => syncResponse({})) }),
    ];
    const app = this.core.app.endpoints.map((e) => {
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

  async dispatch(d: CoreDaemon<S>, req: LabRequest): Promise<LabResponse> {
    try {
      return await this.route(d, req);
    } catch (e) {
      if (e instanceof HandlerPanic) throw e;
      return errorResponse(statusOf(e), messageOf(e));
    }
  }

  /** Serve one request on daemon `d`: route, init gate, method, ?target= forwarding, handler. */
  private async route(d: CoreDaemon<S>, req: LabRequest): Promise<LabResponse> {
    if (req.path === '/') return syncResponse(['/1.0']);
    // A daemon on microcluster from before the /cluster → /core rename (MicroCeph reef) knows no
    // /core path, serves the old names instead, and lacks the endpoints its version lacks
    // (core.ts legacyApi, lacks; canonical/microcluster ff48636c5719db4e8d6af10f1220c5c65ddcd83b).
    const legacy = this.core.legacyApi(d.machine);
    if (legacy && (req.path === '/core' || req.path.startsWith('/core/'))) return errorResponse(404, 'not found');
    const path = legacy && req.path.startsWith('/cluster/') ? `/core/${req.path.slice('/cluster/'.length)}` : req.path;
    if (legacy && this.core.lacks(d.machine, req.method.toUpperCase(), path)) return errorResponse(404, 'not found');
    const found = this.match(path);
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
      if (route.db || forwarding) await this.core.db(d.cluster);
      this.core.maybeHeartbeat(d.cluster);
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
    const td = this.core.existingDaemon(member.machine);
    if (!this.core.reachable(member) || !td) throw plainError(prefix + unreachableError(req.method, url, member.address));
    const res = await this.dispatch(td, req);
    const body = res.body as { type?: string; error?: string; metadata?: unknown };
    if (body.type === 'error') throw new ApiError(prefix + (body.error ?? ''), res.status);
    return syncResponse(body.metadata ?? null);
  }

  private async appCall(h: AppHandler<S>, d: CoreDaemon<S>, req: LabRequest, params: Record<string, string>): Promise<LabResponse> {
    const cluster = d.cluster;
    const member = cluster ? this.core.memberOf(cluster, d.machine) : undefined;
    if (!cluster || !member) throw statusError(503, DB_NOT_READY);
    // The handler's own work (MicroCeph's ceph CLI runs for pools and configs) costs its time first.
    await this.core.chargeAppRead(cluster, req.method.toUpperCase(), req.path);
    return h({ core: this.core, daemon: d, cluster, member, req, params });
  }
}
