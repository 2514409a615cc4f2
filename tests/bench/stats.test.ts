// The two summaries of repeated runs: the fastest (least disturbed) and the median.
import { fastest, median } from '../../bench/stats.js';

test('median: the middle sample, or the mean of the middle two; NaN without samples', () => {
  expect(median([30, 10, 20])).toBe(20);
  expect(median([40, 10, 30, 20])).toBe(25);
  expect(median([])).toBeNaN();
});

test('fastest: the run with the least wall time, whatever else it carries', () => {
  expect(fastest([{ wallMs: 3, id: 'a' }, { wallMs: 1, id: 'b' }, { wallMs: 2, id: 'c' }])).toEqual({ wallMs: 1, id: 'b' });
  expect(() => fastest([])).toThrow(/no runs/);
});
