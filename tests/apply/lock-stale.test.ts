// A lock left by a run that died: taken over when its holder is provably gone (recorded this host,
// and its pid is gone or now another process), never when it may be alive or is on another machine.
import { afterEach, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  LOCK_CONFIG_KEY, LockHeldError, LxdConfigLock, staleReason, systemClock, type LockInfo, type ProgressEvent,
} from '../../src/apply/index.js';
import { procStart } from '../../src/apply/proc.js';
import { connect, type Host } from '../../src/remote/index.js';
import { runCli } from '../helpers/cli.js';
import { startLab as startPlanLab, type PlanLab } from '../plan-lab/lab.js';
import { apply, desiredOf, planFor, preseed, startLab, type Lab } from './helpers.js';

const desired = desiredOf(preseed({ nodes: [1], ceph: false, ovn: false }));
let lab: Lab | PlanLab | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await lab?.stop();
  lab = undefined;
});

const here = hostname();

/** A pid that was a process a moment ago and is gone now (spawnSync reaps it before returning). */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (!pid) throw new Error('could not start a short-lived process');
  return pid;
}

function sleeper(): number {
  child = spawn('sleep', ['30'], { stdio: 'ignore' });
  if (!child.pid) throw new Error('could not start sleep');
  return child.pid;
}

function lockOf(pid: number, extra: Partial<LockInfo> = {}): LockInfo {
  return { id: 'left-behind', owner: `ci@${here}`, pid, host: here, operation: 'apply old.yaml', time: '2026-01-01T00:00:00Z', ...extra };
}

async function setLock(host: Host, info: LockInfo): Promise<void> {
  await host.request('lxd', 'PATCH', '/1.0', { config: { [LOCK_CONFIG_KEY]: JSON.stringify(info) } });
}

async function lockValue(host: Host): Promise<LockInfo | undefined> {
  const v = (await host.request<{ config: Record<string, string> }>('lxd', 'GET', '/1.0')).metadata.config[LOCK_CONFIG_KEY];
  return v ? JSON.parse(v) as LockInfo : undefined;
}

/** Acquire with short waits; what the hooks were told, and the error if it was not obtained. */
async function acquire(host: Host, timeoutMs = 200): Promise<{ lock: LxdConfigLock; waits: string[]; warnings: string[]; error?: unknown }> {
  const lock = new LxdConfigLock(host, { timeoutMs, operation: 'apply new.yaml', clock: systemClock, pollMs: 20 });
  const waits: string[] = [];
  const warnings: string[] = [];
  try {
    await lock.acquire((h) => waits.push(h), (w) => warnings.push(w));
    return { lock, waits, warnings };
  } catch (error) {
    return { lock, waits, warnings, error };
  }
}

test('an apply takes over the lock of a dead run on this machine, warns once, and releases it', async () => {
  lab = await startLab({ nodes: 1 });
  const node1 = lab.hosts.get('node1')!;
  const pid = deadPid();
  await setLock(node1, lockOf(pid, { procStart: '12345' }));
  const events: ProgressEvent[] = [];
  const report = await apply(lab, desired, await planFor(lab, desired), { operation: 'apply new.yaml', progress: { emit: (e) => events.push(e) } });
  expect(report).toMatchObject({ ok: true, warnings: [] });
  const warnings = events.filter((e) => e.type === 'warning');
  expect(warnings).toEqual([{
    type: 'warning',
    message: expect.stringMatching(new RegExp(`^took over the lock of ci@${here} \\(pid ${pid} on ${here}\\) running "apply old\\.yaml" since 2026-01-01T00:00:00Z, held for .+: that process is no longer running$`)),
  }]);
  expect(events.some((e) => e.type === 'lock-waiting')).toBe(false);
  expect(await lockValue(node1)).toBeUndefined();
}, 60_000);

test.each([{ command: 'apply --json', flags: ['--json'] }, { command: 'apply', flags: [] }])('the CLI ($command) shows the takeover as a warning; --json stays one JSON event per line', async ({ flags }) => {
  const l = await startPlanLab({ nodes: 1 });
  lab = l;
  const ep = l.site.endpoint('node1');
  const node1 = await connect({ name: 'node1', host: ep.host, port: ep.port, user: 'root', identityFile: join(l.dir, 'id_ed25519'), hostKey: ep.hostKeyFingerprint }, { agent: false });
  try {
    await setLock(node1, lockOf(deadPid()));
  } finally {
    await node1.close();
  }
  const run = await runCli(['apply', 'site.yaml', '--auto-approve', ...flags], { cwd: l.dir });
  expect(run.code).toBe(0);
  const warning = /took over the lock of ci@.*: that process is no longer running/;
  if (flags.length) {
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.filter((e) => e['type'] === 'warning')).toEqual([{ v: 1, time: expect.any(String), type: 'warning', message: expect.stringMatching(warning) }]);
    expect(events.at(-1)).toMatchObject({ type: 'result', ok: true });
  } else {
    expect(run.stderr.split('\n').filter((line) => line.startsWith('warning: '))).toEqual([expect.stringMatching(warning)]);
  }
}, 60_000);

test('a live holder on this machine is waited for, then named in a LockHeldError; its lock stays', async () => {
  lab = await startLab({ nodes: 1 });
  const node1 = lab.hosts.get('node1')!;
  const pid = sleeper();
  // With its real start time, and as an older version wrote it (no start time: the pid decides).
  for (const held of [lockOf(pid, { procStart: procStart(pid) ?? undefined }), lockOf(pid)]) {
    await setLock(node1, held);
    const r = await acquire(node1);
    expect(r.error).toBeInstanceOf(LockHeldError);
    expect((r.error as Error).message).toContain(`; waited 0.`);
    expect((r.error as Error).message).toContain(`Its process (pid ${pid}) still runs on this machine; once it is gone, the next apply here takes the lock over. If pid ${pid} is not that run, release the lock with --force-unlock`);
    expect(r.waits).toHaveLength(1);
    expect(r.warnings).toEqual([]);
    expect(await lockValue(node1)).toEqual(held);
  }
}, 60_000);

test('a live pid that started at another time is a reused pid: the lock is taken over', async () => {
  lab = await startLab({ nodes: 1 });
  const node1 = lab.hosts.get('node1')!;
  const pid = sleeper();
  await setLock(node1, lockOf(pid, { procStart: `${procStart(pid)}0` }));
  const r = await acquire(node1);
  expect(r.error).toBeUndefined();
  expect(r.warnings).toEqual([expect.stringMatching(new RegExp(`^took over the lock of ci@${here} \\(pid ${pid} on ${here}\\).*: that process is no longer running \\(pid ${pid} is now another process, started at a different time\\)$`))]);
  expect(await lockValue(node1)).toMatchObject({ id: r.lock.info.id, pid: process.pid, host: here, operation: 'apply new.yaml' });
  await r.lock.release();
  expect(await lockValue(node1)).toBeUndefined();
}, 60_000);

test('a holder that dies while we wait: its lock is taken over at the next poll', async () => {
  lab = await startLab({ nodes: 1 });
  const node1 = lab.hosts.get('node1')!;
  const pid = sleeper();
  await setLock(node1, lockOf(pid, { procStart: procStart(pid) ?? undefined }));
  const sleeping = child!;
  setTimeout(() => sleeping.kill('SIGKILL'), 100);
  const r = await acquire(node1, 20_000);
  expect(r.error).toBeUndefined();
  expect(r.waits).toHaveLength(1);
  expect(r.warnings).toHaveLength(1);
  expect(r.warnings[0]).toMatch(/: that process is no longer running$/);
  await r.lock.release();
}, 60_000);

test('a holder on another machine is never taken over, even with a pid that is free here', async () => {
  lab = await startLab({ nodes: 1 });
  const node1 = lab.hosts.get('node1')!;
  const held = lockOf(deadPid(), { host: `not-${here}`, owner: `ci@not-${here}`, procStart: '1' });
  await setLock(node1, held);
  const r = await acquire(node1);
  expect(r.error).toBeInstanceOf(LockHeldError);
  expect((r.error as Error).message).toContain(`It was taken on another machine (this is ${here}), so whether that run is alive cannot be checked from here; ` +
    'a dead run on this machine would have been detected and its lock taken over. If that run is no longer alive, release the lock with --force-unlock');
  expect(r.warnings).toEqual([]);
  expect(await lockValue(node1)).toEqual(held);
}, 60_000);

test('staleReason: only a holder recorded on this machine, with a real pid, whose process is gone or reused', () => {
  const local = { host: 'ci1', alive: (pid: number) => pid === 10, startTime: (pid: number) => (pid === 10 ? '500' : null) };
  const h = (extra: Partial<LockInfo>): LockInfo => ({ id: 'x', owner: 'alice@ci1', pid: 20, host: 'ci1', operation: 'apply', time: '?', ...extra });
  expect(staleReason(h({}), local)).toBe('that process is no longer running');
  expect(staleReason(h({ procStart: '1' }), local)).toBe('that process is no longer running');
  expect(staleReason(h({ pid: 10 }), local)).toBeNull();
  expect(staleReason(h({ pid: 10, procStart: '500' }), local)).toBeNull();
  expect(staleReason(h({ pid: 10, procStart: '499' }), local)).toMatch(/pid 10 is now another process/);
  // Start time unreadable here (no /proc): the live pid decides.
  expect(staleReason(h({ pid: 10, procStart: '499' }), { ...local, startTime: () => null })).toBeNull();
  expect(staleReason(h({ host: 'ci2' }), local)).toBeNull();
  // A foreign value in the key, or a pid process.kill would take for a process group.
  expect(staleReason(h({ id: '' }), local)).toBeNull();
  expect(staleReason(h({ pid: 0 }), local)).toBeNull();
  expect(staleReason(h({ pid: -1 }), local)).toBeNull();
  expect(staleReason(h({ pid: Number.NaN }), local)).toBeNull();
});
