// Issue 14 item 4: MicroCloud's minimum versions (canonical/microcloud service/version.go at
// f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741), MicroCeph's real version string, reef's old API, and
// the exception for Debian's deb LXD 5.0.
import { defaultMachineSpecs, DEFAULT_SNAPS } from '../../src/lab/machines.js';
import { parseServiceVersion, preflight } from '../../src/plan/preflight.js';
import { gatherOver } from '../../src/site/gather.js';
import { desiredOf, preseed, startLab, type Lab } from '../apply/helpers.js';

const REAL = 'ceph-version: 19.2.0-0ubuntu0.24.04.1; microceph-git: v19.2.0+squid-3-g0123456789';

test('the version parser takes MicroCeph\'s first x.y.z, and major.minor of LXD and MicroOVN', () => {
  expect(parseServiceVersion('microceph', REAL)).toEqual({ major: 19, minor: 2, shown: '19.2.0' });
  expect(parseServiceVersion('microceph', 'ceph-version: 18.2.4-0ubuntu0.22.04.2; microceph-git: v18.2.4+reef-1-gabcdef0123')?.shown).toBe('18.2.4');
  expect(parseServiceVersion('microceph', '0.1')).toBeNull();
  expect(parseServiceVersion('microovn', '24.03')).toEqual({ major: 24, minor: 3, shown: '24.03' });
  expect(parseServiceVersion('lxd', '5.21.3')).toEqual({ major: 5, minor: 21, shown: '5.21.3' });
});

let lab: Lab | undefined;
afterEach(async () => { await lab?.stop(); lab = undefined; });

const snaps = (over: Record<string, string>) => DEFAULT_SNAPS.map((s) => (over[s.name] ? { ...s, version: over[s.name]!, channel: `${over[s.name]}/stable` } : s));

async function findings(machines: ReturnType<typeof defaultMachineSpecs>) {
  lab = await startLab({ machines });
  const live = await gatherOver(lab.hosts, [...lab.hosts.keys()]);
  return { live, errors: preflight(desiredOf(preseed({ nodes: machines.map((_, i) => i + 1) })), live).filter((f) => f.severity === 'error') };
}

test('the lab reports MicroCeph\'s version as the daemon does, and it passes', async () => {
  const { live, errors } = await findings(defaultMachineSpecs(2));
  const m = live.machines['node1']!;
  expect(m.reachable && m.microceph?.version).toBe(REAL);
  expect(errors).toEqual([]);
});

test('MicroCeph reef (the /cluster/1.0 API, no GET /1.0/pools) is named with its version and the channel, not a 404', async () => {
  const specs = defaultMachineSpecs(2);
  specs[1]!.snaps = snaps({ microceph: '18.2.4' });
  const { live, errors } = await findings(specs);
  expect(live.machines['node2']!.reachable).toBe(true);
  expect(errors).toEqual([expect.objectContaining({
    code: 'version-unsupported', machine: 'node2',
    message: 'node2: MicroCeph 18.2.4 is older than 19.2, the oldest MicroCloud supports; refresh it: snap refresh microceph --channel squid/stable',
  })]);
});

test('LXD and MicroOVN below the minimum are named; Debian\'s deb LXD 5.0 stays supported', async () => {
  const specs = [
    ...defaultMachineSpecs(2),
    ...defaultMachineSpecs(3, { lxdFlavor: 'deb-5.0' }).slice(2),
  ];
  specs[1]!.snaps = snaps({ lxd: '5.0.3', microovn: '23.09.1' });
  specs[2]!.snaps = snaps({ lxd: '5.0.2' });
  const { errors } = await findings(specs);
  const messages = errors.filter((f) => f.code === 'version-unsupported').map((f) => f.message);
  expect(messages).toEqual([
    'node2: LXD 5.0.3 is older than 5.21, the oldest MicroCloud supports; refresh it: snap refresh lxd --channel 5.21/stable',
    'node2: MicroOVN 23.09.1 is older than 24.03, the oldest MicroCloud supports; refresh it: snap refresh microovn --channel 24.03/stable',
  ]);
}, 60_000);

test('the lab\'s reef serves /cluster/1.0, 404s /core/1.0 and has no GET /1.0/pools', async () => {
  const specs = defaultMachineSpecs(1);
  specs[0]!.snaps = snaps({ microceph: '18.2.4' });
  lab = await startLab({ machines: specs });
  const ask = async (path: string) => (await lab!.site.request('node1', 'microceph', { method: 'GET', path })).status;
  expect(await ask('/core/1.0')).toBe(404);
  expect(await ask('/cluster/1.0')).toBe(200);
  expect(await ask('/1.0/pools')).toBe(404);
});
