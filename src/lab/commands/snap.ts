// `snap list [--all] [NAME…]` in snapd's column format (Go tabwriter: min width 5, padding 2;
// the verified-publisher mark is "**" when stdout is not a terminal, as over `ssh host cmd`).
import type { MachineSpec, SnapSpec } from '../types.js';
import { type CommandImpl, fail, ok } from './types.js';

interface Row { name: string; version: string; rev: string; tracking: string; publisher: string; notes: string }

/** Base snaps and snapd that any machine carrying the service snaps also has. */
const IMPLICIT: Row[] = [
  { name: 'core22', version: '20241001', rev: '1663', tracking: 'latest/stable', publisher: 'canonical**', notes: 'base' },
  { name: 'core24', version: '20241119', rev: '716', tracking: 'latest/stable', publisher: 'canonical**', notes: 'base' },
  { name: 'snapd', version: '2.66.1', rev: '23258', tracking: 'latest/stable', publisher: 'canonical**', notes: 'snapd' },
];

/** The snaps `snap list` shows for a spec (Debian's LXD is a deb, not a snap). */
export function installedSnaps(spec: MachineSpec): Row[] {
  const own = spec.snaps
    .filter((s) => !(s.name === 'lxd' && spec.lxdFlavor === 'deb-5.0'))
    .map((s: SnapSpec): Row => ({
      name: s.name, version: s.version, rev: s.revision, tracking: s.channel || '-',
      publisher: 'canonical**', notes: '-',
    }));
  if (own.length === 0) return [];
  const names = new Set(own.map((r) => r.name));
  return [...own, ...IMPLICIT.filter((r) => !names.has(r.name))].sort((a, b) => a.name.localeCompare(b.name));
}

/** Go's text/tabwriter with minwidth 5, padding 2, flags 0: the last cell of a line is not padded. */
export function tabwrite(lines: string[][]): string {
  const cols = Math.max(...lines.map((l) => l.length));
  const widths: number[] = [];
  for (let c = 0; c < cols - 1; c++) {
    widths[c] = Math.max(5, ...lines.map((l) => (c < l.length - 1 ? [...l[c]!].length + 2 : 0)));
  }
  return lines.map((l) => l.map((cell, c) => (c < l.length - 1 ? cell.padEnd(widths[c]! + cell.length - [...cell].length) : cell)).join('')).join('\n') + '\n';
}

export const snap: CommandImpl = (args, ctx) => {
  const [sub, ...rest] = args;
  if (sub === undefined) {
    return fail('The snap command lets you install, configure, refresh and remove snaps.\n\nUsage: snap <command> [<options>...]', 1);
  }
  if (sub !== 'list') {
    const known = ['info', 'version', 'install', 'remove', 'refresh', 'services', 'logs', 'connections', 'changes', 'get', 'set'];
    return known.includes(sub)
      ? fail(`lab: "snap ${sub}" is not simulated`, 1)
      : fail(`error: unknown command "${sub}", see 'snap help'.`, 1);
  }
  const names: string[] = [];
  for (const a of rest) {
    if (a === '--all' || a === '--unicode=never' || a === '--color=never' || a === '--unicode=auto' || a === '--color=auto') continue;
    if (a.startsWith('-')) return fail(`error: unknown flag \`${a.replace(/^-+/, '')}'`, 1);
    names.push(a);
  }
  let rows = installedSnaps(ctx.spec);
  if (rows.length === 0 && names.length === 0) {
    return { stdout: '', stderr: "No snaps are installed yet. Try 'snap install hello-world'.\n", exitCode: 0 };
  }
  if (names.length) rows = rows.filter((r) => names.includes(r.name));
  if (rows.length === 0) return fail('error: no matching snaps installed', 1);
  return ok(tabwrite([
    ['Name', 'Version', 'Rev', 'Tracking', 'Publisher', 'Notes'],
    ...rows.map((r) => [r.name, r.version, r.rev, r.tracking, r.publisher, r.notes]),
  ]));
};
