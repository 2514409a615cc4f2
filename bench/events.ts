// What `microcloud apply --json` streams on stdout (src/apply/progress.ts jsonProgress): one event per
// line, each stamped with the tool's clock. Pure.
import type { ProgressEvent } from '../src/apply/progress.js';

export type TimedEvent = ProgressEvent & { v: number; time: string };

export function parseEvents(stdout: string): TimedEvent[] {
  const events: TimedEvent[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as Partial<TimedEvent>;
    if (e.v === 1 && typeof e.type === 'string' && typeof e.time === 'string') events.push(e as TimedEvent);
  }
  return events;
}

export interface StepSample {
  address: string;
  kind: string;
  elapsedMs: number;
}

/** Every step that finished (done or already done), with its kind and how long it took. */
export function stepSamples(events: readonly TimedEvent[]): StepSample[] {
  const kinds = new Map<string, string>();
  const out: StepSample[] = [];
  for (const e of events) {
    if (e.type === 'step-started') kinds.set(e.address, e.kind);
    else if (e.type === 'step-done' || e.type === 'step-skipped') {
      out.push({ address: e.address, kind: kinds.get(e.address) ?? 'unknown', elapsedMs: e.elapsedMs });
    }
  }
  return out;
}

/** From the first step's start to the last step's end, in ms; null when no step ran. */
export function walkMs(events: readonly TimedEvent[]): number | null {
  const at = (e: TimedEvent): number => Date.parse(e.time);
  const starts = events.filter((e) => e.type === 'step-started').map(at);
  const ends = events.filter((e) => e.type === 'step-done' || e.type === 'step-skipped' || e.type === 'step-failed').map(at);
  if (starts.length === 0 || ends.length === 0) return null;
  return Math.max(...ends) - Math.min(...starts);
}
