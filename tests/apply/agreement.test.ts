// Apply asks "is this step done?" with the planner's own `satisfied`, over a narrow read of the
// machines and daemons the step concerns (src/apply/steps/runner.ts, live.ts). This checks that the
// narrow read is enough: for every step kind, at every point of a lab apply (before any step, after
// each one, and through drift put back), the runner's check says what `satisfied` says over a full
// gather of the site at that moment.
import { STEP_ACTORS, STEP_RUNNERS, planRegistry } from '../../src/apply/registry.js';
import type { StepActor } from '../../src/apply/steps/runner.js';
import { SecretSet, systemClock, type StepContext } from '../../src/apply/index.js';
import { orderSteps } from '../../src/plan/dag.js';
import { satisfied, type Plan, type Step, type StepKind, type StepOf } from '../../src/plan/index.js';
import { namedSecrets, type DesiredState } from '../../src/preseed/desired.js';
import { gatherOver } from '../../src/site/gather.js';
import { DEFAULT_SNAPS, MICROCLOUD_SNAP } from '../../src/lab/machines.js';
import { desiredOf, planFor, preseed, startLab, type Lab } from './helpers.js';

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.stop();
});

const actorOf = (step: Step) => STEP_ACTORS[step.kind] as StepActor<StepKind>;
const runnerOf = (step: Step) => planRegistry(step)!;

function contextFor(desired: DesiredState): StepContext {
  const secrets = new SecretSet();
  for (const [name, secret] of namedSecrets(desired)) secrets.provide(name, secret);
  return { signal: new AbortController().signal, secrets, clock: systemClock, note: () => undefined };
}

/** Every kind's answers seen so far, to show each kind was asked both before and after it was done. */
const seen = new Map<StepKind, Set<boolean>>();
/** Steps apply judged with values other than the plan's. */
const filledIn = new Set<string>();

/**
 * Gathers the whole site, then asks every step's runner check: it must say what `satisfied` says
 * over the gathered state, for the step as apply judges it (the same step, but for what only the
 * run knows, which apply fills in: secret values, MicroOVN's central addresses; see `filledIn`).
 */
async function expectAgreement(l: Lab, steps: readonly Step[], ctx: StepContext, when: string): Promise<void> {
  const live = await gatherOver(l.hosts, [...l.hosts.keys()]);
  const rows = await Promise.all(steps.map(async (step) => {
    const check = await runnerOf(step).check(step, l.hosts, ctx);
    const runTime = (actorOf(step).atRunTime?.(step as StepOf<StepKind>, live, ctx) ?? step) as Step;
    if (JSON.stringify(runTime) !== JSON.stringify(step)) filledIn.add(step.address);
    const planner = satisfied(runTime, live);
    const answers = seen.get(step.kind) ?? new Set<boolean>();
    answers.add(check);
    seen.set(step.kind, answers);
    return { when, address: step.address, check, satisfied: planner };
  }));
  expect(rows.filter((r) => r.check !== r.satisfied)).toEqual([]);
}

/** Runs the steps one at a time, in dependency order, checking agreement on every step of `all` after each. */
async function walk(l: Lab, plan: Plan, all: readonly Step[], ctx: StepContext): Promise<void> {
  await expectAgreement(l, all, ctx, 'before the first step');
  for (const step of orderSteps(plan.steps)) {
    const runner = runnerOf(step);
    if (!(await runner.check(step, l.hosts, ctx))) {
      await runner.act(step, l.hosts, ctx);
      await runner.verify(step, l.hosts, ctx);
    }
    await expectAgreement(l, all, ctx, `after ${step.address}`);
  }
}

// Runs first: the removal kinds are among those the last test requires to have been asked.
test('the runner check and the planner agree on the removal kinds, before, during and after a removal', async () => {
  const four = await startLab({ nodes: 4, machine: { snaps: [...DEFAULT_SNAPS, MICROCLOUD_SNAP] } });
  try {
    const built = desiredOf(preseed({ nodes: [1, 2, 3, 4] }));
    const ctx = contextFor(built);
    const first = await planFor(four, built);
    await walk(four, first, [], ctx);
    const removing = desiredOf(`${preseed({ nodes: [1, 2, 3] })}remove: [{name: node4, evacuate: true}]\n`);
    const plan = await planFor(four, removing);
    expect(new Set(plan.steps.map((s) => s.kind))).toEqual(new Set(['lxd-member-evacuate', 'microceph-disk-remove', 'lxd-volume-remove', 'lxd-member-remove', 'microovn-member-remove', 'microceph-member-remove', 'microcloud-member-remove']));
    await walk(four, plan, plan.steps, contextFor(removing));
    expect((await planFor(four, removing)).steps).toEqual([]);
  } finally {
    await four.stop();
  }
}, 120_000);

test('the runner check and the planner agree on every step kind, before, during and after an apply', async () => {
  // With the microcloud snap, so that MicroCloud's own bootstrap and joins are among the kinds.
  lab = await startLab({ nodes: 3, machine: { snaps: [...DEFAULT_SNAPS, MICROCLOUD_SNAP] } });
  const desired = desiredOf(`${preseed({ nodes: [1, 2, 3], cephfs: true })}lxd:\n  config:\n    images.auto_update_interval: 0\n    maas.api.key: maas-key-30a1f2e4\n`);
  const ctx = contextFor(desired);
  const first = await planFor(lab, desired);
  await walk(lab, first, first.steps, ctx);
  expect((await planFor(lab, desired)).steps).toEqual([]);

  // Drift behind the tool's back: Ceph's cluster network and pool sizes, UPLINK's gateway, the
  // default profile's root disk, a file key and a secret one.
  const node2 = lab.hosts.get('node2')!;
  await node2.request('microceph', 'PUT', '/1.0/configs', { key: 'cluster_network', value: '10.9.0.0/16', wait: true, skip_restart: false });
  await node2.request('microceph', 'PUT', '/1.0/pools-op', { pools: ['.mgr'], size: 2 });
  await node2.request('lxd', 'PATCH', '/1.0/networks/UPLINK', { config: { 'ipv4.gateway': '10.1.1.254/24' } });
  await node2.request('lxd', 'PATCH', '/1.0', { config: { 'images.auto_update_interval': '12', 'maas.api.key': 'someone-elses-key' } });
  const profile = (await node2.request<{ config: Record<string, string>; description: string; devices: Record<string, Record<string, string>> }>('lxd', 'GET', '/1.0/profiles/default')).metadata;
  await node2.request('lxd', 'PUT', '/1.0/profiles/default', { ...profile, devices: { ...profile.devices, root: { type: 'disk', path: '/', pool: 'local' } } });
  const drift = await planFor(lab, desired);
  expect(drift.steps.map((s) => s.kind).sort()).toEqual([
    'lxd-network', 'lxd-profile', 'lxd-server-config', 'lxd-server-config', 'microceph-config', 'microceph-replication',
  ]);
  await walk(lab, drift, [...first.steps, ...drift.steps], ctx);
  expect((await planFor(lab, desired)).steps).toEqual([]);

  // Judged with anything but the planned step: only the secret key, and the northbound connection
  // while MicroOVN's members were not all in yet (the plan had predicted them).
  expect([...filledIn].sort()).toEqual(['lxd/server-config/maas.api.key', 'lxd/server-config/network.ovn.northbound_connection']);
  // Every kind was asked, and answered both "not yet" and "done" — the snap kinds in
  // snaps-agreement.test.ts (their walk needs machines without the snaps).
  const elsewhere = new Set(['snap', 'gate', 'microceph-noout']);
  expect(Object.fromEntries([...seen].map(([k, v]) => [k, [...v].sort()]))).toEqual(
    Object.fromEntries(Object.keys(STEP_RUNNERS).filter((k) => !elsewhere.has(k)).map((k) => [k, [false, true]])),
  );
}, 240_000);
