// The preseed file as every command reads it: validated from the very bytes its digest is taken of,
// so a saved plan names exactly the file content it was planned against. The one place that reads
// a preseed from disk; everything after the bytes is pure (src/preseed/load.ts). The text is kept
// for the add-mode initiator's SSH defaults (targets.ts).
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { decodePreseed, fileError, loadPreseed, MAX_PRESEED_BYTES, tooLarge, type LoadResult } from '../preseed/load.js';

export interface PlannedPreseed {
  result: LoadResult;
  /** Present when the file could be read and decoded. */
  text: string | null;
  /** `sha256:<hex>` of the file's bytes. */
  digest: string | null;
}

export const digestOf = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const failed = (diagnostic: LoadResult['diagnostics'][number]): PlannedPreseed => ({ result: { desired: null, diagnostics: [diagnostic] }, text: null, digest: null });

/** Reads and validates a preseed file; every failure, including an unreadable file, is a diagnostic. */
export async function readPlannedPreseed(path: string, home: string = homedir()): Promise<PlannedPreseed> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return failed(fileError(path, 'is a directory, not a preseed file', 'give the path of a YAML file', null, null));
    // Refuse before reading: a multi-gigabyte file must not be loaded into memory to be rejected.
    if (info.size > MAX_PRESEED_BYTES) return failed(tooLarge(path, info.size));
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return failed(fileError(path, `cannot read the file: ${reason}`, code === 'ENOENT' ? 'check the path' : null, null, null));
  }
  const decoded = decodePreseed(path, bytes);
  if ('error' in decoded) return failed(decoded.error);
  return {
    result: loadPreseed(path, decoded.text, { baseDir: dirname(resolve(path)), homeDir: home }),
    text: decoded.text,
    digest: digestOf(bytes),
  };
}

/** `validate`'s view: the diagnostics and, when valid, the DesiredState. */
export async function readPreseedFile(path: string, home: string = homedir()): Promise<LoadResult> {
  return (await readPlannedPreseed(path, home)).result;
}
