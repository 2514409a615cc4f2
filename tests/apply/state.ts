// The lab's state read straight from its models, normalized so two runs can be compared (OSD ids,
// operation ids and generated subnets left out), and the secrets still live in it (join tokens).
import type { LabSite } from '../../src/lab/lab-site.js';
import type { LxdWorld } from '../../src/lab/lxd/world.js';
import type { MicroCephWorld, MicroOvnWorld } from '../../src/lab/micro/index.js';
import type { Host } from '../../src/remote/index.js';

const sorted = <T>(xs: T[], key: (x: T) => string): T[] => [...xs].sort((a, b) => key(a).localeCompare(key(b)));

export interface SiteState {
  lxd: {
    clustered: Record<string, boolean>;
    members: string[];
    config: Record<string, string>;
    local: Record<string, Record<string, string>>;
    pools: { name: string; driver: string; state: string; config: Record<string, string>; nodes: Record<string, { state: string; config: Record<string, string> }> }[];
    networks: { name: string; type: string; state: string; nodes: string[]; config: Record<string, string> }[];
    profile: Record<string, Record<string, string>>;
    volumes: string[];
  };
  ceph: { members: string[]; osds: string[]; pools: Record<string, number>; services: string[] };
  ovn: { members: string[]; services: string[] };
}

export function siteState(site: LabSite): SiteState {
  const snap = (site.world('lxd') as LxdWorld).snapshot();
  const ceph = site.world('microceph') as MicroCephWorld;
  const ovn = site.world('microovn') as MicroOvnWorld;
  const first = site.machines()[0]!;
  const db = snap.databases[snap.daemons[first]!.database]!;
  // Generated per run (subnets LXD picks, the ceph pool LXD fills in): not part of "the same end state".
  const volatileKey = (k: string) => /^ipv[46]\.(address|nat)$/.test(k);
  return {
    lxd: {
      clustered: Object.fromEntries(Object.entries(snap.daemons).map(([m, d]) => [m, d.clustered])),
      members: db.members.map((m) => m.name).sort(),
      config: db.config,
      local: Object.fromEntries(Object.entries(snap.daemons).map(([m, d]) => [m, d.localConfig])),
      pools: sorted(db.pools, (p) => p.name).map((p) => ({ name: p.name, driver: p.driver, state: p.state, config: p.config, nodes: p.nodes })),
      networks: sorted(db.networks, (n) => n.name).map((n) => ({
        name: n.name, type: n.type, state: n.state, nodes: Object.keys(n.nodes).sort(),
        config: Object.fromEntries(Object.entries(n.config).filter(([k]) => !volatileKey(k))),
      })),
      profile: db.profiles.find((p) => p.name === 'default')?.devices ?? {},
      volumes: db.volumes.map((v) => `${v.pool}/${v.name}@${v.location}`).sort(),
    },
    ceph: {
      members: ceph.members(first).map((m) => m.name).sort(),
      osds: ceph.disks(first).map((d) => `${d.location}:${d.path}`).sort(),
      pools: ceph.poolSizes(first),
      services: ceph.services(first).map((s) => `${s.service}@${s.location}`).sort(),
    },
    ovn: {
      members: ovn.members(first).map((m) => m.name).sort(),
      services: ovn.services(first).map((s) => `${s.service}@${s.location}`).sort(),
    },
  };
}

/** Join tokens still live anywhere: microcluster token records and Running LXD token operations. */
export async function liveTokens(site: LabSite, anchor: Host): Promise<string[]> {
  const out: string[] = [];
  for (const svc of ['microceph', 'microovn'] as const) {
    const ready = (await anchor.request<{ ready: boolean }>(svc, 'GET', '/core/1.0')).metadata.ready;
    if (!ready) continue;
    for (const t of (await anchor.request<{ name: string }[] | null>(svc, 'GET', '/core/control/tokens')).metadata ?? []) out.push(`${svc}:${t.name}`);
  }
  const snap = (site.world('lxd') as LxdWorld).snapshot();
  for (const d of Object.values(snap.daemons)) {
    for (const op of d.operations) if (op.class === 'token' && op.status === 'Running') out.push(`lxd:${String(op.metadata['serverName'])}`);
  }
  return out;
}

/** Mutating requests that reached the daemons (faults answered by the lab itself left out). */
export function mutations(site: LabSite): { method: string; path: string; machine: string; service: string; query: string }[] {
  return site.requests({ mutating: true }).filter((e) => e.injected !== 'error' && e.injected !== 'drop')
    .map((e) => ({ method: e.method, path: e.path, machine: e.machine, service: e.service, query: e.query }));
}
