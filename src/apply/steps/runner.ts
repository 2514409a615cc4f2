// The one runner every step kind shares. What a kind is and when it is done is the plan's
// (src/plan/steps/<kind>.ts: `satisfied`); how it acts is the kind's StepActor (src/apply/steps/<kind>.ts).
// This file joins the two into the executor's check → act → verify:
//   check  — read the machines and daemons the step concerns (actor.reads) and ask `satisfied`;
//   act    — the actor's, given that same check to confirm an "already exists" answer (unlessAlreadyDone);
//   verify — `satisfied` again over a fresh read (polled while the daemons may still be catching up),
//            an error naming what is still missing otherwise, then the actor's settle, if any.
import type { LiveState } from '../../live/state.js';
import type { Step, StepKind, StepOf } from '../../plan/index.js';
import { satisfied } from '../../plan/steps/index.js';
import type { StepContext } from '../types.js';
import { SECOND, type Hosts, type PlanStepRunner } from './common.js';
import { readLive, type LiveRead } from './live.js';

/** How one step kind acts. Nothing here decides whether the step is done: `satisfied` does. */
export interface StepActor<K extends StepKind> {
  /** The longest a step of this kind may take, every attempt included: sized for the daemon. */
  timeoutMs: number;
  /** The machines and daemons the kind's `satisfied` looks at for this step. */
  reads(step: StepOf<K>): LiveRead[];
  /**
   * The step as apply judges it: what only the run knows (secret values, addresses as they are
   * now) put into its inputs. Pure over the live state read for the step. Default: the step as planned.
   */
  atRunTime?(step: StepOf<K>, live: LiveState, ctx: StepContext): StepOf<K>;
  /**
   * Makes it so. `done` is the step's check (a fresh read and `satisfied`): an "already exists"
   * answer counts as success only when it says true.
   */
  act(step: StepOf<K>, hosts: Hosts, ctx: StepContext, done: () => Promise<boolean>): Promise<void>;
  /**
   * For a kind part of whose effect no read shows (MicroCeph's default pool size): whether all that
   * `satisfied` still lacks is that part. Verify then takes act's success answer for it.
   */
  unseen?(step: StepOf<K>, live: LiveState): boolean;
  /** How long the daemons may take to show the step as done after act (verify polls); default: read once. */
  showsWithinMs?: number;
  /** What must hold besides `satisfied` before dependent steps run (a daemon ready to serve). */
  settle?(step: StepOf<K>, hosts: Hosts, ctx: StepContext): Promise<void>;
  /** For verify's error: what the live state still lacks. */
  missing(step: StepOf<K>, live: LiveState): string;
}

/** Whether `live` satisfies the step as apply judges it (`satisfied` over the run-time step). */
export function judge<K extends StepKind>(actor: StepActor<K>, step: StepOf<K>, live: LiveState, ctx: StepContext): boolean {
  return satisfied((actor.atRunTime?.(step, live, ctx) ?? step) as Step, live);
}

export function planStepRunner<K extends StepKind>(actor: StepActor<K>): PlanStepRunner<K> {
  const read = (step: StepOf<K>, hosts: Hosts): Promise<LiveState> => readLive(hosts, actor.reads(step), step.kind);
  const check = async (step: StepOf<K>, hosts: Hosts, ctx: StepContext): Promise<boolean> => judge(actor, step, await read(step, hosts), ctx);
  return {
    timeoutMs: actor.timeoutMs,
    check,
    act: (step, hosts, ctx) => actor.act(step, hosts, ctx, () => check(step, hosts, ctx)),
    async verify(step, hosts, ctx) {
      const within = actor.showsWithinMs ?? 0;
      const deadline = ctx.clock.now() + within;
      for (let delay = 50; ; delay = Math.min(delay * 2, SECOND)) {
        const live = await read(step, hosts);
        if (judge(actor, step, live, ctx) || actor.unseen?.(step, live)) break;
        if (ctx.signal.aborted || ctx.clock.now() >= deadline) {
          throw new Error(`${actor.missing(step, live)}${within > 0 ? ` (waited ${Math.round(within / SECOND)} s)` : ''}`);
        }
        await ctx.clock.sleep(Math.min(delay, Math.max(0, deadline - ctx.clock.now())), ctx.signal);
      }
      await actor.settle?.(step, hosts, ctx);
    },
  };
}
