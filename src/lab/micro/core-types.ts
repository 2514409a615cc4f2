// The microcluster core's data model and its contract with the app built on it: the database
// status strings, members, tokens, clusters, daemons, and the hooks and /1.0 endpoints an app plugs in.
import type { LabRequest, LabResponse } from '../types.js';
import type { MicroclusterCore } from './core.js';

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
  readonly snap: 'microceph' | 'microovn' | 'microcloud';
  /** The port MicroCloud gives the daemon (7443 MicroCeph, 6443 MicroOVN, 9443 MicroCloud itself). */
  readonly port: number;
  /** DaemonArgs.PreInitListenAddress: the address the daemon listens on (and GET /core/1.0 reports)
   *  before bootstrap or join, and again after a reset; default none (""). */
  readonly preInitAddress?: string;
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
  /** The daemon on `machine` wiped its state and re-exec'd (a failed init, a removal): whatever the
   *  app keeps in its process is gone. */
  daemonReset?(machine: string): void;
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
