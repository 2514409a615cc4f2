// What snapd does with an install, a refresh, a hold and an unhold on one machine: the checks it
// answers synchronously (canonical/snapd daemon/api_snaps.go snapInstall, snapUpdate, snapHoldMany,
// snapUnholdMany, errToResponse; overlord/snapstate: installationTaskSets, UpdateWithGoal with
// maybeSwitchSnapMetadataTaskSet, HoldRefreshesBySystem, checkChangeConflict, validateInfoAndFlags'
// assumes check; at bee548f7), then the change it starts. A refresh of a held snap that names it
// goes ahead: only refreshes of all snaps skip held ones (target.go filterHeldSnaps).
import { parseSnapChannel, SNAP_RISKS } from '../../preseed/snap-channel.js';
import { snapdOf } from '../machines.js';
import type { LabResponse, MachineSpec, SnapSpec } from '../types.js';
import { changeStatus, type ChangeLog, type TaskStep } from './changes.js';
import { localSnaps } from './installed.js';
import type { SnapInstruction } from './instruction.js';
import {
  accepted, alreadyInstalled, cannot, changeConflict, channelNotAvailable, notInstalled, noUpdateAvailable, notSimulated,
  quoted, revisionNotAvailable, snapNotFound,
} from './response.js';
import type { SnapStore, StoreRevision } from './store.js';
import { ellipt, installTasks, refreshTasks, switchTask, type SnapEffects } from './tasks.js';
import type { SnapHistoryEntry, SnapTimeline } from './timeline.js';

/** The snap's services around a change: `from` null for an install. */
export interface SnapServiceEvent {
  machine: string;
  snap: string;
  from: Readonly<SnapSpec> | null;
  to: Readonly<SnapSpec>;
}

/** Called as snapd stops and starts the snap's services; a hook that throws fails that task. */
export interface SnapServiceHooks {
  stop?(e: SnapServiceEvent): Promise<void> | void;
  start?(e: SnapServiceEvent): Promise<void> | void;
}

export interface MachineSnapd {
  machine: string;
  spec: MachineSpec;
  store: SnapStore;
  log: ChangeLog;
  now(): Date;
  /** Sleep a share of the lab's install or refresh duration. */
  spend(kind: 'install' | 'refresh', share: number): Promise<void>;
  hooks(snap: string): SnapServiceHooks[];
  /** An injected failure for this snap's task kind, consumed when returned. */
  fault(snap: string, task: string): string | undefined;
  /** Starts the change's tasks in the background; `ready` runs once it is. */
  start(change: ReturnType<ChangeLog['add']>, ready?: () => void): void;
  timeline: SnapTimeline;
  /** The snap's daemons: gone from now on (their sockets refuse), or back `daemonStart` ms from now. */
  daemons: { stop(snap: string, reason: 'install' | 'refresh'): void; startSoon(snap: string): void; removed(snap: string): void };
}

/** Go's time.Duration max (~292 years): how long "forever" holds (autorefresh.go maxDuration). */
const FOREVER_MS = 9223372036854.775807;

/** strutil.VersionCompare on dotted numbers, enough for snapd's own versions ("2.66.1" ≥ "2.59"). */
function versionAtLeast(current: string, wanted: string): boolean {
  const a = current.split(/[.+~-]/).map((x) => Number.parseInt(x, 10) || 0);
  const b = wanted.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    if ((a[k] ?? 0) !== (b[k] ?? 0)) return (a[k] ?? 0) > (b[k] ?? 0);
  }
  return true;
}

/** naming.ValidateAssumes for `snapdX.Y` flags, in validateInfoAndFlags' words; null when met. */
function unmetAssumes(name: string, rev: StoreRevision, snapdVersion: string): string | null {
  const failed = (rev.assumes ?? []).filter((f) => f.startsWith('snapd') && !versionAtLeast(snapdVersion, f.slice(5)));
  return failed.length ? `snap ${JSON.stringify(name)} assumes unsupported features: ${failed.join(', ')} (try to refresh snapd)` : null;
}

/** installRefreshMessage: the change's summary. */
function changeSummary(action: 'install' | 'refresh', name: string, inst: SnapInstruction): string {
  let s = `${action === 'install' ? 'Install' : 'Refresh'} ${JSON.stringify(name)} snap`;
  if (inst.channel !== 'stable' && inst.channel !== '') s += ` from ${JSON.stringify(inst.channel)} channel`;
  if (inst.cohortKey !== '') s += ` from ${JSON.stringify(ellipt(inst.cohortKey))} cohort`;
  return s;
}

/** channel.Resolve: a risk-only channel keeps the track the snap is on. */
function resolveChannel(tracking: string, requested: string): string {
  if (requested === '') return tracking;
  const track = tracking.split('/')[0];
  const first = requested.split('/')[0];
  return (SNAP_RISKS as readonly string[]).includes(first ?? '') && track && track !== 'latest' ? `${track}/${requested}` : requested;
}

function effects(m: MachineSnapd, kind: 'install' | 'refresh', name: string, before: SnapSpec | null, after: SnapSpec): SnapEffects {
  const fail = (task: string): void => {
    const message = m.fault(name, task);
    if (message !== undefined) throw new Error(message);
  };
  const event = (from: SnapSpec | null, to: SnapSpec): SnapServiceEvent => ({ machine: m.machine, snap: name, from, to });
  const call = async (which: 'stop' | 'start', e: SnapServiceEvent): Promise<void> => {
    for (const h of m.hooks(name)) await h[which]?.(e);
  };
  const current = (): SnapSpec | undefined => m.spec.snaps.find((s) => s.name === name);
  return {
    download: async () => { await m.spend(kind, 0.7); fail('download-snap'); },
    link: () => {
      fail('link-snap');
      // An installed snap's daemon exists from here on, but answers only once its services start.
      if (kind === 'install') m.daemons.stop(name, 'install');
      const s = current();
      if (s) Object.assign(s, after);
      else m.spec.snaps.push({ ...after });
    },
    unlink: () => {
      const k = m.spec.snaps.findIndex((s) => s.name === name);
      if (k < 0) return;
      if (before) m.spec.snaps[k] = { ...before, ...(m.spec.snaps[k]!.hold ? { hold: m.spec.snaps[k]!.hold } : {}) };
      else {
        m.spec.snaps.splice(k, 1);
        m.daemons.removed(name);
      }
    },
    stopServices: async () => {
      fail('stop-snap-services');
      m.daemons.stop(name, 'refresh');
      await call('stop', event(before, after));
    },
    startServices: async () => {
      if (kind === 'install') await m.spend('install', 0.3);
      fail('start-snap-services');
      // Undoing a refresh starts the old revision's services again.
      const s = current();
      await call('start', s && s.revision === after.revision ? event(before, after) : event(before, before ?? after));
      m.daemons.startSoon(name);
    },
    whileStopped: () => m.spend('refresh', 0.3),
  };
}

/** Starts an install's or refresh's change, with its entry in the site's snap history. */
function startTracked(m: MachineSnapd, change: ReturnType<ChangeLog['add']>, kind: SnapHistoryEntry['kind'], name: string,
  from: SnapSpec | null, to: SnapSpec): void {
  const ref = (s: SnapSpec) => ({ channel: s.channel, revision: s.revision, version: s.version });
  const entry = m.timeline.begin({ machine: m.machine, snap: name, kind, changeId: change.id, from: from && ref(from), to: ref(to), status: 'Do' });
  m.start(change, () => m.timeline.end(entry, changeStatus(change)));
}

function conflictFor(m: MachineSnapd, name: string): LabResponse | null {
  const c = m.log.inProgressFor(name);
  return c ? changeConflict(name, c.kind) : null;
}

export function install(m: MachineSnapd, name: string, inst: SnapInstruction): LabResponse {
  if (localSnaps(m.spec).some((s) => s.name === name)) return alreadyInstalled(name);
  const snap = m.store.find(name);
  if (!snap) return snapNotFound(name);
  const requested = inst.channel === '' ? 'stable' : inst.channel;
  const parsed = parseSnapChannel(requested);
  if (!parsed.ok) return cannot('install', [name], parsed.error);
  if (inst.revision < 0) return revisionNotAvailable(name);
  const r = m.store.resolve(snap, parsed.channel, { machine: m.machine, cohort: inst.cohortKey !== '', ...(inst.revision > 0 ? { revision: inst.revision } : {}) });
  if (!r.ok) return r.reason === 'no-channel' ? channelNotAvailable(name, 'install', requested, r.releases) : revisionNotAvailable(name);
  const unmet = unmetAssumes(name, r.revision, snapdOf(m.spec)?.version ?? '');
  if (unmet) return cannot('install', [name], unmet);
  const conflict = conflictFor(m, name);
  if (conflict) return conflict;
  const after: SnapSpec = {
    name, version: r.revision.version, revision: String(r.revision.revision), channel: r.channel,
    ...(inst.cohortKey ? { cohortKey: inst.cohortKey } : {}),
  };
  const change = m.log.add('install-snap', changeSummary('install', name, inst), [name],
    installTasks(name, after.revision, r.channel, effects(m, 'install', name, null, after)));
  startTracked(m, change, 'install', name, null, after);
  return accepted(change.id);
}

export function refresh(m: MachineSnapd, name: string, inst: SnapInstruction): LabResponse {
  const listed = localSnaps(m.spec).find((s) => s.name === name);
  if (!listed) return notInstalled(name);
  const own = listed.spec;
  if (!own) return notSimulated(`refreshing ${name}, which the lab installs implicitly`);
  const snap = m.store.find(name);
  if (!snap) return snapNotFound(name);
  const requested = resolveChannel(own.channel, inst.channel);
  const parsed = parseSnapChannel(requested);
  if (!parsed.ok) return cannot('refresh', [name], parsed.error);
  const cohortKey = inst.cohortKey !== '' ? inst.cohortKey : inst.leaveCohort ? '' : own.cohortKey ?? '';
  if (inst.revision < 0) return revisionNotAvailable(name);
  const r = m.store.resolve(snap, parsed.channel, { machine: m.machine, cohort: cohortKey !== '', ...(inst.revision > 0 ? { revision: inst.revision } : {}) });
  if (!r.ok) return r.reason === 'no-channel' ? channelNotAvailable(name, 'refresh', requested, r.releases) : revisionNotAvailable(name);
  const unmet = unmetAssumes(name, r.revision, snapdOf(m.spec)?.version ?? '');
  if (unmet) return cannot('refresh', [name], unmet);
  const before: SnapSpec = { ...own };
  const after: SnapSpec = {
    ...own, version: r.revision.version, revision: String(r.revision.revision), channel: r.channel,
  };
  delete after.cohortKey;
  if (cohortKey) after.cohortKey = cohortKey;
  let steps: TaskStep[];
  if (after.revision === own.revision) {
    // The same revision: only the channel or the cohort moves, or there is nothing to do.
    if (after.channel === own.channel && cohortKey === (own.cohortKey ?? '')) return noUpdateAvailable();
    const set = (s: SnapSpec) => () => {
      const cur = m.spec.snaps.find((x) => x.name === name);
      if (!cur) return;
      cur.channel = s.channel;
      if (s.cohortKey) cur.cohortKey = s.cohortKey;
      else delete cur.cohortKey;
    };
    steps = [switchTask(name, { channel: own.channel, cohort: own.cohortKey ?? '' }, { channel: after.channel, cohort: cohortKey }, set(after), set(before))];
  } else {
    steps = refreshTasks(name, after.revision, r.channel, effects(m, 'refresh', name, before, after));
  }
  const conflict = conflictFor(m, name);
  if (conflict) return conflict;
  const change = m.log.add('refresh-snap', changeSummary('refresh', name, inst), [name], steps);
  startTracked(m, change, 'refresh', name, before, after);
  return accepted(change.id);
}

/** HoldRefreshesBySystem for named snaps: every one must be installed; "forever" is Go's longest duration. */
export function hold(m: MachineSnapd, inst: SnapInstruction): LabResponse {
  if (inst.snaps.length === 0) {
    return inst.holdLevel === 'general' ? cannot('hold', [], 'holding general refreshes for all snaps is not supported')
      : notSimulated('holding auto-refreshes of all snaps (the refresh.hold option)');
  }
  const installed = localSnaps(m.spec);
  const missing = inst.snaps.find((n) => !installed.some((s) => s.name === n));
  // A value, not a pointer, of snap.NotInstalledError: errToResponse gives it no kind.
  if (missing !== undefined) return cannot('hold', inst.snaps, `snap ${JSON.stringify(missing)} is not installed`);
  const implicit = inst.snaps.find((n) => !installed.find((s) => s.name === n)?.spec);
  if (implicit !== undefined) return notSimulated(`holding ${implicit}, which the lab installs implicitly`);
  const until = inst.time === 'forever' ? new Date(m.now().getTime() + FOREVER_MS) : new Date(inst.time);
  for (const n of inst.snaps) installed.find((s) => s.name === n)!.spec!.hold = until.toISOString();
  const what = inst.holdLevel === 'auto-refresh' ? 'Hold auto-refreshes for' : 'Hold general refreshes for';
  const change = m.log.add('hold-snap', `${what} ${quoted(inst.snaps)}`, [...inst.snaps], []);
  return accepted(change.id);
}

/** ProceedWithRefresh("system", snaps): the system holds of the named snaps go; nothing is checked. */
export function unhold(m: MachineSnapd, inst: SnapInstruction): LabResponse {
  if (inst.snaps.length === 0) return notSimulated('removing the auto-refresh hold of all snaps (the refresh.hold option)');
  for (const s of m.spec.snaps) if (inst.snaps.includes(s.name)) delete s.hold;
  const change = m.log.add('unhold-snap', `Remove refresh hold on ${quoted(inst.snaps)}`, [...inst.snaps], []);
  return accepted(change.id);
}
