// Progress of an apply as events, and three ways to show them: a terminal (one line per finished
// step with its elapsed time, plus a running summary line redrawn in place), plain lines (logs, CI)
// and JSON lines (pipelines). The executor emits; the CLI picks the renderer. Events arrive already
// redacted (executor.ts), so renderers print them as they are.

import { jsonText, visible } from '../preseed/text.js';

export type ProgressEvent =
  | { type: 'run-started'; steps: number }
  | { type: 'lock-waiting'; holder: string }
  /** Something the operator should know that does not stop the run, e.g. a dead run's lock taken over. */
  | { type: 'warning'; message: string }
  | { type: 'step-started'; address: string; kind: string; machine: string }
  | { type: 'step-retry'; address: string; attempt: number; elapsedMs: number; error: string }
  | { type: 'step-done' | 'step-skipped'; address: string; elapsedMs: number; note?: string }
  | { type: 'step-failed'; address: string; elapsedMs: number; error: string }
  | { type: 'run-finished'; ok: boolean; done: number; skipped: number; failed: number; notStarted: number; elapsedMs: number };

export interface ProgressSink {
  emit(event: ProgressEvent): void;
}

export const silentProgress: ProgressSink = { emit: () => undefined };

/** "1.2s", "2m03s": short enough for a step line. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** One line per event, for logs and pipelines that are not terminals. */
export function plainProgress(out: NodeJS.WritableStream): ProgressSink {
  return { emit: (e) => { const line = plainLine(e); if (line) out.write(`${visible(line)}\n`); } };
}

export function plainLine(e: ProgressEvent): string | null {
  switch (e.type) {
    case 'run-started': return `Applying ${e.steps} step${e.steps === 1 ? '' : 's'}`;
    case 'lock-waiting': return `Waiting for the lock held by ${e.holder}`;
    case 'warning': return `warning: ${e.message}`;
    case 'step-started': return `${e.address}: started`;
    case 'step-retry': return `${e.address}: retrying (attempt ${e.attempt}) after ${e.error}`;
    case 'step-done': return `${e.address}: done (${formatElapsed(e.elapsedMs)})${e.note ? ` — ${e.note}` : ''}`;
    case 'step-skipped': return `${e.address}: already done, skipped (${formatElapsed(e.elapsedMs)})`;
    case 'step-failed': return `${e.address}: FAILED after ${formatElapsed(e.elapsedMs)}: ${e.error}`;
    case 'run-finished':
      return `${e.ok ? 'Finished' : 'Stopped'}: ${e.done} done, ${e.skipped} already done, ${e.failed} failed, ${e.notStarted} not started (${formatElapsed(e.elapsedMs)})`;
  }
}

/** JSON lines, each with a version so consumers can rely on the shape. */
export function jsonProgress(out: NodeJS.WritableStream, now: () => number = Date.now): ProgressSink {
  return { emit: (e) => out.write(jsonText({ v: 1, time: new Date(now()).toISOString(), ...e })) };
}

/**
 * For a terminal: finished steps scroll up as lines ("✓ address 1.2s"); the bottom line is a summary
 * redrawn in place ("3/27 · running: a, b"). Started steps print nothing of their own, so a run of
 * many parallel steps stays readable.
 */
export function terminalProgress(out: NodeJS.WritableStream): ProgressSink {
  let total = 0;
  let finished = 0;
  const running = new Set<string>();
  const clear = '\r\x1b[K';
  const summary = (): void => {
    const names = [...running];
    const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? `, +${names.length - 3}` : '');
    out.write(`${clear}${visible(`${finished}/${total}${names.length ? ` · running: ${shown}` : ''}`)}`);
  };
  // Error texts come from the machines: shown as \uXXXX escapes, never as control sequences; the
  // only escapes written are this renderer's own (`clear`).
  const line = (text: string): void => {
    out.write(`${clear}${visible(text)}\n`);
    summary();
  };
  return {
    emit(e) {
      switch (e.type) {
        case 'run-started': total = e.steps; summary(); break;
        case 'lock-waiting': line(`… waiting for the lock held by ${e.holder}`); break;
        case 'warning': line(`warning: ${e.message}`); break;
        case 'step-started': running.add(e.address); summary(); break;
        case 'step-retry': line(`↻ ${e.address} retrying (attempt ${e.attempt}): ${e.error}`); break;
        case 'step-done': case 'step-skipped': case 'step-failed': {
          running.delete(e.address);
          finished++;
          const mark = e.type === 'step-done' ? '✓' : e.type === 'step-skipped' ? '=' : '✗';
          const tail = e.type === 'step-failed' ? `: ${e.error}` : e.type === 'step-skipped' ? ' (already done)' : '';
          line(`${mark} ${e.address} ${formatElapsed(e.elapsedMs)}${tail}`);
          break;
        }
        case 'run-finished': out.write(`${clear}${plainLine(e) ?? ''}\n`); break;
      }
    },
  };
}
