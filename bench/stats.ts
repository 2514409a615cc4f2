// Small arithmetic the scenarios share. On a shared, noisy machine the fastest of a few runs is the
// one least disturbed by others, so repeated measurements keep their minimum.
import type { CliRun } from './cli-run.js';

export function fastest(runs: readonly CliRun[]): CliRun {
  if (runs.length === 0) throw new Error('no runs to choose from');
  return runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
}

export const ratio = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);

/** Runs `fn` `times` times, one after the other. */
export async function repeat<T>(times: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let k = 0; k < times; k++) out.push(await fn());
  return out;
}
