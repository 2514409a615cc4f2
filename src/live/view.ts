// One machine's point of view: its own record joined with its clusters' data. The planner reads
// machines only through `reachable`; writers (gather, apply's narrow reads, the test model) work on
// the stored form, and `liveFromViews` turns per-machine views back into it. A view's own fields are
// frozen: what it shares with the store (config, member lists…) is the store's, and a write to a
// view's own field would be lost, so it throws instead.
import type {
  LiveClusters, LiveState, LxdCluster, LxdLive, LxdMachine, LxdMemberRow, MachineLive, MachineRecord,
  MicroCloudLive, MicroCephLive, MicroMachine, MicroName, MicroOvnLive, ReachableMachine, UnreachableMachine,
} from './state.js';

type Micro = MicroName;
type ClusterOf<S extends Micro> = LiveClusters[S][string];

const EMPTY: { [S in Micro]: ClusterOf<S> } = {
  microceph: { members: [], disks: [], services: [], config: {}, pools: [] },
  microovn: { members: [], services: [] },
  microcloud: { members: [] },
};
const emptyOf = <S extends Micro>(s: S): ClusterOf<S> => structuredClone(EMPTY[s]) as ClusterOf<S>;
const MICRO_NAMES: readonly Micro[] = ['microceph', 'microovn', 'microcloud'];

/** The stored record of a reachable machine. */
export function recordOf(live: LiveState, name: string): MachineRecord | undefined {
  const m = live.machines[name];
  return m?.reachable ? m : undefined;
}

/** The LXD cluster `name` belongs to (its own, while standalone). */
export function lxdClusterOf(live: LiveState, name: string): LxdCluster | undefined {
  const lxd = recordOf(live, name)?.lxd;
  return lxd ? live.clusters.lxd[lxd.cluster] : undefined;
}

/** The microcluster `name`'s daemon is a member of; undefined while it is not initialized. */
export function microClusterOf<S extends Micro>(live: LiveState, service: S, name: string): ClusterOf<S> | undefined {
  const key = recordOf(live, name)?.[service]?.cluster;
  return key == null ? undefined : live.clusters[service][key] as ClusterOf<S> | undefined;
}

function lxdView(m: LxdMachine, c: LxdCluster | undefined): LxdLive {
  const { cluster: _cluster, rows, ...own } = m;
  const cluster = c ?? { members: [], pools: [], networks: [], defaultProfile: { config: {}, devices: {} }, volumes: [] };
  return Object.freeze({
    ...own,
    members: cluster.members,
    pools: Object.freeze(cluster.pools.map((p) => Object.freeze({ ...p, member: rows.pools[p.name] ?? null }))) as LxdLive['pools'],
    networks: Object.freeze(cluster.networks.map((n) => Object.freeze({ ...n, member: rows.networks[n.name] ?? null }))) as LxdLive['networks'],
    defaultProfile: cluster.defaultProfile,
    volumes: cluster.volumes,
  });
}

function microView<S extends Micro>(m: MicroMachine, c: ClusterOf<S> | undefined, service: S): Omit<MicroMachine, 'cluster'> & ClusterOf<S> {
  const { cluster: _cluster, ...own } = m;
  return Object.freeze({ ...own, ...(m.initialized && c ? c : emptyOf(service)) }) as unknown as Omit<MicroMachine, 'cluster'> & ClusterOf<S>;
}

/** `name` as the planner sees it, or undefined when it is not a reachable machine. */
export function reachable(live: LiveState, name: string): ReachableMachine | undefined {
  const m = recordOf(live, name);
  if (!m) return undefined;
  const micro = <S extends Micro>(s: S) => {
    const own = m[s];
    return own && microView(own, own.cluster == null ? undefined : live.clusters[s][own.cluster] as ClusterOf<S> | undefined, s);
  };
  return Object.freeze({
    reachable: true as const,
    host: m.host,
    lxd: m.lxd && lxdView(m.lxd, live.clusters.lxd[m.lxd.cluster]),
    microceph: micro('microceph') as MicroCephLive | null,
    microovn: micro('microovn') as MicroOvnLive | null,
    microcloud: micro('microcloud') as MicroCloudLive | null,
  });
}

/** The machine's own row of each pool or network that has one, by name. */
export const rowsOf = (objects: readonly { name: string; member: LxdMemberRow | null }[]): Record<string, LxdMemberRow> =>
  Object.fromEntries(objects.flatMap((o) => (o.member ? [[o.name, o.member] as const] : [])));

/** Pools or networks as the cluster holds them, without any machine's row. */
export const withoutRows = <T extends { member: LxdMemberRow | null }>(objects: readonly T[]): Omit<T, 'member'>[] =>
  objects.map(({ member: _member, ...rest }) => rest);

/** A view's LXD split into what the machine holds and what its cluster holds. */
function splitLxd(view: LxdLive, cluster: string): { machine: LxdMachine; cluster: LxdCluster } {
  const { members, pools, networks, defaultProfile, volumes, ...own } = view;
  return {
    machine: { ...own, cluster, rows: { pools: rowsOf(pools), networks: rowsOf(networks) } },
    cluster: { members, pools: withoutRows(pools), networks: withoutRows(networks), defaultProfile, volumes },
  };
}

/** A view's microcluster daemon split likewise (no cluster while it is not initialized). */
function splitMicro<S extends Micro>(view: Omit<MicroMachine, 'cluster'> & ClusterOf<S>, cluster: string, service: S): { machine: MicroMachine; cluster: ClusterOf<S> | null } {
  const { version, initialized, legacyApi, ...data } = view as MicroMachine & ClusterOf<S>;
  const machine: MicroMachine = { version, initialized, cluster: initialized ? cluster : null, ...(legacyApi ? { legacyApi } : {}) };
  const keys = Object.keys(emptyOf(service)).concat(service === 'microceph' ? ['quorum'] : []);
  const own = Object.fromEntries(Object.entries(data).filter(([k]) => keys.includes(k))) as ClusterOf<S>;
  return { machine, cluster: initialized ? own : null };
}

export const emptyClusters = (): LiveClusters => ({ lxd: {}, microceph: {}, microovn: {}, microcloud: {} });

/** Per-machine views as LiveState, each machine's clusters its own (keyed by the machine). */
export function liveFromViews(views: Record<string, ReachableMachine | UnreachableMachine>): LiveState {
  const live: LiveState = { machines: {}, clusters: emptyClusters() };
  for (const [key, v] of Object.entries(views)) {
    if (!v.reachable) { live.machines[key] = v; continue; }
    const record: MachineRecord = { reachable: true, host: v.host, lxd: null, microceph: null, microovn: null, microcloud: null };
    if (v.lxd) {
      const s = splitLxd(v.lxd, key);
      record.lxd = s.machine;
      live.clusters.lxd[key] = s.cluster;
    }
    for (const service of MICRO_NAMES) {
      const view = v[service];
      if (!view) continue;
      const s = splitMicro(view as MicroCephLive, key, service);
      record[service] = s.machine;
      if (s.cluster) (live.clusters[service] as Record<string, ClusterOf<Micro>>)[key] = s.cluster;
    }
    live.machines[key] = record satisfies MachineLive;
  }
  return live;
}
