// withLock (src/apply/lock.ts), the one path by which the CLI's apply and the executor hold the site
// lock: the read a run plans from starts once the lock is provably free for it (the conditional
// write on its way) instead of after the lock's last round trip, a read begun before a lost race is
// dropped, and the lock is released whatever happened.
import { afterEach, expect, test } from '@jest/globals';
import { systemClock } from '../../src/apply/clock.js';
import { LOCK_CONFIG_KEY, LockHeldError, LxdConfigLock, withLock, type RunLock } from '../../src/apply/lock.js';
import type { Host } from '../../src/remote/index.js';
import { startLab, type Lab } from './helpers.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

/** A lock that replays a script: 'free' calls onFree (a write on its way; two in a row: the first race was lost), 'held' resolves, 'fail' throws. */
function scripted(script: ('free' | 'held' | 'fail')[], log: string[]): RunLock {
  return {
    async acquire(_onWait, _onTakeover, onFree) {
      for (const s of script) {
        log.push(`lock:${s}`);
        if (s === 'free') onFree?.();
        if (s === 'fail') throw new Error('the site is locked by someone');
        await Promise.resolve();
      }
    },
    async release() { log.push('release'); },
  };
}

const hooks = (log: string[]) => ({ onReleaseError: (err: unknown) => log.push(`release failed: ${(err as Error).message}`) });

test('the read starts at the lock\'s onFree, before acquire resolves, and the body gets it', async () => {
  const log: string[] = [];
  let reads = 0;
  const out = await withLock(scripted(['free', 'held'], log), hooks(log), async () => { log.push('read'); return ++reads; }, async (r) => { log.push(`body:${r}`); return 'ok'; });
  expect(out).toBe('ok');
  expect(log).toEqual(['lock:free', 'read', 'lock:held', 'body:1', 'release']);
});

test('a race lost after the read began: the read is made again and the body gets the later one', async () => {
  const log: string[] = [];
  let reads = 0;
  await withLock(scripted(['free', 'free', 'held'], log), hooks(log), async () => ++reads, async (r) => { log.push(`body:${r}`); });
  expect(reads).toBe(2);
  expect(log).toEqual(['lock:free', 'lock:free', 'lock:held', 'body:2', 'release']);
});

test('without onFree (no conditional write) the read starts once the lock is held', async () => {
  const log: string[] = [];
  await withLock(scripted(['held'], log), hooks(log), async () => { log.push('read'); }, async () => { log.push('body'); });
  expect(log).toEqual(['lock:held', 'read', 'body', 'release']);
});

test('a lock not obtained: no body, no release, and the early read\'s failure surfaces nowhere', async () => {
  const log: string[] = [];
  const failing = async (): Promise<never> => { throw new Error('read failed'); };
  await expect(withLock(scripted(['free', 'fail'], log), hooks(log), failing, async () => { log.push('body'); })).rejects.toThrow('the site is locked by someone');
  expect(log).toEqual(['lock:free', 'lock:fail']);
});

test('the lock is released after a failing body and after a failing read; a failed release is reported, not thrown', async () => {
  const log: string[] = [];
  await expect(withLock(scripted(['free', 'held'], log), hooks(log), async () => 1, async () => { throw new Error('walk failed'); })).rejects.toThrow('walk failed');
  await expect(withLock(scripted(['free', 'held'], log), hooks(log), async () => { throw new Error('read failed'); }, async () => 1)).rejects.toThrow('read failed');
  expect(log.filter((l) => l === 'release')).toHaveLength(2);
  const badRelease: RunLock = { acquire: async () => undefined, release: async () => { throw new Error('connection lost'); } };
  const seen: string[] = [];
  expect(await withLock(badRelease, hooks(seen), async () => 1, async (r) => r + 1)).toBe(2);
  expect(seen).toEqual(['release failed: connection lost']);
});

/** node1's Host, with `before` run ahead of our lock's first PATCH of /1.0 (another writer racing it). */
function racing(host: Host, before: () => Promise<void>): Host {
  let raced = false;
  return {
    name: host.name,
    exec: (...a) => host.exec(...a),
    request: async (service, method, path, body, opts) => {
      if (!raced && method === 'PATCH' && path === '/1.0') {
        raced = true;
        await before();
      }
      return host.request(service, method, path, body, opts);
    },
    waitOperation: (...a) => host.waitOperation(...a),
    socketPath: (s) => host.socketPath(s),
    websocket: (...a) => host.websocket(...a),
    close: () => host.close(),
  } as Host;
}

const lockOf = (host: Host, timeoutMs = 0) => new LxdConfigLock(host, { timeoutMs, operation: 'apply site.yaml', clock: systemClock, pollMs: 20 });

test('LXD: onFree comes with the conditional write, and again after a 412; the lock is ours at the end', async () => {
  lab = await startLab({ nodes: 1 });
  const node1 = lab.hosts.get('node1')!;
  // Someone changes another server key between our read of the lock and our write: LXD answers 412.
  const host = racing(node1, async () => { await node1.request('lxd', 'PATCH', '/1.0', { config: { 'user.other': 'x' } }); });
  const lock = lockOf(host);
  let frees = 0;
  await lock.acquire(undefined, undefined, () => { frees++; });
  expect(frees).toBe(2);
  expect(lab.site.requests({ machine: 'node1', service: 'lxd', mutating: true }).map((r) => r.path)).toEqual(['/1.0', '/1.0', '/1.0']);
  const config = (await node1.request<{ config: Record<string, string> }>('lxd', 'GET', '/1.0')).metadata.config;
  expect(JSON.parse(config[LOCK_CONFIG_KEY]!)).toMatchObject({ id: lock.info.id });
  await lock.release();
});

test('LXD: a run that takes the lock between our read and our write wins; our early read is dropped, no body runs', async () => {
  lab = await startLab({ nodes: 1 });
  const node1 = lab.hosts.get('node1')!;
  const other = lockOf((await lab.otherHosts()).get('node1')!);
  const host = racing(node1, () => other.acquire());
  let reads = 0;
  let bodies = 0;
  const run = withLock(lockOf(host), { onReleaseError: () => undefined }, async () => { reads++; }, async () => { bodies++; });
  await expect(run).rejects.toBeInstanceOf(LockHeldError);
  expect(reads).toBe(1);
  expect(bodies).toBe(0);
  const config = (await node1.request<{ config: Record<string, string> }>('lxd', 'GET', '/1.0')).metadata.config;
  expect(JSON.parse(config[LOCK_CONFIG_KEY]!)).toMatchObject({ id: other.info.id });
  await other.release();
});

/** Waits until the lab has answered a GET /1.0 on node1 since the last reset (a read made ahead). */
async function readAheadLanded(l: Lab): Promise<void> {
  while (!l.site.requests({ machine: 'node1', service: 'lxd' }).some((r) => r.method === 'GET' && r.path === '/1.0')) await new Promise((r) => setTimeout(r, 5));
}

const lockKey = async (host: Host): Promise<string | undefined> =>
  (await host.request<{ config: Record<string, string> }>('lxd', 'GET', '/1.0')).metadata.config[LOCK_CONFIG_KEY];

test('LXD: a release read ahead (prepareRelease) writes once; a change since that read costs a round, not the release', async () => {
  lab = await startLab({ nodes: 1 });
  const node1 = lab.hosts.get('node1')!;
  const lock = lockOf(node1);
  await lock.acquire();
  lab.site.resetCounters();
  lock.prepareRelease();
  await readAheadLanded(lab);
  lab.site.resetCounters();
  await lock.release();
  // The read was made ahead: the release itself is one write.
  expect(lab.site.requests({ machine: 'node1' }).map((r) => `${r.method} ${r.path}`)).toEqual(['PATCH /1.0']);
  expect(await lockKey(node1)).toBeUndefined();

  const again = lockOf(node1);
  await again.acquire();
  again.prepareRelease();
  await node1.request('lxd', 'PATCH', '/1.0', { config: { 'user.other': 'y' } });
  await again.release();
  expect(await lockKey(node1)).toBeUndefined();
});

test('LXD: a lock force-unlocked and taken by another run after the release was read ahead stays theirs', async () => {
  lab = await startLab({ nodes: 1 });
  const node1 = lab.hosts.get('node1')!;
  const ours = lockOf(node1);
  await ours.acquire();
  lab.site.resetCounters();
  ours.prepareRelease();
  await readAheadLanded(lab);
  await node1.request('lxd', 'PATCH', '/1.0', { config: { [LOCK_CONFIG_KEY]: '' } });
  const theirs = lockOf((await lab.otherHosts()).get('node1')!);
  await theirs.acquire();
  await ours.release();
  expect(JSON.parse((await lockKey(node1))!)).toMatchObject({ id: theirs.info.id });
  await theirs.release();
});
