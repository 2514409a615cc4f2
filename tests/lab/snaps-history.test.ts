// The site's snap history: every install and refresh on every machine with its start and end on one
// sequence, so a test can assert the order of a rolling refresh; and when each daemon was down.
import { snapSite, type SnapSite } from './snaps-site.js';

let s: SnapSite | undefined;
afterEach(async () => { await s?.stop(); s = undefined; });

const overlap = (a: { startSeq: number; endSeq: number | null }, b: { startSeq: number; endSeq: number | null }): boolean =>
  a.startSeq < b.endSeq! && b.startSeq < a.endSeq!;

test('one member at a time, then all at once: the history tells them apart', async () => {
  s = await snapSite({ durations: { snapRefresh: 30 } });
  for (const m of ['node1', 'node2', 'node3']) {
    expect((await s.act(m, 'microceph', { action: 'refresh', channel: 'tentacle/stable' })).status).toBe('Done');
  }
  const site = s;
  await Promise.all(['node1', 'node2', 'node3'].map((m) => site.act(m, 'lxd', { action: 'refresh', channel: '6/stable' })));
  await s.site.snapsSettled();
  const h = s.site.snapHistory();
  expect(h.map((e) => [e.machine, e.snap, e.kind, e.status])).toEqual([
    ['node1', 'microceph', 'refresh', 'Done'], ['node2', 'microceph', 'refresh', 'Done'], ['node3', 'microceph', 'refresh', 'Done'],
    ['node1', 'lxd', 'refresh', 'Done'], ['node2', 'lxd', 'refresh', 'Done'], ['node3', 'lxd', 'refresh', 'Done'],
  ]);
  expect(h[0]).toMatchObject({
    changeId: '1', from: { channel: 'squid/stable', revision: '1228', version: '19.2.0' },
    to: { channel: 'tentacle/stable', revision: '1550', version: '20.2.0' },
  });
  expect(h[3]).toMatchObject({ from: { channel: '5.21/stable', revision: '33110' }, to: { channel: '6/stable', revision: '36971', version: '6.8' } });
  const ceph = h.filter((e) => e.snap === 'microceph');
  const lxd = h.filter((e) => e.snap === 'lxd');
  for (const a of ceph) for (const b of ceph) if (a !== b) expect(overlap(a, b)).toBe(false);
  for (const a of lxd) for (const b of lxd) if (a !== b) expect(overlap(a, b)).toBe(true);
  for (const e of h) {
    expect(e.endSeq!).toBeGreaterThan(e.startSeq);
    expect(e.end!).toBeGreaterThanOrEqual(e.start);
  }
  // Each refresh stopped its daemons; all are back.
  const outages = s.site.daemonOutages();
  expect(outages.map((o) => `${o.machine}/${o.daemon}`).sort()).toEqual([
    'node1/ceph-osd', 'node1/lxd', 'node1/microceph', 'node2/ceph-osd', 'node2/lxd', 'node2/microceph',
    'node3/ceph-osd', 'node3/lxd', 'node3/microceph',
  ]);
  expect(outages.every((o) => o.toSeq !== null && o.reason === 'refresh')).toBe(true);
});

test('a failed refresh is in the history as Error, and its daemon comes back on the old revision', async () => {
  s = await snapSite({ nodes: 1 });
  s.snapd.failTask({ snap: 'lxd', task: 'link-snap', message: 'boom' });
  const c = await s.act('node1', 'lxd', { action: 'refresh', channel: '6/stable' });
  expect(c.status).toBe('Error');
  await s.site.snapsSettled();
  expect(s.site.snapHistory()).toEqual([expect.objectContaining({ snap: 'lxd', status: 'Error', to: expect.objectContaining({ revision: '36971' }) })]);
  expect(s.site.daemonOutages()).toEqual([expect.objectContaining({ daemon: 'lxd', toSeq: expect.any(Number) })]);
  expect(s.site.daemonUp('node1', 'lxd')).toBe(true);
  expect((await s.req('node1', 'lxd', 'GET', '/1.0')).body.metadata.environment.server_version).toBe('5.21.3');
});

test('an install the lab undoes leaves no daemon and no open outage', async () => {
  s = await snapSite({ nodes: 1, withoutSnaps: true });
  s.snapd.failTask({ snap: 'microovn', task: 'start-snap-services', message: 'boom' });
  expect((await s.act('node1', 'microovn', { action: 'install', channel: '24.03/stable' })).status).toBe('Error');
  await s.site.snapsSettled();
  expect(s.site.daemonUp('node1', 'microovn')).toBe(false);
  expect(s.site.daemonOutages()).toEqual([expect.objectContaining({ daemon: 'microovn', reason: 'install', toSeq: expect.any(Number) })]);
  expect(s.site.snapHistory().map((e) => [e.kind, e.status, e.from])).toEqual([['install', 'Error', null]]);
});
