// The file's lxd.config against the lab: set after every join, secrets sent but never written out,
// nothing to do the second time, a value changed by hand put back; on Debian's LXD 5.0 the file's
// northbound connection is kept as written, and a key that LXD does not know fails by name.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportLines } from '../../src/apply/index.js';
import { DEFAULT_SNAPS } from '../../src/lab/machines.js';
import type { Host } from '../../src/remote/index.js';
import { desiredOf, planAndApply, planFor, preseed, startLab, type Lab } from './helpers.js';
import { siteState } from './state.js';

const MAAS_KEY = 'maas-api-key-4f1c9e2ab7';
const LOKI_PASSWORD = 'loki-Pass-8812';
const lxdConfig = (...lines: string[]) => ['lxd:', '  config:', ...lines.map((l) => `    ${l}`), ''].join('\n');

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const serverConfig = async (host: Host) => (await host.request<{ config: Record<string, unknown> }>('lxd', 'GET', '/1.0')).metadata.config;

test('set after the joins, secrets never written out, converged at once, drift put back', async () => {
  lab = await startLab({ nodes: 3 });
  const desired = desiredOf(preseed({ nodes: [1, 2, 3] }) + lxdConfig(
    'images.auto_update_interval: 0', 'core.proxy_ignore_hosts: 10.0.0.0/8', `maas.api.key: ${MAAS_KEY}`, `loki.auth.password: ${LOKI_PASSWORD}`,
  ));
  const journal = join(lab.dir, 'journal.jsonl');
  const first = await planAndApply(lab, desired, { journalPath: journal });
  expect(first.report).toMatchObject({ ok: true, failed: [], remaining: [] });
  const keys = ['images.auto_update_interval', 'core.proxy_ignore_hosts', 'maas.api.key', 'loki.auth.password'];
  expect(first.plan.steps.filter((s) => s.address.startsWith('lxd/server-config/') && keys.some((k) => s.address.endsWith(k))).map((s) => s.address))
    .toEqual(keys.map((k) => `lxd/server-config/${k}`));

  // Every member sees the cluster-wide values; 5.21 shows a set Loki password as `true` only.
  for (const name of ['node1', 'node2', 'node3']) {
    expect(await serverConfig(lab.hosts.get(name)!)).toMatchObject({
      'images.auto_update_interval': '0', 'core.proxy_ignore_hosts': '10.0.0.0/8', 'maas.api.key': MAAS_KEY, 'loki.auth.password': true,
    });
  }
  expect(siteState(lab.site).lxd.config['loki.auth.password']).toBe(LOKI_PASSWORD);
  const written = `${await readFile(journal, 'utf8')}${JSON.stringify(first)}${reportLines(first.report).join('\n')}`;
  for (const secret of [MAAS_KEY, LOKI_PASSWORD]) expect(written).not.toContain(secret);

  lab.site.resetCounters();
  const second = await planAndApply(lab, desired);
  expect(second.plan.steps).toEqual([]);
  expect(second.report).toMatchObject({ ok: true, done: [] });
  expect(lab.site.requests({ mutating: true })).toEqual([]);

  const node2 = lab.hosts.get('node2')!;
  await node2.request('lxd', 'PATCH', '/1.0', { config: { 'images.auto_update_interval': '12', 'maas.api.key': 'someone-elses-key' } });
  const drift = await planFor(lab, desired);
  expect(drift.steps.map((s) => ({ address: s.address, action: s.action, changes: s.changes }))).toEqual([
    { address: 'lxd/server-config/images.auto_update_interval', action: 'update', changes: [{ key: 'images.auto_update_interval', before: '12', after: '0' }] },
    { address: 'lxd/server-config/maas.api.key', action: 'update', changes: [{ key: 'maas.api.key', before: '(sensitive)', after: '(sensitive)' }] },
  ]);
  lab.site.resetCounters();
  const fixed = await planAndApply(lab, desired);
  expect(fixed.report).toMatchObject({ ok: true, remaining: [] });
  expect([...fixed.report.done].sort()).toEqual(['lxd/server-config/images.auto_update_interval', 'lxd/server-config/maas.api.key']);
  expect(lab.site.requests({ service: 'lxd', mutating: true }).map((e) => `${e.method} ${e.path}`)).toEqual(Array(4).fill('PATCH /1.0'));
  expect(await serverConfig(lab.hosts.get('node3')!)).toMatchObject({ 'images.auto_update_interval': '0', 'maas.api.key': MAAS_KEY });
}, 60_000);

test("Debian's LXD 5.0: the file's northbound connection is kept; a key LXD does not know fails by name", async () => {
  const deb = [{ name: 'lxd', version: '5.0.2', revision: '1', channel: 'deb' }, ...DEFAULT_SNAPS.filter((s) => s.name !== 'lxd')];
  lab = await startLab({ nodes: 3, machine: { lxdFlavor: 'deb-5.0', snaps: deb } });
  const base = preseed({ nodes: [1, 2, 3], ceph: false, local: false });
  // The file's own value, not the one the tool would compute (every central): one central. It has to
  // point at a northbound that answers, or LXD cannot create the OVN network.
  const northbound = 'network.ovn.northbound_connection: ssl:10.1.0.12:6641';

  const refused = await planAndApply(lab, desiredOf(base + lxdConfig(northbound, 'instances.migration.stateful: true')));
  expect(refused.report.ok).toBe(false);
  expect(refused.report.failed).toEqual([{
    address: 'lxd/server-config/instances.migration.stateful',
    error: expect.stringContaining("cannot set 'instances.migration.stateful' to 'true': unknown key (remove the key from lxd.config"),
  }]);
  expect(reportLines(refused.report)[0]).toMatch(/^Failed: lxd\/server-config\/instances\.migration\.stateful: node1: lxd PATCH \/1\.0 failed with 400: /);

  const desired = desiredOf(base + lxdConfig(northbound));
  const { report } = await planAndApply(lab, desired);
  expect(report).toMatchObject({ ok: true, remaining: [] });
  expect(siteState(lab.site).lxd.config['network.ovn.northbound_connection']).toBe('ssl:10.1.0.12:6641');
  expect(siteState(lab.site).lxd.networks.map((n) => `${n.name} ${n.state}`)).toEqual(['default Created', 'UPLINK Created']);
  expect((await planFor(lab, desired)).steps).toEqual([]);
}, 60_000);

test('a refused secret value is masked in the failure however short it is', async () => {
  // LXD 6.8 dropped core.trust_password, and its error quotes the value it refused.
  lab = await startLab({ nodes: 1, machine: { lxdFlavor: 'snap-6.8' } });
  const desired = desiredOf(preseed({ nodes: [1], ceph: false, ovn: false, local: false }) + lxdConfig('core.trust_password: abc'));
  const { report } = await planAndApply(lab, desired);
  expect(report.failed).toEqual([{
    address: 'lxd/server-config/core.trust_password',
    error: expect.stringContaining("cannot set 'core.trust_password' to '[REDACTED]': Unknown key"),
  }]);
  expect(JSON.stringify(report)).not.toMatch(/'abc'/);
}, 60_000);
