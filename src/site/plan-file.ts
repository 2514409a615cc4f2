// Plan files on disk (`plan --out PLANFILE`, `apply PLANFILE`): written whole or not at all, owner-
// readable only; read back as a saved plan only when the file is one.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PLAN_DOCUMENT_KIND, type Plan } from '../plan/index.js';
import type { SavedPlan } from '../plan/saved-plan.js';

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

/** A saved plan (`plan --out`), or null when the file is a preseed. */
export async function readSavedPlan(path: string): Promise<(SavedPlan & Plan) | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null; // loadSite reports unreadable files in its own words.
  }
  if (!text.trimStart().startsWith('{')) return null;
  try {
    const doc = JSON.parse(text) as SavedPlan & Plan;
    return doc.kind === PLAN_DOCUMENT_KIND ? doc : null;
  } catch {
    return null;
  }
}

