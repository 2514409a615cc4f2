// Small arithmetic the scenarios share. On a shared, noisy machine the fastest of a few runs is the
// one least disturbed by others, so repeated measurements keep their minimum.
export function fastest<R extends { wallMs: number }>(runs: readonly R[]): R {
  if (runs.length === 0) throw new Error('no runs to choose from');
  return runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
}

export const ratio = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);

/** The middle sample; the mean of the two middle ones for an even count. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `fn` `times` times, one after the other. */
export async function repeat<T>(times: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let k = 0; k < times; k++) out.push(await fn());
  return out;
}
