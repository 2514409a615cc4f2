// Preflight against broken lab machines: each fault is a finding that names its machine and the
// fact, the plan has no steps, the exit code is 1, and nothing is changed anywhere.
import { existsSync } from 'node:fs';
import type { PlanFinding } from '../../src/plan/index.js';
import { LAB_NETWORK } from '../../src/lab/machines.js';
import { labSpec } from '../lab/specs.js';
import { lastLine, runPlan, startLab, systemsOf, type PlanLab, type PlanRun } from './lab.js';

let lab: PlanLab;
let text: PlanRun;
let json: PlanRun;
let findings: PlanFinding[];

beforeAll(async () => {
  lab = await startLab({
    machines: [
      labSpec('node1'),
      // The file says node2, the machine calls itself spare2.
      labSpec('spare2', { index: 2 }),
      labSpec('node3', { snapPatch: { microovn: false } }),
      labSpec('node4', { snapPatch: { microceph: { version: '19.2.1' } } }),
      labSpec('node5', { interfacePatch: { eth1: { addresses: ['10.1.1.15/24'] } } }),
      labSpec('node6', { diskPatch: { sdb: { partitions: 2 } } }),
      labSpec('node7', { snapPatch: { lxd: false } }),
    ],
  });
  const systems = systemsOf(lab);
  systems[1]!.name = 'node2';
  // The file asks for eth1 as every machine's uplink (node5's has an address) and for node6's
  // partitioned sdb as an OSD, as a person might write it.
  for (const s of systems) s['ovn_uplink_interface'] = 'eth1';
  lab.preseed['ovn'] = { ipv4_gateway: LAB_NETWORK.uplinkGateway, ipv4_range: LAB_NETWORK.uplinkRange, dns_servers: LAB_NETWORK.dnsServers };
  const node6 = systems[5]!['storage'] as { ceph: { path: string; wipe: boolean }[] };
  node6.ceph.push({ path: `/dev/disk/by-id/${lab.site.spec('node6').disks.find((d) => d.id === 'sdb')!.device_id}`, wipe: true });
  lab.write();
  text = await runPlan(lab);
  json = await runPlan(lab, { json: true, detailedExitcode: true });
  findings = (JSON.parse(json.stdout) as { findings: PlanFinding[] }).findings;
});

afterAll(async () => {
  await lab?.stop();
});

const errorsFor = (machine: string): PlanFinding[] => findings.filter((f) => f.severity === 'error' && f.machine === machine);

test('every fault is an error naming the machine and the fact; the healthy initiator has none', () => {
  expect(errorsFor('node1')).toEqual([]);
  expect(errorsFor('node2')).toEqual([expect.objectContaining({ code: 'hostname', message: 'the machine reached as node2 has the hostname "spare2"' })]);
  expect(errorsFor('node3')).toEqual([expect.objectContaining({ code: 'service-missing', message: 'MicroOVN is set up on the initiator node1 but not installed on node3' })]);
  expect(errorsFor('node4')).toEqual([expect.objectContaining({ code: 'version-mismatch', message: 'node4 runs MicroCeph 19.2.1, the initiator node1 runs 19.2.0' })]);
  expect(errorsFor('node5')).toEqual([expect.objectContaining({ code: 'uplink-has-ip', message: 'the OVN uplink eth1 on node5 has an IP address (10.1.1.15/24)' })]);
  expect(errorsFor('node6')).toEqual([expect.objectContaining({ code: 'disk-partitioned', message: expect.stringMatching(/^disk \/dev\/disk\/by-id\/wwn-\S+ on node6 has partitions$/) })]);
  expect(errorsFor('node7')).toEqual([expect.objectContaining({ code: 'lxd-missing', message: 'LXD is not installed on node7' })]);
  expect(findings.filter((f) => f.severity === 'error')).toHaveLength(6);
});

test('exit 1 (with or without --detailed-exitcode), no steps, and the text says why', () => {
  expect(text.code).toBe(1);
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout).steps).toEqual([]);
  expect(text.stdout).toContain('  error   node2: the machine reached as node2 has the hostname "spare2"\n          hint: ');
  expect(text.stdout).toContain('  error   node5: the OVN uplink eth1 on node5 has an IP address (10.1.1.15/24)\n');
  expect(text.stdout).not.toMatch(/^ {4}\+ /m);
  expect(lastLine(text.stdout)).toBe('Planning failed: 6 errors. Nothing will be changed.');
  // With --json, stdout stays the document; the errors are also on stderr for whoever watches.
  expect(json.stderr).toContain('error: MicroOVN is set up on the initiator node1 but not installed on node3\n');
  expect(json.stderr).toContain('error: node4 runs MicroCeph 19.2.1, the initiator node1 runs 19.2.0\n');
});

test('--out writes no plan file when planning fails', async () => {
  const r = await runPlan(lab, { out: 'failed.plan' });
  expect(r.code).toBe(1);
  expect(lastLine(r.stdout)).toBe('No plan file written to failed.plan: planning failed.');
  expect(existsSync(`${lab.dir}/failed.plan`)).toBe(false);
});

test('nothing was changed on any machine', () => {
  expect(lab.site.mutations()).toBe(0);
});
