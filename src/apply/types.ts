// The contracts between the executor and what it runs. The executor is generic over steps: it sees
// an address, a kind, a machine and dependencies, and asks a registry for the runner of each kind.
// Only the runners (src/apply/steps/) know about LXD, MicroCeph and MicroOVN.
import type { SecretSet } from '../secrets.js';

/** What the executor needs of a step: the plan's Step satisfies it, and so does any test double. */
export interface ExecutableStep {
  address: string;
  kind: string;
  machine: string;
  dependsOn: readonly string[];
  /** Never secret (the plan holds no secrets); hashed into the journal. */
  inputs: unknown;
}

/** Time, injectable so tests and benchmarks can control it. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** What a runner gets besides its step and the hosts. */
export interface StepContext {
  /** Aborted when the step's time is up: polling loops stop on it. */
  signal: AbortSignal;
  /** Values minted during the run (join tokens) that must never be shown. */
  secrets: SecretSet;
  clock: Clock;
  /** Notes for the journal and progress; already-done answers are reported here. */
  note(message: string): void;
}

/**
 * One step kind's `check → act → verify` (k0sctl's phase, Terraform's resource). `check` says
 * whether the live system already is as the step wants it; `act` makes it so, treating an
 * "already exists" answer as success only after re-reading state; `verify` throws unless the
 * step's effect is visible.
 */
export interface StepRunner<S extends ExecutableStep = ExecutableStep, H = unknown> {
  /** The longest a step of this kind may take, every attempt included: sized for the daemon. */
  timeoutMs: number;
  check(step: S, hosts: H, ctx: StepContext): Promise<boolean>;
  act(step: S, hosts: H, ctx: StepContext): Promise<void>;
  verify(step: S, hosts: H, ctx: StepContext): Promise<void>;
}

/** The runner for a step, or undefined when the registry has none for its kind. */
export type StepRegistry<S extends ExecutableStep = ExecutableStep, H = unknown> = (step: S) => StepRunner<S, H> | undefined;
