// Crash matrix over the refresh walk (issue 17): a built 3-machine site whose snaps move to newer
// tracks (MicroCeph squid → tentacle, MicroOVN 24.03 → 26.03, LXD 5.21 → 6) with a client that dies
// right after its k-th mutating request of the walk has been carried out (the lab drops every SSH
// connection before the answer; the test closes that run's connections, as a killed process would).
// snapd's change goes on without the client. The next apply, once snapd's changes are over (the
// plan says to wait for one in progress), from fresh connections and a fresh plan, converges: every
// snap at its channel, held and in a cohort on every machine, Ceph's noout this tool set unset
// again, each machine refreshed once per snap, and a plan afterwards empty.
import { forceUnlock } from '../../src/apply/index.js';
import { desiredOf, preseed, startLab, type Lab } from '../apply/helpers.js';
import { RESTARTS, applyWithSnaps, bareMachines, errorsOf, planWithSnaps, snapsBlock } from '../apply/snaps-helpers.js';
import { spread, killAfterMutations } from './helpers.js';

const site = preseed({ nodes: [1, 2, 3] });
const before = desiredOf(site + snapsBlock('5.21/stable'));
const after = desiredOf(site + snapsBlock('6/stable', 'tentacle/stable', '26.03/stable'));
let lab: Lab | undefined;

afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

async function built(): Promise<Lab> {
  const l = await startLab({ machines: bareMachines(3), site: { durations: RESTARTS } });
  const r = await applyWithSnaps(l, before, await planWithSnaps(l.hosts, before));
  expect([r.failed, r.remaining]).toEqual([[], []]);
  return l;
}

async function nooutFlag(l: Lab): Promise<boolean> {
  const r = await l.hosts.get('node1')!.exec(['microceph.ceph', 'health', '--format', 'json'], { check: false });
  return 'OSDMAP_FLAGS' in (JSON.parse(r.stdout.toString()) as { checks: object }).checks;
}

/** 9 refreshes, each a POST to snapd (the snaps stay held: no hold again), and the lock's take and release (PATCH /1.0 on LXD). */
const WALK_MUTATIONS = 11;

test('an uninterrupted walk makes 11 mutating requests: a refresh per snap and machine, and the lock', async () => {
  lab = await built();
  const [all, snapd] = [lab.site.mutations(), lab.site.mutations(undefined, 'snapd')];
  const r = await applyWithSnaps(lab, after, await planWithSnaps(lab.hosts, after));
  expect([r.failed, r.remaining]).toEqual([[], []]);
  expect([lab.site.mutations() - all, lab.site.mutations(undefined, 'snapd') - snapd]).toEqual([WALK_MUTATIONS, 9]);
}, 120_000);

test.each(spread(WALK_MUTATIONS, 4))('killed after mutating request %i of the walk: the next apply converges', async (k) => {
  lab = await built();
  const l = lab;
  const killed = killAfterMutations(l, k);
  await applyWithSnaps(l, after, await planWithSnaps(l.hosts, after), { signal: killed });
  expect(killed.aborted).toBe(true);

  // A new process, after snapd has finished what the dead one started; its lock is released by hand.
  await l.site.snapsSettled();
  const hosts = await l.otherHosts();
  // The lock key is cluster-wide: released from a member whose LXD answers (node1's may wait for
  // the others' LXD refresh: src/plan/snaps-view.ts lxdWaiting).
  await forceUnlock(hosts.get(l.site.daemonUp('node1', 'lxd') ? 'node1' : 'node2')!);
  const plan = await planWithSnaps(hosts, after);
  expect(errorsOf(plan)).toEqual([]);
  // Killed before the LXD refreshes (mutations 8–10, posted side by side): work is left. From there
  // on, what is left depends on which of them reached snapd before the connections went.
  if (k < 8) expect(plan.steps.length).toBeGreaterThan(0);
  if (plan.steps.length > 0) {
    const second = await applyWithSnaps(l, after, plan, {}, hosts);
    expect([second.failed, second.remaining]).toEqual([[], []]);
  }
  expect((await planWithSnaps(hosts, after)).steps).toEqual([]);

  const refreshes = l.site.snapHistory().filter((e) => e.kind === 'refresh');
  expect(refreshes.map((e) => `${e.snap}@${e.machine}`).sort()).toEqual(['lxd', 'microceph', 'microovn'].flatMap((s) => [1, 2, 3].map((i) => `${s}@node${i}`)).sort());
  expect(refreshes.every((e) => e.status === 'Done')).toBe(true);
  expect(await nooutFlag({ ...l, hosts })).toBe(false);
  for (const m of ['node1', 'node2', 'node3']) expect(l.site.daemonUp(m, 'lxd')).toBe(true);
}, 120_000);
