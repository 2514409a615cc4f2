// The other shapes the issue names: local storage only, no OVN (the Fan bridge), LXD alone
// (MicroCeph and MicroOVN not installed, no disks). Each converges and a fresh plan is empty.
import { DEFAULT_SNAPS } from '../../src/lab/machines.js';
import { desiredOf, planAndApply, planFor, preseed, startLab, type Lab } from './helpers.js';
import { siteState } from './state.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

test('local storage only, no OVN: pool local, the Fan bridge lxdfan0, profile root → local', async () => {
  lab = await startLab({ nodes: 3 });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3], ceph: false, ovn: false }));
  const { report } = await planAndApply(lab, desired);
  expect(report.failed).toEqual([]);
  expect(report).toMatchObject({ ok: true, remaining: [] });
  const s = siteState(lab.site);
  expect(s.lxd.pools.map((p) => `${p.name}:${p.state}`)).toEqual(['local:Created']);
  expect(s.lxd.networks.map((n) => `${n.name}:${n.type}:${n.state}`)).toEqual(['lxdfan0:bridge:Created']);
  expect(s.lxd.networks[0]!.config).toMatchObject({ 'bridge.mode': 'fan', 'fan.underlay_subnet': '10.1.0.0/24' });
  expect(s.lxd.profile).toEqual({ root: { type: 'disk', path: '/', pool: 'local' }, eth0: { type: 'nic', name: 'eth0', network: 'lxdfan0' } });
  // MicroCeph and MicroOVN are installed, so MicroCloud sets them up even without disks or uplinks.
  expect(s.ceph.members).toEqual(['node1', 'node2', 'node3']);
  expect(s.ceph.osds).toEqual([]);
  expect((await planFor(lab, desired)).steps).toEqual([]);
}, 60_000);

test('Ceph without OVN: remote pools and the Fan bridge', async () => {
  lab = await startLab({ nodes: 3 });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3], ovn: false }));
  const { report } = await planAndApply(lab, desired);
  expect(report).toMatchObject({ ok: true, remaining: [] });
  const s = siteState(lab.site);
  expect(s.lxd.pools.map((p) => p.name)).toEqual(['local', 'remote']);
  expect(s.lxd.networks.map((n) => n.name)).toEqual(['lxdfan0']);
  expect(s.lxd.profile['root']).toEqual({ type: 'disk', path: '/', pool: 'remote' });
}, 60_000);

test('LXD only: MicroCeph and MicroOVN not installed, no disks', async () => {
  lab = await startLab({ nodes: 3, machine: { snaps: DEFAULT_SNAPS.filter((s) => s.name === 'lxd') } });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3], ceph: false, ovn: false, local: false }));
  const { plan, report } = await planAndApply(lab, desired);
  expect(plan.steps.every((s) => s.service === 'lxd')).toBe(true);
  expect(report).toMatchObject({ ok: true, remaining: [] });
  const s = siteState(lab.site);
  expect(s.lxd.members).toEqual(['node1', 'node2', 'node3']);
  expect(s.lxd.pools).toEqual([]);
  expect(s.lxd.profile).toEqual({ eth0: { type: 'nic', name: 'eth0', network: 'lxdfan0' } });
  expect(lab.site.requests({ service: 'microceph' })).toEqual([]);
  expect((await planFor(lab, desired)).steps).toEqual([]);
}, 60_000);

test("Debian's LXD 5.0 (no explicit_trust_token): joins carry the token in cluster_password", async () => {
  lab = await startLab({ nodes: 3, machine: { lxdFlavor: 'deb-5.0', snaps: [{ name: 'lxd', version: '5.0.2', revision: '1', channel: 'deb' }] } });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3], ceph: false, ovn: false, local: false }));
  const { report } = await planAndApply(lab, desired);
  // The lab's 5.0 reads the token only from cluster_password: the joins succeeding is the proof.
  expect(report.failed).toEqual([]);
  expect(report).toMatchObject({ ok: true, remaining: [] });
  expect(siteState(lab.site).lxd.members).toEqual(['node1', 'node2', 'node3']);
}, 60_000);
