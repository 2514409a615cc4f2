// The file's snaps applied to the lab (issue 17's "done when"): machines with snapd and none of the
// snaps get them installed and the site built in one apply; a second apply has nothing to do; lxd →
// 6/stable is applied as MicroCloud's rolling refresh, whose order the lab's snap history shows
// (no two MicroCeph refreshes overlap, MicroCeph before MicroOVN, LXD after both); a downgrade is
// refused. The lab's snapd and daemons are src/lab/snapd and the daemons' restarts on refresh.
import type { LabSite } from '../../src/lab/lab-site.js';
import { desiredOf, preseed, startLab, type Lab } from './helpers.js';
import { RESTARTS, applyWithSnaps, bareMachines, errorsOf, planWithSnaps, snapsBlock } from './snaps-helpers.js';

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.stop();
});

type History = ReturnType<LabSite['snapHistory']>;
const refreshesOf = (h: History, snap: string) => h.filter((e) => e.kind === 'refresh' && e.snap === snap);
const overlap = (a: History[number], b: History[number]) => !(a.endSeq! < b.startSeq || b.endSeq! < a.startSeq);

test('installed and built in one apply, then nothing to do, then a rolling refresh in MicroCloud\'s order; a downgrade refused', async () => {
  lab = await startLab({ machines: bareMachines(3), site: { durations: RESTARTS } });
  const site = `${preseed({ nodes: [1, 2, 3] })}`;
  const d1 = desiredOf(site + snapsBlock('5.21/stable'));

  const first = await planWithSnaps(lab.hosts, d1);
  expect(errorsOf(first)).toEqual([]);
  const installs = first.steps.filter((s) => s.kind === 'snap');
  expect(installs).toHaveLength(9);
  expect(installs.filter((s) => s.action !== 'create').map((s) => [s.address, s.reason])).toEqual([]);
  const r1 = await applyWithSnaps(lab, d1, first);
  expect([r1.failed, r1.error, r1.remaining]).toEqual([[], undefined, []]);
  expect((await planWithSnaps(lab.hosts, d1)).steps).toEqual([]);
  // Every install ended before any of the site's steps: the lab's history has only installs so far.
  expect(lab.site.snapHistory().map((e) => [e.kind, e.status])).toEqual(Array.from({ length: 9 }, () => ['install', 'Done']));

  // lxd 5.21 → 6/stable, MicroCeph squid → tentacle and MicroOVN 24.03 → 26.03: the whole walk.
  const d2 = desiredOf(site + snapsBlock('6/stable', 'tentacle/stable', '26.03/stable'));
  const second = await planWithSnaps(lab.hosts, d2);
  expect(errorsOf(second)).toEqual([]);
  expect(second.steps.map((s) => s.address)).toEqual([
    'microceph/noout',
    'snap/microceph@node1', 'gate/ceph-health@node1', 'snap/microceph@node2', 'gate/ceph-health@node2', 'snap/microceph@node3', 'gate/ceph-health@node3',
    'microceph/noout/unset',
    'snap/microovn@node1', 'gate/microovn-online@node1', 'snap/microovn@node2', 'gate/microovn-online@node2', 'snap/microovn@node3', 'gate/microovn-online@node3',
    'snap/lxd@node1', 'snap/lxd@node2', 'snap/lxd@node3', 'gate/lxd-online',
  ]);
  const r2 = await applyWithSnaps(lab, d2, second);
  expect([r2.failed, r2.error, r2.remaining]).toEqual([[], undefined, []]);
  expect((await planWithSnaps(lab.hosts, d2)).steps).toEqual([]);

  const h = lab.site.snapHistory();
  const [ceph, ovn, lxd] = ['microceph', 'microovn', 'lxd'].map((s) => refreshesOf(h, s));
  expect([ceph!.length, ovn!.length, lxd!.length]).toEqual([3, 3, 3]);
  for (const e of h) expect(e.status).toBe('Done');
  for (const a of ceph!) for (const b of ceph!) if (a !== b) expect(overlap(a, b)).toBe(false);
  for (const a of ovn!) for (const b of ovn!) if (a !== b) expect(overlap(a, b)).toBe(false);
  const lastOf = (list: History) => Math.max(...list.map((e) => e.endSeq!));
  const firstOf = (list: History) => Math.min(...list.map((e) => e.startSeq));
  expect(lastOf(ceph!)).toBeLessThan(firstOf(ovn!));
  expect(lastOf(ovn!)).toBeLessThan(firstOf(lxd!));
  // The LXD refreshes ran side by side, and every snap ended on its channel, held, in a cohort.
  expect(lxd!.some((a) => lxd!.some((b) => a !== b && overlap(a, b)))).toBe(true);
  const listed = (await lab.hosts.get('node2')!.request<{ name: string; 'tracking-channel': string; 'cohort-key'?: string; hold?: string }[]>('snapd', 'GET', '/v2/snaps')).metadata;
  expect(listed.filter((s) => ['lxd', 'microceph', 'microovn'].includes(s.name)).map((s) => [s.name, s['tracking-channel'], Boolean(s['cohort-key']), Boolean(s.hold)]).sort())
    .toEqual([['lxd', '6/stable', true, true], ['microceph', 'tentacle/stable', true, true], ['microovn', '26.03/stable', true, true]]);
  // noout was unset, and its marker removed.
  const health = await lab.hosts.get('node1')!.exec(['microceph.ceph', 'health', '--format', 'json'], { check: false });
  expect(Object.keys((JSON.parse(health.stdout.toString()) as { checks: object }).checks)).not.toContain('OSDMAP_FLAGS');

  // Back to 5.21: refused, nothing planned; allowed explicitly, it plans the refresh.
  const back = await planWithSnaps(lab.hosts, desiredOf(site + snapsBlock('5.21/stable', 'tentacle/stable', '26.03/stable')));
  expect(back.steps).toEqual([]);
  expect(errorsOf(back).map((f) => [f.code, f.machine])).toEqual([['snap-downgrade', 'node1'], ['snap-downgrade', 'node2'], ['snap-downgrade', 'node3']]);
  const allowed = await planWithSnaps(lab.hosts, desiredOf(site + snapsBlock('5.21/stable', 'tentacle/stable', '26.03/stable', ', allow_downgrade: true')));
  expect(errorsOf(allowed)).toEqual([]);
  expect(allowed.steps.map((s) => s.address)).toEqual(['snap/lxd@node1', 'snap/lxd@node2', 'snap/lxd@node3', 'gate/lxd-online']);
}, 240_000);
