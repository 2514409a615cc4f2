// The site-wide LXD model: one daemon per machine, databases shared by cluster members.
import type { LabContext, LabHandler, LabRequest, LabResponse, LxdFlavor, ServiceWorld } from '../types.js';
import { generateServerCert } from './cert.js';
import { NO_PEERS, type LxdPeers, type WorldApi } from './context.js';
import { flavorFor } from './flavor.js';
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

export class LxdWorld implements ServiceWorld, WorldApi {
  private readonly daemons = new Map<string, DaemonState>();
  private readonly router: Router = buildRouter();
  private nextPid = 1453;

  readonly peers: LxdPeers;

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
    return this.lab.isUp(m.machine) && this.daemon(m.machine).db === db;
  }

  async dispatch(d: DaemonState, req: LabRequest): Promise<LabResponse> {
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
