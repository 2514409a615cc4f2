// Collects the steps of a plan. A step is kept only when it is not already satisfied; its
// dependencies are declared as every step that must come before it (by address, planned or not)
// and narrowed to the planned ones at the end. Declaring the whole set rather than the nearest
// predecessor keeps a plan stable: running any one step leaves the next plan equal to this one
// without that step.
import type { LiveState } from '../live/state.js';
import type { Step, StepKind, StepOf } from './plan.js';
import { satisfied } from './steps/index.js';

export type StepDraft<K extends StepKind = StepKind> = Omit<StepOf<K>, 'dependsOn' | 'changes' | 'action'> &
  Partial<Pick<StepOf<K>, 'changes' | 'action'>>;

export class PlanGraph {
  readonly #steps: Step[] = [];
  readonly #after = new Map<string, readonly string[]>();
  readonly #seen = new Set<string>();

  constructor(private readonly live: LiveState) {}

  /** Adds the step unless the live state already satisfies it; returns whether it was added. */
  add<K extends StepKind>(draft: StepDraft<K>, after: readonly (string | null)[]): boolean {
    const step = { action: 'create', changes: [], ...draft, dependsOn: [] } as unknown as Step;
    if (this.#seen.has(step.address)) throw new Error(`step ${step.address} is planned twice`);
    this.#seen.add(step.address);
    if (satisfied(step, this.live)) return false;
    this.#steps.push(step);
    this.#after.set(step.address, after.filter((a): a is string => a !== null));
    return true;
  }

  has(address: string): boolean {
    return this.#after.has(address);
  }

  steps(): Step[] {
    const planned = new Set(this.#after.keys());
    return this.#steps.map((s) => ({
      ...s,
      dependsOn: [...new Set(this.#after.get(s.address) ?? [])].filter((a) => a !== s.address && planned.has(a)),
    }));
  }
}
