// The tasks of an install and of a refresh, with snapd's kinds and summaries (canonical/snapd
// overlord/snapstate/snap.go, snapstate.go switchSummary, hookstate/hooks.go, configstate,
// healthstate at bee548f7), each carrying the lab's effect where the real task has one: the
// download and the time the services are down cost the lab's durations, link-snap changes what is
// installed, stop/start-snap-services call the services hooks. What a task does not change is
// only shown.
import type { TaskStep } from './changes.js';

export interface SnapEffects {
  /** Download, mount and check: most of an install's or refresh's time. */
  download(): Promise<void>;
  /** Make the new revision current (and undo it). */
  link(): void;
  unlink(): void;
  /** The snap's services stop and start (the daemon goes away and comes back). */
  stopServices(): Promise<void>;
  startServices(): Promise<void>;
  /** While the services are stopped during a refresh: copying data, setting up profiles. */
  whileStopped(): Promise<void>;
}

const hook = (name: string, snap: string): TaskStep => ({ kind: 'run-hook', summary: `Run ${name} hook of ${JSON.stringify(snap)} snap if present` });

/** What an install and a refresh both begin with: the new revision fetched, checked and mounted. */
function fetchTasks(q: string, r: string, channel: string, fx: SnapEffects): TaskStep[] {
  return [
    { kind: 'prerequisites', summary: `Ensure prerequisites for ${q} are available` },
    { kind: 'download-snap', summary: `Download snap ${q}${r} from channel ${JSON.stringify(channel)}`, run: () => fx.download() },
    { kind: 'validate-snap', summary: `Fetch and check assertions for snap ${q}${r}` },
    { kind: 'mount-snap', summary: `Mount snap ${q}${r}` },
  ];
}

export function installTasks(snap: string, revision: string, channel: string, fx: SnapEffects): TaskStep[] {
  const q = JSON.stringify(snap);
  const r = ` (${revision})`;
  return [
    ...fetchTasks(q, r, channel, fx),
    { kind: 'copy-snap-data', summary: `Copy snap ${q} data` },
    { kind: 'setup-profiles', summary: `Prepare snap ${q}${r} for security profile setup` },
    { kind: 'link-snap', summary: `Make snap ${q}${r} available to the system`, run: () => fx.link(), undo: () => fx.unlink() },
    { kind: 'auto-connect', summary: `Automatically connect eligible plugs and slots of snap ${q}` },
    { kind: 'set-auto-aliases', summary: `Set automatic aliases for snap ${q}` },
    { kind: 'setup-aliases', summary: `Setup snap ${q} aliases` },
    hook('install', snap),
    { kind: 'start-snap-services', summary: `Start snap ${q}${r} services`, run: () => fx.startServices(), undo: () => fx.stopServices() },
    hook('configure', snap),
    { kind: 'run-hook', summary: `Run health check of ${q} snap` },
  ];
}

export function refreshTasks(snap: string, revision: string, channel: string, fx: SnapEffects): TaskStep[] {
  const q = JSON.stringify(snap);
  const r = ` (${revision})`;
  return [
    ...fetchTasks(q, r, channel, fx),
    hook('pre-refresh', snap),
    { kind: 'stop-snap-services', summary: `Stop snap ${q} services`, run: () => fx.stopServices(), undo: () => fx.startServices() },
    { kind: 'remove-aliases', summary: `Remove aliases for snap ${q}` },
    { kind: 'unlink-current-snap', summary: `Make current revision for snap ${q} unavailable` },
    { kind: 'copy-snap-data', summary: `Copy snap ${q} data`, run: () => fx.whileStopped() },
    { kind: 'setup-profiles', summary: `Prepare snap ${q}${r} for security profile setup` },
    { kind: 'link-snap', summary: `Make snap ${q}${r} available to the system`, run: () => fx.link(), undo: () => fx.unlink() },
    { kind: 'auto-connect', summary: `Automatically connect eligible plugs and slots of snap ${q}` },
    { kind: 'set-auto-aliases', summary: `Set automatic aliases for snap ${q}` },
    { kind: 'setup-aliases', summary: `Setup snap ${q} aliases` },
    hook('post-refresh', snap),
    { kind: 'start-snap-services', summary: `Start snap ${q}${r} services`, run: () => fx.startServices(), undo: () => fx.stopServices() },
    { kind: 'cleanup', summary: `Clean up ${q}${r} install` },
    hook('configure', snap),
    { kind: 'run-hook', summary: `Run health check of ${q} snap` },
  ];
}

/** Go's strutil.ElliptLeft(s, 10): long cohort keys are shown by their last nine characters. */
export const ellipt = (s: string, n = 10): string => ([...s].length <= n ? s : `…${[...s].slice(-(n - 1)).join('')}`);

/** A refresh that keeps the revision and only moves the channel or the cohort (switch-snap-channel). */
export function switchTask(snap: string, from: { channel: string; cohort: string }, to: { channel: string; cohort: string },
  run: () => void, undo: () => void): TaskStep {
  const q = JSON.stringify(snap);
  const ch = (c: string) => JSON.stringify(c);
  let summary: string;
  if (from.cohort !== to.cohort) {
    if (to.cohort === '') {
      summary = from.channel === to.channel ? `Switch snap ${q} away from cohort ${ch(ellipt(from.cohort))}`
        : `Switch snap ${q} from channel ${ch(from.channel)} to ${ch(to.channel)} and away from cohort ${ch(ellipt(from.cohort))}`;
    } else if (from.cohort === '') {
      summary = from.channel === to.channel ? `Switch snap ${q} from no cohort to ${ch(ellipt(to.cohort))}`
        : `Switch snap ${q} from channel ${ch(from.channel)} to ${ch(to.channel)} and from no cohort to ${ch(ellipt(to.cohort))}`;
    } else {
      summary = from.channel === to.channel ? `Switch snap ${q} from cohort ${ch(ellipt(from.cohort))} to ${ch(ellipt(to.cohort))}`
        : `Switch snap ${q} from channel ${ch(from.channel)} to ${ch(to.channel)} and from cohort ${ch(ellipt(from.cohort))} to ${ch(ellipt(to.cohort))}`;
    }
  } else {
    summary = `Switch snap ${q} from channel ${ch(from.channel)} to ${ch(to.channel)}`;
  }
  return { kind: 'switch-snap-channel', summary, run, undo };
}
