// The requests of a 3-machine lab apply (Ceph, CephFS, OVN, local): the plan's gather, then the
// apply itself (step checks, acts, verifies, and its closing re-plan). Prints the counts.
import { apply, desiredOf, planFor, preseed, startLab, type Lab } from '../apply/helpers.js';

let lab: Lab;
afterAll(async () => { await lab?.stop(); });

test('apply read cost', async () => {
  lab = await startLab({ nodes: 3 });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3] }));
  lab.site.resetCounters();
  const plan = await planFor(lab, desired);
  const planning = lab.site.requests().length;
  lab.site.resetCounters();
  await apply(lab, desired, plan);
  const all = lab.site.requests();
  const mutating = lab.site.requests({ mutating: true }).length;
  console.log(`plan gather ${planning}; apply ${all.length} requests (${mutating} mutating, ${all.length - mutating} reads)`);
  expect(mutating).toBeGreaterThan(0);
}, 60_000);
