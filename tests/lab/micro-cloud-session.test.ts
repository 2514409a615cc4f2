// MicroCloud's trust-establishment sessions in the lab, over SSH: the websockets on the daemon's
// control socket (GET /1.0/session/initiating and /1.0/session/joining), the join intents the
// daemons send each other (POST /1.0/session/join), and how a session ends. The client is the
// product's (src/remote/websocket.ts); undici's WebSocket checks the lab's framing independently.
// Rules read from canonical/microcloud at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741 (api/session.go,
// api/session_join.go, api/services_auth.go, service/session.go, client/websocket.go,
// multicast/discovery.go), the same at tag 2.1.3 (33f6c5b4bbd77b0e5ee476a78e36d95bc6941b22);
// gorilla/websocket server.go at 0174e94f998f141b07d4e3be4925623b957d9a45 for the handshake.
import { Client, WebSocket } from 'undici';
import { DEFAULT_SNAPS, MICROCLOUD_SNAP, defaultMachineSpecs } from '../../src/lab/machines.js';
import type { MicroCloudWorld } from '../../src/lab/micro/microcloud.js';
import { ApiError, DaemonSocketClosed, connect as connectHost, type DaemonSocket, type Host } from '../../src/remote/index.js';
import { startLab, type Lab } from '../apply/helpers.js';
import { connect, httpOn, openSocket } from './ssh-helpers.js';

const SOCKET = '/var/snap/microcloud/common/state/control.socket';
const EMPTY_INTENT = { name: '', version: '', address: '', certificate: '', services: null };
const PASS = 'acorn banjo cactus dolphin';

let lab: Lab;
const host = (m: string): Host => lab.hosts.get(m)!;
const cloud = (): MicroCloudWorld => lab.site.world('microcloud') as MicroCloudWorld;
const ip = (m: string): string => `10.1.0.${10 + Number(m.slice(4))}`;

beforeEach(async () => {
  lab = await startLab({ machines: defaultMachineSpecs(3, { snaps: [...DEFAULT_SNAPS, MICROCLOUD_SNAP] }) });
  await host('node1').request('microcloud', 'POST', '/core/control', { bootstrap: true, name: 'node1', address: '10.1.0.11:9443', config: null, join_token: '' });
}, 30_000);

afterEach(async () => {
  await lab?.stop();
});

/** What each daemon announces: MicroCloud, LXD, MicroCeph and MicroOVN at their versions. */
async function services(m: string): Promise<Record<string, string>> {
  const core = async (svc: 'microcloud' | 'microceph' | 'microovn') => (await host(m).request<{ version: string }>(svc, 'GET', '/core/1.0')).metadata.version;
  const lxd = (await host(m).request<{ environment: { server_version: string } }>('lxd', 'GET', '/1.0')).metadata.environment.server_version;
  return { LXD: lxd, MicroCeph: await core('microceph'), MicroCloud: await core('microcloud'), MicroOVN: await core('microovn') };
}

const initiating = (m = 'node1', query = 'timeout=10m'): Promise<DaemonSocket> => host(m).websocket('microcloud', `/1.0/session/initiating?${query}`);
const joining = (m: string, query = 'timeout=10m'): Promise<DaemonSocket> => host(m).websocket('microcloud', `/1.0/session/joining?${query}`);

async function startInitiator(passphrase = PASS): Promise<DaemonSocket> {
  const s = await initiating();
  s.send({ address: ip('node1'), interface: 'eth0', services: await services('node1'), passphrase });
  expect(await s.next()).toEqual({ passphrase: passphrase || expect.any(String), intent: EMPTY_INTENT });
  return s;
}

async function startJoiner(m: string, over: Record<string, unknown> = {}): Promise<DaemonSocket> {
  const s = await joining(m);
  s.send({ passphrase: PASS, address: ip(m), initiator_address: ip('node1'), interface: 'eth0', services: await services(m), ...over });
  return s;
}

/** The daemon's control message on a socket: what next() rejects with. */
async function controlMessage(s: DaemonSocket): Promise<string | null> {
  const err = await s.next().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DaemonSocketClosed);
  return (err as DaemonSocketClosed).daemonMessage;
}

const until = async (what: () => boolean): Promise<void> => {
  for (let k = 0; k < 200 && !what(); k++) await new Promise((r) => setTimeout(r, 5));
  expect(what()).toBe(true);
};

describe('the upgrade (sessionGet, then gorilla\'s Upgrader)', () => {
  test('a plain GET is refused as gorilla refuses it: 400, the reason as plain text', async () => {
    const c = await connect(lab.site, 'node1');
    try {
      const r = await httpOn(await openSocket(c, SOCKET), 'GET', '/1.0/session/initiating');
      expect(r.status).toBe(400);
      expect(r.text).toBe("websocket: not a websocket handshake: 'upgrade' token not found in 'Connection' header\n");
      expect(r.headers['sec-websocket-version']).toBe('13');
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    } finally {
      c.end();
    }
  });

  test('the timeout: Go durations up to 60 minutes; the daemon\'s texts for the rest', async () => {
    const refused = async (query: string): Promise<string> => {
      const err = await initiating('node1', query).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(400);
      return (err as ApiError).apiMessage;
    };
    expect(await refused('timeout=61m')).toBe('Session timeout cannot exceed 60 minutes');
    expect(await refused('timeout=1h0m1s')).toBe('Session timeout cannot exceed 60 minutes');
    expect(await refused('timeout=abc')).toBe('Failed to parse timeout: time: invalid duration "abc"');
    expect(await refused('timeout=5')).toBe('Failed to parse timeout: time: missing unit in duration "5"');
    expect(await refused('timeout=5d')).toBe('Failed to parse timeout: time: unknown unit "d" in duration "5d"');
    const s = await initiating('node1', 'timeout=1h');
    await s.close();
  });

  test('one session per daemon: a second one is refused while the first is active', async () => {
    const first = await startInitiator();
    await expect(joining('node1')).rejects.toMatchObject({ status: 400, apiMessage: 'There already is an active session' });
    await first.close();
    await until(() => cloud().sessions.current('node1')?.active === false);
    const again = await startInitiator();
    await again.close();
  });

  test('undici\'s WebSocket (another implementation) speaks to the lab\'s daemon', async () => {
    const c = await connect(lab.site, 'node1');
    const dispatcher = new Client('http://unix.socket', {
      connect: (_o, cb) => { openSocket(c, SOCKET).then((ch) => cb(null, ch as never), (e: Error) => cb(e, null)); },
    });
    try {
      const ws = new WebSocket('ws://unix.socket/1.0/session/initiating?timeout=1m', { dispatcher } as never);
      const got = await new Promise<{ messages: string[]; code: number }>((resolve, reject) => {
        const messages: string[] = [];
        ws.onopen = () => ws.send(JSON.stringify({ address: ip('node1'), interface: 'eth0', passphrase: PASS, padding: 'x'.repeat(70_000) }));
        ws.onmessage = (e) => { messages.push(String(e.data)); ws.close(1000); };
        ws.onclose = (e) => resolve({ messages, code: e.code });
        ws.onerror = () => reject(new Error('undici reported a websocket error'));
      });
      // json.Encoder's newline included, as gorilla's WriteJSON sends it.
      expect(got.messages).toEqual([`${JSON.stringify({ passphrase: PASS, intent: EMPTY_INTENT })}\n`]);
      expect(got.code).toBe(1000);
    } finally {
      await dispatcher.close();
      c.end();
    }
  });
});

describe('trust establishment, message by message', () => {
  test('initiator and joiner: passphrase, intents, confirmation, acceptance, then the join and the joiner\'s last message', async () => {
    const init = await startInitiator();
    const join = await startJoiner('node2');
    const [intent, found] = await Promise.all([init.next<{ intent: Record<string, unknown> }>(), join.next<Record<string, unknown>>()]);
    expect(intent).toEqual({
      intent: { name: 'node2', version: '2.0', address: '10.1.0.12', certificate: expect.stringMatching(/^-----BEGIN CERTIFICATE-----\n/), services: await services('node2') },
    });
    expect(found).toEqual({ initiator_address: '10.1.0.11', initiator_name: 'node1', initiator_fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), intent: EMPTY_INTENT });

    init.send({ confirmed_intents: [intent.intent] });
    const [accepted, confirmation] = await Promise.all([init.next(), join.next<{ intent: Record<string, unknown> }>()]);
    expect(accepted).toEqual({ intent: EMPTY_INTENT, accepted: true });
    expect(confirmation.intent).toMatchObject({ name: 'node1', version: '2.0', address: '10.1.0.11', services: await services('node1') });
    // The initiating session is over: the daemon hangs up without a message.
    expect(await controlMessage(init)).toBeNull();
    expect(cloud().sessions.current('node1')?.active).toBe(false);
    expect(cloud().sessions.current('node2')?.stage).toBe('waiting');

    const token = (await host('node1').request<string>('microcloud', 'POST', '/core/control/tokens', { name: 'node2', expire_after: 3_600_000_000_000 })).metadata;
    await host('node2').request('microcloud', 'PUT', '/1.0/services', { tokens: [{ service: 'MicroCloud', join_token: token }], address: '10.1.0.12' });
    // types.Session{Error: ""}: no error key at all (omitempty), the empty intent as always.
    expect(await join.next()).toEqual({ intent: EMPTY_INTENT });
    expect(await controlMessage(join)).toBeNull();
    expect(cloud().sessions.current('node2')?.active).toBe(false);
    expect(cloud().members().map((m) => m.name)).toEqual(['node1', 'node2']);
    // Both websockets and every request used the one SSH connection of each machine.
    expect(lab.site.connections('node1')).toBe(1);
    expect(lab.site.connections('node2')).toBe(1);
  });

  test('without a passphrase the initiator\'s daemon makes up four words', async () => {
    const s = await initiating();
    s.send({ address: ip('node1'), interface: 'eth0', services: await services('node1') });
    const m = await s.next<{ passphrase: string }>();
    expect(m.passphrase).toMatch(/^[a-z]+ [a-z]+ [a-z]+ [a-z]+$/);
    await s.close();
  });

  test('the multicast responder needs an interface the machine has', async () => {
    for (const [iface, why] of [['eth9', 'no such network interface'], ['', 'invalid network interface name']] as const) {
      const s = await initiating();
      s.send({ address: ip('node1'), interface: iface, passphrase: PASS });
      expect(await controlMessage(s)).toBe(`Failed to start multicast discovery: Failed to resolve server interface "${iface}": route ip+net: ${why}`);
      expect(cloud().sessions.current('node1')?.active).toBe(false);
    }
  });

  test('a joiner with another passphrase: "Wrong passphrase"; the initiator keeps its session and counts the attempt', async () => {
    const init = await startInitiator();
    const join = await startJoiner('node2', { passphrase: 'wrong wrong wrong wrong' });
    expect(await controlMessage(join)).toBe('Failed to send our intent to join "10.1.0.11": Wrong passphrase');
    expect(cloud().sessions.current('node2')?.active).toBe(false);
    expect(cloud().sessions.current('node1')).toMatchObject({ active: true, failedAttempts: 1 });
    await init.close();
  });

  test('after 50 failed attempts the next one stops the initiator\'s session, and says so on its socket', async () => {
    const init = await startInitiator();
    for (let k = 0; k < 50; k++) {
      expect(await controlMessage(await startJoiner('node2', { passphrase: `wrong ${k}` }))).toBe('Failed to send our intent to join "10.1.0.11": Wrong passphrase');
    }
    const last = await startJoiner('node2', { passphrase: 'wrong again' });
    const [joinerSays, initiatorSays] = await Promise.all([controlMessage(last), controlMessage(init)]);
    expect(initiatorSays).toBe('Stopping session after too many failed attempts');
    expect(joinerSays).toBe('Failed to send our intent to join "10.1.0.11": Stopping session after too many failed attempts');
    expect(cloud().sessions.current('node1')?.active).toBe(false);
  });

  test('no initiating session, or no daemon at the address: the joiner\'s daemon says which', async () => {
    expect(await controlMessage(await startJoiner('node2'))).toBe('Failed to send our intent to join "10.1.0.11": No active session');
    expect(await controlMessage(await startJoiner('node2', { initiator_address: '10.1.0.99' }))).toBe(
      'Failed to send our intent to join "10.1.0.99": Failed to send join intent: Post "https://10.1.0.99:9443/1.0/session/join": dial tcp 10.1.0.99:9443: connect: no route to host');
  });

  test('validateIntent: every service of the initiator, at its exact version', async () => {
    const init = await startInitiator();
    const all = await services('node2');
    const { MicroCeph: _dropped, ...withoutCeph } = all;
    expect(await controlMessage(await startJoiner('node2', { services: withoutCeph }))).toBe(
      'Failed to send our intent to join "10.1.0.11": Rejecting peer "node2" due to missing services (MicroCeph)');
    expect(await controlMessage(await startJoiner('node2', { services: { ...all, MicroCloud: '3.3' } }))).toBe(
      'Failed to send our intent to join "10.1.0.11": Rejecting peer "node2" due to invalid MicroCloud version. (Want: "2.1.3", Detected: "3.3")');
    // A refused intent is not a failed HMAC: the session goes on.
    expect(cloud().sessions.current('node1')).toMatchObject({ active: true, failedAttempts: 0 });
    await init.close();
  });
});

describe('how a session ends', () => {
  test('PUT /1.0/session/stop writes the reason on the socket and answers once the client hung up', async () => {
    const join = await startJoiner('node2');
    expect(await controlMessage(join)).toBe('Failed to send our intent to join "10.1.0.11": No active session');
    const init = await startInitiator();
    await host('node1').request('microcloud', 'PUT', '/1.0/session/stop', { reason: 'apply failed on node3' });
    expect(await controlMessage(init)).toBe('apply failed on node3');
    expect(cloud().sessions.current('node1')?.active).toBe(false);
  });

  test('a session past its timeout closes without a message (its context is done, so nothing more is written)', async () => {
    const s = await initiating('node1', 'timeout=0s');
    s.send({ address: ip('node1'), interface: 'eth0', passphrase: PASS });
    expect(await controlMessage(s)).toBeNull();
    expect(cloud().sessions.current('node1')?.active).not.toBe(true);
  });

  test('a joiner whose client hung up after trust was established: its session ends, and a join then panics', async () => {
    const init = await startInitiator();
    const join = await startJoiner('node2');
    const [intent] = await Promise.all([init.next<{ intent: unknown }>(), join.next()]);
    init.send({ confirmed_intents: [intent.intent] });
    await Promise.all([init.next(), join.next()]);
    expect(cloud().sessions.current('node2')?.stage).toBe('waiting');
    await join.close();
    await until(() => cloud().sessions.current('node2')?.active === false);
    const token = (await host('node1').request<string>('microcloud', 'POST', '/core/control/tokens', { name: 'node2', expire_after: 3_600_000_000_000 })).metadata;
    await expect(host('node2').request('microcloud', 'PUT', '/1.0/services', { tokens: [{ service: 'MicroCloud', join_token: token }], address: '10.1.0.12' }))
      .rejects.toMatchObject({ status: 500, apiMessage: 'Failed to join "MicroCloud" cluster: Post "http://control.socket/core/control": EOF' });
  });
});

test('a login that is not root reaches the session through the sudo relay, on its one SSH connection', async () => {
  await lab.stop();
  lab = await startLab({ machines: defaultMachineSpecs(1, { snaps: [...DEFAULT_SNAPS, MICROCLOUD_SNAP] }), site: { users: ['root', 'ubuntu'] } });
  const e = lab.site.endpoint('node1');
  const h = await connectHost({ name: 'node1', host: e.host, port: e.port, user: 'ubuntu', hostKey: e.hostKeyFingerprint, identityFile: `${lab.dir}/id_ed25519` },
    { agent: false, retry: false });
  try {
    const s = await h.websocket('microcloud', '/1.0/session/initiating?timeout=1m');
    s.send({ address: ip('node1'), interface: 'eth0', passphrase: PASS });
    expect(await s.next()).toEqual({ passphrase: PASS, intent: EMPTY_INTENT });
    await s.close();
    expect(lab.site.commands('node1').filter((c) => c.argv?.includes('nc')).map((c) => c.argv))
      .toContainEqual(['sudo', '-n', '--', 'nc', '-N', '-U', SOCKET]);
    expect(lab.site.log.filter((x) => x.kind === 'connect' && x.machine === 'node1').map((x) => (x as { user: string }).user)).toEqual(['root', 'ubuntu']);
  } finally {
    await h.close();
  }
});
