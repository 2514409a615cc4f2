// The plan as a document (`plan --json`) and as a file (`plan --out PLANFILE`): the versioned plan
// (steps, preseed digest, live-state fingerprint, pinned disk resolution) plus which tool made it
// from which file. It never holds a secret, and that is checked before a byte is written.
import { randomBytes } from 'node:crypto';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { Secret } from '../preseed/secret.js';
import type { Plan } from './plan.js';
import { assertNoSecrets, planDocument, type PlanDocument } from './render.js';

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
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Writes the plan file readable by its owner only (0600), atomically: a temporary file in the same
 * directory, then a rename, so a reader never sees half a plan and an old file's mode does not carry over.
 */
export async function writePlanFile(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
