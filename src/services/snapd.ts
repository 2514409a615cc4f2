// Reading snapd through the machine's /run/snapd.socket, over the same SSH connection as the other
// daemons (a login that is not root goes through the sudo relay: the remote layer's ROOT_PEER).
// Installed snaps and snapd's version for the host facts; the store's channels of a snap, and
// changes (in progress, one by id, waited for until ready) for planning and applying the snaps.
// snapd's routes and shapes: canonical/snapd daemon/api_snaps.go, api_find.go, api_general.go at
// bee548f7. A machine without snapd has no socket: its reads are null, as for any daemon.
import { ApiError, RemoteTimeout, type Host } from '../remote/index.js';
import type { InstalledSnap } from '../live/state.js';
import type { SnapdChangeJson, SnapdFindJson, SnapdSnapJson, SnapdSystemInfoJson } from './api-types.js';
import { visible } from '../preseed/text.js';
import { get, whenInstalled } from './read.js';
import { mapChange, mapInstalledSnaps, mapStoreChannels, type SnapdChange, type StoreChannel } from './snapd-map.js';

export type { SnapdChange, StoreChannel } from './snapd-map.js';

export interface SnapdRead {
  version: string;
  snaps: InstalledSnap[];
}

/** snapd's version and what it has installed, or null when the machine has no snapd. Its changes in
 *  progress matter only to a file with snaps: (readChanges, src/site/gather-snaps.ts). */
export function readSnapd(host: Host, now: () => Date = () => new Date()): Promise<SnapdRead | null> {
  return whenInstalled(async () => {
    const [snaps, info] = await Promise.all([
      get<SnapdSnapJson[] | null>(host, 'snapd', '/v2/snaps'),
      get<SnapdSystemInfoJson | null>(host, 'snapd', '/v2/system-info'),
    ]);
    return { version: typeof info?.version === 'string' ? info.version : '', snaps: mapInstalledSnaps(snaps, now()) };
  });
}

/** What POST /v2/snaps/{name} is asked (daemon/api_snaps.go snapInstruction at bee548f7): a channel,
 *  and either a cohort (`"+"`: snapd creates or joins the snap's cohort) or a pinned revision. */
export interface SnapAction {
  action: 'install' | 'refresh';
  channel: string;
  cohort: boolean;
  revision: number | null;
}

/** Starts an install or refresh and returns its change's id (snapd answers 202 async). */
export async function postSnap(host: Host, name: string, a: SnapAction): Promise<string> {
  const body = {
    action: a.action, channel: a.channel,
    ...(a.revision !== null ? { revision: String(a.revision) } : a.cohort ? { 'cohort-key': '+' } : {}),
  };
  const r = await host.request('snapd', 'POST', `/v2/snaps/${encodeURIComponent(name)}`, body);
  if (r.type !== 'async' || r.operation === '') throw new Error(`${host.name}: snapd answered the ${a.action} of ${name} without a change`);
  return r.operation;
}

/** Holds the snaps' refreshes for ever at the general level (POST /v2/snaps, snapHoldMany), waited for. */
export async function holdSnaps(host: Host, names: readonly string[], opts: WaitChangeOptions): Promise<SnapdChange> {
  const r = await host.request('snapd', 'POST', '/v2/snaps', { action: 'hold', snaps: names, time: 'forever', 'hold-level': 'general' });
  return r.type === 'async' && r.operation !== '' ? waitChange(host, r.operation, opts) : mapChange({ ready: true, status: 'Done' });
}

/** A change that did not end Done, in snapd's words with the task log, for a step's error. */
export function changeFailure(host: string, c: SnapdChange): string | null {
  if (c.status === 'Done') return null;
  const log = c.log.flatMap((t) => t.lines.map((l) => `  ${visible(t.task)}: ${visible(l)}`));
  return `${host}: snapd's change ${visible(c.id)} (${visible(c.summary)}) ended ${visible(c.status)}${c.err ? `: ${visible(c.err)}` : ''}${log.length ? `\n${log.join('\n')}` : ''}`;
}

/** The store's channels of a snap and their revisions (GET /v2/find?name=), or null when the store
 *  has no such snap (404 snap-not-found). */
export async function readStoreChannels(host: Host, name: string): Promise<StoreChannel[] | null> {
  try {
    const found = await get<SnapdFindJson[] | null>(host, 'snapd', `/v2/find?name=${encodeURIComponent(name)}`);
    return mapStoreChannels((found ?? []).find((s) => s?.name === name));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && err.kind === 'snap-not-found') return null;
    throw err;
  }
}

/** snapd's changes, by default those in progress (an auto-refresh among them), optionally of one snap. */
export async function readChanges(host: Host, opts: { select?: 'in-progress' | 'ready' | 'all'; snap?: string } = {}): Promise<SnapdChange[]> {
  const q = new URLSearchParams({ select: opts.select ?? 'in-progress', ...(opts.snap ? { for: opts.snap } : {}) });
  return ((await get<SnapdChangeJson[] | null>(host, 'snapd', `/v2/changes?${q.toString()}`)) ?? []).map(mapChange);
}

export async function readChange(host: Host, id: string): Promise<SnapdChange> {
  return mapChange(await get<SnapdChangeJson>(host, 'snapd', `/v2/changes/${encodeURIComponent(id)}`));
}

export interface WaitChangeOptions {
  timeoutMs: number;
  /** Between polls (snapd has no long-poll for a change). Default 500 ms. */
  intervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Polls a change until snapd says it is ready and returns it, whatever its end (Done, Error,
 * Undone, Hold): what a failure means is the caller's to say, with `err` and the task log.
 */
export async function waitChange(host: Host, id: string, opts: WaitChangeOptions): Promise<SnapdChange> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const c = await readChange(host, id);
    if (c.ready) return c;
    if (Date.now() >= deadline) throw new RemoteTimeout(host.name, `snapd change ${id} (${c.summary})`, opts.timeoutMs);
    await sleep(Math.min(opts.intervalMs ?? 500, Math.max(0, deadline - Date.now())));
  }
}
