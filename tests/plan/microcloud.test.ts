// Issue 14 item 9: where the `microcloud` snap is installed, MicroCloud's own cluster is formed and
// LXD records MicroCloud's version as `microcloud init` does; where it is not, neither happens.
import { diff } from '../../src/plan/diff.js';
import { preflight } from '../../src/plan/preflight.js';
import type { StepOf } from '../../src/plan/plan.js';
import { bareSite, desired, OPTS, record } from './fixtures.js';
import { errorsOf, walk } from './walk.js';

const WITH_CLOUD = { services: ['microceph', 'microovn', 'microcloud'] as ('microceph' | 'microovn' | 'microcloud')[] };
const d = desired({ n: 3 });
const bootstrapConfig = (p: ReturnType<typeof diff>) => p.steps.find((s): s is StepOf<'lxd-server-config'> => s.address === 'lxd/server-config/bootstrap@node1')!;

test('without the microcloud snap: no MicroCloud steps and no user.microcloud', () => {
  const p = diff(d, bareSite(3), OPTS);
  expect(p.steps.filter((s) => s.service === 'microcloud')).toEqual([]);
  expect(bootstrapConfig(p).inputs.config).not.toHaveProperty(['user.microcloud']);
});

test('with it on every machine: MicroCloud is bootstrapped on the initiator, joined one machine at a time, and LXD records its version', () => {
  const p = diff(d, bareSite(3, WITH_CLOUD), OPTS);
  expect(errorsOf(p)).toEqual([]);
  expect(p.steps.find((s) => s.address === 'microcloud/cluster@node1')).toMatchObject({
    kind: 'microcloud-bootstrap', machine: 'node1', inputs: { name: 'node1', address: '10.1.0.11:9443' }, dependsOn: [],
  });
  const cfg = bootstrapConfig(p);
  expect(cfg.inputs.config).toMatchObject({ 'user.microcloud': '2.1.3', 'user.microcloud-apply.version': expect.any(String) });
  expect(cfg.dependsOn).toContain('microcloud/cluster@node1');
  expect(p.steps.find((s) => s.address === 'microcloud/member/node2')).toMatchObject({
    kind: 'microcloud-join', inputs: { name: 'node2', address: '10.1.0.12:9443', ip: '10.1.0.12', initiatorIp: '10.1.0.11', cluster: 'node1', interfaces: { joiner: 'eth0', initiator: 'eth0' } },
    dependsOn: ['microcloud/cluster@node1'],
  });
  expect(p.steps.find((s) => s.address === 'microcloud/member/node3')!.dependsOn).toEqual(['microcloud/cluster@node1', 'microcloud/member/node2']);
  const { live } = walk(d, bareSite(3, WITH_CLOUD));
  expect(live.clusters.microcloud['node1']!.members.map((m) => m.name)).toEqual(['node1', 'node2', 'node3']);
});

test('a machine without the snap, when the initiator has it, is an error naming it', () => {
  const live = bareSite(3, (i) => (i === 3 ? {} : WITH_CLOUD));
  expect(preflight(d, live).filter((f) => f.severity === 'error').map((f) => [f.code, f.machine])).toEqual([['service-missing', 'node3']]);
});

test('a system not named after its hostname cannot join MicroCloud under that name', () => {
  const live = bareSite(3, WITH_CLOUD);
  record(live, 'node2').host.hostname = 'rack1-b';
  const f = preflight(d, live).filter((x) => x.code === 'microcloud-name');
  expect(f).toEqual([expect.objectContaining({ machine: 'node2', message: expect.stringContaining('"rack1-b"') })]);
});
