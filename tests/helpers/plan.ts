// Plan helpers only the tests need: which steps a walk could start next, and the JSON document
// checked for secrets in one call (the CLI renders and checks through planDocument and assertNoSecrets).
import type { Plan, Step } from '../../src/plan/plan.js';
import { assertNoSecrets, planDocument } from '../../src/plan/render.js';
import type { Secret } from '../../src/secrets.js';

/** Steps whose dependencies are all in `done` and that are not done themselves. */
export function readySteps(steps: readonly Step[], done: ReadonlySet<string> = new Set()): Step[] {
  return steps.filter((s) => !done.has(s.address) && s.dependsOn.every((d) => done.has(d)));
}

/** The versioned JSON document, checked to carry no secret. */
export function renderPlanJson(plan: Plan, secrets: readonly Secret[] = []): string {
  const doc = planDocument(plan);
  assertNoSecrets(doc, secrets);
  return `${JSON.stringify(doc, null, 2)}\n`;
}
