// Issue 14 item 3: cluster-wide data is read once per cluster, from one member, and what each machine
// is asked does not grow with the site. The lab charges what the real daemons pay for those reads
// (src/lab/micro/core.ts LabCosts): GET /core/1.0/cluster probes every member, MicroCeph's
// GET /1.0/pools runs ceph per pool, and both MicroCeph reads block without monitor quorum.
import { reachable } from '../../src/live/state.js';
import { gatherOver } from '../../src/site/gather.js';
import { siteHealth } from '../../src/plan/health.js';
import { preflight } from '../../src/plan/preflight.js';
import type { MicroclusterCore } from '../../src/lab/micro/core.js';
import type { MicroWorld } from '../../src/lab/micro/world.js';
import { desiredOf, planAndApply, preseed, startLab, type Lab } from '../apply/helpers.js';

const coreOf = (lab: Lab, svc: 'microceph' | 'microovn'): MicroclusterCore<unknown> =>
  (lab.site.world(svc) as unknown as MicroWorld<unknown>).core;

async function built(n: number): Promise<Lab> {
  const lab = await startLab({ nodes: n });
  const desired = desiredOf(preseed({ nodes: Array.from({ length: n }, (_, i) => i + 1) }));
  await planAndApply(lab, desired);
  return lab;
}

/** A no-op gather's requests, per machine, as sorted "service METHOD path" lines. */
async function noOpRead(lab: Lab): Promise<{ perMachine: Map<string, string[]>; probes: number; cephCommands: number; total: number }> {
  lab.site.resetCounters();
  const ceph = coreOf(lab, 'microceph');
  const ovn = coreOf(lab, 'microovn');
  const before = { probes: ceph.counters.readyProbes + ovn.counters.readyProbes, ceph: ceph.counters.cephCommands };
  const live = await gatherOver(lab.hosts, [...lab.hosts.keys()]);
  for (const [k, m] of Object.entries(live.machines)) if (!m.reachable) throw new Error(`${k}: ${m.reason}`);
  const perMachine = new Map<string, string[]>();
  for (const r of lab.site.requests()) {
    const line = `${r.service} ${r.method} ${r.path}${r.query ? `?${r.query.replace(/target=node\d+/, 'target=<self>')}` : ''}`;
    perMachine.set(r.machine, [...(perMachine.get(r.machine) ?? []), line]);
  }
  for (const l of perMachine.values()) l.sort();
  return {
    perMachine,
    probes: ceph.counters.readyProbes + ovn.counters.readyProbes - before.probes,
    cephCommands: ceph.counters.cephCommands - before.ceph,
    total: lab.site.requests().length,
  };
}

let labs: Lab[] = [];
afterEach(async () => {
  await Promise.allSettled(labs.map((l) => l.stop()));
  labs = [];
});

test('a no-op read asks each machine the same at 3 and at 10 machines; cluster-wide reads happen once per cluster', async () => {
  const [three, ten] = await Promise.all([built(3), built(10)]);
  labs = [three, ten];
  const a = await noOpRead(three);
  const b = await noOpRead(ten);
  // Every machine but the one that reads the clusters (node1, first in the file) is asked exactly
  // the same, at 3 and at 10; node1 is asked the same at 3 and at 10 too.
  const others = (r: typeof a) => [...r.perMachine].filter(([k]) => k !== 'node1').map(([, l]) => l);
  const reference = others(a)[0]!;
  for (const l of [...others(a), ...others(b)]) expect(l).toEqual(reference);
  expect(b.perMachine.get('node1')).toEqual(a.perMachine.get('node1'));
  // Per machine: nothing cluster-wide.
  expect(reference.filter((x) => /\/core\/1\.0\/cluster|microceph GET \/1\.0\/(pools|configs|disks|services)|cluster\/members|profiles/.test(x))).toEqual([]);
  // So requests per machine do not grow with the site (they shrink: the cluster reads are shared).
  expect(b.total / 10).toBeLessThanOrEqual(a.total / 3);
  expect(b.total - a.total).toBe(7 * reference.length);
  // GET /core/1.0/cluster once per service, probing each member once: N per service, not N².
  expect(a.probes).toBe(2 * 3);
  expect(b.probes).toBe(2 * 10);
  // GET /1.0/pools (1 + one per pool) and GET /1.0/configs (1) once for the whole site.
  const pools = Object.keys((three.site.world('microceph') as unknown as { poolSizes(): Record<string, number> }).poolSizes()).length;
  expect(a.cephCommands).toBe(1 + pools + 1);
  expect(b.cephCommands).toBe(1 + pools + 1);

  // What is stored grows with the site, not with its square: each cluster's members, pools,
  // networks, volumes and OSDs once, not once in every member's view. Per machine, a 10-machine
  // site stores no more than a 3-machine one (each view used to repeat every member's rows).
  const stored = async (lab: Lab) => JSON.stringify(await gatherOver(lab.hosts, [...lab.hosts.keys()])).length;
  const [small, large] = [await stored(three), await stored(ten)];
  expect(large / 10).toBeLessThanOrEqual(small / 3);
  const live = await gatherOver(ten.hosts, [...ten.hosts.keys()]);
  expect(Object.keys(live.clusters.lxd)).toEqual(['node1']);
  expect(Object.keys(live.clusters.microceph)).toEqual(['node1']);
  expect(live.clusters.lxd['node1']!.members).toHaveLength(10);
}, 180_000);

test('Ceph without monitor quorum: the read does not block, the cluster shows unhealthy and the plan says why', async () => {
  // 5 machines: mons on node1-3. node3 goes down first and the databases' heartbeats promote other
  // members to voters, so when node2 goes down too dqlite keeps its quorum while Ceph's mons lose theirs.
  const lab = await built(5);
  labs = [lab];
  const keys = [...lab.hosts.keys()];
  await lab.site.down('node3');
  await gatherOver(lab.hosts, keys.filter((k) => k !== 'node3'));
  await lab.site.down('node2');
  // Real timing, scaled: a blocked ceph command would take 300 s × 0.01 = 3 s.
  coreOf(lab, 'microceph').costs.timeFactor = 0.01;
  coreOf(lab, 'microovn').costs.timeFactor = 0.01;
  const up = keys.filter((k) => k !== 'node2' && k !== 'node3');
  const start = Date.now();
  const live = await gatherOver(lab.hosts, up);
  expect(Date.now() - start).toBeLessThan(2500);
  for (const k of up) expect(live.machines[k]!.reachable).toBe(true);
  const m = reachable(live, 'node1')!;
  expect(m.microceph?.quorum).toBe(false);
  expect(m.microceph?.pools).toEqual([]);
  expect(siteHealth(live, 'node1', null)).toContainEqual(expect.objectContaining({ service: 'Ceph', healthy: false, summary: 'no monitor quorum' }));
  const desired = desiredOf(preseed({ nodes: [1, 4, 5] }));
  expect(preflight(desired, live)).toContainEqual(expect.objectContaining({ code: 'ceph-no-quorum', machine: 'node1' }));
}, 120_000);
