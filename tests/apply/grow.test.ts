// Growing a built site from 3 to 5 machines by editing the file: only the new machines' steps run
// (their joins with member_config, their OSDs, their volumes and keys), and the site converges.
import { desiredOf, planAndApply, preseed, startLab, type Lab } from './helpers.js';
import { liveTokens, mutations, siteState } from './state.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

test('grow 3 → 5: only node4 and node5 steps run; the old members are not changed', async () => {
  lab = await startLab({ nodes: 5 });
  const three = desiredOf(preseed({ nodes: [1, 2, 3], cephfs: true }));
  const first = await planAndApply(lab, three);
  expect(first.report).toMatchObject({ ok: true, remaining: [] });
  const before = siteState(lab.site);

  lab.site.resetCounters();
  const five = desiredOf(preseed({ nodes: [1, 2, 3, 4, 5], cephfs: true }));
  const { plan, report } = await planAndApply(lab, five);
  expect(report.failed).toEqual([]);
  expect(report).toMatchObject({ ok: true, remaining: [] });
  const touched = (address: string) => /node[45]\b/.test(address);
  expect(plan.steps.length).toBeGreaterThan(0);
  expect(plan.steps.filter((s) => !touched(s.address)).map((s) => s.address)).toEqual([]);
  expect(report.done.sort()).toEqual(plan.steps.map((s) => s.address).sort());
  // The joins bring their member_config: the new members get every pool and network without pending
  // steps (and, LXD 5.21 lacking storage_remote_drop_source, the Ceph pools' source too).
  const lxdJoin = plan.steps.find((s) => s.address === 'lxd/member/node4');
  expect(lxdJoin?.kind === 'lxd-join' && lxdJoin.inputs.memberConfig.map((k) => `${k.entity}/${k.name}/${k.key}`).sort())
    .toEqual(['network/UPLINK/parent', 'storage-pool/local/source', 'storage-pool/local/source.wipe', 'storage-pool/remote-fs/source', 'storage-pool/remote/source']);

  // Old members: only the anchor answered token requests and the lock; nothing on node2/node3.
  const byMachine = (m: string) => mutations(lab!.site).filter((e) => e.machine === m);
  expect(byMachine('node2')).toEqual([]);
  expect(byMachine('node3')).toEqual([]);
  expect(byMachine('node1').every((e) => e.path === '/1.0' || /tokens|cluster\/members|operations/.test(e.path))).toBe(true);

  const after = siteState(lab.site);
  const names = ['node1', 'node2', 'node3', 'node4', 'node5'];
  expect(after.lxd.members).toEqual(names);
  expect(after.ceph.members).toEqual(names);
  expect(after.ovn.members).toEqual(names);
  expect(after.ceph.osds).toHaveLength(10);
  expect(after.ceph.osds.filter((o) => before.ceph.osds.includes(o))).toEqual(before.ceph.osds);
  for (const p of after.lxd.pools) {
    expect(p.state).toBe('Created');
    expect(Object.keys(p.nodes).sort()).toEqual(names);
    for (const m of ['node1', 'node2', 'node3']) expect(p.nodes[m]).toEqual(before.lxd.pools.find((x) => x.name === p.name)!.nodes[m]);
  }
  expect(after.lxd.volumes).toHaveLength(10);
  expect(after.lxd.profile).toEqual(before.lxd.profile);
  expect(await liveTokens(lab.site, lab.hosts.get('node1')!)).toEqual([]);
}, 60_000);
