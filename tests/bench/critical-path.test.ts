// The critical path over a plan's dependencies, and the weight of a step on it.
import { criticalPath } from '../../bench/critical-path.js';
import { BENCH_DURATIONS, stepDurationMs } from '../../bench/durations.js';
import { roundTripsByKind, stepCostMs } from '../../bench/step-cost.js';

const step = (address: string, dependsOn: string[] = [], kind = 'k') => ({ address, kind, dependsOn });

test('the heaviest chain wins, not the longest in steps', () => {
  const steps = [step('a'), step('b', ['a']), step('c', ['b']), step('heavy'), step('end', ['c', 'heavy'])];
  const w: Record<string, number> = { a: 1, b: 1, c: 1, heavy: 10, end: 2 };
  expect(criticalPath(steps, (s) => w[s.address]!)).toEqual({ ms: 12, path: ['heavy', 'end'] });
});

test('steps side by side take as long as the slowest of them', () => {
  const steps = [step('root'), ...['x', 'y', 'z'].map((a) => step(a, ['root']))];
  const w: Record<string, number> = { root: 5, x: 3, y: 7, z: 1 };
  expect(criticalPath(steps, (s) => w[s.address]!)).toEqual({ ms: 12, path: ['root', 'y'] });
});

test('a long join chain does not overflow the stack', () => {
  const steps = Array.from({ length: 20_000 }, (_, i) => step(`j${i}`, i === 0 ? [] : [`j${i - 1}`]));
  const cp = criticalPath(steps, () => 1);
  expect(cp.ms).toBe(20_000);
  expect(cp.path).toHaveLength(20_000);
});

test('an empty plan has an empty path', () => {
  expect(criticalPath([], () => 1)).toEqual({ ms: 0, path: [] });
});

test('a cycle or an unknown dependency is an error', () => {
  expect(() => criticalPath([step('a', ['b']), step('b', ['a'])], () => 1)).toThrow(/cycle/);
  expect(() => criticalPath([step('a', ['nope'])], () => 1)).toThrow(/nope, which is not in the plan/);
});

test('round trips per kind: the fastest step, its durations off, in whole latencies', () => {
  const samples = [
    { address: 'j1', kind: 'lxd-join', elapsedMs: 862 }, { address: 'j2', kind: 'lxd-join', elapsedMs: 859 },
    { address: 'j3', kind: 'lxd-join', elapsedMs: 1400 }, { address: 'v', kind: 'lxd-volume', elapsedMs: 67 },
  ];
  // 859 ms is the 600 ms join and 13 round trips of 20 ms whose timers fired a millisecond early.
  expect(roundTripsByKind(samples, 20, BENCH_DURATIONS)).toEqual({ 'lxd-join': 13, 'lxd-volume': 3 });
  expect(roundTripsByKind([{ address: 'j', kind: 'lxd-join', elapsedMs: 590 }], 20, BENCH_DURATIONS)).toEqual({ 'lxd-join': 0 });
  expect(() => roundTripsByKind(samples, 0, BENCH_DURATIONS)).toThrow(RangeError);
});

test('a step weighs its lab durations plus its round trips times the latency', () => {
  const model = { durations: BENCH_DURATIONS, latencyMs: 20, roundTrips: { 'lxd-join': 13, 'lxd-volume': 3 } };
  expect(stepCostMs('lxd-join', model)).toBe(BENCH_DURATIONS.lxdJoin + 13 * 20);
  expect(stepCostMs('lxd-volume', model)).toBe(60);
  expect(() => stepCostMs('lxd-profile', model)).toThrow(/no calibrated round trips/);
  expect(stepCostMs('lxd-profile', { ...model, latencyMs: 0 })).toBe(0);
  expect(stepDurationMs('microceph-disk', BENCH_DURATIONS)).toBe(BENCH_DURATIONS.diskAdd);
  expect(() => stepDurationMs('no-such-kind', BENCH_DURATIONS)).toThrow(/no lab duration/);
});
