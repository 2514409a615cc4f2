// The executor on its own (no network): scheduling, parallelism, failure handling, retries,
// deadlines, the lock, the journal and redaction, with runners that only record what happens.
import {
  SecretSet, execute, reportLines, type ExecutableStep, type ProgressEvent, type RunLock, type StepRunner,
} from '../../src/apply/index.js';
import { memoryJournal } from '../helpers/journal.js';
import { RemoteTimeout } from '../../src/remote/index.js';

const FAST = { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 5, factor: 1 };

function step(address: string, dependsOn: string[] = [], kind = 'k'): ExecutableStep {
  return { address, kind, machine: 'm', dependsOn, inputs: { address } };
}

interface Behaviour {
  done?: Set<string>;
  fail?: Record<string, unknown>;
  delayMs?: number;
  failTimes?: Record<string, number>;
}

/** A runner over an in-memory "site": check looks at `done`, act adds to it (or fails as told). */
function fakeRunner(b: Behaviour, log: string[], concurrency: { now: number; max: number }): StepRunner<ExecutableStep, null> {
  const done = b.done ?? new Set<string>();
  return {
    timeoutMs: 5000,
    check: async (s) => done.has(s.address),
    async act(s) {
      concurrency.now++;
      concurrency.max = Math.max(concurrency.max, concurrency.now);
      log.push(`start ${s.address}`);
      try {
        await new Promise((r) => setTimeout(r, b.delayMs ?? 1));
        const left = b.failTimes?.[s.address] ?? 0;
        if (left > 0) {
          b.failTimes![s.address] = left - 1;
          throw new RemoteTimeout('m', `act ${s.address}`, 10);
        }
        if (b.fail?.[s.address]) throw b.fail[s.address];
        done.add(s.address);
      } finally {
        concurrency.now--;
        log.push(`end ${s.address}`);
      }
    },
    verify: async (s) => { if (!done.has(s.address)) throw new Error(`${s.address} not done`); },
  };
}

function harness(b: Behaviour = {}) {
  const log: string[] = [];
  const concurrency = { now: 0, max: 0 };
  const runner = fakeRunner(b, log, concurrency);
  return { log, concurrency, registry: (s: ExecutableStep) => (s.kind === 'k' ? runner : undefined) };
}

test('independent steps run at most `parallelism` at once; dependencies are respected', async () => {
  const h = harness({ delayMs: 10 });
  const steps = [...Array.from({ length: 12 }, (_, i) => step(`s${i}`)), step('last', ['s0', 's11'])];
  const report = await execute({ steps }, { registry: h.registry, hosts: null, parallelism: 3, retry: FAST });
  expect(report).toMatchObject({ ok: true, exitCode: 0, failed: [], notStarted: [], remaining: null });
  expect(report.done).toHaveLength(13);
  expect(h.concurrency.max).toBe(3);
  expect(h.log.indexOf('start last')).toBeGreaterThan(h.log.indexOf('end s11'));
  const wide = harness({ delayMs: 10 });
  await execute({ steps: Array.from({ length: 25 }, (_, i) => step(`w${i}`)) }, { registry: wide.registry, hosts: null, retry: FAST });
  expect(wide.concurrency.max).toBe(10);
});

test('a satisfied step is skipped without acting', async () => {
  const h = harness({ done: new Set(['a']) });
  const report = await execute({ steps: [step('a'), step('b', ['a'])] }, { registry: h.registry, hosts: null, retry: FAST });
  expect(report).toMatchObject({ ok: true, skipped: ['a'], done: ['b'] });
  expect(h.log).toEqual(['start b', 'end b']);
});

test('on failure nothing new starts, running steps finish, and the report says what remains', async () => {
  const h = harness({ fail: { a: new Error('a broke') }, delayMs: 20 });
  const events: ProgressEvent[] = [];
  const steps = [step('a'), step('slow'), step('after-a', ['a']), step('after-slow', ['slow'])];
  const report = await execute({ steps }, { registry: h.registry, hosts: null, parallelism: 2, retry: FAST, progress: { emit: (e) => events.push(e) } });
  expect(report).toMatchObject({ ok: false, exitCode: 1, done: ['slow'], failed: [{ address: 'a', error: 'a broke' }] });
  expect(report.notStarted.sort()).toEqual(['after-a', 'after-slow']);
  expect(h.log).not.toContain('start after-slow');
  expect(events.map((e) => e.type)).toEqual(['run-started', 'step-started', 'step-started', 'step-failed', 'step-done', 'run-finished']);
  const lines = reportLines(report).join('\n');
  expect(lines).toMatch(/Failed: a: a broke/);
  expect(lines).toMatch(/Not started \(2\): after-a, after-slow/);
});

test('transient failures are retried (checking first), final ones are not', async () => {
  const transient = harness({ failTimes: { a: 2 } });
  const ok = await execute({ steps: [step('a')] }, { registry: transient.registry, hosts: null, retry: FAST });
  expect(ok).toMatchObject({ ok: true, done: ['a'] });
  expect(ok.steps[0]!.attempts).toBe(3);
  const exhausted = harness({ failTimes: { a: 5 } });
  const failed = await execute({ steps: [step('a')] }, { registry: exhausted.registry, hosts: null, retry: FAST });
  expect(failed.steps[0]).toMatchObject({ result: 'failed', attempts: 3 });
  const final = harness({ fail: { a: new Error('bad input') } });
  const once = await execute({ steps: [step('a')] }, { registry: final.registry, hosts: null, retry: FAST });
  expect(once.steps[0]).toMatchObject({ result: 'failed', attempts: 1, error: 'bad input' });
});

test('a step that outlives its deadline fails with a timeout and is not retried', async () => {
  const hang: StepRunner<ExecutableStep, null> = {
    timeoutMs: 50, check: async () => false, act: () => new Promise(() => undefined), verify: async () => undefined,
  };
  const report = await execute({ steps: [step('stuck'), step('next', ['stuck'])] }, { registry: () => hang, hosts: null, retry: FAST });
  expect(report.failed[0]!.error).toMatch(/stuck did not finish within 0.1s/);
  expect(report.notStarted).toEqual(['next']);
});

test('the lock is taken only when there is work, and released even after a failure', async () => {
  const calls: string[] = [];
  const lock: RunLock = { acquire: async () => { calls.push('acquire'); }, release: async () => { calls.push('release'); } };
  await execute({ steps: [] }, { registry: harness().registry, hosts: null, lock });
  expect(calls).toEqual([]);
  const h = harness({ fail: { a: new Error('no') } });
  const report = await execute({ steps: [step('a')] }, { registry: h.registry, hosts: null, lock, retry: FAST });
  expect(report.ok).toBe(false);
  expect(calls).toEqual(['acquire', 'release']);
  const held: RunLock = { acquire: async () => { throw new Error('the site is locked by someone'); }, release: async () => { calls.push('bad release'); } };
  const refused = await execute({ steps: [step('a')] }, { registry: h.registry, hosts: null, lock: held });
  expect(refused).toMatchObject({ ok: false, error: 'the site is locked by someone', notStarted: ['a'], done: [] });
  expect(calls).not.toContain('bad release');
});

test('replan confirms convergence; steps left over make the run fail', async () => {
  const h = harness();
  const converged = await execute({ steps: [step('a')] }, { registry: h.registry, hosts: null, replan: async () => [] });
  expect(converged).toMatchObject({ ok: true, remaining: [] });
  const drift = await execute({ steps: [step('b')] }, { registry: h.registry, hosts: null, replan: async () => [{ address: 'x' }] });
  expect(drift).toMatchObject({ ok: false, exitCode: 1, remaining: ['x'] });
  expect(drift.error).toMatch(/does not match the file yet.*x/);
});

test('bad plans are refused before anything runs', async () => {
  const h = harness();
  expect((await execute({ steps: [step('a', [], 'nope')] }, { registry: h.registry, hosts: null })).error).toMatch(/no runner for step kind "nope"/);
  expect((await execute({ steps: [step('a', ['ghost'])] }, { registry: h.registry, hosts: null })).error).toMatch(/depends on ghost/);
  expect((await execute({ steps: [step('a')] }, { registry: h.registry, hosts: null, parallelism: 0 })).error).toMatch(/parallelism/);
  const cycle = await execute({ steps: [step('a', ['b']), step('b', ['a'])] }, { registry: h.registry, hosts: null });
  expect(cycle.error).toMatch(/never finish/);
  expect(h.log).toEqual([]);
});

test('the journal has every step with its inputs digest, and no secret', async () => {
  const secrets = new SecretSet();
  const leaky: StepRunner<ExecutableStep, null> = {
    timeoutMs: 1000,
    check: async () => false,
    async act(s, _h, ctx) {
      if (s.address === 'join') {
        ctx.secrets.add('tok-3f9a7c1e55');
        ctx.note('used token tok-3f9a7c1e55');
        throw new Error('join refused for token tok-3f9a7c1e55');
      }
    },
    verify: async () => undefined,
  };
  const journal = memoryJournal();
  const events: ProgressEvent[] = [];
  const report = await execute({ steps: [step('a'), step('join', ['a']), step('c', ['join'])] },
    { registry: () => leaky, hosts: null, journal, secrets, progress: { emit: (e) => events.push(e) }, retry: FAST });
  const text = JSON.stringify({ report, journal: journal.records, events });
  expect(text).not.toContain('tok-3f9a7c1e55');
  expect(report.failed[0]!.error).toBe('join refused for token [REDACTED]');
  expect(journal.records.map((r) => [r.event, r['address'], r['result']])).toEqual([
    ['run-start', undefined, undefined],
    ['step', 'a', 'done'],
    ['step', 'join', 'failed'],
    ['step', 'c', 'not-started'],
    ['run-end', undefined, undefined],
  ]);
  expect(journal.records[1]!['inputs']).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(typeof journal.records[1]!['durationMs']).toBe('number');
});
