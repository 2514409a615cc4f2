// Crash matrix over the removal walk: a built 4-machine site, a file that removes node4, and a client
// that dies right after its k-th mutating request of that apply has been carried out (the lab drops
// every SSH connection before the answer, and the run's connections stop at the same instant, as a
// killed process would). The next apply, from fresh connections and a fresh plan, must converge to
// the state of an uninterrupted removal: node4 out of every cluster, its OSDs and volumes gone, the
// survivors untouched, no removal carried out twice, and an empty plan afterwards.
import { forceUnlock } from '../../src/apply/index.js';
import type { LabSite } from '../../src/lab/lab-site.js';
import type { Host } from '../../src/remote/index.js';
import { apply, desiredOf, planFor, preseed, startLab, type Lab } from '../apply/helpers.js';
import { siteState, type SiteState } from '../apply/state.js';
import { reached, spread, killAfterMutations } from './helpers.js';

const four = desiredOf(preseed({ nodes: [1, 2, 3, 4] }));
const removing = desiredOf(`${preseed({ nodes: [1, 2, 3] })}remove:\n  - node4\n`);
const THREE = ['node1', 'node2', 'node3'];
const only = (hosts: Map<string, Host>): Map<string, Host> => new Map([...hosts].filter(([n]) => THREE.includes(n)));

/** Removals that reached a daemon and were carried out, keyed by what they remove (the lock aside). */
function removals(site: LabSite): string[] {
  return reached(site).filter((e) => e.method === 'DELETE')
    .map((e) => `${e.service} ${e.path}${new URLSearchParams(e.query).get('target') ? `@${new URLSearchParams(e.query).get('target')}` : ''}`).sort();
}

async function builtLab(): Promise<Lab> {
  const l = await startLab({ nodes: 4, site: { logBodies: true } });
  const built = await apply(l, four, await planFor(l, four));
  expect(built.ok).toBe(true);
  l.site.resetCounters();
  return l;
}

let reference: SiteState;
let done: string[];
let total = 0;
let lab: Lab | undefined;

beforeAll(async () => {
  const l = await builtLab();
  try {
    const report = await apply(l, removing, await planFor(l, removing, only(l.hosts)), {}, only(l.hosts));
    expect(report.ok).toBe(true);
    reference = siteState(l.site);
    done = removals(l.site);
    total = l.site.mutations();
  } finally {
    await l.stop();
  }
}, 60_000);

afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

test('an uninterrupted removal makes 11 mutating requests: 2 OSDs, 2 keys and volumes, 3 members, and the lock', () => {
  // DELETE osd ×2, PATCH (unset the key) and DELETE ×2 volumes, DELETE member ×3, the lock's take and release.
  expect(total).toBe(11);
  expect(done).toHaveLength(7);
  expect(reference.lxd.members).toEqual(THREE);
});

// 11 is asserted above; the matrix is fixed at collection time, before beforeAll has run.
const INDICES = spread(11, 3);

test.each(INDICES)('killed after mutating request %i of the removal: the next apply converges, nothing removed twice', async (k) => {
  lab = await builtLab();
  const l = lab;
  const first = only(l.hosts);
  const killed = killAfterMutations(l, k);
  await apply(l, removing, await planFor(l, removing, first), { signal: killed }, first);
  expect(killed.aborted).toBe(true);

  const hosts = only(await l.otherHosts());
  const holder = await forceUnlock(hosts.get('node1')!);
  if (holder) expect(holder.operation).toBe('apply');
  const plan = await planFor(l, removing, hosts);
  if (plan.steps.length > 0) {
    const second = await apply(l, removing, plan, {}, hosts);
    expect(second.failed).toEqual([]);
    expect(second).toMatchObject({ ok: true, remaining: [] });
  }

  expect(siteState(l.site)).toEqual(reference);
  // Every removal reached its daemon once: a step whose answer was lost is found done, not sent again.
  const removed = removals(l.site);
  expect(removed.filter((r, i) => removed.indexOf(r) !== i)).toEqual([]);
  expect(removed).toEqual(done);
  expect((await planFor(l, removing, hosts)).steps).toEqual([]);
}, 60_000);
