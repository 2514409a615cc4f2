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
import { hostname, userInfo } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ApiError, isTransient, type Host } from '../remote/index.js';
import { LOCK_CONFIG_KEY } from '../services/lxd-map.js';
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
}

/** What the executor needs of a lock; it knows nothing of where the lock lives. */
export interface RunLock {
  /** Resolves once held; throws LockHeldError after the timeout. */
  acquire(onWait?: (holder: string) => void): Promise<void>;
  release(): Promise<void>;
}

export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  constructor(readonly holder: LockInfo | null, readonly waitedMs: number, now: number, machine: string) {
    super(`the site is locked${holder ? ` by ${describeHolder(holder, now)}` : ''}; waited ${formatElapsed(waitedMs)} (--lock-timeout). ` +
      `If that run is no longer alive, release the lock with --force-unlock (it is the LXD server config key ${LOCK_CONFIG_KEY} on ${machine}).`);
  }
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
      return { id: v.id, owner: String(v.owner ?? '?'), pid: Number(v.pid ?? 0), host: String(v.host ?? '?'), operation: String(v.operation ?? '?'), time: String(v.time ?? '?') };
    }
  } catch { /* a foreign value: shown as is below */ }
  return { id: '', owner: value, pid: 0, host: '?', operation: '?', time: '?' };
}

export interface LxdLockOptions {
  /** How long to wait for a lock someone else holds (0: fail at once). */
  timeoutMs: number;
  operation: string;
  clock: Clock;
  /** Poll interval while waiting; default 1 s. */
  pollMs?: number;
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
  #held = false;

  constructor(private readonly host: Host, private readonly opts: LxdLockOptions) {
    let owner = 'unknown';
    try { owner = `${userInfo().username}@${hostname()}`; } catch { /* no passwd entry: keep "unknown" */ }
    this.info = { id: randomUUID(), owner, pid: process.pid, host: hostname(), operation: opts.operation, time: '' };
  }

  async acquire(onWait?: (holder: string) => void): Promise<void> {
    const { clock } = this.opts;
    const start = clock.now();
    let told = false;
    let writes = 0;
    for (;;) {
      const { config, etag } = await readServer(this.host);
      const holder = parseLock(config[LOCK_CONFIG_KEY]);
      if (holder?.id === this.info.id) {
        this.#held = true;
        return;
      }
      if (!holder) {
        // A daemon that accepts the write but never shows it would make this spin: give up.
        if (++writes > 10) throw new Error(`the lock could not be taken: LXD on ${this.host.name} does not keep ${LOCK_CONFIG_KEY}`);
        this.info.time = new Date(clock.now()).toISOString();
        // Lost races (412, or another writer without If-Match) come round again and re-read.
        await writeKey(this.host, JSON.stringify(this.info), etag);
        continue;
      }
      const waited = clock.now() - start;
      if (waited >= this.opts.timeoutMs) throw new LockHeldError(holder, waited, clock.now(), this.host.name);
      if (!told) onWait?.(describeHolder(holder, clock.now()));
      told = true;
      await clock.sleep(Math.min(this.opts.pollMs ?? 1000, this.opts.timeoutMs - waited));
    }
  }

  async release(): Promise<void> {
    if (!this.#held) return;
    for (let round = 0; round < 5; round++) {
      const { config, etag } = await readServer(this.host);
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
