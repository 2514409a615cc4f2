// MicroCloud's cluster formed as `microcloud preseed` forms it, over SSH against the lab: bootstrap
// on node1, then each joiner joins inside a trust-establishment session (joinWithSession,
// src/apply/steps/microcloud-session.ts) on two websockets. The lab's daemons run the session
// protocol of canonical/microcloud api/session.go at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741.
// The tests run in order on one lab: each starts from what the previous ones left.
import { SecretSet, systemClock, type StepContext } from '../../src/apply/index.js';
import { bootstrapMicroCloud, joinMicroCloud } from '../../src/apply/steps/microcloud.js';
import { interfaceHolding, joinWithSession, type SessionJoin } from '../../src/apply/steps/microcloud-session.js';
import { MICROCLOUD_SNAP, defaultMachineSpecs } from '../../src/lab/machines.js';
import type { MicroCloudWorld } from '../../src/lab/micro/microcloud.js';
import { Secret, type Host } from '../../src/remote/index.js';
import { readHostFacts } from '../../src/services/host-facts.js';
import { readMicroCloud } from '../../src/services/microcloud.js';
import { startLab, type Lab } from './helpers.js';

const PASSPHRASE = 'Orchid-Harbor-Kettle-5521';
const NEWER_LXD = '5.21.4';
let lab: Lab;
const interfaces: Record<string, { name: string; addresses: string[] }[]> = {};
const secrets = new SecretSet();
const notes: string[] = [];
const ctx: StepContext = { signal: new AbortController().signal, secrets, clock: systemClock, note: (n) => { notes.push(n); } };

beforeAll(async () => {
  const specs = defaultMachineSpecs(7);
  for (const s of specs) s.snaps.push({ ...MICROCLOUD_SNAP });
  // node5's LXD is a point release ahead of the others'.
  specs[4]!.snaps.find((s) => s.name === 'lxd')!.version = NEWER_LXD;
  lab = await startLab({ machines: specs, site: { logBodies: true } });
  for (const [m, h] of lab.hosts) interfaces[m] = (await readHostFacts(h)).interfaces;
}, 30_000);

afterAll(async () => {
  await lab?.stop();
});

const host = (m: string): Host => lab.hosts.get(m)!;
const cloud = (): MicroCloudWorld => lab.site.world('microcloud') as MicroCloudWorld;
const address = (m: string): string => `10.1.0.${10 + Number(m.slice(4))}`;
const initialized = (m: string) => async (): Promise<boolean> => (await readMicroCloud(host(m)))?.initialized === true;
const members = async (m: string): Promise<string[]> => (await readMicroCloud(host(m), { parts: ['members'] }))!.members.map((x) => x.name);
/** The error a call failed with; a call that succeeds fails the test. */
async function failureOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}
const joinOf = (joiner: string, over: Partial<SessionJoin> = {}): SessionJoin => ({
  initiator: 'node1', joiner, initiatorAddress: address('node1'), joinerAddress: address(joiner),
  passphrase: new Secret(PASSPHRASE), timeoutMs: 10 * 60_000, interfaces, ...over,
});

test('the session names the interface that holds the address, as MicroCloud\'s preseed finds it', () => {
  expect(interfaceHolding('node2', interfaces['node2'], '10.1.0.12')).toBe('eth0');
  expect(interfaceHolding('node2', [{ name: 'br0', addresses: ['2001:db8::12/64'] }], '2001:db8:0::12')).toBe('br0');
  expect(() => interfaceHolding('node2', interfaces['node2'], '10.9.9.9')).toThrow(/^node2: no interface holds 10\.9\.9\.9 \(interfaces: lo 127\.0\.0\.1\/8 ::1\/128, eth0 10\.1\.0\.12\/24 fe80:[^,]*, eth1 fe80:[^)]*\); /);
  expect(() => interfaceHolding('node2', [{ name: 'eth1', addresses: [] }], '10.1.0.12')).toThrow(/\(interfaces: eth1 \(no address\)\)/);
});

test('bootstrap on node1, then node2 and node3 join inside sessions: three members, and GET /1.0/status answers', async () => {
  await bootstrapMicroCloud(host('node1'), { name: 'node1', address: '10.1.0.11:9443' }, ctx, initialized('node1'));
  await joinWithSession(lab.hosts, joinOf('node2'), ctx);
  await joinWithSession(lab.hosts, joinOf('node3'), ctx);
  for (const m of ['node1', 'node2', 'node3']) expect(await members(m)).toEqual(['node1', 'node2', 'node3']);
  const status = (await host('node2').request<{ name: string; clusters: Record<string, { name: string }[] | null> }[]>('microcloud', 'GET', '/1.0/status')).metadata;
  expect(status.map((s) => s.name).sort()).toEqual(['node1', 'node2', 'node3']);
  expect(status.every((s) => s.clusters['MicroCloud']!.map((x) => x.name).sort().join() === 'node1,node2,node3')).toBe(true);
  // Every session ended with its join; none is left open.
  for (const m of ['node1', 'node2', 'node3']) expect(cloud().sessions.current(m)?.active).toBe(false);
  expect(notes).toContain('MicroCloud trust established between node1 and node3');
  // The joins went through the joiners' PUT /1.0/services, each inside a session on the same SSH connection.
  expect(lab.site.requests({ machine: 'node3', service: 'microcloud', mutating: true }).map((r) => `${r.method} ${r.path} ${r.status}`))
    .toEqual(['PUT /1.0/services 200']);
  expect(lab.site.requests({ machine: 'node3', service: 'microcloud' }).filter((r) => r.path.startsWith('/1.0/session/')).map((r) => `${r.path} ${r.status}`))
    .toEqual(['/1.0/session/joining 101']);
  expect(lab.site.connections('node3')).toBe(1);
});

test('the passphrase never leaves the sessions: registered as a secret, absent from the requests the lab logged', () => {
  expect(secrets.scrub(`x ${PASSPHRASE} y`)).toBe('x [REDACTED] y');
  expect(JSON.stringify(lab.site.log)).not.toContain(PASSPHRASE);
});

/** The hosts, node1's websockets seen through `change` (what the tool sends) and `seen` (what it receives). */
function initiatorWrapped(change: (m: unknown) => unknown, seen: unknown[] = []): Map<string, Host> {
  const h = host('node1');
  const websocket: Host['websocket'] = async (service, path, opts) => {
    const s = await h.websocket(service, path, opts);
    return {
      host: s.host, service: s.service, path: s.path, get open() { return s.open; },
      send: (m: unknown) => s.send(change(m)),
      next: async <T>(o?: Parameters<typeof s.next>[0]) => { const m = await s.next<T>(o); seen.push(m); return m; },
      close: () => s.close(),
    };
  };
  const wrapped: Host = {
    name: h.name, websocket, request: h.request.bind(h), exec: h.exec.bind(h), waitOperation: h.waitOperation.bind(h),
    socketPath: h.socketPath.bind(h), close: h.close.bind(h),
  };
  return new Map([...lab.hosts, ['node1', wrapped]]);
}

/** node1's initiating session started under another passphrase (as if its operator's preseed had another one). */
const initiatorWithPassphrase = (other: string): Map<string, Host> =>
  initiatorWrapped((m) => (typeof m === 'object' && m !== null && 'passphrase' in m ? { ...m, passphrase: other } : m));

test('a wrong passphrase: upstream\'s "Wrong passphrase", both sessions stopped, node4 uninitialized and no dead record', async () => {
  const before = await members('node1');
  const err = await failureOf(joinWithSession(initiatorWithPassphrase('Not-The-Passphrase-0000'), joinOf('node4'), ctx));
  expect(err.message).toBe('MicroCloud join of node4 into node1\'s cluster failed: node4\'s MicroCloud daemon ended the session: ' +
    'Failed to send our intent to join "10.1.0.11": Wrong passphrase');
  expect(err.message).not.toContain('Not-The-Passphrase');
  expect((await readMicroCloud(host('node4')))!.initialized).toBe(false);
  expect(await members('node1')).toEqual(before);
  // The initiator's session, still waiting for intents, was stopped with PUT /1.0/session/stop.
  expect(cloud().sessions.current('node1')?.active).toBe(false);
  expect(lab.site.requests({ machine: 'node1', service: 'microcloud', mutating: true }).map((r) => `${r.method} ${r.path} ${r.status}`).at(-1))
    .toBe('PUT /1.0/session/stop 200');
  // No token was issued for node4.
  expect((await host('node1').request('microcloud', 'GET', '/core/control/tokens')).metadata).toEqual([]);
});

test('after the failure the same join succeeds with the right passphrase', async () => {
  await joinWithSession(lab.hosts, joinOf('node4'), ctx);
  expect(await members('node1')).toEqual(['node1', 'node2', 'node3', 'node4']);
});

test('a joiner whose LXD is another version is refused by the initiator with upstream\'s text, before anything joins', async () => {
  const ours = (await host('node1').request<{ environment: { server_version: string } }>('lxd', 'GET', '/1.0')).metadata.environment.server_version;
  expect(ours).not.toBe(NEWER_LXD);
  const err = await failureOf(joinWithSession(lab.hosts, joinOf('node5'), ctx));
  expect(err.message).toBe('MicroCloud join of node5 into node1\'s cluster failed: node5\'s MicroCloud daemon ended the session: ' +
    `Failed to send our intent to join "10.1.0.11": Rejecting peer "node5" due to invalid LXD version. (Want: "${ours}", Detected: "${NEWER_LXD}")`);
  expect((await readMicroCloud(host('node5')))!.initialized).toBe(false);
  for (const m of ['node1', 'node5']) expect(cloud().sessions.current(m)?.active).toBe(false);
});

test('a session longer than 60 minutes is the daemon\'s refusal, and no session is left open', async () => {
  const err = await failureOf(joinWithSession(lab.hosts, joinOf('node5', { timeoutMs: 61 * 60_000 }), ctx));
  expect(err.message).toBe('MicroCloud join of node5 into node1\'s cluster failed: node1: microcloud GET /1.0/session/initiating?timeout=3660s failed with 400: ' +
    'Session timeout cannot exceed 60 minutes');
  expect(lab.site.requests({ machine: 'node5', service: 'microcloud' }).filter((r) => r.path === '/1.0/session/joining')).toHaveLength(1);
});

test('an address no interface holds is refused before any session opens', async () => {
  const sessions = lab.site.requests({ machine: 'node1' }).filter((r) => r.path.startsWith('/1.0/session/')).length;
  await expect(joinWithSession(lab.hosts, joinOf('node5', { joinerAddress: '10.1.0.99' }), ctx)).rejects.toThrow(/^node5: no interface holds 10\.1\.0\.99/);
  expect(lab.site.requests({ machine: 'node1' }).filter((r) => r.path.startsWith('/1.0/session/')).length).toBe(sessions);
});

test('an interface the daemon cannot find: the initiator\'s own refusal, naming the machine', async () => {
  const wrong = { ...interfaces, node1: [{ name: 'eth9', addresses: ['10.1.0.11/24'] }] };
  const err = await failureOf(joinWithSession(lab.hosts, joinOf('node5', { interfaces: wrong }), ctx));
  expect(err.message).toBe('MicroCloud join of node5 into node1\'s cluster failed: node1\'s MicroCloud daemon ended the session: ' +
    'Failed to start multicast discovery: Failed to resolve server interface "eth9": route ip+net: no such network interface');
  expect(cloud().sessions.current('node1')?.active).toBe(false);
});

test('without a passphrase the joiner uses the one the initiator\'s daemon made up, and it is masked like any secret', async () => {
  const seen: unknown[] = [];
  await joinWithSession(initiatorWrapped((m) => m, seen), joinOf('node6', { passphrase: undefined }), ctx);
  expect(await members('node1')).toEqual(['node1', 'node2', 'node3', 'node4', 'node6']);
  const made = (seen[0] as { passphrase: string }).passphrase;
  expect(made).toMatch(/^\S+ \S+ \S+ \S+$/);
  expect(secrets.scrub(`[${made}]`)).toBe('[[REDACTED]]');
});

test('a join outside a session is still what breaks: the daemon\'s EOF, and a member record that never answers', async () => {
  await expect(joinMicroCloud(host('node1'), host('node7'), { name: 'node7', ip: '10.1.0.17' }, ctx, initialized('node7')))
    .rejects.toMatchObject({ status: 500, apiMessage: 'Failed to join "MicroCloud" cluster: Post "http://control.socket/core/control": EOF' });
  expect((await readMicroCloud(host('node1'), { parts: ['members'] }))!.members.map((m) => [m.name, m.status]).at(-1)).toEqual(['node7', 'UNREACHABLE']);
});
