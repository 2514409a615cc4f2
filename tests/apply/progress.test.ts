// The three renderings of progress events: plain lines, JSON lines, a terminal.
import { PassThrough } from 'node:stream';
import { jsonProgress, plainProgress, terminalProgress, type ProgressEvent } from '../../src/apply/index.js';

const events: ProgressEvent[] = [
  { type: 'run-started', steps: 2 },
  { type: 'step-started', address: 'lxd/cluster@node1', kind: 'lxd-bootstrap', machine: 'node1' },
  { type: 'step-started', address: 'microceph/cluster@node1', kind: 'microceph-bootstrap', machine: 'node1' },
  { type: 'step-done', address: 'lxd/cluster@node1', elapsedMs: 1234 },
  { type: 'step-failed', address: 'microceph/cluster@node1', elapsedMs: 61_000, error: 'boom' },
  { type: 'run-finished', ok: false, done: 1, skipped: 0, failed: 1, notStarted: 0, elapsedMs: 62_000 },
];

function render(make: (out: NodeJS.WritableStream) => { emit(e: ProgressEvent): void }): string {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const sink = make(out);
  for (const e of events) sink.emit(e);
  return chunks.join('');
}

test('plain lines, one per event, with elapsed times', () => {
  expect(render(plainProgress).split('\n')).toEqual([
    'Applying 2 steps',
    'lxd/cluster@node1: started',
    'microceph/cluster@node1: started',
    'lxd/cluster@node1: done (1.2s)',
    'microceph/cluster@node1: FAILED after 1m01s: boom',
    'Stopped: 1 done, 0 already done, 1 failed, 0 not started (1m02s)',
    '',
  ]);
});

test('JSON lines carry a version, a time and the event', () => {
  const lines = render((out) => jsonProgress(out, () => 0)).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines).toHaveLength(events.length);
  expect(lines[3]).toEqual({ v: 1, time: '1970-01-01T00:00:00.000Z', type: 'step-done', address: 'lxd/cluster@node1', elapsedMs: 1234 });
});

test('a terminal gets a line per finished step and a summary redrawn in place', () => {
  const text = render(terminalProgress);
  expect(text).toContain('\r\x1b[K✓ lxd/cluster@node1 1.2s\n');
  expect(text).toContain('\r\x1b[K✗ microceph/cluster@node1 1m01s: boom\n');
  expect(text).toContain('0/2 · running: lxd/cluster@node1, microceph/cluster@node1');
  expect(text.endsWith('Stopped: 1 done, 0 already done, 1 failed, 0 not started (1m02s)\n')).toBe(true);
});
