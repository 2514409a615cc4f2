// Gather: the LiveState of every machine. One SSH connection per machine, kept for the whole run
// (the caller closes it, or apply reuses it). Reading goes in three phases, each over every machine
// at once (up to `parallelism`):
//   1. per machine: the host facts, LXD's server, networks and disks, and each microcluster
//      daemon's GET /core/1.0 (who it is, whether it is initialized);
//   2. per cluster: what a cluster holds — LXD's members, pools, default profile and volumes;
//      MicroCeph's members, OSDs, services, config and pools; MicroOVN's and MicroCloud's members
//      and MicroOVN's services — read
//      from one member and stored once. The members are the machines the
//      reader's member list names (by name and address);
//   3. per machine again: its own row of each LXD pool and network it is on.
// So no machine is asked the cluster-wide endpoints that cost a real daemon per member or per pool
// (GET /core/1.0/cluster probes every member, MicroCeph's GET /1.0/pools runs ceph per pool: see
// src/services/microcluster.ts and microceph.ts), and what each machine is asked does not grow with
// the site. A machine that cannot be reached or read becomes `{reachable: false, reason}`; the
// planner's preflight turns that into an error, so nothing is planned, let alone changed. When the
// member reading a cluster fails, it is the unreachable one and the next member is asked.
//
// LiveState stores what each cluster holds once, under the key of the first machine in the file
// that is a member, and each machine's record names its clusters (src/live/state.ts).
import pLimit from 'p-limit';
import {
  connect as connectHost, Unreachable, type ConnectOptions, type Host,
} from '../remote/index.js';
import { readHostFacts } from '../services/host-facts.js';
import { refineKinds } from '../services/host-parse.js';
import { MACHINE_LXD_PARTS, readLxd, readLxdCluster, withRows, type LxdClusterView, type LxdReading } from '../services/lxd.js';
import { readCephCluster, type CephClusterView } from '../services/microceph.js';
import { readCoreMembers, readCoreServer, type CoreServer, type CoreService } from '../services/microcluster.js';
import { readOvnCluster, type OvnClusterView } from '../services/microovn.js';
import { whenInstalled } from '../services/read.js';
import { emptyClusters, rowsOf, withoutRows, type HostFacts, type LiveState, type LxdMachine, type MicroCloudCluster, type MicroMachine, type MicroMember, type ServiceName } from '../live/state.js';
import type { MachineTarget } from './targets.js';

export interface GatherOptions {
  /** How many machines are connected to and read at once (default DEFAULT_READ_PARALLELISM). */
  parallelism?: number;
  connect?: ConnectOptions;
  /** Replaces the remote layer's connect (tests). */
  connectFn?: typeof connectHost;
}

export interface Gathered {
  live: LiveState;
  /** The open connection of every machine that was reached, by LiveState key. */
  hosts: Map<string, Host>;
  /** Closes every connection. */
  close(): Promise<void>;
}

/**
 * Machines read at once unless --parallelism says otherwise. Reading costs a machine one SSH
 * connection and a few GETs, so the bound protects the operator's side (sockets, CPU), not the
 * site: reading every machine of a 50-machine site at once is what puts a no-op plan near one
 * machine's round trips (docs/performance.md). Steps that change machines keep their own, lower
 * default (src/apply/executor.ts).
 */
export const DEFAULT_READ_PARALLELISM = 64;

/** The reason shown for a machine: the error's own words, without the machine's name in front. */
export function failureReason(key: string, err: unknown, stage: 'connect' | 'read'): string {
  const message = err instanceof Error ? err.message : String(err);
  const own = message.startsWith(`${key}: `) ? message.slice(key.length + 2) : message;
  if (stage === 'connect' || err instanceof Unreachable) return own;
  return `connected, but reading it failed: ${own}`;
}

/** A microcluster daemon as phase 1 saw it. */
type MicroOwn =
  | { state: 'absent' }
  | { state: 'legacy' }
  | { state: 'uninitialized'; version: string }
  | { state: 'initialized'; server: CoreServer };

/** One machine after phase 1. */
interface Own {
  facts: HostFacts;
  lxd: LxdReading | null;
  microceph: MicroOwn;
  microovn: MicroOwn;
  microcloud: MicroOwn;
}

/** GET /core/1.0, and for a daemon that is not ready its own member list (a 503 that says why). */
async function readMicroOwn(host: Host, service: CoreService): Promise<MicroOwn> {
  const r = await whenInstalled(async (): Promise<MicroOwn> => {
    const server = await readCoreServer(host, service);
    if (server === null) return { state: 'legacy' };
    if (server.ready) return { state: 'initialized', server };
    // Not ready: not initialized (the fact), or a database that is starting or lost (an error).
    const members = await readCoreMembers(host, service);
    return members === null ? { state: 'uninitialized', version: server.version } : { state: 'initialized', server };
  });
  return r ?? { state: 'absent' };
}

/** Host facts not read (`only`): the caller keeps the ones it has. */
const NO_FACTS: HostFacts = { hostname: '', interfaces: [], defaultRoute: null, snaps: [] };

/** `only`: just these daemons, and no host facts; the rest reads as not installed. */
async function readOwn(host: Host, only?: ReadonlySet<ServiceName>): Promise<Own> {
  const wants = (s: ServiceName): boolean => !only || only.has(s);
  const micro = async (s: CoreService): Promise<MicroOwn> => (wants(s) ? readMicroOwn(host, s) : { state: 'absent' });
  const [facts, lxd, microceph, microovn, microcloud] = await Promise.all([
    only ? NO_FACTS : readHostFacts(host), wants('lxd') ? readLxd(host, { parts: MACHINE_LXD_PARTS }) : null,
    micro('microceph'), micro('microovn'), micro('microcloud'),
  ]);
  return { facts, lxd, microceph, microovn, microcloud };
}

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

async function attempt<T>(key: string, f: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (err) {
    return { ok: false, reason: failureReason(key, err, 'read') };
  }
}

/**
 * Groups machines into clusters by asking one of them at a time: `read` on the first machine not
 * yet placed gives the cluster's view, `isMember` tells which machines it holds. A reader that fails
 * is recorded as failed and the next machine is asked. Returns each machine's cluster view.
 */
async function byCluster<V>(
  keys: readonly string[],
  read: (key: string) => Promise<V | null>,
  isMember: (view: V, key: string) => boolean,
  failed: Map<string, string>,
): Promise<Map<string, V>> {
  const views = new Map<string, V>();
  let pending = [...keys];
  while (pending.length > 0) {
    const reader = pending[0]!;
    const got = await attempt(reader, () => read(reader));
    if (!got.ok) {
      failed.set(reader, got.reason);
      pending = pending.slice(1);
      continue;
    }
    const view = got.value;
    if (view === null) { pending = pending.slice(1); continue; }
    views.set(reader, view);
    pending = pending.slice(1).filter((k) => {
      if (!isMember(view, k)) return true;
      views.set(k, view);
      return false;
    });
  }
  return views;
}

const inList = (members: readonly MicroMember[], s: CoreServer): boolean =>
  members.some((m) => m.name === s.name && (s.address === '' || m.address === s.address));

/** A microcluster daemon's own record from phase 1; `cluster` is the key of its cluster, if any read listed it. */
function microRecord(own: MicroOwn, cluster: string | undefined): MicroMachine | null {
  switch (own.state) {
    case 'absent': return null;
    case 'legacy': return { version: '', initialized: false, cluster: null, legacyApi: true };
    case 'uninitialized': return { version: own.version, initialized: false, cluster: null };
    // Initialized, yet no cluster read lists it (its reader turned out not initialized): unknown.
    case 'initialized': return cluster === undefined ? null : { version: own.server.version, initialized: true, cluster };
  }
}

/** Each distinct view once, keyed by the first machine (in `keys`' order) that holds it. */
function clusterKeys<V>(views: ReadonlyMap<string, V>, keys: readonly string[]): Map<V, string> {
  const out = new Map<V, string>();
  for (const k of keys) {
    const v = views.get(k);
    if (v !== undefined && !out.has(v)) out.set(v, k);
  }
  return out;
}

/** Reads every machine over its open connection, cluster-wide data once per cluster. */
async function readSite(entries: readonly { key: string; host: Host | undefined }[], parallelism: number, only?: ReadonlyMap<string, ReadonlySet<ServiceName>>): Promise<LiveState> {
  const limit = pLimit(Math.max(1, parallelism));
  const hostOf = new Map(entries.flatMap((e) => (e.host ? [[e.key, e.host] as const] : [])));
  const failed = new Map<string, string>();
  // Phase 1: every machine's own facts.
  const own = new Map<string, Own>();
  await limit.map([...hostOf], async ([key, host]) => {
    const r = await attempt(key, () => readOwn(host, only && (only.get(key) ?? new Set())));
    if (r.ok) own.set(key, r.value); else failed.set(key, r.reason);
  });
  const keys = entries.map((e) => e.key).filter((k) => own.has(k));
  const server = (k: string, svc: CoreService): CoreServer | undefined => {
    const m = own.get(k)![svc];
    return m.state === 'initialized' ? m.server : undefined;
  };

  // Phase 2: one read per cluster. LXD standalone machines are each a cluster of one.
  const lxdKeys = keys.filter((k) => own.get(k)!.lxd !== null);
  const clusteredKeys = lxdKeys.filter((k) => own.get(k)!.lxd!.lxd.clustered);
  const lxdMember = (view: LxdClusterView, k: string): boolean => {
    const l = own.get(k)!.lxd!.lxd;
    const address = l.config['cluster.https_address'];
    return l.clustered && view.members.some((m) => m.name === l.serverName && (!address || m.url === `https://${address}`));
  };
  const cephKeys = keys.filter((k) => server(k, 'microceph'));
  const ovnKeys = keys.filter((k) => server(k, 'microovn'));
  const cloudKeys = keys.filter((k) => server(k, 'microcloud'));
  const [lxdClustered, lxdAlone, ceph, ovn, cloud] = await Promise.all([
    byCluster<LxdClusterView>(clusteredKeys, (k) => readLxdCluster(hostOf.get(k)!, { clustered: true }), lxdMember, failed),
    limit.map(lxdKeys.filter((k) => !own.get(k)!.lxd!.lxd.clustered), async (k) => [k, await attempt(k, () => readLxdCluster(hostOf.get(k)!, { clustered: false }))] as const),
    byCluster<CephClusterView>(cephKeys, (k) => readCephCluster(hostOf.get(k)!), (v, k) => inList(v.members, server(k, 'microceph')!), failed),
    byCluster<OvnClusterView>(ovnKeys, (k) => readOvnCluster(hostOf.get(k)!), (v, k) => inList(v.members, server(k, 'microovn')!), failed),
    byCluster<MicroCloudCluster>(cloudKeys, async (k) => {
      const members = await readCoreMembers(hostOf.get(k)!, 'microcloud');
      return members && { members };
    }, (v, k) => inList(v.members, server(k, 'microcloud')!), failed),
  ]);
  const lxdViews = new Map(lxdClustered);
  for (const [k, r] of lxdAlone) {
    if (r.ok) lxdViews.set(k, r.value); else failed.set(k, r.reason);
  }

  // Phase 3: each clustered LXD member's own rows of the cluster's pools and of its networks.
  const rows = new Map<string, Pick<LxdReading['lxd'], 'pools' | 'networks'>>();
  await limit.map(clusteredKeys.filter((k) => lxdViews.has(k) && !failed.has(k)), async (k) => {
    const l = own.get(k)!.lxd!.lxd;
    const host = hostOf.get(k)!;
    const r = await attempt(k, async () => {
      const [pools, networks] = await Promise.all([
        withRows(host, 'storage-pools', lxdViews.get(k)!.pools, l.serverName),
        withRows(host, 'networks', l.networks, l.serverName),
      ]);
      return { pools, networks };
    });
    if (r.ok) rows.set(k, r.value); else failed.set(k, r.reason);
  });

  const live: LiveState = { machines: {}, clusters: emptyClusters() };
  const order = entries.map((e) => e.key);
  const lxdIds = clusterKeys(lxdViews, order);
  for (const [view, id] of lxdIds) {
    // Managed networks are cluster-wide once clustered: the reading member's list stands for all.
    const networks = own.get(id)!.lxd!.lxd.networks;
    live.clusters.lxd[id] = { members: view.members, pools: withoutRows(view.pools), networks: withoutRows(networks), defaultProfile: view.defaultProfile, volumes: view.volumes };
  }
  const cephIds = clusterKeys(ceph, order);
  for (const [v, id] of cephIds) {
    live.clusters.microceph[id] = { members: v.members, disks: v.disks, services: v.services, config: v.config, pools: v.pools, ...(v.quorum ? {} : { quorum: false as const }) };
  }
  const ovnIds = clusterKeys(ovn, order);
  for (const [v, id] of ovnIds) live.clusters.microovn[id] = { members: v.members, services: v.services };
  const cloudIds = clusterKeys(cloud, order);
  for (const [v, id] of cloudIds) live.clusters.microcloud[id] = v;

  for (const { key, host } of entries) {
    const o = own.get(key);
    const reason = !host ? 'not connected' : failed.get(key) ?? (o ? undefined : 'not read');
    if (reason !== undefined || !o) {
      live.machines[key] = { reachable: false, reason: reason ?? 'not read' };
      continue;
    }
    const lxdView = lxdViews.get(key);
    let lxd: LxdMachine | null = null;
    if (o.lxd && lxdView) {
      const { members: _m, pools: _p, networks, defaultProfile: _d, volumes: _v, ...server } = o.lxd.lxd;
      const mine = rows.get(key) ?? { pools: lxdView.pools, networks };
      lxd = { ...server, cluster: lxdIds.get(lxdView)!, rows: { pools: rowsOf(mine.pools), networks: rowsOf(mine.networks) } };
    }
    const cephView = ceph.get(key);
    const ovnView = ovn.get(key);
    const cloudView = cloud.get(key);
    live.machines[key] = {
      reachable: true,
      host: o.lxd ? { ...o.facts, interfaces: refineKinds(o.facts.interfaces, o.lxd.interfaceTypes) } : o.facts,
      lxd,
      microceph: microRecord(o.microceph, cephView && cephIds.get(cephView)),
      microovn: microRecord(o.microovn, ovnView && ovnIds.get(ovnView)),
      microcloud: microRecord(o.microcloud, cloudView && cloudIds.get(cloudView)),
    };
  }
  return live;
}

/**
 * Reads the site again over connections that are already open (apply's read under the lock, and its
 * final check). A key without a connection is unreachable. `only`: of each machine just these
 * daemons, without host facts (src/site/recheck.ts merges the answer into an earlier read).
 */
export async function gatherOver(
  hosts: ReadonlyMap<string, Host>, keys: readonly string[], parallelism = DEFAULT_READ_PARALLELISM, only?: ReadonlyMap<string, ReadonlySet<ServiceName>>,
): Promise<LiveState> {
  return readSite(keys.map((key) => ({ key, host: hosts.get(key) })), parallelism, only);
}

/** Connects to every target (at most `parallelism` at once) and reads it. Never throws for a machine. */
export async function gather(targets: readonly MachineTarget[], opts: GatherOptions = {}): Promise<Gathered> {
  const open = opts.connectFn ?? connectHost;
  const parallelism = Math.max(1, opts.parallelism ?? DEFAULT_READ_PARALLELISM);
  const connectFailed = new Map<string, string>();
  const opened = await pLimit(parallelism).map(targets, async ({ key, target }): Promise<Host | undefined> => {
    try {
      return await open(target, opts.connect);
    } catch (err) {
      connectFailed.set(key, failureReason(key, err, 'connect'));
      return undefined;
    }
  });
  const read = await readSite(targets.map((t, i) => ({ key: t.key, host: opened[i] })), parallelism);
  const hosts = new Map<string, Host>();
  targets.forEach((t, i) => {
    const reason = connectFailed.get(t.key);
    if (reason !== undefined) read.machines[t.key] = { reachable: false, reason };
    if (opened[i]) hosts.set(t.key, opened[i]);
  });
  const close = async (): Promise<void> => {
    const all = [...hosts.values()];
    hosts.clear();
    await Promise.allSettled(all.map((h) => h.close()));
  };
  return { live: read, hosts, close };
}
