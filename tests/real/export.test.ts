// Export on real software: the site the real-host lab builds (three namespace hosts, real OpenSSH,
// Debian's LXD 5.0.2, real Ceph and OVN central, tests/real/lab-up.sh), exported through --connect
// with a file of names and ssh: settings only, is a preseed that `plan` reads as "No changes" against
// the real LXD, and applying it changes nothing (no LXD lifecycle event).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runBin } from '../helpers/cli.js';
import { type RealLab, lifecycleEvents, realLabMissing, sitePreseed, startRealLab } from './real-lab.js';

const missing = realLabMissing();
if (missing) throw new Error(`${missing} (npm run test:real runs on the machine .ci/run prepares)`);

let lab: RealLab;
let work: string;

beforeAll(async () => {
  lab = await startRealLab(3);
  work = mkdtempSync(join(tmpdir(), 'mc-real-export-'));
  writeFileSync(join(work, 'site.yaml'), sitePreseed(lab));
  const built = cli('apply', 'site.yaml', '--auto-approve');
  if (built.code !== 0) throw new Error(`apply failed: ${built.stdout.slice(-3000)}${built.stderr.slice(-3000)}`);
}, 420_000);

afterAll(async () => {
  await lab?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 180_000);

const cli = (...args: string[]) => runBin(args, { cwd: work, timeoutMs: 300_000 });

test('export --connect of the real site: validate passes, plan says No changes against LXD 5.0.2, apply changes nothing', async () => {
  const connect = [
    'ssh:',
    `  identity_file: ${lab.dir}/id_ed25519`,
    `  known_hosts: ${lab.dir}/known_hosts`,
    'systems:',
    ...lab.nodes.map((n) => `  - {name: ${n}, ssh: {host: ${lab.address(n)}}}`),
    '',
  ].join('\n');
  writeFileSync(join(work, 'connect.yaml'), connect);
  const exported = cli('export', '--connect', 'connect.yaml', '--out', 'export.yaml');
  expect([exported.code, exported.stderr]).toEqual([0, 'Exported 3 systems to export.yaml.\n']);

  const doc = parse(readFileSync(join(work, 'export.yaml'), 'utf8')) as Record<string, unknown>;
  expect((doc['systems'] as { name: string; address: string; ovn_uplink_interface: string }[]).map((s) => [s.name, s.address, s.ovn_uplink_interface]))
    .toEqual(lab.nodes.map((n) => [n, lab.address(n), 'eth1']));
  expect(doc['ovn']).toEqual({ ipv4_gateway: '10.98.0.1/24', ipv4_range: '10.98.0.100-10.98.0.150', dns_servers: '10.98.0.1' });
  // The site's own northbound connection (not the one the planner would derive) is kept.
  expect(doc['lxd']).toEqual({ config: { 'network.ovn.northbound_connection': 'tcp:10.99.0.1:6641' } });
  // Debian's hosts have no snapd: nothing to say about snaps.
  expect(doc['snaps']).toBeUndefined();

  expect(cli('validate', 'export.yaml').code).toBe(0);
  const plan = cli('plan', 'export.yaml', '--detailed-exitcode');
  expect([plan.code, plan.stdout]).toEqual([0, expect.stringMatching(/No changes\./)]);

  let applied = { code: -1, stdout: '', stderr: '' };
  const events = await lifecycleEvents(lab, () => { applied = cli('apply', 'export.yaml', '--auto-approve'); });
  expect(applied.code).toBe(0);
  expect(events).toEqual([]);
}, 300_000);
