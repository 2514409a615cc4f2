// A journal that keeps its records in memory, for tests that read what a run wrote.
import type { Journal, JournalRecord } from '../../src/apply/journal.js';

export function memoryJournal(): Journal & { records: JournalRecord[] } {
  const records: JournalRecord[] = [];
  return { records, write: (r) => { records.push(structuredClone(r)); }, close: async () => undefined };
}
