// Owned config keys against the lab: each lxd.config key goes with its record
// (user.microcloud-apply.owned.<key>) in one PATCH; a key taken out of the file is unset by the next
// apply, a key set by hand is not touched; a lost answer converges; the same for UPLINK's ovn keys.
import type { Host } from '../../src/remote/index.js';
import { desiredOf, planAndApply, planFor, preseed, startLab, type Lab } from './helpers.js';
import { siteState } from './state.js';

const MARK = 'user.microcloud-apply.owned.';
const MAAS_KEY = 'maas-api-key-77c1e0d9b2';
const lxdConfig = (...lines: string[]) => ['lxd:', '  config:', ...lines.map((l) => `    ${l}`), ''].join('\n');
const base = preseed({ nodes: [1, 2, 3] });

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const serverConfig = async (host: Host) => (await host.request<{ config: Record<string, unknown> }>('lxd', 'GET', '/1.0')).metadata.config;
const marks = (config: Record<string, unknown>) => Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(MARK)));
const lxdWrites = (l: Lab) => l.site.requests({ service: 'lxd', mutating: true }).map((e) => `${e.method} ${e.path}`);

test('a key taken out of lxd.config is unset by the next apply, record and all; a key set by hand is not touched', async () => {
  lab = await startLab({ nodes: 3 });
  const full = desiredOf(base + lxdConfig('images.auto_update_interval: 0', 'core.proxy_ignore_hosts: 10.0.0.0/8', `maas.api.key: ${MAAS_KEY}`));
  expect((await planAndApply(lab, full)).report).toMatchObject({ ok: true, remaining: [] });
  const node2 = lab.hosts.get('node2')!;
  await node2.request('lxd', 'PATCH', '/1.0', { config: { 'core.proxy_https': 'http://hand:3128' } });

  // Names only: every record is "true", and the secret is stored once, under its own key.
  expect(marks(await serverConfig(lab.hosts.get('node3')!))).toEqual({
    [`${MARK}images.auto_update_interval`]: 'true', [`${MARK}core.proxy_ignore_hosts`]: 'true', [`${MARK}maas.api.key`]: 'true',
  });
  expect(Object.entries(siteState(lab.site).lxd.config).filter(([, v]) => v.includes(MAAS_KEY)).map(([k]) => k)).toEqual(['maas.api.key']);

  const narrowed = desiredOf(base + lxdConfig('images.auto_update_interval: 0'));
  const plan = await planFor(lab, narrowed);
  expect(plan.steps.map((s) => ({ address: s.address, action: s.action, changes: s.changes }))).toEqual([
    { address: 'lxd/server-config/core.proxy_ignore_hosts', action: 'update', changes: [{ key: 'core.proxy_ignore_hosts', before: '10.0.0.0/8', after: null }] },
    { address: 'lxd/server-config/maas.api.key', action: 'update', changes: [{ key: 'maas.api.key', before: '(sensitive)', after: null }] },
  ]);
  lab.site.resetCounters();
  expect((await planAndApply(lab, narrowed)).report).toMatchObject({ ok: true, failed: [], remaining: [] });
  // The lock, one PATCH per key (the key and its record together), the unlock.
  expect(lxdWrites(lab)).toEqual(['PATCH /1.0', 'PATCH /1.0', 'PATCH /1.0', 'PATCH /1.0']);
  const after = await serverConfig(node2);
  expect(after['core.proxy_ignore_hosts']).toBeUndefined();
  expect(after['maas.api.key']).toBeUndefined();
  expect(after['images.auto_update_interval']).toBe('0');
  expect(after['core.proxy_https']).toBe('http://hand:3128');
  expect(marks(after)).toEqual({ [`${MARK}images.auto_update_interval`]: 'true' });

  lab.site.resetCounters();
  const again = await planAndApply(lab, narrowed);
  expect(again.plan.steps).toEqual([]);
  expect(lab.site.requests({ mutating: true })).toEqual([]);
}, 60_000);

test('the answer to a key\'s PATCH is lost: the retry finds the key and its record set together', async () => {
  lab = await startLab({ nodes: 3 });
  expect((await planAndApply(lab, desiredOf(base))).report.ok).toBe(true);
  const file = desiredOf(base + lxdConfig('images.auto_update_interval: 0'));
  // The first mutating request is the lock's; the second is the key's.
  lab.site.dropConnectionsAfterMutations(2);
  const first = await planAndApply(lab, file);
  expect(lab.site.requests({}).some((e) => e.injected === 'drop-after')).toBe(true);
  expect(first.report).toMatchObject({ ok: true, failed: [], remaining: [] });
  expect(first.report.steps.find((s) => s.address === 'lxd/server-config/images.auto_update_interval')?.attempts).toBeGreaterThan(1);
  expect(marks(await serverConfig(lab.hosts.get('node1')!))).toEqual({ [`${MARK}images.auto_update_interval`]: 'true' });
  // And so it is the tool's: taken out of the file, it is unset.
  const gone = await planAndApply(lab, desiredOf(base));
  expect(gone.plan.steps.map((s) => s.address)).toEqual(['lxd/server-config/images.auto_update_interval']);
  expect((await serverConfig(lab.hosts.get('node3')!))['images.auto_update_interval']).toBeUndefined();
}, 60_000);

test("UPLINK: a key the tool set and the file drops is unset; one set by hand stays", async () => {
  lab = await startLab({ nodes: 3 });
  expect((await planAndApply(lab, desiredOf(base))).report.ok).toBe(true);
  const node2 = lab.hosts.get('node2')!;
  await node2.request('lxd', 'PATCH', '/1.0/networks/UPLINK', { config: { 'ipv6.gateway': '2001:db8:d:200::1/64' } });
  expect((await planFor(lab, desiredOf(base))).steps).toEqual([]);

  const noDns = desiredOf(base.replace('  dns_servers: 10.1.1.1\n', ''));
  const { plan, report } = await planAndApply(lab, noDns);
  expect(plan.steps.map((s) => ({ address: s.address, changes: s.changes }))).toEqual([
    { address: 'lxd/network/UPLINK', changes: [{ key: 'dns.nameservers', before: '10.1.1.1', after: null }] },
  ]);
  expect(report).toMatchObject({ ok: true, remaining: [] });
  const uplink = siteState(lab.site).lxd.networks.find((n) => n.name === 'UPLINK')!.config;
  expect(uplink['dns.nameservers']).toBeUndefined();
  expect(uplink['ipv6.gateway']).toBe('2001:db8:d:200::1/64');
  expect(marks(uplink)).toEqual({ [`${MARK}ipv4.gateway`]: 'true', [`${MARK}ipv4.ovn.ranges`]: 'true' });
}, 60_000);
