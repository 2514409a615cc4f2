// The removal guards on a built lab site: a refusal names the rule and the numbers and leaves the
// plan without steps; `force` drops a member whose machine is down, from the survivors, and says
// what it leaves behind.
import { diff, renderPlanText, type Plan } from '../../src/plan/index.js';
import type { DesiredState } from '../../src/preseed/desired.js';
import type { MicroCephWorld, MicroOvnWorld } from '../../src/lab/micro/index.js';
import type { Host } from '../../src/remote/index.js';
import { gatherOver } from '../../src/site/gather.js';
import { withRemovalFacts } from '../../src/site/gather-removal.js';
import { apply, desiredOf, planFor, preseed, startLab, type Lab } from '../apply/helpers.js';
import { siteState } from '../apply/state.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const only = (hosts: Map<string, Host>, names: string[]): Map<string, Host> => new Map([...hosts].filter(([n]) => names.includes(n)));

/** The plan with its findings, errors included, over the machines the file lists, read as the CLI reads them. */
async function planOf(l: Lab, desired: DesiredState, names: string[]): Promise<Plan> {
  const hosts = only(l.hosts, names);
  const live = await withRemovalFacts(await gatherOver(hosts, [...hosts.keys()]), hosts, desired.remove.length > 0);
  return diff(desired, live, { preseedDigest: 'sha256:test' });
}

const errors = (plan: Plan) => plan.findings.filter((f) => f.severity === 'error').map((f) => ({ code: f.code, message: f.message }));

async function built(nodes: number): Promise<Lab> {
  const l = await startLab({ nodes });
  const all = Array.from({ length: nodes }, (_, i) => i + 1);
  const d = desiredOf(preseed({ nodes: all }));
  expect((await apply(l, d, await planFor(l, d))).ok).toBe(true);
  return l;
}

describe('on a built 3-member site', () => {
  // One site for these plans (none of them applies anything), stopped after the last.
  let shared: Lab | undefined;
  beforeAll(async () => {
    shared = await built(3);
  }, 60_000);
  afterAll(async () => {
    await shared?.stop();
  });
  const keep = (): Lab => shared!;

  test('two members at once: refused, each cluster would be left below a quorum of its 3 voters', async () => {
    const l = keep();
    const plan = await planOf(l, desiredOf(`${preseed({ nodes: [1] })}remove: [node2, node3]\n`), ['node1']);
    expect(plan.steps).toEqual([]);
    const quorum = errors(plan).filter((e) => e.code === 'remove-quorum').map((e) => e.message);
    expect(quorum).toEqual(['LXD', 'MicroOVN', 'MicroCeph'].map((svc) =>
      `removing node2, node3 would leave ${svc} with 1 member online of the 3 members it has (3 voters): a quorum is 2`));
    expect(renderPlanText(plan)).toContain('Planning failed');
  });

  test('the last OSD host of a size-3 pool: refused, naming the pool, its size and the hosts left', async () => {
    const l = keep();
    const plan = await planOf(l, desiredOf(`${preseed({ nodes: [1, 2] })}remove: [node3]\n`), ['node1', 'node2']);
    expect(plan.steps).toEqual([]);
    const pools = errors(plan).filter((e) => e.code === 'remove-pool-size').map((e) => e.message);
    expect(pools.length).toBeGreaterThan(0);
    for (const m of pools) expect(m).toMatch(/^Ceph pool \S+ keeps 3 replicas on distinct hosts; removing node3 leaves 2 OSD hosts \(node1, node2\)$/);
    // MicroCeph's own refusal, predicted: its monitors would drop to 2 of the 3 it needs.
    expect(errors(plan).map((e) => e.code)).toContain('remove-ceph-services');
    // One member of three is within quorum: that rule does not refuse it.
    expect(errors(plan).map((e) => e.code)).not.toContain('remove-quorum');
  });

  test('the initiator cannot be removed by an add file', async () => {
    const l = keep();
    const text = preseed({ nodes: [1] }).replace('initiator_address: 10.1.0.11', 'initiator_address: 10.1.0.12');
    // An add file names its initiator by address: that is its key in the live state.
    const hosts = new Map([['10.1.0.12', l.hosts.get('node2')!], ['node1', l.hosts.get('node1')!]]);
    const plan = diff(desiredOf(`${text}remove: [node2]\n`), await gatherOver(hosts, [...hosts.keys()]), { preseedDigest: 'sha256:test' });
    expect(errors(plan)).toContainEqual({ code: 'remove-initiator', message: 'node2 is the initiator, whose clusters the tool works through: it cannot be removed' });
  });

  test('a name that is no member of any cluster has nothing to do', async () => {
    const l = keep();
    const plan = await planOf(l, desiredOf(`${preseed({ nodes: [1, 2, 3] })}remove: [node9]\n`), ['node1', 'node2', 'node3']);
    expect(errors(plan)).toEqual([]);
    expect(plan.steps).toEqual([]);
  });
});

test('force, with the machine down: dropped from every cluster through the survivors; without force, refused', async () => {
  lab = await built(4);
  const l = lab;
  await l.site.down('node4');
  const three = ['node1', 'node2', 'node3'];

  const clean = await planOf(l, desiredOf(`${preseed({ nodes: [1, 2, 3] })}remove: [node4]\n`), three);
  expect(errors(clean)).toContainEqual({ code: 'remove-unreachable', message: 'node4 does not answer in LXD, MicroOVN, MicroCeph: a clean removal needs it online' });
  expect(clean.steps).toEqual([]);

  const forced = desiredOf(`${preseed({ nodes: [1, 2, 3] })}remove:\n  - {name: node4, force: true}\n`);
  const plan = await planOf(l, forced, three);
  expect(errors(plan)).toEqual([]);
  // Its OSDs and volumes cannot be reached through it: only the forced member removals.
  expect(plan.steps.map((s) => s.address)).toEqual(['lxd/member/node4', 'microovn/member/node4', 'microceph/member/node4']);
  expect(plan.steps.every((s) => 'force' in s.inputs && s.inputs.force === true)).toBe(true);
  const left = plan.findings.find((f) => f.code === 'remove-left-behind');
  expect(left?.message).toMatch(/^node4 is dropped without cleanup: the machine keeps its LXD, MicroOVN, MicroCeph state and data .*; Ceph keeps osd\.\d+, osd\.\d+ in its OSD map as down/);

  const report = await apply(l, forced, plan, {}, only(l.hosts, three));
  expect(report.failed).toEqual([]);
  expect(report.ok).toBe(true);
  const after = siteState(l.site);
  expect(after.lxd.members).toEqual(three);
  expect(after.ceph.members).toEqual(three);
  expect(after.ovn.members).toEqual(three);
  // Never contacted: node4's daemons still hold what they had (LXD clustered, MicroCeph and MicroOVN
  // in their old clusters), as on a real machine that must be reinstalled before it joins again.
  expect(after.lxd.clustered['node4']).toBe(true);
  expect((l.site.world('microceph') as MicroCephWorld).members('node4').map((m) => m.name)).toEqual(three);
  expect((l.site.world('microovn') as MicroOvnWorld).members('node4').map((m) => m.name)).toEqual(three);
  expect((await planOf(l, forced, three)).steps).toEqual([]);
}, 120_000);

test('a member with instances: refused without evacuate; with it, they move to the others first', async () => {
  lab = await built(4);
  const l = lab;
  const three = ['node1', 'node2', 'node3'];
  const node1 = l.hosts.get('node1')!;
  for (const name of ['web1', 'web2']) await node1.request('lxd', 'POST', '/1.0/instances?target=node4', { name, source: { type: 'none' } });

  const refused = await planOf(l, desiredOf(`${preseed({ nodes: [1, 2, 3] })}remove: [node4]\n`), three);
  expect(errors(refused)).toEqual([{ code: 'remove-instances', message: 'node4 still has 2 instances (web1, web2): LXD refuses to remove a member with instances' }]);
  expect(refused.steps).toEqual([]);

  const evacuating = desiredOf(`${preseed({ nodes: [1, 2, 3] })}remove:\n  - {name: node4, evacuate: true}\n`);
  const plan = await planOf(l, evacuating, three);
  expect(errors(plan)).toEqual([]);
  expect(plan.steps[0]).toMatchObject({ address: 'lxd/member/node4/evacuate', action: 'update' });
  expect(plan.steps.slice(1).every((s) => s.action === 'destroy' && s.dependsOn.includes('lxd/member/node4/evacuate'))).toBe(true);
  const report = await apply(l, evacuating, plan, {}, only(l.hosts, three));
  expect(report.failed).toEqual([]);
  expect(report.ok).toBe(true);
  const instances = (await node1.request<{ name: string; location: string }[]>('lxd', 'GET', '/1.0/instances?recursion=1&all-projects=true')).metadata;
  expect(instances.map((i) => i.name).sort()).toEqual(['web1', 'web2']);
  expect(instances.every((i) => three.includes(i.location))).toBe(true);
  expect(siteState(l.site).lxd.members).toEqual(three);
  expect((await planOf(l, evacuating, three)).steps).toEqual([]);
}, 120_000);
