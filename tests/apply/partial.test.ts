// A pool and a network whose finalize failed part-way (a member went down after LXD had stored the
// global config and marked them Errored): the next apply finishes them without global config, as
// LXD requires ("already partially created").
import type { ProgressEvent } from '../../src/apply/index.js';
import { desiredOf, planAndApply, planFor, apply, preseed, startLab, type Lab } from './helpers.js';
import { siteState } from './state.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

test('finalize interrupted by a member going down, finished by the next apply', async () => {
  lab = await startLab({ nodes: 3 });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3], ceph: false, ovn: false }));
  const l = lab;
  const plan = await planFor(l, desired);
  // node3 goes down just as the local pool is finalized (its pending rows are all in by then).
  const progress = { emit: (e: ProgressEvent) => { if (e.type === 'step-started' && e.address === 'lxd/storage-pool/local') void l.site.down('node3'); } };
  const first = await apply(l, desired, plan, { progress, replan: async () => [] });
  expect(first.ok).toBe(false);
  expect(first.failed.map((f) => f.address)).toContain('lxd/storage-pool/local');
  expect(first.failed.find((f) => f.address === 'lxd/storage-pool/local')!.error).toMatch(/node3 .* is down/);
  const pool = siteState(l.site).lxd.pools.find((p) => p.name === 'local')!;
  expect(pool.state).toBe('Errored');

  await l.site.up('node3');
  const second = await planAndApply(l, desired);
  expect(second.report.failed).toEqual([]);
  expect(second.report).toMatchObject({ ok: true, remaining: [] });
  const finished = second.report.steps.find((s) => s.address === 'lxd/storage-pool/local')!;
  expect(finished.notes.join()).toMatch(/without global config/);
  expect(siteState(l.site).lxd.pools.map((p) => `${p.name}:${p.state}`)).toEqual(['local:Created']);
}, 60_000);

test('an OVN network left Errored is deleted (nothing uses it) and created again', async () => {
  lab = await startLab({ nodes: 3 });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3], ceph: false, ovn: true }));
  const l = lab;
  const plan = await planFor(l, desired);
  const progress = { emit: (e: ProgressEvent) => { if (e.type === 'step-started' && e.address === 'lxd/network/default') void l.site.down('node3'); } };
  const first = await apply(l, desired, plan, { progress, replan: async () => [] });
  expect(first.failed.map((f) => f.address)).toContain('lxd/network/default');
  expect(siteState(l.site).lxd.networks.find((n) => n.name === 'default')!.state).toBe('Errored');

  await l.site.up('node3');
  l.site.resetCounters();
  const second = await planAndApply(l, desired);
  expect(second.plan.steps.find((s) => s.address === 'lxd/network/default')!.reason).toMatch(/^re-create network default \(ovn\): .*Errored/);
  expect(second.report).toMatchObject({ ok: true, remaining: [] });
  const redone = second.report.steps.find((s) => s.address === 'lxd/network/default')!;
  expect(redone.notes.join()).toMatch(/deleting it \(nothing uses it\)/);
  const calls = l.site.requests({ service: 'lxd', mutating: true }).map((r) => `${r.method} ${r.path}`);
  expect(calls.filter((c) => c === 'DELETE /1.0/networks/default')).toHaveLength(1);
  expect(siteState(l.site).lxd.networks.find((n) => n.name === 'default')!.state).toBe('Created');
}, 60_000);
