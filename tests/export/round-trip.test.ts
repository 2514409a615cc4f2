// The contract of `export`: a site bootstrapped by apply, exported through --connect with a file that
// holds only each system's name and ssh: settings, gives a file that validates, that plan reads as
// "No changes" (exit 0 with --detailed-exitcode), and that apply carries out with zero mutating calls.
// The export must also say what the file that built the site said: names, addresses, uplinks, disks
// and the OVN settings come back as the lab's site.yaml gave them.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { defaultMachineSpecs, DEFAULT_SNAPS } from '../../src/lab/machines.js';
import { runCli } from '../helpers/cli.js';
import { startLab, systemsOf, type PlanLab } from '../plan-lab/lab.js';

let lab: PlanLab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

type Variant = 'ceph-ovn-local' | 'local-fan' | 'lxd-only';

async function bootstrap(nodes: number, variant: Variant): Promise<PlanLab> {
  const machines = defaultMachineSpecs(nodes, variant === 'lxd-only' ? { snaps: DEFAULT_SNAPS.filter((s) => s.name === 'lxd') } : {});
  const l = await startLab({ machines });
  for (const s of systemsOf(l)) {
    const storage = s['storage'] as { local?: unknown; ceph?: unknown } | undefined;
    if (variant !== 'ceph-ovn-local') {
      delete s['ovn_uplink_interface'];
      delete storage?.ceph;
    }
    if (variant === 'lxd-only') delete s['storage'];
  }
  if (variant === 'ceph-ovn-local') l.preseed['ceph'] = { cephfs: true };
  else delete l.preseed['ovn'];
  l.write();
  const built = await runCli(['apply', 'site.yaml', '--auto-approve'], { cwd: l.dir });
  if (built.code !== 0) throw new Error(`bootstrap failed:\n${built.stdout}\n${built.stderr}`);
  return l;
}

/** The file `export --connect` is given: names and ssh: settings, nothing else. */
function writeConnectFile(l: PlanLab): string {
  const systems = systemsOf(l).map((s) => ({ name: s.name, ssh: s.ssh }));
  writeFileSync(join(l.dir, 'connect.yaml'), stringify({ ssh: { identity_file: 'id_ed25519' }, systems }));
  return 'connect.yaml';
}

const cases: [number, Variant][] = [
  [1, 'ceph-ovn-local'], [3, 'ceph-ovn-local'], [5, 'ceph-ovn-local'],
  [1, 'local-fan'], [3, 'local-fan'], [5, 'local-fan'],
  [1, 'lxd-only'], [3, 'lxd-only'], [5, 'lxd-only'],
];

test.each(cases)('%i machines, %s: export, validate, plan says No changes, apply makes no mutating call', async (nodes, variant) => {
  lab = await bootstrap(nodes, variant);
  const l = lab;
  const cli = (...args: string[]) => runCli(args, { cwd: l.dir });
  const connect = writeConnectFile(l);
  l.site.resetCounters();

  const exported = await cli('export', '--connect', connect, '--out', 'export.yaml');
  expect(exported.stderr).toBe(`Exported ${nodes} system${nodes === 1 ? '' : 's'} to export.yaml.\n`);
  expect(exported.code).toBe(0);
  expect(statSync(join(l.dir, 'export.yaml')).mode & 0o777).toBe(0o600);

  const validated = await cli('validate', 'export.yaml');
  // One machine with Ceph disks draws MicroCloud's fault-tolerance warning, as its own file would.
  expect(validated.stdout).toMatch(nodes === 1 && variant === 'ceph-ovn-local' ? /^export\.yaml is valid \(1 warning\)\.$/m : /^export\.yaml is valid\.\n$/);
  expect(validated.code).toBe(0);

  const planned = await cli('plan', 'export.yaml', '--detailed-exitcode');
  expect(planned.stdout).toMatch(/No changes\./);
  expect(planned.code).toBe(0);

  const applied = await cli('apply', 'export.yaml', '--auto-approve');
  expect(applied.code).toBe(0);
  expect(l.site.mutations()).toBe(0);

  // What built the site comes back: the systems' names, addresses, uplinks and disks, and OVN's keys.
  const out = parse(readFileSync(join(l.dir, 'export.yaml'), 'utf8')) as Record<string, unknown>;
  const original = systemsOf(l);
  const exportedSystems = out['systems'] as Record<string, unknown>[];
  expect(exportedSystems.map((s) => s['name'])).toEqual(original.map((s) => s.name));
  expect(exportedSystems.map((s) => s['address'])).toEqual(original.map((s) => s.address));
  expect(exportedSystems.map((s) => s['ovn_uplink_interface'])).toEqual(original.map((s) => s['ovn_uplink_interface']));
  const paths = (storage: unknown) => {
    const st = (storage ?? {}) as { local?: { path: string }; ceph?: { path: string }[] };
    return { local: st.local?.path ?? null, ceph: (st.ceph ?? []).map((d) => d.path).sort() };
  };
  expect(exportedSystems.map((s) => paths(s['storage']))).toEqual(original.map((s) => paths(s['storage'])));
  for (const s of exportedSystems) {
    const st = (s['storage'] ?? {}) as { local?: { wipe: boolean }; ceph?: { wipe: boolean }[] };
    for (const d of [st.local, ...(st.ceph ?? [])].filter(Boolean)) expect(d!.wipe).toBe(false);
  }
  expect(out['ovn']).toEqual(l.preseed['ovn']);
  expect(out['ceph']).toEqual(variant === 'ceph-ovn-local' ? { cephfs: true } : undefined);
  // Reached as the connect file says, each host key pinned as the connection accepted it.
  // Settings several systems share are the top-level defaults.
  const identity = { identity_file: join(l.dir, 'id_ed25519') };
  expect(exportedSystems.map((s) => s['ssh'])).toEqual(original.map((s) => ({ host: s.ssh.host, port: s.ssh.port, ...(nodes === 1 ? identity : {}), host_key: s.ssh.host_key })));
  expect(out['ssh']).toEqual(nodes === 1 ? undefined : identity);
  expect(out['session_passphrase']).toMatch(/^[A-Za-z0-9_-]{32}$/);
  expect(out['session_passphrase']).not.toBe(l.preseed['session_passphrase']);
}, 120_000);
