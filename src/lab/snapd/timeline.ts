// What the lab's snap changes did and when, for tests that assert order, and which daemons a change
// has stopped right now (a daemon that is stopped has no listener on its socket, and its peers see
// it gone). One sequence counter orders every entry and outage of the site, so "this refresh ended
// before that one started" is a comparison of two numbers even when the lab's durations are zero.
import type { LabDaemon } from '../types.js';

export interface SnapRevisionRef { channel: string; revision: string; version: string }

export interface SnapHistoryEntry {
  machine: string;
  snap: string;
  kind: 'install' | 'refresh';
  changeId: string;
  /** Null for an install. */
  from: SnapRevisionRef | null;
  to: SnapRevisionRef;
  /** Lab milliseconds since the site started (the clock of the site's log `at`). */
  start: number;
  end: number | null;
  startSeq: number;
  endSeq: number | null;
  /** The change's status once ready (Done, Error, Undone); the current one before. */
  status: string;
}

export interface DaemonOutage {
  machine: string;
  daemon: LabDaemon;
  /** Why it went away: a snap being installed (its daemon not started yet) or refreshed, or (LXD) a
   *  started daemon waiting for the other cluster members to reach its version. */
  reason: 'install' | 'refresh' | 'version-wait';
  from: number;
  to: number | null;
  fromSeq: number;
  toSeq: number | null;
}

export class SnapTimeline {
  private seq = 0;
  private readonly entries: SnapHistoryEntry[] = [];
  private readonly outageLog: DaemonOutage[] = [];
  private readonly down = new Map<string, DaemonOutage>();

  constructor(private readonly clock: () => number) {}

  begin(e: Omit<SnapHistoryEntry, 'start' | 'end' | 'startSeq' | 'endSeq'>): SnapHistoryEntry {
    const entry: SnapHistoryEntry = { ...e, start: this.clock(), end: null, startSeq: ++this.seq, endSeq: null };
    this.entries.push(entry);
    return entry;
  }

  end(entry: SnapHistoryEntry, status: string): void {
    entry.end = this.clock();
    entry.endSeq = ++this.seq;
    entry.status = status;
  }

  /** The daemon stops answering (again: a no-op while it is already stopped for the same cause). */
  stop(machine: string, daemon: LabDaemon, reason: DaemonOutage['reason']): void {
    const key = this.key(machine, daemon, reason);
    if (this.down.has(key)) return;
    const o: DaemonOutage = { machine, daemon, reason, from: this.clock(), to: null, fromSeq: ++this.seq, toSeq: null };
    this.down.set(key, o);
    this.outageLog.push(o);
  }

  /** The cause ends: a snap change's (install, refresh) by default, or the version wait. */
  start(machine: string, daemon: LabDaemon, cause: 'snap' | 'version-wait' = 'snap'): void {
    const key = this.key(machine, daemon, cause);
    const o = this.down.get(key);
    if (!o) return;
    this.down.delete(key);
    o.to = this.clock();
    o.toSeq = ++this.seq;
  }

  isDown(machine: string, daemon: LabDaemon): boolean {
    return this.down.has(this.key(machine, daemon, 'snap')) || this.down.has(this.key(machine, daemon, 'version-wait'));
  }

  /** A snap change's outage and a version wait are separate causes that may overlap. */
  private key(machine: string, daemon: LabDaemon, cause: DaemonOutage['reason'] | 'snap'): string {
    return `${machine}\0${daemon}\0${cause === 'version-wait' ? cause : 'snap'}`;
  }

  history(): SnapHistoryEntry[] {
    return this.entries.map((e) => ({ ...e, from: e.from && { ...e.from }, to: { ...e.to } }));
  }

  outages(): DaemonOutage[] {
    return this.outageLog.map((o) => ({ ...o }));
  }
}
