// The microcluster framework as MicroCeph and MicroOVN embed it (canonical/microcluster v3): one
// daemon per machine with the snap, the /core API on its control socket (bootstrap, join, tokens,
// member list and removal), dqlite roles and heartbeats, ?target= forwarding, and the rule that
// every endpoint not marked AllowedBeforeInit answers 503 until the database is up. The service
// (the "app") plugs in its hooks and its /1.0 endpoints; this code knows nothing about Ceph or OVN.
// This module holds the daemons and dqlite; the endpoints live in the core-*.ts modules.
import { daemonRunning } from '../machines.js';
import type { LabContext, LabHandler } from '../types.js';
import { fakeCertificate, firstGlobalIPv4 } from './core-identity.js';
import { CoreRouter } from './core-router.js';
import {
  DB_NOT_READY, type CoreCluster, type CoreDaemon, type CoreMember, type MemberRole, type MicroApp, type MicroOptions,
} from './core-types.js';
import { plainError } from './go.js';
// The lab rules of the one app whose versions and read costs matter here (MicroCeph): looked up by
// snap, so the core itself stays app-neutral. Type-only imports back, so no import cycle at runtime.
import { cephReadCommands, cephRelease, cephVersionString, REEF_MISSING, runCephReads, type CephCosts } from './ceph-health.js';
import type { CephClusterState } from './ceph-model.js';

export { firstGlobalIPv4, machineIPs } from './core-identity.js';
export {
  DB_NOT_READY, DB_ONLINE, DB_STARTING, type AppAction, type AppEndpoint, type AppHandler, type AppRequest,
  type CoreCluster, type CoreDaemon, type CoreMember, type CoreToken, type DbStatus, type MemberRole, type MicroApp,
  type MicroOptions,
} from './core-types.js';

/**
 * What the lab charges for reads a real daemon pays for, in lab milliseconds multiplied by
 * `timeFactor` (default 0: nothing waits, tests stay fast; the counters count regardless).
 *   - GET /core/1.0/cluster probes every member's GET /core/1.0/ready in turn, each a new TLS dial
 *     with a 30 s timeout (canonical/microcluster internal/rest/resources/cluster.go clusterGet and
 *     internal/rest/client/ready.go at e950e52e06d8801a422006ae5f5de4f8f471d787): `readyProbeMs` per
 *     member that answers, `readyTimeoutMs` per one that does not;
 *   - MicroCeph's reads that run the ceph CLI (see ceph-health.ts cephReadCommands): `ceph`.
 */
export interface LabCosts {
  timeFactor: number;
  readyProbeMs: number;
  readyTimeoutMs: number;
  ceph: CephCosts;
}

export const DEFAULT_LAB_COSTS: LabCosts = {
  timeFactor: 0, readyProbeMs: 5, readyTimeoutMs: 30_000, ceph: { commandMs: 100, noQuorumMs: 300_000 },
};

/** How often the costly work ran, whatever the time factor. */
export interface LabCostCounters {
  /** GET /core/1.0/ready probes made by GET /core/1.0/cluster handlers. */
  readyProbes: number;
  /** ceph CLI processes run by MicroCeph's read handlers. */
  cephCommands: number;
}

/** microcluster's own API extensions. */
const INTERNAL_EXTENSIONS = ['internal:runtime_extension_v1', 'internal:rename_core_endpoints'] as const;

/**
 * One microcluster-based service across the site: a daemon per machine that has the snap, and the
 * clusters those daemons form. The worlds (MicroCephWorld, MicroOvnWorld) own one of these.
 */
export class MicroclusterCore<S> {
  readonly ctx: LabContext;
  readonly app: MicroApp<S>;
  private readonly opts: Required<MicroOptions>;
  private readonly daemons = new Map<string, CoreDaemon<S>>();
  private readonly router: CoreRouter<S>;
  private nextClusterId = 1;
  private certCounter = 0;
  /** Change freely (tests): e.g. `world.core.costs.timeFactor = 0.001`. */
  readonly costs: LabCosts = { ...DEFAULT_LAB_COSTS, ceph: { ...DEFAULT_LAB_COSTS.ceph } };
  readonly counters: LabCostCounters = { readyProbes: 0, cephCommands: 0 };

  constructor(ctx: LabContext, app: MicroApp<S>, options: MicroOptions = {}) {
    this.ctx = ctx;
    this.app = app;
    this.opts = {
      now: options.now ?? Date.now,
      heartbeatMs: options.heartbeatMs ?? 0,
      quorumLossDelayMs: options.quorumLossDelayMs ?? 30_000,
    };
    this.router = new CoreRouter(this);
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
    d = {
      machine, name: hostname, address: this.app.preInitAddress ?? '', status: DB_NOT_READY, cluster: undefined,
      certName: hostname, certificate: cert,
    };
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
    return (req) => this.router.dispatch(d, req);
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

  /** The daemon on a machine if one was ever reached; unlike daemon(), never starts one. */
  existingDaemon(machine: string): CoreDaemon<S> | undefined {
    return this.daemons.get(machine);
  }

  newCert(machine: string, name: string): string {
    return fakeCertificate(`${this.app.snap}/${machine}/${name}/${this.certCounter++}`).pem;
  }

  /** Cluster ids count up per service, never reused. */
  newClusterId(): number {
    return this.nextClusterId++;
  }

  /** The daemon reset that follows a failed init or a removal: state dir wiped, process re-exec'd. */
  resetDaemon(d: CoreDaemon<S>): void {
    const hostname = this.ctx.spec(d.machine).hostname;
    d.name = hostname;
    d.address = this.app.preInitAddress ?? '';
    d.status = DB_NOT_READY;
    d.cluster = undefined;
    d.certName = hostname;
    d.certificate = this.newCert(d.machine, hostname);
    this.app.daemonReset?.(d.machine);
  }

  /** Whether a member's daemon answers on its address (GET /core/1.0/ready over HTTPS). */
  reachable(member: CoreMember): boolean {
    if (!this.running(member.machine)) return false;
    const d = this.daemons.get(member.machine);
    return d !== undefined && d.address === member.address && d.status !== DB_NOT_READY;
  }

  /** The daemon that serves HTTPS on `address` (a member's listener), if any. */
  daemonAt(address: string): CoreDaemon<S> | undefined {
    for (const d of this.daemons.values()) {
      if (d.address === address && d.status !== DB_NOT_READY && this.running(d.machine)) return d;
    }
    return undefined;
  }

  /** The machine is up and no snap change has the daemon stopped. */
  running(machine: string): boolean {
    return daemonRunning(this.ctx, machine, this.app.snap);
  }

  // ---- dqlite ---------------------------------------------------------------------------------

  /** dqlite keeps working while a majority of voters is up. */
  hasQuorum(cluster: CoreCluster<S>): boolean {
    const voters = cluster.members.filter((m) => m.role === 'voter');
    if (voters.length === 0) return true;
    const up = voters.filter((m) => this.running(m.machine)).length;
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

  maybeHeartbeat(cluster: CoreCluster<S>): void {
    if (this.opts.heartbeatMs <= 0 || this.now() - cluster.lastHeartbeat >= this.opts.heartbeatMs) {
      this.heartbeat(cluster);
    }
  }

  // ---- /core/1.0 ------------------------------------------------------------------------------

  /** The snap's version on the machine, as `snap list` shows it. */
  snapVersion(machine: string): string {
    return this.ctx.spec(machine).snaps.find((s) => s.name === this.app.snap)?.version ?? '';
  }

  /** The version GET /core/1.0 reports: MicroCeph's own format (ceph-health.ts cephVersionString). */
  version(machine: string): string {
    const v = this.snapVersion(machine);
    return this.app.snap === 'microceph' ? cephVersionString(v) : v;
  }

  /** Whether the daemon serves microcluster's pre-rename /cluster/1.0 API (MicroCeph reef). */
  legacyApi(machine: string): boolean {
    return this.app.snap === 'microceph' && cephRelease(this.snapVersion(machine)) === 'reef';
  }

  /** Whether the daemon's version lacks an app endpoint (reef has no GET /1.0/pools). */
  lacks(machine: string, method: string, path: string): boolean {
    return this.legacyApi(machine) && REEF_MISSING.some((e) => e.method === method && e.path === path);
  }

  /** The time an app read's own work costs (MicroCeph's ceph CLI runs); throws as they fail. */
  async chargeAppRead(cluster: CoreCluster<S>, method: string, path: string): Promise<void> {
    if (this.app.snap !== 'microceph') return;
    const c = cluster as unknown as CoreCluster<CephClusterState>;
    const commands = cephReadCommands(c.app, method, path);
    if (commands.length === 0) return;
    await runCephReads(c, this.ctx, commands, this.costs.ceph, this.costs.timeFactor, () => { this.counters.cephCommands++; });
  }

  /** GET /core/1.0/cluster's probe of one member: fast when it answers, the timeout when not. */
  async probeReady(member: CoreMember, self: boolean): Promise<boolean> {
    this.counters.readyProbes++;
    const ok = self || this.reachable(member);
    await this.ctx.sleep((ok ? this.costs.readyProbeMs : this.costs.readyTimeoutMs) * this.costs.timeFactor);
    return ok;
  }

  extensions(): string[] {
    return [...INTERNAL_EXTENSIONS, ...this.app.extensions];
  }

  /** Drop a member: its record, its app rows, and (it is told to reset) its daemon's state. */
  /** `reset`: the member answered, so it was told to reset (an unreachable one keeps its state). */
  removeMember(cluster: CoreCluster<S>, member: CoreMember, reset = true): void {
    cluster.members = cluster.members.filter((m) => m !== member);
    this.app.memberRemoved(cluster, member);
    const md = this.daemons.get(member.machine);
    if (reset && md && md.cluster === cluster) this.resetDaemon(md);
  }
}
