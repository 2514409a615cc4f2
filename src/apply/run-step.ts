// One step, start to finish: check → act → verify, under the kind's deadline, retrying transient
// failures a bounded number of times (p-retry). Every attempt checks first, so an attempt that lost
// its connection after the daemon had done the work ends as done instead of doing it twice (a disk
// is never wiped twice, a member never joined twice).
import pRetry from 'p-retry';
import { formatElapsed } from './progress.js';
import type { SecretSet } from '../secrets.js';
import type { Clock, ExecutableStep, StepContext, StepRunner } from './types.js';

export interface StepRetryPolicy {
  /** Attempts after the first. */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  factor: number;
}

/** Bounded: the remote layer already retries each idempotent request; this covers whole steps. */
export const DEFAULT_STEP_RETRY: StepRetryPolicy = { retries: 2, minTimeoutMs: 1000, maxTimeoutMs: 10_000, factor: 2 };

export interface StepResult {
  address: string;
  kind: string;
  machine: string;
  result: 'done' | 'skipped' | 'failed';
  attempts: number;
  durationMs: number;
  /** Redacted. */
  error?: string;
  notes: string[];
}

export interface RunStepOptions {
  clock: Clock;
  secrets: SecretSet;
  retry: StepRetryPolicy;
  isTransient: (err: unknown) => boolean;
  onRetry?: (attempt: number, error: string, elapsedMs: number) => void;
}

/** The step ran out of time. Not retried: the daemon may still be at it; the next apply checks again. */
export class StepTimeout extends Error {
  override readonly name = 'StepTimeout';
  constructor(address: string, ms: number) {
    super(`${address} did not finish within ${formatElapsed(ms)} (the daemon may still be working on it; the next apply checks again)`);
  }
}

export async function runStep<S extends ExecutableStep, H>(
  step: S, runner: StepRunner<S, H>, hosts: H, opts: RunStepOptions,
): Promise<StepResult> {
  const started = opts.clock.now();
  const notes: string[] = [];
  const controller = new AbortController();
  const ctx: StepContext = {
    signal: controller.signal, secrets: opts.secrets, clock: opts.clock, note: (m) => notes.push(opts.secrets.scrub(m)),
  };
  let attempts = 0;
  let acted = false;
  const work = pRetry(async () => {
    attempts++;
    if (await runner.check(step, hosts, ctx)) {
      if (acted) notes.push('an earlier attempt had done it');
      return;
    }
    acted = true;
    await runner.act(step, hosts, ctx);
    await runner.verify(step, hosts, ctx);
  }, {
    retries: opts.retry.retries,
    minTimeout: opts.retry.minTimeoutMs,
    maxTimeout: opts.retry.maxTimeoutMs,
    factor: opts.retry.factor,
    randomize: true,
    signal: controller.signal,
    shouldRetry: ({ error, attemptNumber }) => {
      const again = !controller.signal.aborted && opts.isTransient(error);
      if (again) opts.onRetry?.(attemptNumber + 1, describe(error, opts.secrets), opts.clock.now() - started);
      return again;
    },
  });
  const base = { address: step.address, kind: step.kind, machine: step.machine, notes };
  try {
    await withDeadline(work, runner.timeoutMs, controller, () => new StepTimeout(step.address, runner.timeoutMs), opts.clock);
    return { ...base, result: acted ? 'done' : 'skipped', attempts, durationMs: opts.clock.now() - started };
  } catch (err) {
    return { ...base, result: 'failed', attempts, durationMs: opts.clock.now() - started, error: describe(err, opts.secrets) };
  }
}

/** The message a person reads: the error's own text (remote errors name host and request), redacted. */
export function describe(err: unknown, secrets: SecretSet): string {
  const text = err instanceof Error ? err.message : String(err);
  return secrets.scrub(text);
}

async function withDeadline<T>(work: Promise<T>, ms: number, controller: AbortController, timeout: () => Error, clock: Clock): Promise<T> {
  const stop = new AbortController();
  const expired = clock.sleep(ms, stop.signal).then(() => {
    if (stop.signal.aborted) return new Promise<never>(() => undefined);
    controller.abort();
    throw timeout();
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    stop.abort();
    // The abandoned attempt settles later on its own; its outcome no longer matters.
    work.catch(() => undefined);
  }
}
