// The preseed a plan is made from: validated from the very bytes its digest is taken of, so a saved
// plan names exactly the file content it was planned against. The text is kept for the add-mode
// initiator's SSH defaults (targets.ts).
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { decodePreseed, loadPreseed, MAX_PRESEED_BYTES, readPreseedFile, type LoadResult } from '../preseed/load.js';

export interface PlannedPreseed {
  result: LoadResult;
  /** Present when the file could be read and decoded. */
  text: string | null;
  /** `sha256:<hex>` of the file's bytes. */
  digest: string | null;
}

export const digestOf = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export async function readPlannedPreseed(path: string, home: string = homedir()): Promise<PlannedPreseed> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory() || info.size > MAX_PRESEED_BYTES) throw new Error('not a preseed file');
    bytes = await readFile(path);
  } catch {
    // Unreadable, a directory, too large: the loader says which, in its own words.
    return { result: await readPreseedFile(path, home), text: null, digest: null };
  }
  const decoded = decodePreseed(path, bytes);
  if ('error' in decoded) return { result: { desired: null, diagnostics: [decoded.error] }, text: null, digest: null };
  return {
    result: loadPreseed(path, decoded.text, { baseDir: dirname(resolve(path)), homeDir: home }),
    text: decoded.text,
    digest: digestOf(bytes),
  };
}
