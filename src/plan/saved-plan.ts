// The plan as a document (`plan --json`) and as a file (`plan --out PLANFILE`): the versioned plan
// (steps, preseed digest, live-state fingerprint, pinned disk resolution) plus which tool made it
// from which file. It never holds a secret, and that is checked before a byte is written. Pure:
// reading and writing plan files is src/site/plan-file.ts.
import type { Secret } from '../secrets.js';
import { canonicalJson } from './fingerprint.js';
import { PLAN_FORMAT_VERSION, type Plan, type Step } from './plan.js';
import { assertNoSecrets, PLAN_DOCUMENT_KIND, planDocument, type PlanDocument } from './render.js';
import { jsonText } from '../preseed/text.js';

export interface SavedPlanMeta {
  /** The tool's version (package.json). */
  version: string;
  /** Absolute path of the preseed the plan was made from; apply reads it again and checks the digest. */
  preseedFile: string;
}

export type SavedPlan = PlanDocument & {
  tool: { name: 'microcloud-apply'; version: string };
  preseedFile: string;
};

export function savedPlan(plan: Plan, meta: SavedPlanMeta): SavedPlan {
  return { ...planDocument(plan), tool: { name: 'microcloud-apply', version: meta.version }, preseedFile: meta.preseedFile };
}

/** JSON text of the document, after proving it reveals none of `secrets` and holds nothing secret-like. */
export function renderSavedPlan(doc: SavedPlan, secrets: readonly Secret[]): string {
  assertNoSecrets(doc, secrets);
  return jsonText(doc, 2);
}

/** Why a plan file cannot be read by this build at all (another kind of file, another format), or null. */
export function unreadableSavedPlan(doc: { kind?: unknown; format_version?: unknown; steps?: unknown }): string | null {
  if (doc.kind !== PLAN_DOCUMENT_KIND) return `it is not a plan file (kind ${JSON.stringify(doc.kind ?? null)}, expected ${PLAN_DOCUMENT_KIND})`;
  if (doc.format_version !== PLAN_FORMAT_VERSION) {
    return `it has format_version ${JSON.stringify(doc.format_version ?? null)}, and this build reads format_version ${PLAN_FORMAT_VERSION} only`;
  }
  if (!Array.isArray(doc.steps)) return 'it has no list of steps';
  return null;
}

const MAX_SHOWN = 5;

/** The leaf paths at which two JSON values differ (`inputs.source`, `dependsOn[1]`), at most `max`. */
function differingPaths(a: unknown, b: unknown, path: string, out: string[], max: number): void {
  if (out.length >= max || canonicalJson(a) === canonicalJson(b)) return;
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) differingPaths(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out, max);
    return;
  }
  out.push(path || '(the whole step)');
}

/**
 * What differs between a saved plan's steps and the steps the same preseed and live state produce
 * now, compared as canonical JSON: empty when the saved plan is exactly the plan. An edited plan
 * file (a disk swapped, a step added or dropped, the order changed) shows here.
 */
export function savedStepsDiffer(saved: readonly unknown[], fresh: readonly Step[]): string[] {
  const addressOf = (s: unknown): string => (s !== null && typeof s === 'object' && typeof (s as { address?: unknown }).address === 'string' ? (s as { address: string }).address : '(a step without an address)');
  const savedBy = new Map(saved.map((s) => [addressOf(s), s]));
  const freshBy = new Map(fresh.map((s) => [s.address, s]));
  const problems: string[] = [];
  for (const address of freshBy.keys()) if (!savedBy.has(address)) problems.push(`step ${address} is missing from the saved plan`);
  for (const address of savedBy.keys()) if (!freshBy.has(address)) problems.push(`step ${address} is in the saved plan but not in the plan`);
  if (savedBy.size !== saved.length) problems.push('the saved plan lists a step twice');
  for (const [address, s] of freshBy) {
    const kept = savedBy.get(address);
    if (kept === undefined) continue;
    const paths: string[] = [];
    differingPaths(kept, s, '', paths, MAX_SHOWN);
    if (paths.length > 0) problems.push(`step ${address} differs at ${paths.join(', ')}`);
  }
  if (problems.length === 0 && saved.map(addressOf).join('\n') !== fresh.map((s) => s.address).join('\n')) {
    problems.push('the saved plan lists the steps in another order');
  }
  return problems;
}
