// The removal planner over the model of the daemons (tests/model/effects): the quorum arithmetic on
// a 5-member site, the walk of a removal step by step (each plan after a step is the last one
// without it, and the model refuses any step out of order), and a removal that is already done.
import type { LiveState } from '../../src/live/state.js';
import { bareSite, cephCluster, desired } from '../plan/fixtures.js';
import { converge, errorsOf, plan, walk } from '../plan/walk.js';

const removing = (listed: number[], remove: string) => desired({ n: 5, listed, tail: [`remove: ${remove}`] });

let five: LiveState;
beforeAll(() => {
  five = converge(desired({ n: 5 }), bareSite(5));
});

test('5 members, 5 voters: two may go (3 stay, a quorum of 5), three may not', () => {
  expect(errorsOf(plan(removing([1, 2, 3], '[node4, node5]'), five)).map((f) => f.code)).toEqual([]);
  const refused = plan(removing([1, 2], '[node3, node4, node5]'), five);
  expect(refused.steps).toEqual([]);
  const quorum = errorsOf(refused).filter((f) => f.code === 'remove-quorum').map((f) => f.message);
  expect(quorum).toContain('removing node3, node4, node5 would leave LXD with 2 members online of the 5 members it has (5 voters): a quorum is 3');
});

test('removing two members walks one member after the other, in MicroCloud\'s order, to a plan with nothing left', () => {
  const d = removing([1, 2, 3], '[node5, node4]');
  const { applied, live } = walk(d, five);
  const order = applied.map((s) => s.address.replace(/osd\.\d+/, 'osd'));
  expect(order).toEqual(['node5', 'node4'].flatMap((m) => [
    `microceph/disk/${m}/osd`, `lxd/volume/local/images@${m}`, `lxd/volume/local/backups@${m}`,
    `lxd/member/${m}`, `microovn/member/${m}`, `microceph/member/${m}`,
  ]));
  expect(plan(d, live).steps).toEqual([]);
  // The same file without remove: nothing to do and no member left unmanaged.
  const after = plan(desired({ n: 5, listed: [1, 2, 3] }), live);
  expect(after.steps).toEqual([]);
  expect(after.unmanaged).toEqual([]);
});

test('removing the initiator: the file names another listed system as initiator, which the removal runs through', () => {
  const d = desired({ n: 5, listed: [2, 3, 4, 5], initiator: 2, tail: ['remove: [node1]'] });
  // node1 runs one of Ceph's 3 monitors: MicroCeph refuses until another member runs one.
  expect(errorsOf(plan(d, five)).map((f) => f.message)).toEqual(['MicroCeph needs 3 mon, 1 mgr and 1 mds services besides the members it removes; without node1 there would be 2 mon']);
  const withMon = structuredClone(five);
  cephCluster(withMon, 'node2').services.push({ service: 'mon', location: 'node4' });
  const { first, applied, live } = walk(d, withMon);
  expect(first.initiator).toBe('node2');
  expect(applied.every((s) => s.machine === 'node2')).toBe(true);
  // node1 ran one of MicroOVN's centrals: LXD is pointed at the others' before node1 leaves.
  expect(applied[0]).toMatchObject({ address: 'lxd/server-config/network.ovn.northbound_connection',
    changes: [{ key: 'network.ovn.northbound_connection', before: 'ssl:10.1.0.11:6641,ssl:10.1.0.12:6641,ssl:10.1.0.13:6641', after: 'ssl:10.1.0.12:6641,ssl:10.1.0.13:6641' }] });
  expect(applied.slice(1).every((s) => s.action === 'destroy' && s.address.includes('node1'))).toBe(true);
  expect(applied.map((s) => s.address).slice(-3)).toEqual(['lxd/member/node1', 'microovn/member/node1', 'microceph/member/node1']);
  expect(plan(d, live).steps).toEqual([]);
});
