// What an apply did and did not do, for the CLI's closing lines and for pipelines (it is JSON).
import { visible } from '../preseed/text.js';
import type { StepResult } from './run-step.js';

export interface ApplyReport {
  ok: boolean;
  /** 0 when every step is done and the site was confirmed to match; 1 otherwise. */
  exitCode: 0 | 1;
  /** Every step that ran, in the order they finished. */
  steps: StepResult[];
  done: string[];
  /** Already as wanted when their turn came (by an earlier run, or a concurrent one). */
  skipped: string[];
  failed: { address: string; error: string }[];
  /** Not started because an earlier failure stopped the run (or the lock was not obtained). */
  notStarted: string[];
  /** A failure that is not one step's: the lock, an interruption, the final check. Redacted. */
  error?: string;
  /** Problems that did not change the outcome, e.g. the lock could not be released. */
  warnings: string[];
  /**
   * After a complete walk, the steps a fresh plan still contains: [] means the site matches the
   * file. null when not checked (no replan given, or the walk stopped early).
   */
  remaining: string[] | null;
  durationMs: number;
}

/** Lines for a person: what failed and why, what was done, what is left for the next run. */
export function reportLines(r: ApplyReport): string[] {
  const lines: string[] = [];
  if (r.error) lines.push(`Error: ${r.error}`);
  for (const f of r.failed) lines.push(`Failed: ${f.address}: ${f.error}`);
  if (!r.ok) {
    lines.push(`Done: ${r.done.length} step${r.done.length === 1 ? '' : 's'}${r.skipped.length ? ` (and ${r.skipped.length} already done)` : ''}.`);
    if (r.notStarted.length) lines.push(`Not started (${r.notStarted.length}): ${r.notStarted.join(', ')}`);
    if (r.remaining?.length) lines.push(`Still to do after the walk (${r.remaining.length}): ${r.remaining.join(', ')}`);
    lines.push('Nothing was rolled back: run apply again to continue from where the site is now.');
  }
  for (const w of r.warnings) lines.push(`Warning: ${w}`);
  // Error texts come from the machines: escaped, never control sequences on the operator's terminal.
  return lines.map(visible);
}
