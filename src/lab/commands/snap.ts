// `snap list [--all] [NAME…]` in snapd's column format (Go tabwriter: min width 5, padding 2;
// the verified-publisher mark is "**" when stdout is not a terminal, as over `ssh host cmd`).
// The rows are what the lab's snapd lists (snapd/installed.ts): one list for both, as on a real
// machine where `snap list` asks snapd (canonical/snapd cmd/snapd/cli/cmd_list.go at bee548f7).
import { localSnaps, notes } from '../snapd/installed.js';
import { type CommandImpl, fail, ok } from './types.js';

/** cmd_list.go fmtChannel: no channel is "-", a branch is shown as "…". */
const fmtChannel = (ch: string): string => (ch === '' ? '-' : ch.split('/').length === 3 ? `${ch.slice(0, ch.lastIndexOf('/') + 1)}…` : ch);

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
  const now = new Date();
  let rows = localSnaps(ctx.spec).map((s) => ({
    name: s.name, version: s.version, rev: s.revision, tracking: fmtChannel(s.tracking), publisher: 'canonical**', notes: notes(s, now),
  }));
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
