// The lab facilities this suite added: seeded random faults (the same seed fails the same calls,
// whatever else runs), bodies in the log, event listeners, host key rotation.
import { LabSite } from '../../src/lab/lab-site.js';

let site: LabSite;
beforeEach(async () => {
  site = await LabSite.start({ nodes: 2, logBodies: true });
});
afterEach(async () => {
  await site.stop();
});

/** Which of `n` GETs and commands on node1 failed. */
async function failures(n: number): Promise<string> {
  let out = '';
  for (let k = 0; k < n; k++) {
    const r = await site.request('node1', 'lxd', { method: 'GET', path: '/1.0' });
    const c = await site.exec('node1', 'hostname');
    out += `${r.status === 200 ? '.' : 'h'}${c.exitCode === 0 ? '.' : 'e'}`;
  }
  return out;
}

test('randomFaults: a seed fails the same calls every time, about `rate` of them, and calls elsewhere do not shift them', async () => {
  const first = site.randomFaults({ seed: 42, rate: 0.2 });
  const a = await failures(200);
  first.remove();
  site.randomFaults({ seed: 42, rate: 0.2 });
  // Interleaved calls to another machine and path leave node1's sequence as it was.
  for (let k = 0; k < 50; k++) await site.request('node2', 'lxd', { method: 'GET', path: '/1.0/networks' });
  const b = await failures(200);
  expect(b).toBe(a);
  const failed = [...a].filter((c) => c !== '.').length;
  expect(failed).toBeGreaterThan(400 * 0.12);
  expect(failed).toBeLessThan(400 * 0.28);
  expect(first).toMatchObject({ seed: 42, matched: 400, fired: failed });
  site.clearFaults();
  site.randomFaults({ seed: 43, rate: 0.2 });
  expect(await failures(200)).not.toBe(a);
});

test('randomFaults: transient kinds by default (reset, 503), patterns narrow them, options are checked', async () => {
  site.randomFaults({ seed: 1, rate: 1, pattern: { service: 'lxd', path: '/1.0' } });
  await failures(20);
  const injected = new Set(site.requests({ machine: 'node1' }).map((e) => e.injected));
  expect(injected).toEqual(new Set(['reset', 'error']));
  expect(site.commands('node1').every((c) => c.injected === undefined)).toBe(true);
  expect(new Set(site.requests({}).filter((e) => e.injected === 'error').map((e) => e.status))).toEqual(new Set([503]));
  expect(() => site.randomFaults({ seed: 1, rate: 1.5 })).toThrow(/rate/);
  expect(() => site.randomFaults({ seed: 1.5, rate: 0.1 })).toThrow(/seed/);
  expect(() => site.randomFaults({ seed: 1, rate: 0.1, httpErrors: [{ exitCode: 1 }] })).toThrow(/httpErrors/);
});

test('logBodies keeps bodies, responses and the target as sent; onEvent sees every call until unsubscribed', async () => {
  const seen: string[] = [];
  const stop = site.onEvent((e) => seen.push(e.kind));
  await site.request('node1', 'lxd', { method: 'PATCH', path: '/1.0', body: { config: { 'user.x': 'y' } } });
  await site.exec('node1', 'hostname');
  stop();
  await site.exec('node1', 'hostname');
  expect(seen).toEqual(['http', 'exec']);
  const [patch] = site.requests({ mutating: true });
  expect(patch).toMatchObject({ body: { config: { 'user.x': 'y' } }, response: expect.objectContaining({ type: 'sync' }) });
});

test('rotateHostKey: a new key, its fingerprint in the endpoint', () => {
  const [one, before] = [site.endpoint('node1'), site.endpoint('node2')];
  const after = site.rotateHostKey('node2');
  expect(after.hostKeyFingerprint).not.toBe(before.hostKeyFingerprint);
  expect(after.hostPublicKey).not.toBe(before.hostPublicKey);
  expect(site.endpoint('node2')).toEqual(after);
  expect(site.endpoint('node1')).toEqual(one);
});
