// End to end on real software: three network-namespace hosts with real OpenSSH and Debian's LXD
// 5.0.2, a real Ceph and a real OVN (tests/real/lab-up.sh), and the lab's simulated MicroCeph and
// MicroOVN on the snap socket paths. The tool is the built binary, run as an operator would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flavorFor } from '../../src/lab/lxd/flavor.js';
import { runBin } from '../helpers/cli.js';
import { type RealLab, lifecycleEvents as eventsOn, readText, realLabMissing, sitePreseed, startRealLab } from './real-lab.js';

const missing = realLabMissing();
if (missing) throw new Error(`${missing} (npm run test:real runs on the machine .ci/run prepares)`);

let lab: RealLab;
let work: string;
let site: string;

beforeAll(async () => {
  lab = await startRealLab(3);
  work = mkdtempSync(join(tmpdir(), 'mc-real-'));
  site = join(work, 'site.yaml');
  writeFileSync(site, sitePreseed(lab));
}, 240_000);

afterAll(async () => {
  await lab?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 180_000);

const cli = (...args: string[]) => runBin(args, { cwd: work, timeoutMs: 300_000 });
const lifecycleEvents = (fn: () => void) => eventsOn(lab, fn);

test('the lab models the extensions the tool branches on exactly as the real Debian LXD 5.0.2 has them', () => {
  const real = JSON.parse(lab.lxc('node1', 'query', '/1.0')) as { api_extensions: string[]; environment: { server_version: string } };
  expect(real.environment.server_version).toBe('5.0.2');
  const modelled = flavorFor({ hostname: 'x', interfaces: [], disks: [], snaps: [], lxdFlavor: 'deb-5.0' }).apiExtensions;
  expect(modelled.filter((e) => !real.api_extensions.includes(e))).toEqual([]);
  for (const e of ['explicit_trust_token', 'ovn_dynamic_northbound_connection', 'storage_remote_drop_source', 'storage_ceph_use_rbd_defaults', 'clustering_join_token']) {
    expect([e, modelled.includes(e)]).toEqual([e, real.api_extensions.includes(e)]);
  }
});

test('apply builds the cluster: 3 LXD members online, Ceph pool remote, OVN networks UPLINK and default, the default profile', () => {
  const plan = cli('plan', site, '--detailed-exitcode');
  expect([plan.code, plan.stderr]).toEqual([2, '']);
  expect(plan.stdout).toMatch(/lxd\/member\/node3: join node3 to the LXD cluster/);
  const apply = cli('apply', site, '--auto-approve');
  expect([apply.code, apply.stderr.slice(-2000)]).toEqual([0, expect.any(String)]);

  const members = JSON.parse(lab.lxc('node1', 'cluster', 'list', '--format=json')) as { server_name: string; status: string }[];
  expect(members.map((m) => [m.server_name, m.status])).toEqual([['node1', 'Online'], ['node2', 'Online'], ['node3', 'Online']]);
  const pools = lab.lxc('node2', 'storage', 'list', '--format=csv');
  expect(pools).toMatch(/^remote,ceph,.*,CREATED$/m);
  expect(pools).not.toMatch(/^local,/m);
  expect(lab.sh(['ceph', 'osd', 'pool', 'ls']).split('\n')).toContain('lxd_remote');
  const networks = lab.lxc('node3', 'network', 'list', '--format=csv');
  expect(networks).toMatch(/^UPLINK,physical,YES,.*,CREATED$/m);
  expect(networks).toMatch(/^default,ovn,YES,.*,CREATED$/m);
  expect(lab.sh(['ovn-nbctl', '--db=tcp:10.99.0.1:6641', 'ls-list'])).toMatch(/lxd-net\d+-ls-int/);
  expect(lab.lxc('node1', 'network', 'get', 'UPLINK', 'dns.nameservers').trim()).toBe('10.98.0.1');
  const profile = JSON.parse(lab.lxc('node1', 'query', '/1.0/profiles/default')) as { devices: Record<string, Record<string, string>> };
  expect(profile.devices).toEqual({ root: { path: '/', pool: 'remote', type: 'disk' }, eth0: { name: 'eth0', network: 'default', type: 'nic' } });
  for (const n of lab.nodes) expect(lab.lxc(n, 'config', 'get', 'network.ovn.northbound_connection').trim()).toBe('tcp:10.99.0.1:6641');
  // As MicroCloud leaves every member (service/lxd.go Bootstrap and Join, canonical/microcloud f26e73c):
  // the joiners too listen on every address once they have joined, read back by the real client.
  for (const n of lab.nodes) expect([n, lab.lxc(n, 'config', 'get', 'core.https_address').trim()]).toEqual([n, '[::]:8443']);
}, 300_000);

test('a second apply changes nothing: no LXD lifecycle event on any member', async () => {
  let out = { code: -1, stdout: '', stderr: '' };
  const events = await lifecycleEvents(() => { out = cli('apply', site, '--auto-approve'); });
  expect(out.code).toBe(0);
  expect(out.stdout).toMatch(/No changes/);
  expect(events).toEqual([]);
  expect(cli('plan', site, '--detailed-exitcode').code).toBe(0);
}, 120_000);

test('a setting changed by hand with lxc shows as drift, and the next apply puts it back', async () => {
  lab.lxc('node2', 'network', 'set', 'UPLINK', 'dns.nameservers', '10.98.0.53');
  const plan = cli('plan', site, '--detailed-exitcode');
  expect(plan.code).toBe(2);
  expect(plan.stdout).toMatch(/~ lxd\/network\/UPLINK/);
  expect(plan.stdout).toMatch(/dns\.nameservers.*10\.98\.0\.53.*10\.98\.0\.1/);
  let out = { code: -1, stdout: '', stderr: '' };
  const events = await lifecycleEvents(() => { out = cli('apply', site, '--auto-approve'); });
  expect(out.code).toBe(0);
  expect(events.map((e) => (e as { metadata: { action: string } }).metadata.action)).toContain('network-updated');
  expect(lab.lxc('node3', 'network', 'get', 'UPLINK', 'dns.nameservers').trim()).toBe('10.98.0.1');
  expect(cli('plan', site, '--detailed-exitcode').code).toBe(0);
  const status = cli('status', site, '--json');
  expect([status.code, JSON.parse(status.stdout)]).toEqual([0, expect.objectContaining({ in_sync: true, healthy: true })]);
}, 180_000);

test('a wrong pinned host key is refused in the real sshd handshake, naming the host and both fingerprints', () => {
  const real = lab.sh(['ssh-keygen', '-lf', join(lab.dir, 'node1', 'ssh', 'host_key.pub')]).split(' ')[1]!;
  const wrong = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';
  const pinned = join(work, 'pinned.yaml');
  writeFileSync(pinned, sitePreseed(lab, { hostKey: wrong }));
  const logins = () => (readText(join(lab.dir, 'node1', 'ssh', 'sshd.log')).match(/Accepted publickey/g) ?? []).length;
  const before = logins();
  const r = cli('plan', pinned);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/node1 is unreachable: host key mismatch for 10\.99\.0\.11:22/);
  expect(r.stdout).toContain(wrong);
  expect(r.stdout).toContain(real);
  expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  // The client hung up in the key exchange, before authenticating: the real sshd logged no login.
  expect(logins()).toBe(before);
});
