// Crash matrix: a 3-machine full bootstrap whose client dies right after its k-th mutating request
// has been carried out (the lab drops every SSH connection before the answer, and the test stops
// that run's connections at the same instant, as a killed process would). The next apply, from
// fresh connections and a fresh plan, must converge to the state of an uninterrupted run with
// nothing created twice: no second bootstrap or join, OSD, pool, network or volume, so no disk
// wiped twice, and no join token left behind. A plan afterwards is empty.
//
// resume.test.ts covers the run that survives the drop (it reconnects and retries); here the run
// does not survive, so what is tested is the next run reading what the dead one left.
import { forceUnlock } from '../../src/apply/index.js';
import { apply, desiredOf, planAndApply, planFor, preseed, startLab, type Lab } from '../apply/helpers.js';
import { liveTokens, siteState, type SiteState } from '../apply/state.js';
import { duplicated, onceOnlyCreations, spread, killAfterMutations } from './helpers.js';

const desired = desiredOf(preseed({ nodes: [1, 2, 3], cephfs: true }));
let reference: SiteState;
let creations: string[];
let total = 0;
let lab: Lab | undefined;

beforeAll(async () => {
  const l = await startLab({ nodes: 3, site: { logBodies: true } });
  try {
    const { report } = await planAndApply(l, desired);
    expect(report.ok).toBe(true);
    reference = siteState(l.site);
    creations = [...onceOnlyCreations(l.site).keys()].sort();
    total = l.site.mutations();
  } finally {
    await l.stop();
  }
}, 60_000);

afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

test('an uninterrupted run makes 56 mutating requests, 38 of them creations that must happen once', () => {
  expect(total).toBe(56);
  // 9 bootstraps and joins, 6 OSDs, 3 pools and UPLINK on 3 members and finalized, default, 6 volumes.
  expect(creations).toHaveLength(38);
});

// 56 is asserted above; the matrix is fixed at collection time, before beforeAll has run.
const INDICES = spread(56, 4);

test.each(INDICES)('killed after mutating request %i: the next apply converges, nothing twice', async (k) => {
  lab = await startLab({ nodes: 3, site: { logBodies: true } });
  const l = lab;
  const killed = killAfterMutations(l, k);
  await planAndApply(l, desired, { signal: killed });
  expect(killed.aborted).toBe(true);

  // A new process: new connections. A killed run cannot release the lock; its operator does.
  const hosts = await l.otherHosts();
  const holder = await forceUnlock(hosts.get('node1')!);
  if (holder) expect(holder.operation).toBe('apply');
  const plan = await planFor(l, desired, hosts);
  // Killed after the last step (55) or during the lock's release (56): nothing is left to do.
  expect(plan.steps.length > 0).toBe(k < 55);
  if (plan.steps.length > 0) {
    const second = await apply(l, desired, plan, {}, hosts);
    expect(second.failed).toEqual([]);
    expect(second).toMatchObject({ ok: true, remaining: [] });
  }

  expect(siteState(l.site)).toEqual(reference);
  expect(duplicated(l.site)).toEqual([]);
  expect([...onceOnlyCreations(l.site).keys()].sort()).toEqual(creations);
  expect(await liveTokens(l.site, hosts.get('node1')!)).toEqual([]);
  expect((await planFor(l, desired, hosts)).steps).toEqual([]);
}, 60_000);
