// `plan` against a fresh 3-machine lab (as `microcloud lab up` leaves it): the full bootstrap, in
// text, JSON and as a saved plan file, with exit codes, and nothing changed on any machine.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gather, gatherOver } from '../../src/site/gather.js';
import { liveFingerprint, reachable } from '../../src/plan/index.js';
import { readPlannedPreseed } from '../../src/site/preseed-file.js';
import { siteTargets } from '../../src/site/targets.js';
import { READ_CONNECT as PLAN_CONNECT } from '../../src/site/pipeline.js';
import { bareMachine } from '../plan/fixtures.js';
import { lastLine, PASSPHRASE, runPlan, startLab, type PlanLab } from './lab.js';

let lab: PlanLab;

beforeAll(async () => {
  lab = await startLab({ nodes: 3 });
});

afterAll(async () => {
  await lab?.stop();
});

afterEach(() => {
  // Planning reads; it never changes a machine.
  expect(lab.site.mutations()).toBe(0);
});

const NODES = ['node1', 'node2', 'node3'];
const ssds = (name: string): string[] =>
  lab.site.spec(name).disks.filter((d) => d.id.startsWith('sd')).map((d) => d.device_id);

/** Every step MicroCloud's bootstrap of the lab's site.yaml takes (MicroCeph with two OSDs per machine, MicroOVN, LXD with local, remote and the OVN network). */
function bootstrapAddresses(): string[] {
  const perMachine = NODES.flatMap((n) => [
    n === 'node1' ? 'microceph/cluster@node1' : `microceph/member/${n}`,
    ...ssds(n).map((id) => `microceph/disk/${n}/${id}`),
    n === 'node1' ? 'microovn/cluster@node1' : `microovn/member/${n}`,
    ...(n === 'node1' ? ['lxd/server-config/bootstrap@node1', 'lxd/cluster@node1'] : [`lxd/member/${n}`, `lxd/server-config/listen@${n}`]),
    `lxd/storage-pool/local@${n}`, `lxd/storage-pool/remote@${n}`, `lxd/network/UPLINK@${n}`,
    `lxd/volume/local/images@${n}`, `lxd/volume/local/backups@${n}`, `lxd/server-config/storage@${n}`,
  ]);
  return [
    ...perMachine,
    'lxd/server-config/network.ovn.northbound_connection', 'lxd/storage-pool/local', 'lxd/storage-pool/remote',
    'lxd/network/UPLINK', 'lxd/network/default', 'lxd/profile/default',
  ].sort();
}

test('gather reads a fresh lab machine exactly as the planner\'s fixture of a bare machine describes it', async () => {
  const loaded = await readPlannedPreseed(lab.file, lab.dir);
  const gathered = await gather(siteTargets(loaded.result.desired!), { connect: PLAN_CONNECT });
  try {
    expect(Object.keys(gathered.live.machines)).toEqual(NODES);
    NODES.forEach((name, k) => {
      const live = reachable(gathered.live, name);
      const bare = bareMachine(k + 1);
      if (!live) throw new Error(`${name} was not read: ${JSON.stringify(gathered.live.machines[name])}`);
      // The lab lists snapd and base snaps too, LXD more extensions, and disks with serials the fixture leaves out.
      expect({ ...live.host, snaps: live.host.snaps.filter((s) => ['lxd', 'microceph', 'microovn'].includes(s.name)) }).toEqual(bare.host);
      expect({ ...live.lxd, apiExtensions: [], disks: [] }).toEqual({ ...bare.lxd, apiExtensions: [], disks: [] });
      expect(live.lxd!.apiExtensions).toEqual(expect.arrayContaining(bare.lxd!.apiExtensions));
      expect(live.lxd!.disks.map((d) => [d.id, d.device_id, d.wwn, d.size, d.partitions])).toEqual(bare.lxd!.disks.map((d) => [d.id, d.device_id, d.wwn, d.size, d.partitions]));
      expect(live.microceph).toEqual(bare.microceph);
      expect(live.microovn).toEqual(bare.microovn);
    });
    // One SSH connection per machine, kept open for the run.
    expect(NODES.map((n) => lab.site.connections(n))).toEqual([1, 1, 1]);
    expect([...gathered.hosts.keys()]).toEqual(NODES);
    // Reading again over the same connections (apply's convergence check) sees the same site.
    expect(await gatherOver(gathered.hosts, [...NODES, 'node9'])).toEqual({
      machines: { ...gathered.live.machines, node9: { reachable: false, reason: 'not connected' } },
      clusters: gathered.live.clusters,
    });
    expect(NODES.map((n) => lab.site.connections(n))).toEqual([1, 1, 1]);
  } finally {
    await gathered.close();
  }
});

describe('text', () => {
  test('plans the full bootstrap: every step by address, grouped by machine, closing with the summary; exit 0', async () => {
    const r = await runPlan(lab);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Plan (bootstrap with initiator node1)');
    const addresses = [...r.stdout.matchAll(/^ {4}\+ (\S+): /gm)].map((m) => m[1]).sort();
    expect(addresses).toEqual(bootstrapAddresses());
    expect(r.stdout).not.toMatch(/^ {4}~ /m);
    expect(r.stdout).toMatch(/^node2:\n {2}MicroCeph\n {4}\+ microceph\/member\/node2: join node2 to MicroCeph$/m);
    expect(r.stdout).toMatch(/^Disks:\n {2}node1 {2}local {2}\/dev\/disk\/by-id\/nvme-/m);
    expect(lastLine(r.stdout)).toBe(`Plan: ${bootstrapAddresses().length} to add, 0 to change, 0 to destroy.`);
    expect(lastLine(r.stdout)).toBe('Plan: 42 to add, 0 to change, 0 to destroy.');
  });

  test('--detailed-exitcode: 2 when there are changes', async () => {
    const r = await runPlan(lab, { detailedExitcode: true });
    expect(r.code).toBe(2);
    expect(lastLine(r.stdout)).toBe('Plan: 42 to add, 0 to change, 0 to destroy.');
  });
});

describe('--json and --out', () => {
  test('--json prints the versioned plan document, and nothing secret is anywhere', async () => {
    const r = await runPlan(lab, { json: true });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      kind: 'microcloud-apply/plan', format_version: 1, mode: 'bootstrap', initiator: 'node1',
      summary: { add: 42, change: 0, destroy: 0 }, findings: [], unmanaged: [],
      tool: { name: 'microcloud-apply', version: expect.stringMatching(/^\d+\.\d+\.\d+/) }, preseedFile: lab.file,
    });
    expect(doc.preseedDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(doc.liveFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(doc.steps.map((s: { address: string }) => s.address).sort()).toEqual(bootstrapAddresses());
    expect(doc.steps[0]).toEqual(expect.objectContaining({ address: expect.any(String), kind: expect.any(String), machine: expect.any(String), dependsOn: expect.any(Array), inputs: expect.any(Object) }));
    expect(doc.disks.disks).toHaveLength(9);
    // The LXD bootstrap marks the cluster with the tool's version, under the tool's own key: not
    // MicroCloud's user.microcloud, which only MicroCloud's daemon writes.
    const boot = doc.steps.find((s: { address: string }) => s.address === 'lxd/server-config/bootstrap@node1');
    expect(boot.inputs.config['user.microcloud-apply.version']).toBe(doc.tool.version);
    expect(boot.inputs.config).not.toHaveProperty(['user.microcloud']);
    expect(r.stdout).not.toContain(PASSPHRASE);
    expect(r.stderr).not.toContain(PASSPHRASE);
    // The file itself has the passphrase: it is the thing that must not leak.
    expect(readFileSync(lab.file, 'utf8')).toContain(PASSPHRASE);
  });

  test('--out writes everything apply needs to a 0600 file, with no secret; the digest is the file\'s', async () => {
    const out = join(lab.dir, 'site.plan');
    const r = await runPlan(lab, { out: 'site.plan', detailedExitcode: true });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Plan: 42 to add, 0 to change, 0 to destroy.\n');
    expect(lastLine(r.stdout)).toBe('Saved the plan to site.plan. Apply exactly these steps with: microcloud apply site.plan');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain(PASSPHRASE);
    const saved = JSON.parse(text);
    expect(saved).toMatchObject({ kind: 'microcloud-apply/plan', format_version: 1, summary: { add: 42 }, preseedFile: lab.file });
    expect(saved.steps).toHaveLength(42);
    expect(saved.disks.disks.map((d: { machine: string; use: string; path: string }) => `${d.machine} ${d.use} ${d.path}`)).toContain(
      `node2 ceph /dev/disk/by-id/${ssds('node2')[0]}`);
    const loaded = await readPlannedPreseed(lab.file, lab.dir);
    expect(saved.preseedDigest).toBe(loaded.digest);
    // The fingerprint is of the live state gathered now: the site has not moved.
    const gathered = await gather(siteTargets(loaded.result.desired!), { connect: PLAN_CONNECT });
    await gathered.close();
    expect(saved.liveFingerprint).toBe(liveFingerprint(gathered.live));
    // --json and --out together: the same document on stdout and in the file.
    const both = await runPlan(lab, { json: true, out: 'again.plan' });
    const again = JSON.parse(readFileSync(join(lab.dir, 'again.plan'), 'utf8'));
    expect(JSON.parse(both.stdout)).toEqual(again);
    expect(both.stderr).toContain('Saved the plan to again.plan.');
  });

  test('an invalid file is reported like validate does, exit 1, without touching a machine', async () => {
    const before = lab.site.log.length;
    const bad = join(lab.dir, 'bad.yaml');
    writeFileSync(bad, 'systems:\n  - name: node1\n    colour: blue\n');
    const r = await runPlan(lab, {}, 'bad.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^bad\.yaml:3:5: error: /m);
    expect(lastLine(r.stdout)).toMatch(/^bad\.yaml is invalid: \d+ errors?, \d+ warnings?\.$/);
    expect(lab.site.log.length).toBe(before);
  });
});
