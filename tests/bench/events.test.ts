// Reading `apply --json`: the steps' kinds and times, and the span of the walk.
import { parseEvents, stepSamples, walkMs } from '../../bench/events.js';

const line = (o: Record<string, unknown>): string => JSON.stringify({ v: 1, ...o });

test('steps with their kinds, and the walk from the first start to the last end', () => {
  const stdout = [
    'Plan: 2 to add, 0 to change, 0 to destroy.',
    line({ time: '2026-01-01T00:00:00.000Z', type: 'run-started', steps: 2 }),
    line({ time: '2026-01-01T00:00:00.100Z', type: 'step-started', address: 'a', kind: 'lxd-bootstrap', machine: 'n1' }),
    line({ time: '2026-01-01T00:00:00.900Z', type: 'step-done', address: 'a', elapsedMs: 800 }),
    line({ time: '2026-01-01T00:00:00.950Z', type: 'step-started', address: 'b', kind: 'lxd-join', machine: 'n2' }),
    line({ time: '2026-01-01T00:00:01.500Z', type: 'step-skipped', address: 'b', elapsedMs: 550 }),
    line({ time: '2026-01-01T00:00:02.000Z', type: 'run-finished', ok: true, done: 1, skipped: 1, failed: 0, notStarted: 0, elapsedMs: 2000 }),
    '{"type":"result","ok":true}',
  ].join('\n');
  const events = parseEvents(stdout);
  expect(events).toHaveLength(6);
  expect(stepSamples(events)).toEqual([
    { address: 'a', kind: 'lxd-bootstrap', elapsedMs: 800 }, { address: 'b', kind: 'lxd-join', elapsedMs: 550 },
  ]);
  expect(walkMs(events)).toBe(1400);
  expect(walkMs([])).toBeNull();
});
