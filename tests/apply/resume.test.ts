// Resume: a 3-machine full bootstrap fails at its k-th mutating request (an error answer from the
// lab: the request never reaches the daemon), apply exits 1 with a report of what was done and what
// was not, and the next apply converges to the same end state as an uninterrupted run, with no
// duplicate member, OSD, token or pool and no disk added (wiped) twice. Also: the connection dropped
// right after the daemon did the work (the client never hears back): the step's retry finds it done.
//
// A 3-machine run makes 56 mutating requests (the lock's two included). A spread of them runs by
// default; RESUME_ALL=1 runs every index.
import { forceUnlock, reportLines } from '../../src/apply/index.js';
import { desiredOf, planAndApply, preseed, startLab, type Lab } from './helpers.js';
import { liveTokens, siteState, type SiteState } from './state.js';

const desired = desiredOf(preseed({ nodes: [1, 2, 3], cephfs: true }));
let reference: SiteState;
let total = 0;
let lab: Lab | undefined;

beforeAll(async () => {
  const l = await startLab({ nodes: 3 });
  try {
    const { report } = await planAndApply(l, desired);
    expect(report.ok).toBe(true);
    reference = siteState(l.site);
    total = l.site.mutations();
  } finally {
    await l.stop();
  }
}, 60_000);

afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const SAMPLE = [1, 2, 3, 4, 6, 9, 13, 17, 22, 28, 34, 41, 48, 53, 55, 56];
const ALL = Array.from({ length: 56 }, (_, k) => k + 1);
const INDICES = process.env['RESUME_ALL'] ? ALL : SAMPLE;

/** Disk adds that reached MicroCeph (injected failures never do): each disk once, over all runs. */
function diskAdds(l: Lab): number {
  return l.site.requests({ service: 'microceph', mutating: true })
    .filter((e) => e.method === 'POST' && e.path === '/1.0/disks' && e.injected !== 'error').length;
}

async function expectSameEndState(l: Lab): Promise<void> {
  const now = siteState(l.site);
  expect(now).toEqual(reference);
  expect(new Set(now.ceph.osds).size).toBe(6);
  expect(diskAdds(l)).toBe(6);
  expect(await liveTokens(l.site, l.hosts.get('node1')!)).toEqual([]);
}

test('the reference run makes 56 mutating requests', () => {
  expect(total).toBe(56);
});

test.each(INDICES)('failure at mutating request %i, then a second apply converges', async (k) => {
  lab = await startLab({ nodes: 3 });
  const fault = lab.site.failNth({ pattern: { mutating: true }, n: k, error: { status: 500, message: 'lab: injected failure' } });
  const first = await planAndApply(lab, desired);
  expect(fault.fired).toBe(1);
  if (first.report.ok) {
    // The failure hit the lock's release: every step is done, the lock is left behind.
    expect(first.report.warnings.join()).toMatch(/lock could not be released/);
    expect((await forceUnlock(lab.hosts.get('node1')!))?.operation).toBe('apply');
  } else {
    expect(first.report.exitCode).toBe(1);
    const lines = reportLines(first.report).join('\n');
    expect(lines).toMatch(/injected failure/);
    expect(lines).toMatch(/run apply again/);
    // What was done and what was not add up to the plan.
    const accounted = [...first.report.done, ...first.report.skipped, ...first.report.failed.map((f) => f.address), ...first.report.notStarted];
    expect(accounted.sort()).toEqual(first.plan.steps.map((s) => s.address).sort());
  }
  lab.site.clearFaults();
  const second = await planAndApply(lab, desired);
  expect(second.report.failed).toEqual([]);
  expect(second.report.ok).toBe(true);
  // null: nothing was left to do (the failure hit the last request), so there was nothing to confirm.
  expect(second.report.remaining ?? []).toEqual([]);
  await expectSameEndState(lab);
}, 60_000);

test.each([5, 12, 20, 30, 45])('connections dropped after mutating request %i reached the daemon: the retry finds the work done', async (k) => {
  lab = await startLab({ nodes: 3 });
  lab.site.dropConnectionsAfterMutations(k);
  const first = await planAndApply(lab, desired);
  expect(lab.site.requests({}).some((e) => e.injected === 'drop-after')).toBe(true);
  // The request whose answer was lost is not repeated by the remote layer (it may not be idempotent);
  // the step's next attempt checks first and finds the work done (or, when the lost request was a
  // token's, revokes the orphan before issuing a new one), and the run goes on. Nothing is doubled:
  // same end state, each disk added once, no token left.
  expect(first.report.failed).toEqual([]);
  expect(first.report).toMatchObject({ ok: true, remaining: [] });
  expect(first.report.steps.filter((s) => s.attempts > 1).length).toBeGreaterThan(0);
  await expectSameEndState(lab);
}, 60_000);
