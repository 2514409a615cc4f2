// Apply's step checks read only what the kind's `satisfied` reads (src/apply/steps/live.ts
// READS_BY_KIND): the verdict is the full read's, for a fraction of the requests.
import { readLive, READS_BY_KIND } from '../../src/apply/steps/live.js';
import { STEP_ACTORS } from '../../src/apply/registry.js';
import { satisfied } from '../../src/plan/steps/index.js';
import type { Step, StepKind } from '../../src/plan/index.js';
import { desiredOf, planFor, apply, preseed, startLab, type Lab } from '../apply/helpers.js';

let lab: Lab;
afterAll(async () => { await lab?.stop(); });

test('for every step of a fresh plan, before and after apply, the narrow read gives the full read\'s verdict with fewer requests', async () => {
  lab = await startLab({ nodes: 3 });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3], cephfs: true }));
  const plan = await planFor(lab, desired);
  const kinds = new Set<StepKind>();
  const check = async (steps: readonly Step[]) => {
    let narrowCount = 0;
    let fullCount = 0;
    for (const step of steps) {
      const reads = (STEP_ACTORS[step.kind] as unknown as { reads(s: Step): Parameters<typeof readLive>[1] }).reads(step);
      lab.site.resetCounters();
      const narrow = await readLive(lab.hosts, reads, step.kind);
      narrowCount += lab.site.requests().length;
      lab.site.resetCounters();
      const full = await readLive(lab.hosts, reads);
      fullCount += lab.site.requests().length;
      expect([step.address, satisfied(step, narrow)]).toEqual([step.address, satisfied(step, full)]);
      kinds.add(step.kind);
    }
    return { narrowCount, fullCount };
  };
  const before = await check(plan.steps);
  await apply(lab, desired, plan);
  const after = await check(plan.steps);
  expect([...kinds].sort()).toEqual(Object.keys(READS_BY_KIND).filter((k) => kinds.has(k as StepKind)).sort());
  expect(before.narrowCount * 2).toBeLessThan(before.fullCount);
  expect(after.narrowCount * 3).toBeLessThan(after.fullCount);
  console.log(`step checks: fresh ${before.narrowCount} vs ${before.fullCount}, built ${after.narrowCount} vs ${after.fullCount} requests (narrow vs full)`);
}, 120_000);

test('a profile check is one request', async () => {
  lab.site.resetCounters();
  await readLive(lab.hosts, [{ machine: 'node1', services: ['lxd'] }], 'lxd-profile');
  expect(lab.site.requests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /1.0/profiles/default']);
});
