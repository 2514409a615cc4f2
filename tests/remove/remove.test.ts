// Removing a member the file names in `remove:`, on the lab: the plan's destroy steps in MicroCloud's
// order, an apply that leaves every cluster without it (its data moved off first), a second apply
// with nothing to do, and a file without the member and without `remove:` that plans no changes and
// warns about no unmanaged member. Only the machines the file lists are connected, as the CLI does.
import type { Host } from '../../src/remote/index.js';
import { renderPlanText } from '../../src/plan/index.js';
import { apply, desiredOf, planFor, preseed, startLab, type Lab } from '../apply/helpers.js';
import { siteState } from '../apply/state.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const only = (hosts: Map<string, Host>, names: string[]): Map<string, Host> => new Map([...hosts].filter(([n]) => names.includes(n)));
const THREE = ['node1', 'node2', 'node3'];

test('remove node4 of 4: destroy steps in order, 3 members left everywhere, then no changes', async () => {
  lab = await startLab({ nodes: 4 });
  const four = desiredOf(preseed({ nodes: [1, 2, 3, 4] }));
  const built = await planFor(lab, four);
  expect((await apply(lab, four, built)).ok).toBe(true);
  const before = siteState(lab.site);
  const node4Osds = before.ceph.osds.filter((o) => o.startsWith('node4:'));
  expect(node4Osds).toHaveLength(2);

  const hosts = only(lab.hosts, THREE);
  const removing = desiredOf(`${preseed({ nodes: [1, 2, 3] })}remove:\n  - node4\n`);
  const plan = await planFor(lab, removing, hosts);
  const osds = (await hosts.get('node1')!.request<{ osd: number; location: string }[]>('microceph', 'GET', '/1.0/disks')).metadata
    .filter((d) => d.location === 'node4').map((d) => d.osd).sort((a, b) => a - b);
  expect(plan.steps.map((s) => s.address)).toEqual([
    ...osds.map((n) => `microceph/disk/node4/osd.${n}`),
    'lxd/volume/local/images@node4', 'lxd/volume/local/backups@node4',
    'lxd/member/node4', 'microovn/member/node4', 'microceph/member/node4',
  ]);
  expect(plan.steps.every((s) => s.action === 'destroy' && s.machine === 'node1')).toBe(true);
  // One after the other: each step waits for the one before it.
  plan.steps.slice(1).forEach((s, i) => expect(s.dependsOn).toContain(plan.steps[i]!.address));
  expect(plan.unmanaged).toEqual([]);
  const text = renderPlanText(plan);
  // Shown in the order they run, each with its service, red on a terminal.
  const section = text.slice(text.indexOf('removals (through node1, one step after the other):'));
  expect(section.split('\n').slice(1, 8).map((l) => l.replace(/: .*  \[/, ' [')))
    .toEqual(plan.steps.map((s) => `    - ${s.address} [${{ lxd: 'LXD', microceph: 'MicroCeph', microovn: 'MicroOVN', microcloud: 'MicroCloud' }[s.service]}]`));
  expect(text).toContain('    - lxd/member/node4: remove node4 from LXD  [LXD]');
  expect(text).toContain('Plan: 0 to add, 0 to change, 7 to destroy.');
  expect(renderPlanText(plan, { color: true })).toContain('\u001b[31m    - lxd/member/node4: remove node4 from LXD  [LXD]\u001b[0m');

  const report = await apply(lab, removing, plan, {}, hosts);
  expect(report.failed).toEqual([]);
  expect(report).toMatchObject({ ok: true, remaining: [] });

  const after = siteState(lab.site);
  expect(after.lxd.members).toEqual(THREE);
  expect(after.ceph.members).toEqual(THREE);
  expect(after.ovn.members).toEqual(THREE);
  expect(after.ceph.osds).toEqual(before.ceph.osds.filter((o) => !o.startsWith('node4:')));
  expect(after.lxd.volumes).toEqual(before.lxd.volumes.filter((v) => !v.endsWith('@node4')));
  for (const p of after.lxd.pools) expect(Object.keys(p.nodes).sort()).toEqual(THREE);
  expect(Object.values(after.ceph.pools).every((size) => size === 3)).toBe(true);
  // node4's LXD was reset to a standalone server by the removal.
  expect(after.lxd.clustered['node4']).toBe(false);

  expect((await planFor(lab, removing, hosts)).steps).toEqual([]);
  const listed = await planFor(lab, desiredOf(preseed({ nodes: [1, 2, 3] })), hosts);
  expect(listed.steps).toEqual([]);
  expect(listed.unmanaged).toEqual([]);
  expect(listed.findings.filter((f) => f.code === 'unmanaged')).toEqual([]);
  expect(renderPlanText(listed)).toContain('No changes. The site matches the file.');
}, 120_000);
