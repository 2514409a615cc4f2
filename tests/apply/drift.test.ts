// Drift (`~` steps) on a built site: the file's UPLINK keys changed (PATCH; a dropped key unset),
// the default profile changed behind the tool's back (GET + PUT, other devices kept).
import type { Host } from '../../src/remote/index.js';
import { desiredOf, planAndApply, planFor, preseed, startLab, type Lab } from './helpers.js';
import { siteState } from './state.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

test('UPLINK keys follow the file; the profile gets its devices back and keeps the others', async () => {
  lab = await startLab({ nodes: 3 });
  const base = preseed({ nodes: [1, 2, 3] });
  expect((await planAndApply(lab, desiredOf(base))).report.ok).toBe(true);

  // The file narrows the range and drops the DNS servers.
  const edited = desiredOf(base.replace('10.1.1.100-10.1.1.254', '10.1.1.150-10.1.1.200').replace('  dns_servers: 10.1.1.1\n', ''));
  const plan = await planFor(lab, edited);
  expect(plan.steps.map((s) => `${s.action} ${s.address}`)).toEqual(['update lxd/network/UPLINK']);
  lab.site.resetCounters();
  const { report } = await planAndApply(lab, edited);
  expect(report).toMatchObject({ ok: true, done: ['lxd/network/UPLINK'], remaining: [] });
  const uplink = siteState(lab.site).lxd.networks.find((n) => n.name === 'UPLINK')!;
  expect(uplink.config['ipv4.ovn.ranges']).toBe('10.1.1.150-10.1.1.200');
  expect(uplink.config['dns.nameservers']).toBeUndefined();
  expect(uplink.config['ipv4.gateway']).toBe('10.1.1.1/24');
  expect(lab.site.requests({ service: 'lxd', mutating: true }).map((e) => `${e.method} ${e.path}`))
    .toEqual(['PATCH /1.0', 'PUT /1.0/networks/UPLINK', 'PATCH /1.0']);

  // Changing only a value is a PATCH.
  const again = desiredOf(base.replace('10.1.1.100-10.1.1.254', '10.1.1.160-10.1.1.210'));
  lab.site.resetCounters();
  expect((await planAndApply(lab, again)).report).toMatchObject({ ok: true, remaining: [] });
  expect(lab.site.requests({ service: 'lxd', mutating: true }).map((e) => `${e.method} ${e.path}`))
    .toEqual(['PATCH /1.0', 'PATCH /1.0/networks/UPLINK', 'PATCH /1.0']);

  // Someone points root elsewhere and adds a device of their own.
  const node2 = lab.hosts.get('node2') as Host;
  const profile = (await node2.request<{ config: Record<string, string>; description: string; devices: Record<string, Record<string, string>> }>('lxd', 'GET', '/1.0/profiles/default')).metadata;
  await node2.request('lxd', 'PUT', '/1.0/profiles/default', {
    config: profile.config, description: profile.description,
    devices: { ...profile.devices, root: { type: 'disk', path: '/', pool: 'local' }, gpu: { type: 'gpu' } },
  });
  const fix = await planAndApply(lab, again);
  expect(fix.plan.steps.map((s) => `${s.action} ${s.address}`)).toEqual(['update lxd/profile/default']);
  expect(fix.report).toMatchObject({ ok: true, remaining: [] });
  expect(siteState(lab.site).lxd.profile).toEqual({
    root: { type: 'disk', path: '/', pool: 'remote' }, eth0: { type: 'nic', name: 'eth0', network: 'default' }, gpu: { type: 'gpu' },
  });
}, 60_000);

// MicroCloud raises replication and never lowers it (canonical/microcloud cmd/microcloud/main_init.go
// `setupCluster`, `pool.Size < defaultPoolSize`, f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741).
test('a pool raised above min(OSDs, 3) through MicroCeph stays so: the plan proposes nothing for it', async () => {
  lab = await startLab({ nodes: 3 });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3] }));
  expect((await planAndApply(lab, desired)).report.ok).toBe(true);
  const node2 = lab.hosts.get('node2') as Host;
  await node2.request('microceph', 'PUT', '/1.0/pools-op', { pools: ['.mgr'], size: 4 });
  expect(siteState(lab.site).ceph.pools['.mgr']).toBe(4);
  const plan = await planFor(lab, desired);
  expect(plan.steps.map((s) => s.address)).toEqual([]);
  expect(siteState(lab.site).ceph.pools['.mgr']).toBe(4);
}, 60_000);
