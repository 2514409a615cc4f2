import { loadPreseed, type LoadResult } from '../../src/preseed/load.js';

export const CTX = { baseDir: '/etc/microcloud', homeDir: '/home/op' };

/** Validates YAML text given as lines (so line numbers in tests are easy to read). */
export function load(...lines: string[]): LoadResult {
  return loadPreseed('site.yaml', `${lines.join('\n')}\n`, CTX);
}

export const errorsOf = (r: LoadResult) => r.diagnostics.filter((d) => d.severity === 'error');
export const warningsOf = (r: LoadResult) => r.diagnostics.filter((d) => d.severity === 'warning');

/** Three unicast systems with the given extra lines per system and at the end. */
export function unicast(opts: { top?: string[]; perSystem?: (i: number) => string[]; tail?: string[] } = {}): string[] {
  const lines = ['initiator_address: 10.0.0.11', 'session_passphrase: s3cret-Passphrase-42', ...(opts.top ?? []), 'systems:'];
  for (let i = 1; i <= 3; i++) {
    lines.push(`  - name: n${i}`, `    address: 10.0.0.1${i}`, ...(opts.perSystem?.(i) ?? []));
  }
  return [...lines, ...(opts.tail ?? [])];
}
