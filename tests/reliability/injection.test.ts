// Injection: hostile strings in every preseed field that reaches a machine. System names and SSH
// users must be rejected by validation (they end up in URLs, queries and login names). Disk paths
// and uplink interface names pass validation when they have no whitespace and no control,
// bidirectional-text or zero-width character, and interface names when Linux allows them (a disk or
// interface may be called almost anything else); they travel only inside JSON bodies: a lab whose
// machines really carry those names is planned and applied, and its log must show the same commands
// and URL paths as a plain site, well-formed, and each hostile value arriving byte for byte where it
// belongs. SSH host and identity file are read on the operator's side and must never reach a shell
// there either.
import { existsSync, rmSync } from 'node:fs';
import { stringify } from 'yaml';
import { defaultMachineSpec } from '../../src/lab/machines.js';
import { diskPath } from '../../src/lab/preseed.js';
import type { HttpEvent, LabSite } from '../../src/lab/lab-site.js';
import type { MachineSpec } from '../../src/lab/types.js';
import { errorsOf, load } from '../helpers/preseed.js';
import { runCli } from '../helpers/cli.js';
import { desiredOf, PASSPHRASE, planAndApply, planFor, startLab, type Lab } from '../apply/helpers.js';
import { startLab as startPlanLab, systemsOf, type PlanLab } from '../plan-lab/lab.js';
import { STACK_FRAME } from './helpers.js';

const HOSTILE = [
  '$(reboot)', '`id`', 'a;reboot', `a'b"c`, '..', 'a%2Fb', 'a?b=c', 'a#frag', 'ünï-ø', '-oX', 'a&b|c>d', '*',
  'a\\b', 'a\u0000b', 'a\u202eb', '../../etc/passwd',
];
const SPACED = ['a b', 'a\nb', 'a\tb', 'a\r\nrm -rf /'];
/** Control, bidirectional-text and zero-width characters: refused in every value that reaches a machine. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/u;
const DISK_OK = (s: string) => !UNSAFE.test(s);
/** Linux's dev_valid_name() on the UTF-8 bytes (its isspace() counts 0xA0), and nothing UNSAFE. */
const IFACE_OK = (s: string) => {
  const bytes = Buffer.from(s, 'utf8');
  return bytes.length >= 1 && bytes.length <= 15 && s !== '.' && s !== '..' && DISK_OK(s)
    && !bytes.some((b) => [0x2f, 0x3a, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0].includes(b));
};

// ---- what validation must reject ------------------------------------------------------------

const base = (): Record<string, unknown> => ({
  initiator_address: '10.0.0.11',
  session_passphrase: PASSPHRASE,
  systems: [1, 2, 3].map((i) => ({ name: `n${i}`, address: `10.0.0.1${i}` })),
});
const validate = (edit: (p: Record<string, unknown> & { systems: Record<string, unknown>[] }) => void) => {
  const p = base() as Record<string, unknown> & { systems: Record<string, unknown>[] };
  edit(p);
  return load(stringify(p));
};
const paths = (r: ReturnType<typeof load>) => errorsOf(r).map((d) => d.path);

test.each([...HOSTILE, ...SPACED])('validation rejects %j as a system name and as an SSH user', (h) => {
  expect(paths(validate((p) => { p.systems[1]!['name'] = h; }))).toContain('systems[1].name');
  expect(paths(validate((p) => { p['ssh'] = { user: h }; }))).toContain('ssh.user');
  expect(paths(validate((p) => { p.systems[2]!['ssh'] = { user: h }; }))).toContain('systems[2].ssh.user');
});

test.each(SPACED)('validation rejects %j in a disk path, an interface name and an SSH host', (h) => {
  expect(paths(validate((p) => { p.systems[0]!['storage'] = { local: { path: `/dev/disk/by-id/${h}` } }; }))).toContain('systems[0].storage.local.path');
  expect(paths(validate((p) => { p.systems[0]!['storage'] = { ceph: [{ path: `/dev/${h}` }] }; }))).toContain('systems[0].storage.ceph[0].path');
  expect(paths(validate((p) => { for (const s of p.systems) s['ovn_uplink_interface'] = h; }))).toContain('systems[0].ovn_uplink_interface');
  expect(paths(validate((p) => { p.systems[0]!['ssh'] = { host: h }; }))).toContain('systems[0].ssh.host');
});

test.each(HOSTILE.filter((h) => !DISK_OK(h)))('validation rejects %j in a disk path and an interface name, naming the character', (h) => {
  const code = `U+${h.codePointAt(1)!.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const [edit, path] of [
    [(p: Record<string, unknown>[]) => { p[0]!['storage'] = { local: { path: `/dev/disk/by-id/${h}` } }; }, 'systems[0].storage.local.path'],
    [(p: Record<string, unknown>[]) => { p[1]!['storage'] = { ceph: [{ path: `/dev/${h}` }] }; }, 'systems[1].storage.ceph[0].path'],
    [(p: Record<string, unknown>[]) => { for (const s of p) s['ovn_uplink_interface'] = h; }, 'systems[2].ovn_uplink_interface'],
  ] as const) {
    const found = errorsOf(validate((p) => edit(p.systems))).filter((d) => d.path === path);
    expect(found).toEqual([expect.objectContaining({ message: expect.stringContaining(`contains ${code}`) })]);
  }
});

test('what passes validation: a disk path without such characters; as an interface name, what Linux allows', () => {
  for (const h of HOSTILE) {
    const disks = paths(validate((p) => { p.systems.forEach((s, i) => { s['storage'] = { local: { path: `/dev/disk/by-id/${h}-${i}` } }; }); }));
    expect(disks).toEqual(DISK_OK(h) ? [] : ['systems[0].storage.local.path', 'systems[1].storage.local.path', 'systems[2].storage.local.path']);
    const iface = paths(validate((p) => {
      for (const s of p.systems) s['ovn_uplink_interface'] = h;
      p['ovn'] = { ipv4_gateway: '192.0.2.1/24', ipv4_range: '192.0.2.100-192.0.2.200' };
    }));
    expect(iface).toEqual(IFACE_OK(h) ? [] : ['systems[0].ovn_uplink_interface', 'systems[1].ovn_uplink_interface', 'systems[2].ovn_uplink_interface']);
  }
  expect(errorsOf(validate((p) => { for (const s of p.systems) s['ovn_uplink_interface'] = '..'; })).map((d) => d.message))
    .toContainEqual(expect.stringMatching(/Linux refuses "\." and "\.\."/));
});

// ---- what passes must arrive intact, and only where it belongs --------------------------------

interface Hostile { spec: MachineSpec; local: string; ceph: string[]; uplink: string }

/** Machine i with its disks' by-id names and its uplink renamed to hostile strings. */
function hostileMachine(i: number, disks: string[], uplink: string): Hostile {
  const spec = defaultMachineSpec(i);
  spec.disks.forEach((d, k) => { d.device_id = `${['nvme', 'ata', 'ata'][k]}-${disks[k]}`; d.wwn = ''; });
  spec.interfaces[2]!.name = uplink;
  const [local, ...ceph] = spec.disks.map((d) => diskPath(d));
  return { spec, local: local!, ceph, uplink };
}

function sitePreseed(machines: Hostile[]): string {
  return stringify({
    initiator_address: '10.1.0.11',
    session_passphrase: PASSPHRASE,
    systems: machines.map((m, k) => ({
      name: m.spec.hostname,
      address: `10.1.0.${11 + k}`,
      ovn_uplink_interface: m.uplink,
      storage: { local: { path: m.local, wipe: true }, ceph: m.ceph.map((path) => ({ path, wipe: true })) },
    })),
    ovn: { ipv4_gateway: '10.1.1.1/24', ipv4_range: '10.1.1.100-10.1.1.254' },
  });
}

/** Commands as argv, and requests as method and path with generated ids left out. */
function shape(site: LabSite): { commands: string[]; requests: string[] } {
  const commands = new Set(site.commands().map((c) => JSON.stringify(c.argv ?? c.command)));
  const requests = new Set(site.requests({}).map((e) => `${e.service} ${e.method} ${e.path.replace(/\/operations\/[0-9a-f-]{36}/, '/operations/{id}')}`));
  return { commands: [...commands].sort(), requests: [...requests].sort() };
}

/** A request target as sent: every path segment canonically percent-encoded, none "." or "..". */
function malformed(e: HttpEvent): string | null {
  const [path = '', query = ''] = (e.url ?? '').split('?');
  for (const seg of path.split('/').slice(1)) {
    let decoded: string;
    try { decoded = decodeURIComponent(seg); } catch { return `${e.url}: bad escape in ${seg}`; }
    if (decoded === '.' || decoded === '..') return `${e.url}: dot segment`;
    if (encodeURIComponent(decoded) !== seg) return `${e.url}: ${seg} is not encoded as ${encodeURIComponent(decoded)}`;
  }
  for (const [k, v] of new URLSearchParams(query)) if (k === 'target' && !/^node\d+$/.test(v)) return `${e.url}: target ${v}`;
  return null;
}

let reference: { commands: string[]; requests: string[] };
let lab: Lab | undefined;
beforeAll(async () => {
  const machines = [1, 2, 3].map((i) => hostileMachine(i, [`plain${i}a`, `plain${i}b`, `plain${i}c`], 'eth1'));
  const l = await startLab({ machines: machines.map((m) => m.spec), site: { logBodies: true } });
  try {
    expect((await planAndApply(l, desiredOf(sitePreseed(machines)))).report.ok).toBe(true);
    reference = shape(l.site);
  } finally {
    await l.stop();
  }
}, 60_000);
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

// Three machines a run, three disks and one uplink each: every valid hostile disk name within two
// runs, every valid hostile interface name within four.
const DISKS = HOSTILE.filter(DISK_OK);
const IFACES = HOSTILE.filter(IFACE_OK);
const RUNS = Array.from({ length: Math.ceil(IFACES.length / 3) }, (_, r) => r);

test.each(RUNS)('hostile disk and interface names, run %i: same commands and URLs as a plain site, values intact', async (r) => {
  const at = (list: string[], k: number) => list[k % list.length]!;
  const machines = [0, 1, 2].map((m) => hostileMachine(m + 1,
    [0, 1, 2].map((d) => `${at(DISKS, r * 9 + m * 3 + d)}${m}${d}`), at(IFACES, r * 3 + m)));
  lab = await startLab({ machines: machines.map((m) => m.spec), site: { logBodies: true } });
  const desired = desiredOf(sitePreseed(machines));
  const { report } = await planAndApply(lab, desired);
  expect(report.failed).toEqual([]);
  expect(report).toMatchObject({ ok: true, remaining: [] });
  expect((await planFor(lab, desired)).steps).toEqual([]);

  expect(shape(lab.site)).toEqual(reference);
  expect(lab.site.requests({}).map(malformed).filter((m) => m !== null)).toEqual([]);
  for (const c of lab.site.commands()) expect(c.argv).toBeDefined();
  const everything = JSON.stringify(lab.site.log.map((e) => (e.kind === 'http' ? e.url : e.kind === 'exec' ? e.command : '')));
  for (const m of machines) {
    for (const value of [m.local, ...m.ceph, m.uplink]) expect(everything).not.toContain(JSON.stringify(value).slice(1, -1));
  }
  // What each machine was asked to do for itself (cluster-wide finalizing carries no target).
  const bodies = (machine: string, method: string, path: string) => lab!.site.requests({ machine, mutating: true })
    .filter((e) => e.method === method && e.path === path && new URLSearchParams(e.query).get('target') === machine)
    .map((e) => e.body as Record<string, unknown>);
  for (const m of machines) {
    const name = m.spec.hostname;
    const osds = bodies(name, 'POST', '/1.0/disks').map((b) => b['path']);
    expect(osds.sort()).toEqual(m.ceph.map((p) => [p]).sort());
    const pending = (path: string, what: string) => bodies(name, 'POST', path).filter((b) => b['name'] === what).map((b) => b['config']);
    expect(pending('/1.0/storage-pools', 'local')).toEqual([{ source: m.local, 'source.wipe': 'true' }]);
    expect(pending('/1.0/networks', 'UPLINK')).toEqual([{ parent: m.uplink }]);
  }
}, 60_000);

// ---- operator-side fields: never a shell there either -------------------------------------------

let planLab: PlanLab | undefined;
afterEach(async () => {
  await planLab?.stop();
  planLab = undefined;
});

test('a hostile ssh host or identity file is a clean "unreachable" for that machine, and runs nothing', async () => {
  planLab = await startPlanLab({ nodes: 3 });
  const l = planLab;
  const marker = `/tmp/mca-injection-${process.pid}`;
  rmSync(marker, { force: true });
  const systems = systemsOf(l);
  systems[1]!.ssh.host = `-oProxyCommand=touch\${IFS}${marker}`;
  (systems[2]!.ssh as Record<string, unknown>)['identity_file'] = `$(touch\${IFS}${marker})`;
  l.write();
  const r = await runCli(['plan', 'site.yaml'], { cwd: l.dir });
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/error +node2: node2 is unreachable/);
  expect(r.stdout).toMatch(/error +node3: node3 .*cannot read identity file/);
  expect(`${r.stdout}${r.stderr}`).not.toMatch(STACK_FRAME);
  expect(existsSync(marker)).toBe(false);
  expect(l.site.connections('node2') + l.site.connections('node3')).toBe(0);
  expect(l.site.mutations()).toBe(0);
}, 60_000);
