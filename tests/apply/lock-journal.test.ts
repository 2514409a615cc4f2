// The site lock (two applies at once: one runs, the other waits up to --lock-timeout and fails
// naming the holder; released after a failure; force-unlock) and the journal (every step, no secret).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCK_CONFIG_KEY, forceUnlock, inputsDigest, type ProgressEvent } from '../../src/apply/index.js';
import { PASSPHRASE, apply, desiredOf, planFor, preseed, recordingHosts, startLab, type Lab } from './helpers.js';
import { siteState } from './state.js';

const desired = desiredOf(preseed({ nodes: [1, 2, 3], cephfs: true }));
let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

test('two applies at once: one runs, the other waits for the lock timeout and fails naming the holder', async () => {
  lab = await startLab({ nodes: 3 });
  const other = await lab.otherHosts();
  const planA = await planFor(lab, desired);
  const planB = await planFor(lab, desired, other);
  // Slow enough that the first run holds the lock longer than the second waits.
  lab.site.setLatency(2);
  const events: ProgressEvent[] = [];
  const [a, b] = await Promise.all([
    apply(lab, desired, planA, { operation: 'apply by operator A', lockTimeoutMs: 300, lockPollMs: 20 }),
    apply(lab, desired, planB, { operation: 'apply by operator B', lockTimeoutMs: 300, lockPollMs: 20, progress: { emit: (e) => events.push(e) } }, other),
  ]);
  const [winner, loser, loserOp] = a.ok ? [a, b, 'operator B'] : [b, a, 'operator A'];
  expect(winner).toMatchObject({ ok: true, remaining: [] });
  expect(loser).toMatchObject({ ok: false, exitCode: 1, done: [], skipped: [] });
  expect(loser.notStarted).toHaveLength(planA.steps.length);
  const holderOp = loserOp === 'operator A' ? 'operator B' : 'operator A';
  expect(loser.error).toMatch(new RegExp(`the site is locked by \\S+ \\(pid ${process.pid} on .+\\) running "apply by ${holderOp}" since .+; waited 0\\.[3-9]s \\(--lock-timeout\\)`));
  expect(loser.error).toContain(LOCK_CONFIG_KEY);
  if (loserOp === 'operator B') expect(events.some((e) => e.type === 'lock-waiting')).toBe(true);
  expect(siteState(lab.site).lxd.config[LOCK_CONFIG_KEY]).toBeUndefined();
}, 60_000);

test('a waiting apply gets the lock once the holder is done, and finds its steps already done', async () => {
  lab = await startLab({ nodes: 3 });
  const other = await lab.otherHosts();
  const planA = await planFor(lab, desired);
  const planB = await planFor(lab, desired, other);
  const first = apply(lab, desired, planA, { operation: 'first' });
  await new Promise((r) => setTimeout(r, 50));
  const second = await apply(lab, desired, planB, { operation: 'second', lockTimeoutMs: 30_000, lockPollMs: 20 }, other);
  expect(await first).toMatchObject({ ok: true });
  expect(second).toMatchObject({ ok: true, done: [] });
  expect(second.skipped).toHaveLength(planB.steps.length);
}, 60_000);

test('the lock is released when a step fails; force-unlock shows whose lock it removes', async () => {
  lab = await startLab({ nodes: 3 });
  lab.site.failNth({ pattern: { service: 'microceph', path: '/1.0/disks', mutating: true }, n: 1, error: { status: 500, message: 'lab: disk on fire' } });
  const failed = await apply(lab, desired, await planFor(lab, desired), { operation: 'apply site.yaml' });
  expect(failed.failed[0]!.error).toMatch(/disk on fire/);
  expect(siteState(lab.site).lxd.config[LOCK_CONFIG_KEY]).toBeUndefined();
  const node1 = lab.hosts.get('node1')!;
  await node1.request('lxd', 'PATCH', '/1.0', { config: { [LOCK_CONFIG_KEY]: JSON.stringify({ id: 'x', owner: 'ci@runner-7', pid: 99, host: 'runner-7', operation: 'apply prod.yaml', time: '2026-01-01T00:00:00Z' }) } });
  lab.site.clearFaults();
  const blocked = await apply(lab, desired, await planFor(lab, desired));
  expect(blocked.error).toMatch(/locked by ci@runner-7 \(pid 99 on runner-7\) running "apply prod.yaml" since 2026-01-01T00:00:00Z/);
  expect(await forceUnlock(node1)).toMatchObject({ owner: 'ci@runner-7', operation: 'apply prod.yaml' });
  expect(await forceUnlock(node1)).toBeNull();
  expect((await apply(lab, desired, await planFor(lab, desired))).ok).toBe(true);
}, 60_000);

test('the journal records every step (address, inputs digest, result, duration) and no secret', async () => {
  lab = await startLab({ nodes: 3 });
  const seen = new Set<string>();
  const hosts = recordingHosts(lab.hosts, seen);
  const plan = await planFor(lab, desired, hosts);
  const file = join(lab.dir, 'state', 'journal.jsonl');
  const report = await apply(lab, desired, plan, { journalPath: file }, hosts);
  expect(report.ok).toBe(true);
  // 2 micro services × 2 joiners (token + its secret) + 2 LXD joins (token, secret).
  expect(seen.size).toBeGreaterThanOrEqual(8);
  const text = await readFile(file, 'utf8');
  for (const s of [PASSPHRASE, ...seen]) expect(text).not.toContain(s);
  const records = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(records[0]).toMatchObject({ event: 'run-start', steps: plan.steps.length });
  expect(records.at(-1)).toMatchObject({ event: 'run-end', ok: true, done: plan.steps.length, remaining: [] });
  const steps = records.filter((r) => r['event'] === 'step');
  expect(steps.map((r) => r['address']).sort()).toEqual(plan.steps.map((s) => s.address).sort());
  for (const s of plan.steps) {
    const r = steps.find((x) => x['address'] === s.address)!;
    expect(r).toMatchObject({ kind: s.kind, machine: s.machine, inputs: inputsDigest(s.inputs), result: 'done', attempts: 1 });
    expect(typeof r['durationMs']).toBe('number');
    expect(typeof r['time']).toBe('string');
  }
  // A failed run appends to the same file: the failure, and what was not started.
  const again = await apply(lab, desired, plan, { journalPath: file }, hosts);
  expect(again.skipped).toHaveLength(plan.steps.length);
  const all = (await readFile(file, 'utf8')).trim().split('\n');
  expect(all.filter((l) => l.includes('"run-start"'))).toHaveLength(2);
}, 60_000);
