// The snap kinds' runner check (a narrow read: snapd's list, Ceph's health and noout, the members of
// a gate's service) says what the planner's `satisfied` says over a full read of the site as `plan`
// makes it (gather and the site's snaps), before and after every step of an install and of a
// refresh walk — as tests/apply/agreement.test.ts checks for the other kinds.
import { SecretSet, systemClock, type StepContext } from '../../src/apply/index.js';
import { planRegistry } from '../../src/apply/registry.js';
import { orderSteps } from '../../src/plan/dag.js';
import { satisfied, type Plan, type Step, type StepKind } from '../../src/plan/index.js';
import type { DesiredState } from '../../src/preseed/desired.js';
import { gatherOver } from '../../src/site/gather.js';
import { withSiteSnaps } from '../../src/site/gather-snaps.js';
import { desiredOf, preseed, startLab, type Lab } from './helpers.js';
import { RESTARTS, bareMachines, errorsOf, planWithSnaps, snapsBlock } from './snaps-helpers.js';

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.stop();
});

const ctx: StepContext = { signal: new AbortController().signal, secrets: new SecretSet(), clock: systemClock, note: () => undefined };
const SNAP_KINDS: StepKind[] = ['snap', 'gate', 'microceph-noout'];
const seen = new Map<StepKind, Set<boolean>>();

async function agree(l: Lab, desired: DesiredState, steps: readonly Step[], when: string): Promise<void> {
  const live = await withSiteSnaps(await gatherOver(l.hosts, [...l.hosts.keys()]), l.hosts, desired.snaps);
  const rows = await Promise.all(steps.filter((s) => SNAP_KINDS.includes(s.kind)).map(async (step) => {
    const check = await planRegistry(step)!.check(step, l.hosts, ctx);
    seen.set(step.kind, (seen.get(step.kind) ?? new Set()).add(check));
    return { when, address: step.address, check, satisfied: satisfied(step, live) };
  }));
  expect(rows.filter((r) => r.check !== r.satisfied)).toEqual([]);
}

/** Runs the plan in waves of the steps whose dependencies are done (LXD's refreshes must run side by
 *  side: a refreshed member waits for the others), checking agreement after each wave. */
async function walk(l: Lab, desired: DesiredState, plan: Plan): Promise<void> {
  await agree(l, desired, plan.steps, 'before the first step');
  const done = new Set<string>();
  let left = orderSteps(plan.steps);
  while (left.length > 0) {
    const wave = left.filter((s) => s.dependsOn.every((d) => done.has(d)));
    await Promise.all(wave.map(async (step) => {
      const runner = planRegistry(step)!;
      if (!(await runner.check(step, l.hosts, ctx))) {
        await runner.act(step, l.hosts, ctx);
        await runner.verify(step, l.hosts, ctx);
      }
    }));
    for (const s of wave) done.add(s.address);
    left = left.filter((s) => !done.has(s.address));
    // The daemons restart around a refresh: both reads must see the same moment.
    await l.site.snapsSettled();
    await agree(l, desired, plan.steps, `after ${wave.map((s) => s.address).join(', ')}`);
  }
}

test('runner checks and satisfied agree for snap, gate and noout steps, through installs and a refresh walk', async () => {
  lab = await startLab({ machines: bareMachines(3), site: { durations: RESTARTS } });
  const site = preseed({ nodes: [1, 2, 3] });
  const d1 = desiredOf(site + snapsBlock('5.21/stable'));
  const first = await planWithSnaps(lab.hosts, d1);
  expect(errorsOf(first)).toEqual([]);
  await walk(lab, d1, first);
  expect((await planWithSnaps(lab.hosts, d1)).steps).toEqual([]);

  const d2 = desiredOf(site + snapsBlock('6/stable', 'tentacle/stable', '26.03/stable'));
  const second = await planWithSnaps(lab.hosts, d2);
  expect(errorsOf(second)).toEqual([]);
  await walk(lab, d2, second);
  expect((await planWithSnaps(lab.hosts, d2)).steps).toEqual([]);
  expect(Object.fromEntries([...seen].map(([k, v]) => [k, [...v].sort()]))).toEqual({ snap: [false, true], gate: [false, true], 'microceph-noout': [false, true] });
}, 240_000);
