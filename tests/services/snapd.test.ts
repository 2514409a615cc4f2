// Reading snapd over SSH, against the lab's snapd on /run/snapd.socket: the installed snaps and
// snapd's version for the host facts (the same snaps `snap list` shows on the machine), nothing on
// a machine without snapd, the store's channels, changes followed to their end, snapd's error kinds
// carried to the caller, and a login that is not root reaching snapd through the sudo relay.
import { connect, ApiError, type Host } from '../../src/remote/index.js';
import { defaultMachineSpec, defaultMachineSpecs } from '../../src/lab/machines.js';
import type { SnapdWorld } from '../../src/lab/snapd/index.js';
import type { MachineSpec } from '../../src/lab/types.js';
import { readHostFacts } from '../../src/services/host-facts.js';
import { readLxd } from '../../src/services/lxd.js';
import { readChanges, readSnapd, readStoreChannels, waitChange } from '../../src/services/snapd.js';
import { startLab, type PlanLab } from '../plan-lab/lab.js';

let lab: PlanLab | undefined;
const hosts: Host[] = [];
afterEach(async () => {
  await Promise.allSettled(hosts.splice(0).map((h) => h.close()));
  await lab?.stop();
  lab = undefined;
});

async function hostOn(machines: MachineSpec[], machine = 'node1', user = 'root', opts: { sudoWithoutPassword?: boolean } = {}): Promise<{ h: Host; l: PlanLab; world: SnapdWorld }> {
  const l = lab = await startLab({ machines, users: ['root', 'ubuntu'], ...opts });
  const e = l.site.endpoint(machine);
  const h = await connect({ name: machine, host: e.host, port: e.port, user, hostKey: e.hostKeyFingerprint, identityFile: `${l.dir}/id_ed25519` },
    { agent: false, retry: false });
  hosts.push(h);
  return { h, l, world: l.site.world('snapd') as SnapdWorld };
}

const snapdRequests = (l: PlanLab) => l.site.requests({ service: 'snapd' }).map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`);

test('the snaps and snapd\'s version, in two requests (no changes: only a file with snaps: reads them); the same snaps `snap list` shows', async () => {
  const { h, l } = await hostOn(defaultMachineSpecs(1));
  const read = await readSnapd(h);
  expect(read?.version).toBe('2.66.1');
  expect(read?.snaps.find((s) => s.name === 'lxd')).toEqual({ name: 'lxd', version: '5.21.3', revision: '33110', channel: '5.21/stable', held: false, cohort: false });
  expect(snapdRequests(l).sort()).toEqual(['GET /v2/snaps', 'GET /v2/system-info']);
  const table = (await h.exec(['snap', 'list'])).stdout.toString('utf8').trim().split('\n').slice(1).map((row) => row.split(/\s+/).slice(0, 4));
  expect(read!.snaps.map((s) => [s.name, s.version, s.revision, s.channel])).toEqual(table);
});

test('host facts: the snaps come from snapd, held and in a cohort as snapd says', async () => {
  const { h, l, world } = await hostOn(defaultMachineSpecs(1));
  await l.site.request('node1', 'snapd', { method: 'POST', path: '/v2/snaps/lxd', body: { action: 'refresh', 'cohort-key': '+' } });
  await l.site.request('node1', 'snapd', {
    method: 'POST', path: '/v2/snaps', headers: { 'content-type': 'application/json' },
    body: { action: 'hold', snaps: ['lxd', 'microovn'], time: 'forever', 'hold-level': 'general' },
  });
  await world.settled();
  const facts = await readHostFacts(h);
  expect(facts.snapd).toEqual({ version: '2.66.1' });
  expect(facts.snaps.map((s) => [s.name, s.held, s.cohort])).toEqual([
    ['core22', false, false], ['core24', false, false], ['lxd', true, true], ['microceph', false, false], ['microovn', true, false], ['snapd', false, false],
  ]);
  expect(l.site.commands('node1').some((c) => c.argv?.includes('snap'))).toBe(false);
});

test('a machine without snapd: no socket, no snaps, snapd null; Debian\'s LXD (a deb) is still read from LXD itself', async () => {
  const deb = defaultMachineSpec(1, { lxdFlavor: 'deb-5.0', snaps: [{ name: 'lxd', version: '5.0.2', revision: '-', channel: '' }] });
  const { h, l } = await hostOn([{ ...deb, snapd: null }]);
  expect(await readSnapd(h)).toBeNull();
  const facts = await readHostFacts(h);
  expect([facts.snaps, facts.snapd]).toEqual([[], null]);
  expect(snapdRequests(l)).toEqual([]);
  expect((await readLxd(h))?.lxd.version).toBe('5.0.2');
});

test('snapd on Debian without snaps lists none (the LXD deb is not a snap)', async () => {
  const deb = defaultMachineSpec(1, { lxdFlavor: 'deb-5.0', snaps: [{ name: 'lxd', version: '5.0.2', revision: '-', channel: '' }] });
  const { h } = await hostOn([deb]);
  expect(await readSnapd(h)).toEqual({ version: '2.66.1', snaps: [] });
});

test('the store\'s channels of a snap; none for a snap the store does not have', async () => {
  const { h } = await hostOn([defaultMachineSpec(1, { snaps: [] })]);
  expect(await readStoreChannels(h, 'lxd')).toEqual([
    { channel: '5.21/stable', revision: '33110', version: '5.21.3' },
    { channel: '6/stable', revision: '36971', version: '6.8' },
  ]);
  expect(await readStoreChannels(h, 'microk8s')).toBeNull();
});

test('an install answered async is followed on /v2/changes/{id} to Done; a failing one ends in Error with err and the task log', async () => {
  const { h, world } = await hostOn([defaultMachineSpec(1, { snaps: [] })]);
  const r = await h.request('snapd', 'POST', '/v2/snaps/microovn', { action: 'install', channel: '24.03/stable', 'cohort-key': '+' });
  expect(r.type).toBe('async');
  const done = await waitChange(h, r.operation, { timeoutMs: 10_000, intervalMs: 10 });
  expect(done).toMatchObject({ kind: 'install-snap', status: 'Done', ready: true, err: '', snapNames: ['microovn'] });
  expect((await readSnapd(h))?.snaps.find((s) => s.name === 'microovn')).toMatchObject({ revision: '667', channel: '24.03/stable', cohort: true });

  world.failTask({ snap: 'microceph', task: 'download-snap', message: 'cannot download: store unavailable' });
  const f = await h.request('snapd', 'POST', '/v2/snaps/microceph', { action: 'install', channel: 'squid/stable' });
  const failed = await waitChange(h, f.operation, { timeoutMs: 10_000, intervalMs: 10 });
  expect(failed).toMatchObject({
    status: 'Error', ready: true,
    err: 'cannot perform the following tasks:\n- Download snap "microceph" (1228) from channel "squid/stable" (cannot download: store unavailable)',
  });
  expect(failed.log).toEqual([{ task: 'Download snap "microceph" (1228) from channel "squid/stable"', status: 'Error', lines: [expect.stringMatching(/ ERROR cannot download: store unavailable$/)] }]);
  expect((await readSnapd(h))?.snaps.some((s) => s.name === 'microceph')).toBe(false);
});

test('changes in progress (an auto-refresh) are read; snapd\'s error kind and words reach the caller', async () => {
  const { h, world } = await hostOn(defaultMachineSpecs(1));
  const auto = world.beginChange('node1', 'auto-refresh', ['lxd']);
  expect((await readChanges(h)).map((c) => [c.kind, c.summary, c.ready])).toEqual([['auto-refresh', 'Auto-refresh snap "lxd"', false]]);
  const conflict = await h.request('snapd', 'POST', '/v2/snaps/lxd', { action: 'refresh', channel: '6/stable' }).catch((e: unknown) => e);
  expect(conflict).toBeInstanceOf(ApiError);
  expect(conflict).toMatchObject({ status: 409, kind: 'snap-change-conflict', apiMessage: 'snap "lxd" has "auto-refresh" change in progress' });
  auto.finish();
  await world.settled();
  expect(await readChanges(h)).toEqual([]);
  await expect(h.request('snapd', 'POST', '/v2/snaps/microceph', { action: 'refresh', channel: 'squid/stable' })).rejects.toMatchObject({
    status: 400, kind: 'snap-no-update-available', message: 'node1: snapd POST /v2/snaps/microceph failed with 400: snap has no updates available',
  });
});

test('a login that is not root reaches snapd through the sudo relay, so it can change snaps', async () => {
  const { h, l } = await hostOn(defaultMachineSpecs(1), 'node1', 'ubuntu');
  expect((await readSnapd(h))?.snaps.some((s) => s.name === 'lxd')).toBe(true);
  const r = await h.request('snapd', 'POST', '/v2/snaps/microcloud', { action: 'install', channel: '2/stable' });
  expect(r.type).toBe('async');
  expect(l.site.commands('node1').filter((c) => c.argv?.includes('nc')).map((c) => c.argv)).toEqual([['sudo', '-n', '--', 'nc', '-N', '-U', '/run/snapd.socket']]);
});

test('without sudo the socket (0666) is forwarded as the user: snapd reads, and refuses a change with 401 login-required', async () => {
  const { h } = await hostOn(defaultMachineSpecs(1), 'node1', 'ubuntu', { sudoWithoutPassword: false });
  expect((await readSnapd(h))?.version).toBe('2.66.1');
  await expect(h.request('snapd', 'POST', '/v2/snaps/microcloud', { action: 'install' })).rejects.toMatchObject({
    status: 401, kind: 'login-required', apiMessage: 'access denied',
  });
});
