// The site-wide LXD model: one daemon per machine, databases shared by cluster members.
import type { LabContext, LabHandler, LabRequest, LabResponse, LxdFlavor, ServiceWorld } from '../types.js';
import { generateServerCert } from './cert.js';
import { NO_PEERS, type LxdPeers, type WorldApi } from './context.js';
import { flavorFor } from './flavor.js';
import { daemonRunning } from '../machines.js';
import { canonicalAddress, isAddressCovered, machineIPs, joinHostPort, splitHostPort } from './net.js';
import { raftRoles, leaderOf } from './members.js';
import type { Router } from './router.js';
import { buildRouter } from './routes.js';
import { newDatabase } from './state.js';
import type { DaemonState, Database, MemberRecord } from './state.js';

/** A read-only copy of the model, for tests and fault injection. */
export interface LxdSnapshot {
  daemons: Record<string, {
    flavor: LxdFlavor;
    serverVersion: string;
    clustered: boolean;
    memberName: string;
    database: string;
    localConfig: Record<string, string>;
    certificateFingerprint: string;
    operations: Array<{ id: string; class: string; description: string; status: string; err: string; metadata: Record<string, unknown> }>;
  }>;
  databases: Record<string, {
    clustered: boolean;
    config: Record<string, string>;
    members: Array<{ name: string; machine: string; address: string; raftRole: string; leader: boolean }>;
    pools: Array<{ name: string; driver: string; description: string; state: string; config: Record<string, string>;
      nodes: Record<string, { state: string; config: Record<string, string> }> }>;
    networks: Array<{ name: string; project: string; type: string; description: string; state: string; config: Record<string, string>;
      nodes: Record<string, { state: string; config: Record<string, string> }> }>;
    profiles: Array<{ name: string; project: string; description: string; config: Record<string, string>; devices: Record<string, Record<string, string>> }>;
    volumes: Array<{ pool: string; name: string; location: string; config: Record<string, string> }>;
    certificates: Array<{ name: string; type: string; fingerprint: string }>;
    clusterCertificateFingerprint: string;
  }>;
}

/** A member's version as LXD's cluster compares them: [schema, number of API extensions]. */
const dbVersion = (f: { dbSchema: number; apiExtensionCount: number }): string => `${f.dbSchema}/${f.apiExtensionCount}`;

export class LxdWorld implements ServiceWorld, WorldApi {
  private readonly daemons = new Map<string, DaemonState>();
  private readonly router: Router = buildRouter();
  private nextPid = 1453;

  readonly peers: LxdPeers;
  /** How a member's wait for the others' version shows (lab-site.ts wires snapd's timeline). */
  versionWait: { hold(machine: string): void; release(machine: string): void } | undefined;
  /** Members restarted onto another [schema, API extensions] that still wait for the others. */
  private readonly aligning = new Set<string>();

  /** `peers`: the lab's MicroCeph and MicroOVN (lab-site.ts createWorlds); default none, as on a
   *  machine with only LXD. */
  constructor(readonly lab: LabContext, peers: Partial<LxdPeers> = {}) {
    this.peers = { ...NO_PEERS, ...peers };
  }

  handler(machine: string): LabHandler {
    return (req) => this.dispatch(this.daemon(machine), req);
  }

  daemon(machine: string): DaemonState {
    let d = this.daemons.get(machine);
    if (!d) {
      d = this.freshDaemon(machine);
      this.daemons.set(machine, d);
    }
    return d;
  }

  private freshDaemon(machine: string, keep?: DaemonState): DaemonState {
    const spec = this.lab.spec(machine);
    return {
      machine,
      flavor: flavorFor(spec),
      pid: this.nextPid++,
      localConfig: keep ? { ...keep.localConfig } : {},
      serverCert: keep?.serverCert ?? generateServerCert(spec.hostname),
      db: newDatabase(),
      memberName: 'none',
      operations: new Map(),
      clusterChangeInFlight: false,
    };
  }

  resetDaemon(d: DaemonState): void {
    const fresh = this.freshDaemon(d.machine, d);
    delete fresh.localConfig['storage.images_volume'];
    delete fresh.localConfig['storage.backups_volume'];
    Object.assign(d, fresh);
  }

  memberDaemon(db: Database, name: string): DaemonState | undefined {
    const m = db.members.find((x) => x.name === name);
    if (!m) return undefined;
    const d = this.daemons.get(m.machine);
    return d && d.db === db ? d : undefined;
  }

  daemonsOf(db: Database): DaemonState[] {
    return [...this.daemons.values()].filter((d) => d.db === db);
  }

  listenerAt(address: string): DaemonState | undefined {
    const want = splitHostPort(canonicalAddress(address));
    if (!want) return undefined;
    for (const machine of this.lab.machines()) {
      const d = this.daemon(machine);
      const spec = this.lab.spec(machine);
      const ips = machineIPs(spec);
      const candidates = [d.localConfig['core.https_address'], d.localConfig['cluster.https_address']].filter((x): x is string => !!x);
      for (const listen of candidates) {
        if (!isAddressCovered(joinHostPort(want.host, want.port), listen)) continue;
        const lhp = splitHostPort(canonicalAddress(listen));
        const wildcard = !lhp || lhp.host === '' || lhp.host === '::' || lhp.host === '0.0.0.0';
        if (!wildcard || ips.includes(want.host)) return d;
      }
    }
    return undefined;
  }

  heartbeat(db: Database): void {
    const now = Date.now();
    for (const m of db.members) if (this.memberUp(db, m)) m.lastHeartbeat = now;
  }

  memberUp(db: Database, m: MemberRecord): boolean {
    return daemonRunning(this.lab, m.machine, 'lxd') && this.daemon(m.machine).db === db;
  }

  /**
   * The LXD snap's daemon started (installed or refreshed): it is the LXD family of the snap's
   * version now — a refresh from 5.21/stable to 6/stable makes it a 6.x LXD (snap-6.8).
   */
  snapStarted(machine: string): void {
    const spec = this.lab.spec(machine);
    const version = spec.snaps.find((s) => s.name === 'lxd')?.version;
    if (version !== undefined && spec.lxdFlavor !== 'deb-5.0') {
      spec.lxdFlavor = Number.parseInt(version, 10) >= 6 ? 'snap-6.8' : 'snap-5.21';
    }
    const d = this.daemon(machine);
    const before = dbVersion(d.flavor);
    this.followSnap(d);
    if (d.db.clustered && dbVersion(d.flavor) !== before && !this.aligning.has(machine) && !this.aligned(machine)) {
      this.aligning.add(machine);
      this.versionWait?.hold(machine);
    }
    // This member's version may be the one the waiting members were waiting for.
    for (const m of [...this.aligning]) {
      if (this.aligned(m)) {
        this.aligning.delete(m);
        this.versionWait?.release(m);
      }
    }
  }

  /**
   * A restarted member's database opens only once every member has its [schema, API extensions]
   * (canonical/lxd lxd/db/cluster/open.go checkClusterIsUpgradable: 412 "please ensure versions
   * match", and lxd/daemon.go "Wait for other cluster members to align their versions" at
   * a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05): until then it serves nothing (the lab's simplification
   * of a daemon that is not ready) — which is why MicroCloud refreshes LXD on all members at once.
   */
  private aligned(machine: string): boolean {
    const d = this.daemon(machine);
    return this.daemonsOf(d.db).every((o) => { this.followSnap(o); return dbVersion(o.flavor) === dbVersion(d.flavor); });
  }

  /**
   * NodeInfo.ToAPI's "Blocked" while members run different versions (lxd/db/node.go at a83edf2a):
   * older or newer than another member; null for a member at everyone's version, or that is down.
   */
  versionBlocked(db: Database, m: MemberRecord): 'older' | 'newer' | null {
    if (this.aligning.size === 0 || !this.lab.isUp(m.machine)) return null;
    const d = this.memberDaemon(db, m.name);
    if (!d || (!this.memberUp(db, m) && !this.aligning.has(m.machine))) return null;
    const mine = d.flavor;
    for (const o of this.daemonsOf(db)) {
      if (o === d) continue;
      if (o.flavor.dbSchema > mine.dbSchema || o.flavor.apiExtensionCount > mine.apiExtensionCount) return 'older';
      if (o.flavor.dbSchema < mine.dbSchema || o.flavor.apiExtensionCount < mine.apiExtensionCount) return 'newer';
    }
    return null;
  }

  /** The daemon reports what is installed now, not what was installed when it was first asked. */
  private followSnap(d: DaemonState): void {
    const f = flavorFor(this.lab.spec(d.machine));
    if (f.name !== d.flavor.name || f.serverVersion !== d.flavor.serverVersion) d.flavor = f;
  }

  async dispatch(d: DaemonState, req: LabRequest): Promise<LabResponse> {
    this.followSnap(d);
    this.heartbeat(d.db);
    return this.router.handle({ world: this, d, req });
  }

  /** The database (cluster) a machine's LXD uses. */
  databaseOf(machine: string): Database {
    return this.daemon(machine).db;
  }

  snapshot(): LxdSnapshot {
    const daemons: LxdSnapshot['daemons'] = {};
    const dbs = new Map<string, Database>();
    for (const machine of this.lab.machines()) {
      const d = this.daemon(machine);
      this.followSnap(d);
      dbs.set(d.db.id, d.db);
      daemons[machine] = {
        flavor: d.flavor.name,
        serverVersion: d.flavor.serverVersion,
        clustered: d.db.clustered,
        memberName: d.memberName,
        database: d.db.id,
        localConfig: { ...d.localConfig },
        certificateFingerprint: (d.db.clustered && d.db.clusterCert ? d.db.clusterCert : d.serverCert).fingerprint,
        operations: [...d.operations.values()].map((op) => ({
          id: op.id, class: op.class, description: op.description, status: op.status, err: op.err,
          metadata: structuredClone(op.metadata),
        })),
      };
    }
    const databases: LxdSnapshot['databases'] = {};
    for (const [id, db] of dbs) {
      const roles = raftRoles(db);
      const leader = leaderOf(db, (m) => this.memberUp(db, m));
      const rows = (nodes: Map<string, { state: string; config: Record<string, string> }>) =>
        Object.fromEntries([...nodes].map(([k, v]) => [k, { state: v.state, config: { ...v.config } }]));
      databases[id] = {
        clustered: db.clustered,
        config: { ...db.config },
        members: db.members.map((m) => ({ name: m.name, machine: m.machine, address: m.address,
          raftRole: roles.get(m.name) ?? 'spare', leader: leader?.name === m.name })),
        pools: [...db.pools.values()].map((p) => ({ name: p.name, driver: p.driver, description: p.description,
          state: p.state, config: { ...p.config }, nodes: rows(p.nodes) })),
        networks: [...db.networks.values()].map((n) => ({ name: n.name, project: n.project, type: n.type,
          description: n.description, state: n.state, config: { ...n.config }, nodes: rows(n.nodes) })),
        profiles: [...db.profiles.values()].map((p) => ({ name: p.name, project: p.project, description: p.description,
          config: { ...p.config }, devices: structuredClone(p.devices) })),
        volumes: db.volumes.map((v) => ({ pool: v.pool, name: v.name, location: v.location, config: { ...v.config } })),
        certificates: [...db.certificates.values()].map((c) => ({ name: c.name, type: c.type, fingerprint: c.fingerprint })),
        clusterCertificateFingerprint: db.clusterCert?.fingerprint ?? '',
      };
    }
    return { daemons, databases };
  }
}
