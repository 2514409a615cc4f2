// The journal: one JSON line per event of a run (run start, every step with its result, run end),
// appended to a file so successive runs read as one history. Records arrive redacted from the
// executor; inputs are never written, only their digest, so the journal can be compared with a plan.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson } from '../plan/fingerprint.js';

export type JournalRecord = Record<string, unknown> & { event: string };

export interface Journal {
  write(record: JournalRecord): void;
  /** Flushes; the file is complete once this resolves. */
  close(): Promise<void>;
}

export const noJournal: Journal = { write: () => undefined, close: async () => undefined };

/** `sha256:<hex>` of the inputs in canonical JSON: equal inputs, equal digest, whatever the key order. */
export function inputsDigest(inputs: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(inputs ?? null)).digest('hex')}`;
}

/** Appends to `path` (created 0600 with its directory): a journal may name machines and disks. */
export function fileJournal(path: string, now: () => number = Date.now): Journal {
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path, { flags: 'a', mode: 0o600 });
  let failure: Error | null = null;
  out.on('error', (err) => { failure = err; });
  return {
    write(record) {
      if (!failure) out.write(`${JSON.stringify({ time: new Date(now()).toISOString(), ...record })}\n`);
    },
    async close() {
      if (!failure) {
        out.end();
        await once(out, 'close');
      }
      if (failure) throw new Error(`cannot write the journal ${path}: ${(failure as Error).message}`);
    },
  };
}
