// The cost of reading a site, from the lab's per-request log: one SSH login per machine, the same
// fixed set of commands and requests on every machine whatever the size of the site, and all
// machines read at the same time (their activity overlaps) rather than one after another.
import { gather } from '../../src/site/gather.js';
import { FACTS_SCRIPT } from '../../src/services/host-facts.js';
import { readPlannedPreseed } from '../../src/site/preseed-file.js';
import { siteTargets } from '../../src/site/targets.js';
import { READ_CONNECT as PLAN_CONNECT } from '../../src/site/pipeline.js';
import type { LabEvent } from '../../src/lab/lab-site.js';
import { startLab, type PlanLab } from './lab.js';

let small: PlanLab;
let large: PlanLab;

beforeAll(async () => {
  [small, large] = await Promise.all([startLab({ nodes: 3 }), startLab({ nodes: 6 })]);
});

afterAll(async () => {
  await Promise.allSettled([small?.stop(), large?.stop()]);
});

async function gatherAll(lab: PlanLab, parallelism = 10): Promise<void> {
  const loaded = await readPlannedPreseed(lab.file, lab.dir);
  lab.site.resetCounters();
  const g = await gather(siteTargets(loaded.result.desired!), { parallelism, connect: PLAN_CONNECT });
  await g.close();
  for (const [name, m] of Object.entries(g.live.machines)) if (!m.reachable) throw new Error(`${name}: ${m.reason}`);
}

const describeEvent = (e: LabEvent): string =>
  e.kind === 'connect' ? 'ssh login'
    : e.kind === 'exec' ? `exec ${(e.argv ?? [e.command]).join(' ')}`
      : `${e.service} ${e.method} ${e.path}${e.query ? `?${e.query}` : ''}`;

/** What each machine was asked, as a sorted list (the order within a round is not fixed). */
function perMachine(lab: PlanLab): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of lab.site.log) out.set(e.machine, [...(out.get(e.machine) ?? []), describeEvent(e)]);
  for (const list of out.values()) list.sort();
  return out;
}

test('every machine gets the same fixed set of commands and requests, at 3 machines and at 6', async () => {
  await gatherAll(small);
  const three = perMachine(small);
  await gatherAll(large);
  const six = perMachine(large);
  expect([...three.keys()].sort()).toEqual(['node1', 'node2', 'node3']);
  expect([...six.keys()].sort()).toEqual(['node1', 'node2', 'node3', 'node4', 'node5', 'node6']);
  const reference = three.get('node1')!;
  for (const list of [...three.values(), ...six.values()]) expect(list).toEqual(reference);
  // The set itself, on a fresh machine: one login, 2 commands (the host facts, one socket probe for
  // all four daemons, MicroCloud's included, and snapd), 11 requests (snapd's two: the snaps and its version).
  expect(reference.filter((x) => x === 'ssh login')).toHaveLength(1);
  expect(reference.filter((x) => x.startsWith('exec '))).toEqual([
    `exec sh -c for p in "$@"; do if [ -S "$p" ]; then printf '%s\\n' "$p"; fi; done sh ${[
      '/var/snap/lxd/common/lxd/unix.socket', '/var/lib/lxd/unix.socket',
      '/var/snap/microceph/common/state/control.socket', '/var/snap/microovn/common/state/control.socket',
      '/var/snap/microcloud/common/state/control.socket', '/run/snapd.socket'].join(' ')}`,
    `exec sh -c ${FACTS_SCRIPT}`,
  ]);
  expect(reference.filter((x) => / GET /.test(x))).toEqual([
    'lxd GET /1.0', 'lxd GET /1.0/networks?recursion=1', 'lxd GET /1.0/profiles/default', 'lxd GET /1.0/resources',
    'lxd GET /1.0/storage-pools?recursion=1', 'microceph GET /core/1.0', 'microceph GET /core/1.0/cluster',
    'microovn GET /core/1.0', 'microovn GET /core/1.0/cluster', 'snapd GET /v2/snaps', 'snapd GET /v2/system-info',
  ]);
  expect(reference).toHaveLength(14);
  expect(large.site.mutations()).toBe(0);
  expect(small.site.mutations()).toBe(0);
});

/** Each machine's activity as [first event, last event], in lab milliseconds. */
function spans(lab: PlanLab): [number, number][] {
  const byMachine = new Map<string, number[]>();
  for (const e of lab.site.log) byMachine.set(e.machine, [...(byMachine.get(e.machine) ?? []), e.at]);
  return [...byMachine.values()].map((ats) => [Math.min(...ats), Math.max(...ats)]);
}

test('all machines are read at once: with latency on every round trip, their activity overlaps', async () => {
  large.site.setLatency(25);
  try {
    await gatherAll(large);
    const parallel = spans(large);
    expect(parallel).toHaveLength(6);
    // Some moment lies inside every machine's span: the last machine started before the first finished.
    expect(Math.max(...parallel.map(([first]) => first))).toBeLessThan(Math.min(...parallel.map(([, last]) => last)));

    // Reading one machine at a time (each phase of gather still goes machine by machine) takes
    // several times longer: the overlap above is what makes the read fast.
    const parallelMs = Math.max(...parallel.map(([, last]) => last)) - Math.min(...parallel.map(([first]) => first));
    await gatherAll(large, 1);
    const sequential = spans(large);
    const sequentialMs = Math.max(...sequential.map(([, last]) => last)) - Math.min(...sequential.map(([first]) => first));
    expect(sequentialMs).toBeGreaterThan(2 * parallelMs);
  } finally {
    large.site.clearFaults();
  }
});
