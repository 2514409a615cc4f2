// snapd's answers as the tool uses them: installed snaps for HostFacts, the store's channels of a
// snap, and a change's outcome. Pure. Field meanings: canonical/snapd client/packages.go (Snap),
// client/change.go (Change, Task), cmd/snapd/cli/notes.go (held: a hold that has not run out) at
// bee548f7.
import type { InstalledSnap, StoreChannel } from '../live/state.js';
import type { SnapdChangeJson, SnapdFindJson, SnapdSnapJson } from './api-types.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function mapInstalledSnaps(snaps: readonly SnapdSnapJson[] | null | undefined, now: Date): InstalledSnap[] {
  return (snaps ?? []).filter((s) => str(s?.name) !== '').map((s) => {
    const hold = Date.parse(str(s.hold));
    return {
      name: str(s.name),
      version: str(s.version),
      revision: str(s.revision),
      channel: str(s['tracking-channel']),
      held: Number.isFinite(hold) && hold > now.getTime(),
      cohort: str(s['cohort-key']) !== '',
    };
  });
}

export type { StoreChannel } from '../live/state.js';

export function mapStoreChannels(found: SnapdFindJson | null | undefined): StoreChannel[] {
  return Object.entries(found?.channels ?? {})
    .filter(([, c]) => c !== null && typeof c === 'object')
    .map(([name, c]) => ({ channel: str(c?.channel) || name, revision: str(c?.revision), version: str(c?.version) }))
    .sort((a, b) => a.channel.localeCompare(b.channel));
}

/** A change as the tool follows it: ready once snapd says so; the failure's words and task log. */
export interface SnapdChange {
  id: string;
  kind: string;
  summary: string;
  status: string;
  ready: boolean;
  /** snapd's "cannot perform the following tasks: …", "" when none. */
  err: string;
  snapNames: string[];
  /** Each task that logged something: its summary, status and log lines. */
  log: { task: string; status: string; lines: string[] }[];
}

export function mapChange(c: SnapdChangeJson | null | undefined): SnapdChange {
  return {
    id: str(c?.id),
    kind: str(c?.kind),
    summary: str(c?.summary),
    status: str(c?.status),
    ready: c?.ready === true,
    err: str(c?.err),
    snapNames: (c?.data?.['snap-names'] ?? []).filter((n): n is string => typeof n === 'string'),
    log: (c?.tasks ?? []).filter((t) => (t.log ?? []).length > 0)
      .map((t) => ({ task: str(t.summary), status: str(t.status), lines: (t.log ?? []).map(str) })),
  };
}
