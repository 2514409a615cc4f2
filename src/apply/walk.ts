// The graph walk: start every step whose dependencies are done, at most `parallelism` at once;
// after the first failure (or an abort) start nothing new and let the running steps finish. Each
// outcome is journaled and emitted as it happens.
import { isTransient as remoteTransient } from '../remote/index.js';
import { inputsDigest, type JournalRecord } from './journal.js';
import type { ProgressEvent } from './progress.js';
import { DEFAULT_STEP_RETRY, runStep, type StepResult, type StepRetryPolicy } from './run-step.js';
import type { SecretSet } from '../secrets.js';
import type { Clock, ExecutableStep, StepRegistry, StepRunner } from './types.js';

export interface WalkOptions<S extends ExecutableStep, H> {
  registry: StepRegistry<S, H>;
  hosts: H;
  parallelism: number;
  retry?: Partial<StepRetryPolicy>;
  isTransient?: (err: unknown) => boolean;
  signal?: AbortSignal;
  clock: Clock;
  secrets: SecretSet;
  emit: (e: ProgressEvent) => void;
  record: (r: JournalRecord) => void;
}

export interface Walk {
  /** In the order the steps finished. */
  results: StepResult[];
  notStarted: string[];
  error?: string;
}

export async function walkSteps<S extends ExecutableStep, H>(steps: readonly S[], w: WalkOptions<S, H>): Promise<Walk> {
  const retry = { ...DEFAULT_STEP_RETRY, ...w.retry };
  const isTransient = w.isTransient ?? remoteTransient;
  const pending = new Map(steps.map((s) => [s.address, s]));
  const done = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const results: StepResult[] = [];
  let stopping = false;
  let error: string | undefined;

  const start = (s: S): void => {
    pending.delete(s.address);
    w.emit({ type: 'step-started', address: s.address, kind: s.kind, machine: s.machine });
    const runner = w.registry(s) as StepRunner<S, H>;
    const run = runStep(s, runner, w.hosts, {
      clock: w.clock, secrets: w.secrets, retry, isTransient,
      onRetry: (attempt, err, elapsedMs) => w.emit({ type: 'step-retry', address: s.address, attempt, error: err, elapsedMs }),
    }).then((r) => {
      running.delete(s.address);
      results.push(r);
      w.record({
        event: 'step', address: r.address, kind: r.kind, machine: r.machine, inputs: inputsDigest(s.inputs), result: r.result,
        attempts: r.attempts, durationMs: r.durationMs, ...(r.error ? { error: r.error } : {}), ...(r.notes.length ? { notes: r.notes } : {}),
      });
      if (r.result === 'failed') {
        stopping = true;
        w.emit({ type: 'step-failed', address: r.address, elapsedMs: r.durationMs, error: r.error ?? 'failed' });
      } else {
        done.add(r.address);
        const note = r.notes.join('; ');
        w.emit({ type: r.result === 'done' ? 'step-done' : 'step-skipped', address: r.address, elapsedMs: r.durationMs, ...(note ? { note } : {}) });
      }
    });
    running.set(s.address, run);
  };

  // One listener for the whole walk: a new one per turn would pile up until the signal fires.
  const aborted = w.signal ? abortPromise(w.signal) : null;
  for (;;) {
    if (w.signal?.aborted && !stopping) {
      stopping = true;
      error = 'interrupted: no new steps were started';
    }
    if (!stopping) {
      for (const s of pending.values()) {
        if (running.size >= w.parallelism) break;
        if (s.dependsOn.every((d) => done.has(d))) start(s);
      }
    }
    if (running.size === 0) break;
    await Promise.race([...running.values(), ...(aborted && !stopping ? [aborted] : [])]);
  }
  if (!stopping && pending.size > 0) error = `steps whose dependencies can never finish (a cycle?): ${[...pending.keys()].join(', ')}`;
  return { results, notStarted: [...pending.keys()], ...(error ? { error } : {}) };
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
