// LXD joins in batches where the LXD retries a join that meets another's membership change (5.20 and
// 5.0.3, marked by cluster_internal_custom_volume_copy), one at a time where it locks up instead
// (Debian's 5.0.2): the batches' members and their dependencies, never times.
import type { Step } from '../../src/plan/plan.js';
import { diff } from '../../src/plan/diff.js';
import { all, bareSite, desired, EXT_6_8, OPTS, pick } from './fixtures.js';
import { converge, firstReady, lastReady, precedes, seededPicker, walk } from './walk.js';

const RETRY = 'cluster_internal_custom_volume_copy';
const withRetry = { extensions: [...EXT_6_8, RETRY] };
const nodes = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => `node${from + k}`);

/**
 * The planned LXD joins as batches: joins that neither precede the other share a batch. Checks
 * on the way that every join of a batch waits for every join of the batches before it.
 */
function batches(steps: readonly Step[]): string[][] {
  const joins = steps.filter((s) => s.kind === 'lxd-join');
  const out: Step[][] = [];
  for (const j of joins) {
    const batch = out.find((b) => b.every((o) => !precedes(steps, o.address, j.address) && !precedes(steps, j.address, o.address)));
    if (batch) batch.push(j);
    else out.push([j]);
  }
  for (let k = 1; k < out.length; k++) {
    for (const j of out[k]!) {
      for (const earlier of out.slice(0, k).flat()) {
        expect({ earlier: earlier.address, later: j.address, precedes: precedes(steps, earlier.address, j.address) })
          .toEqual({ earlier: earlier.address, later: j.address, precedes: true });
      }
    }
  }
  return out.map((b) => b.map((s) => s.machine));
}

describe('a 10-machine bootstrap', () => {
  test('with the join retry, Ceph and OVN: batches of four in file order, each join after its own micro joins', () => {
    const p = diff(desired({ n: 10 }), bareSite(10, withRetry), OPTS);
    expect(p.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(batches(p.steps)).toEqual([nodes(2, 5), nodes(6, 9), ['node10']]);
    const node7 = p.steps.find((s) => s.address === 'lxd/member/node7')!;
    expect([...node7.dependsOn].sort()).toEqual([
      'lxd/cluster@node1', ...nodes(2, 5).map((n) => `lxd/member/${n}`), 'microceph/member/node7', 'microovn/member/node7',
    ].sort());
    // MicroCeph and MicroOVN still join one at a time.
    for (const svc of ['microceph', 'microovn']) {
      for (const [a, b] of nodes(2, 9).map((n, k) => [n, `node${k + 3}`])) {
        expect(precedes(p.steps, `${svc}/member/${a}`, `${svc}/member/${b}`)).toBe(true);
      }
    }
  });

  test('with the join retry and LXD alone: the same batches, waiting for nothing but the bootstrap and earlier batches', () => {
    const p = diff(desired({ n: 10, ceph: 'none', local: 'none', ovn: false }), bareSite(10, { ...withRetry, services: [] }), OPTS);
    expect(p.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(batches(p.steps)).toEqual([nodes(2, 5), nodes(6, 9), ['node10']]);
    expect(p.steps.find((s) => s.address === 'lxd/member/node2')!.dependsOn).toEqual(['lxd/cluster@node1']);
    expect([...p.steps.find((s) => s.address === 'lxd/member/node10')!.dependsOn].sort())
      .toEqual(['lxd/cluster@node1', ...nodes(2, 9).map((n) => `lxd/member/${n}`)].sort());
  });

  test('without it (as Debian\'s 5.0.2): one join at a time, in file order', () => {
    const p = diff(desired({ n: 10 }), bareSite(10), OPTS);
    expect(batches(p.steps)).toEqual(nodes(2, 10).map((n) => [n]));
  });

  test('one machine without it is enough to join one at a time: the retry runs on the joiner', () => {
    const p = diff(desired({ n: 6 }), bareSite(6, (i) => (i === 4 ? {} : withRetry)), OPTS);
    expect(batches(p.steps)).toEqual(nodes(2, 6).map((n) => [n]));
  });

  test('the reason says how the joins go', () => {
    const batched = diff(desired({ n: 6 }), bareSite(6, withRetry), OPTS).steps.find((s) => s.address === 'lxd/member/node6')!;
    expect(batched.reason).toBe('join node6 to the LXD cluster (batch 2 of 2: up to 4 LXD joins at once, MicroCeph\'s and MicroOVN\'s one at a time)');
    const serial = diff(desired({ n: 6 }), bareSite(6), OPTS).steps.find((s) => s.address === 'lxd/member/node6')!;
    expect(serial.reason).toBe('join node6 to the LXD cluster (one at a time: this LXD locks up when joins overlap)');
  });
});

describe('walking a batched plan', () => {
  test.each([['first', firstReady], ['last', lastReady], ['seeded 77', seededPicker(77)]])(
    'reaches the empty plan, each join leaving the others\' batches as they were (%s ready step)', (_name, picker) => {
      const d = desired({ n: 7 });
      const { live } = walk(d, bareSite(7, withRetry), picker);
      expect(diff(d, live, OPTS).steps).toEqual([]);
    });
});

describe('growing a 3-member site to 9', () => {
  test('batches are cut over every joiner of the file: the two already joined fill the first batch\'s seats', () => {
    const built = converge(desired({ n: 3 }), bareSite(3, withRetry));
    const bare = bareSite(9, withRetry);
    const picks = all(built);
    for (const n of nodes(4, 9)) picks[n] = [bare, n];
    const p = diff(desired({ n: 9 }), pick(picks), OPTS);
    expect(p.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(batches(p.steps)).toEqual([['node4', 'node5'], nodes(6, 9)]);
  });
});
