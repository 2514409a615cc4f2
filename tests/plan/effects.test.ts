// The daemons' model (tests/model/effects) refuses what the daemons would refuse, so a wrong order
// cannot pass a walk; and
// the graph helpers an executor uses.
import { diff } from '../../src/plan/diff.js';
import { orderSteps, PlanGraphError, respectsDependencies } from '../../src/plan/dag.js';
import { readySteps } from '../helpers/plan.js';
import type { Step } from '../../src/plan/plan.js';
import { satisfied } from '../../src/plan/steps/index.js';
import { EffectError, expectedEffect } from '../model/effects/index.js';
import { bareSite, desired, OPTS } from './fixtures.js';

const d = desired({ n: 3, cephfs: true });
const live = bareSite(3);
const steps = diff(d, live, OPTS).steps;
const step = (a: string): Step => steps.find((s) => s.address === a)!;

test.each([
  ['lxd/member/node2', 'LXD on node1: Server is not clustered'],
  ['microceph/member/node2', 'microceph on node1 is not part of a cluster'],
  ['lxd/storage-pool/local@node2', 'Cluster member not found: node2'],
  ['lxd/storage-pool/local', 'Pool not pending on any node (use --target <node> first)'],
  ['lxd/network/default', 'Uplink network "UPLINK" is not created'],
])('%s on a bare site is refused', (address, message) => {
  expect(() => expectedEffect(step(address), live)).toThrow(EffectError);
  expect(() => expectedEffect(step(address), live)).toThrow(message);
});

// microcluster's wording (canonical/microcluster internal/rest/resources/cluster.go clusterPost, e950e52):
// a name already in the cluster is 409 `This "core_cluster_members" entry already exists`; an address
// already in it is caught first, as `Remote with address %q exists`.
test('a microcluster join of a name or an address already in the cluster is refused with upstream\'s words', () => {
  const joined = expectedEffect(step('microceph/member/node2'), expectedEffect(step('microceph/cluster@node1'), live));
  const node3 = step('microceph/member/node3') as Step & { kind: 'microceph-join' };
  const sameName = { ...node3, inputs: { ...node3.inputs, name: 'node2' } };
  expect(() => expectedEffect(sameName, joined)).toThrow('MicroCeph: This "core_cluster_members" entry already exists');
  const sameAddress = { ...node3, inputs: { ...node3.inputs, address: '10.1.0.12:7443' } };
  expect(() => expectedEffect(sameAddress, joined)).toThrow('MicroCeph: Remote with address "10.1.0.12:7443" exists');
});

test('a step satisfied by its own effect is refused when run again', () => {
  const once = expectedEffect(step('microceph/cluster@node1'), live);
  expect(satisfied(step('microceph/cluster@node1'), once)).toBe(true);
  expect(() => expectedEffect(step('microceph/cluster@node1'), once)).toThrow('Database is online');
});

test('expectedEffect does not change the state it is given', () => {
  const before = JSON.stringify(live);
  expectedEffect(step('lxd/server-config/bootstrap@node1'), live);
  expect(JSON.stringify(live)).toBe(before);
});

describe('the graph', () => {
  test('ready steps are those whose dependencies are done', () => {
    expect(readySteps(steps).map((s) => s.address)).toEqual(['microceph/cluster@node1', 'microovn/cluster@node1', 'lxd/server-config/bootstrap@node1']);
    const done = new Set(['microceph/cluster@node1', 'microovn/cluster@node1', 'lxd/server-config/bootstrap@node1']);
    expect(readySteps(steps, done).map((s) => s.address)).toEqual(expect.arrayContaining(['lxd/cluster@node1', 'microceph/member/node2', 'microovn/member/node2']));
  });

  test('orderSteps keeps a valid order and refuses cycles and unknown dependencies', () => {
    expect(respectsDependencies(orderSteps([...steps].reverse()))).toBe(true);
    const a = { ...step('microceph/cluster@node1'), dependsOn: ['microceph/member/node2'] } as Step;
    const b = step('microceph/member/node2');
    expect(() => orderSteps([a, b])).toThrow(PlanGraphError);
    expect(() => orderSteps([b])).toThrow('microceph/member/node2 depends on microceph/cluster@node1, which is not in the plan');
  });
});
