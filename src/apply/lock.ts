// The run lock. It lives in the site, not on the operator's machine, so two operators (or two CI
// jobs) see each other: an LXD server config key on the initiator, `user.microcloud-apply.lock`,
// holding {id, owner, pid, host, operation, time} as JSON.
//
// Why there: LXD is on every machine the tool manages and its server config is the one store
// every run already reaches. Before clustering the key is on the initiator's own LXD; clustering
// keeps the server config, so the same key becomes cluster-wide, and an add run (whose initiator is
// an existing member) sees it from any member. `user.*` keys are free-form and ignored by LXD.
//
// Taking it is a compare-and-swap: read /1.0 with its ETag, PATCH only the lock key with If-Match,
// then read again and check the id is ours (LXD answers 412 when anything in the config moved in
// between). Releasing PATCHes the key to "" (which unsets it), again only if it is still ours.
//
// A run that dies without releasing (kill -9, a crashed laptop) leaves the lock behind. Only one case
// can be proved from here: the holder recorded this machine's host name and its process is gone, or
// its pid now belongs to a process started at another time (procStart). Such a lock is taken over
// with the same compare-and-swap, and the caller is told. A holder on another machine may be alive
// for all we know: it still takes --force-unlock.
import { hostname, userInfo } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ApiError, isTransient, type Host } from '../remote/index.js';
import { LOCK_CONFIG_KEY } from '../services/lxd-map.js';
import { pidAlive, procStart } from './proc.js';
import { formatElapsed } from './progress.js';
import type { Clock } from './types.js';

export { LOCK_CONFIG_KEY };

export interface LockInfo {
  id: string;
  /** user@host of the process holding it. */
  owner: string;
  pid: number;
  host: string;
  /** What the holder is doing, e.g. "apply site.yaml". */
  operation: string;
  /** ISO time it was taken. */
  time: string;
  /** The holder's start time (proc.ts), so a reused pid is not taken for it; absent from older
   *  versions' locks and where there is no /proc. */
  procStart?: string;
}

/** What a run needs of a lock; it knows nothing of where the lock lives. */
export interface RunLock {
  /**
   * Resolves once held; throws LockHeldError after the timeout. `onTakeover` gets a warning when
   * the lock was taken from a run that is provably dead. `onFree` is called each time a read of the
   * lock found it free (or a dead run's) and a write that succeeds only if nothing changed since
   * that read is on its way: from then on no other run holds the lock, so a read begun after the
   * last `onFree` of an acquire that resolves was made under the lock (withLock below).
   */
  acquire(onWait?: (holder: string) => void, onTakeover?: (warning: string) => void, onFree?: () => void): Promise<void>;
  release(): Promise<void>;
  /** Starts what release() must read first, while the run's last read goes on. */
  prepareRelease?(): void;
}

export interface LockHooks {
  onWait?(holder: string): void;
  onTakeover?(warning: string): void;
  /** The release failed: the run's outcome stands, the caller says so. */
  onReleaseError(err: unknown): void;
}

/**
 * The one way a run holds the site lock (the CLI's apply from the read under the lock to the last
 * check, the executor when it is given a lock): take it, run `body` under it, release it whatever
 * happened. `read` is what the run plans from. It starts at the lock's `onFree` rather than after the
 * lock's last round trip, so it overlaps the write and the read that confirms it; a read begun before
 * a lost race is dropped and begun again, and without an `onFree` (no conditional write) it starts
 * once the lock is held. Either way it is a read made while no other run can act.
 */
export async function withLock<R, T>(
  lock: RunLock, hooks: LockHooks, read: () => Promise<R>,
  /** `releaseSoon`: the run is on its last read (the final check); the release may start reading. */
  body: (read: R, releaseSoon: () => void) => Promise<T>,
): Promise<T> {
  let early: Promise<R> | null = null;
  const start = (): void => {
    early = read();
    // A dropped read's failure is nobody's; the kept one's reaches body's caller below.
    early.catch(() => undefined);
  };
  await lock.acquire(hooks.onWait?.bind(hooks), hooks.onTakeover?.bind(hooks), start);
  try {
    return await body(await (early ?? read()), () => lock.prepareRelease?.());
  } finally {
    try {
      await lock.release();
    } catch (err) {
      hooks.onReleaseError(err);
    }
  }
}

export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  /** `localHost`: this machine's host name, to say why the holder was not taken for dead. */
  constructor(readonly holder: LockInfo | null, readonly waitedMs: number, now: number, machine: string, localHost = hostname()) {
    super(`the site is locked${holder ? ` by ${describeHolder(holder, now)}` : ''}; waited ${formatElapsed(waitedMs)} (--lock-timeout). ` +
      heldHint(holder, localHost, machine));
  }
}

function heldHint(holder: LockInfo | null, localHost: string, machine: string): string {
  const release = `release the lock with --force-unlock (it is the LXD server config key ${LOCK_CONFIG_KEY} on ${machine})`;
  if (holder?.host === localHost) {
    return `Its process (pid ${holder.pid}) still runs on this machine; once it is gone, the next apply here takes the lock over. ` +
      `If pid ${holder.pid} is not that run, ${release}.`;
  }
  const elsewhere = holder ? `It was taken on another machine (this is ${localHost}), so whether that run is alive cannot be checked from here; ` +
    'a dead run on this machine would have been detected and its lock taken over. ' : '';
  return `${elsewhere}If that run is no longer alive, ${release}.`;
}

export function describeHolder(h: LockInfo, now: number): string {
  const since = Date.parse(h.time);
  const held = Number.isFinite(since) ? `, held for ${formatElapsed(Math.max(0, now - since))}` : '';
  return `${h.owner} (pid ${h.pid} on ${h.host}) running "${h.operation}" since ${h.time}${held}`;
}

export function parseLock(value: string | undefined): LockInfo | null {
  if (!value) return null;
  try {
    const v = JSON.parse(value) as Partial<LockInfo>;
    if (typeof v.id === 'string') {
      return {
        id: v.id, owner: String(v.owner ?? '?'), pid: Number(v.pid ?? 0), host: String(v.host ?? '?'), operation: String(v.operation ?? '?'), time: String(v.time ?? '?'),
        ...(typeof v.procStart === 'string' ? { procStart: v.procStart } : {}),
      };
    }
  } catch { /* a foreign value: shown as is below */ }
  return { id: '', owner: value, pid: 0, host: '?', operation: '?', time: '?' };
}

/** What this process can find out about processes on its own machine (proc.ts; fakes in tests). */
export interface LocalProcesses {
  host: string;
  alive(pid: number): boolean;
  /** null: cannot be read (no /proc, or the process just went). */
  startTime(pid: number): string | null;
}

export const localProcesses = (): LocalProcesses => ({ host: hostname(), alive: pidAlive, startTime: procStart });

/**
 * Why `holder` is provably dead, or null when it may be alive. Only a holder on this machine can be
 * judged; one without a start time (an older version's lock) by its pid alone.
 */
export function staleReason(holder: LockInfo, local: LocalProcesses): string | null {
  // A foreign value (no id) or a pid that process.kill would read as a process group: not ours to judge.
  if (!holder.id || holder.host !== local.host || !Number.isSafeInteger(holder.pid) || holder.pid <= 0) return null;
  if (!local.alive(holder.pid)) return 'that process is no longer running';
  if (holder.procStart === undefined) return null;
  const now = local.startTime(holder.pid);
  return now !== null && now !== holder.procStart
    ? `that process is no longer running (pid ${holder.pid} is now another process, started at a different time)`
    : null;
}

/** The warning for a lock taken from a dead run. */
export function describeTakeover(holder: LockInfo, reason: string, now: number): string {
  return `took over the lock of ${describeHolder(holder, now)}: ${reason}`;
}

export interface LxdLockOptions {
  /** How long to wait for a lock someone else holds (0: fail at once). */
  timeoutMs: number;
  operation: string;
  clock: Clock;
  /** Poll interval while waiting; default 1 s. */
  pollMs?: number;
  /** Default: this machine (localProcesses()). */
  local?: LocalProcesses;
}

interface ServerView { config: Record<string, string>; etag: string | undefined }

async function readServer(host: Host): Promise<ServerView> {
  const r = await host.request<{ config?: Record<string, string> | null }>('lxd', 'GET', '/1.0');
  return { config: r.metadata.config ?? {}, etag: r.etag };
}

/** False when the write lost a race (412) or its outcome is unknown (the connection went before
 *  the answer): both callers read the key again, and only then know whether it is theirs. */
async function writeKey(host: Host, value: string, etag: string | undefined): Promise<boolean> {
  try {
    await host.request('lxd', 'PATCH', '/1.0', { config: { [LOCK_CONFIG_KEY]: value } }, etag ? { headers: { 'If-Match': etag } } : {});
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 412) return false;
    if (isTransient(err)) return false;
    throw err;
  }
}

export class LxdConfigLock implements RunLock {
  readonly info: LockInfo;
  readonly #local: LocalProcesses;
  #held = false;
  #releaseRead: Promise<ServerView> | null = null;

  constructor(private readonly host: Host, private readonly opts: LxdLockOptions) {
    this.#local = opts.local ?? localProcesses();
    let owner = 'unknown';
    try { owner = `${userInfo().username}@${hostname()}`; } catch { /* no passwd entry: keep "unknown" */ }
    const started = this.#local.startTime(process.pid);
    this.info = {
      id: randomUUID(), owner, pid: process.pid, host: this.#local.host, operation: opts.operation, time: '',
      ...(started !== null ? { procStart: started } : {}),
    };
  }

  async acquire(onWait?: (holder: string) => void, onTakeover?: (warning: string) => void, onFree?: () => void): Promise<void> {
    const { clock } = this.opts;
    const start = clock.now();
    let told = false;
    let writes = 0;
    // The dead run whose lock our last write replaced; told only once a read shows the lock is ours.
    let replaced: { holder: LockInfo; reason: string } | null = null;
    for (;;) {
      const { config, etag } = await readServer(this.host);
      const holder = parseLock(config[LOCK_CONFIG_KEY]);
      if (holder?.id === this.info.id) {
        this.#held = true;
        if (replaced) onTakeover?.(describeTakeover(replaced.holder, replaced.reason, clock.now()));
        return;
      }
      // Without an ETag the write could not be conditional, and might replace a live run that took
      // the lock after our read: no takeover then.
      const reason = holder && etag ? staleReason(holder, this.#local) : null;
      if (!holder || reason) {
        // A daemon that accepts the write but never shows it would make this spin: give up.
        if (++writes > 10) throw new Error(`the lock could not be taken: LXD on ${this.host.name} does not keep ${LOCK_CONFIG_KEY}`);
        replaced = holder && reason ? { holder, reason } : null;
        this.info.time = new Date(clock.now()).toISOString();
        // The write is conditional on the read above (LXD compares If-Match with the ETag of the
        // whole server config before a PATCH: canonical/lxd lxd/api_1.0.go api10Patch, util.EtagCheck,
        // a83edf2a): if it takes, no run took or released the lock since that read. Without an ETag
        // it is not conditional, and nothing may start early.
        const write = writeKey(this.host, JSON.stringify(this.info), etag);
        if (etag) onFree?.();
        // Lost races (412, or another writer without If-Match) come round again and re-read.
        await write;
        continue;
      }
      const waited = clock.now() - start;
      if (waited >= this.opts.timeoutMs) throw new LockHeldError(holder, waited, clock.now(), this.host.name, this.#local.host);
      if (!told) onWait?.(describeHolder(holder, clock.now()));
      told = true;
      await clock.sleep(Math.min(this.opts.pollMs ?? 1000, this.opts.timeoutMs - waited));
    }
  }

  /**
   * Reads the lock for release() ahead of it. The releasing write is conditional on that read (its
   * ETag), so a change in between costs a 412 and another round, never another run's lock; a read
   * without an ETag is not used.
   */
  prepareRelease(): void {
    if (!this.#held || this.#releaseRead) return;
    this.#releaseRead = readServer(this.host);
    this.#releaseRead.catch(() => undefined);
  }

  async release(): Promise<void> {
    if (!this.#held) return;
    const early = this.#releaseRead;
    this.#releaseRead = null;
    for (let round = 0; round < 5; round++) {
      const ahead = round === 0 && early ? await early.catch(() => null) : null;
      const { config, etag } = ahead?.etag ? ahead : await readServer(this.host);
      // Someone force-unlocked (or took it since): theirs to keep.
      if (parseLock(config[LOCK_CONFIG_KEY])?.id !== this.info.id) break;
      if (await writeKey(this.host, '', etag)) break;
    }
    this.#held = false;
  }
}

/** Removes whatever lock is set, and says whose it was (null: there was none). */
export async function forceUnlock(host: Host): Promise<LockInfo | null> {
  const { config } = await readServer(host);
  const holder = parseLock(config[LOCK_CONFIG_KEY]);
  if (holder && !(await writeKey(host, '', undefined)) && parseLock((await readServer(host)).config[LOCK_CONFIG_KEY])) {
    throw new Error(`the lock on ${host.name} could not be released (the connection failed); run --force-unlock again`);
  }
  return holder;
}
