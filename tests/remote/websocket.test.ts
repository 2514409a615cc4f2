// Websockets to a daemon's socket over a real OpenSSH sshd (src/remote/websocket.ts through
// Host.websocket): a Node server on a unix socket in the fixture's temp dir stands in for the daemon,
// with ws's server for the framing (told to break the rules where a test needs it), so what the
// client does on the wire is tested: close, pings, fragments, limits, refused and broken handshakes,
// and upstream MicroCloud's control message (canonical/microcloud client/websocket.go at
// f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { connect, type Host } from '../../src/remote/host.js';
import { ApiError, RemoteTimeout } from '../../src/remote/errors.js';
import { DaemonSocketClosed } from '../../src/remote/websocket.js';
import { createSudoUser, requireSudo, sudoTest, sudoUnavailable, type SudoUser } from '../helpers/sudo-user.js';
import { useSshd } from '../helpers/sshd.js';

const sshd = useSshd();
const SECRET = 'Lantern-Meadow-Pebble-4411';

let server: Server;
let socketPath: string;
let host: Host;
const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
/** Connections the stand-in daemon took over: http.Server.close does not wait for them... */
const upgraded = new Set<Duplex>();
/** What the stand-in daemon saw from clients, per connection, in order. */
const seen: string[] = [];

/** Waits (up to a second) until the stand-in daemon saw `entry` `times` times: ws reports a close
 *  once the connection is gone, which may be just after the client's close() resolved. */
async function heard(entry: string, times = 1): Promise<void> {
  const count = (): number => seen.filter((e) => e === entry).length;
  for (let k = 0; k < 100 && count() < times; k++) await new Promise((r) => setTimeout(r, 10));
}

/** The stand-in daemon's websocket side: `path` picks a behaviour. */
function serve(path: string, ws: WebSocket): void {
  ws.on('error', (e) => seen.push(`protocol error: ${e.message}`));
  ws.on('pong', (data) => {
    seen.push(`pong ${data.toString()}`);
    ws.send(JSON.stringify({ pong: data.toString() }));
  });
  ws.on('close', (code) => seen.push(`close ${code}`));
  ws.on('message', (data, isBinary) => {
    const body = (data as Buffer).toString();
    seen.push(`message ${body}${isBinary ? ' (binary)' : ''}`);
    const got = JSON.parse(body) as Record<string, unknown>;
    switch (path) {
      case '/echo':
        if (typeof got['ping'] === 'string') ws.ping(got['ping']);
        else ws.send(JSON.stringify(got));
        break;
      case '/control':
        ws.send(JSON.stringify({ control_message: `Failed: \u001b[31mred\u001b[0m \u202eevil ${SECRET}` }));
        break;
      case '/fragments': {
        const payload = Buffer.from(JSON.stringify({ parts: 'one-two-three' }));
        ws.send(payload.subarray(0, 5), { binary: false, fin: false });
        ws.ping('mid');
        ws.send(payload.subarray(5, 12), { binary: false, fin: false });
        ws.send(payload.subarray(12), { binary: false, fin: true });
        break;
      }
      case '/big':
        ws.send(JSON.stringify({ big: 'x'.repeat(70_000) }));
        break;
      case '/masked':
        // A server must not mask its frames (RFC 6455 §5.1).
        ws.send('{}', { mask: true });
        break;
      case '/notjson':
        ws.send('{"half":');
        break;
      case '/hangup':
        ws.terminate();
        break;
      case '/silent':
        break;
      default:
        ws.terminate();
    }
  });
}

beforeAll(async () => {
  socketPath = join(sshd().dir, `ws-${process.pid}.socket`);
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(404);
    res.end();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/refuse')) {
      // A daemon refusing the upgrade before it happens, as microcluster's error envelope says it.
      const error = path === '/refuse' ? 'There already is an active session' : `Session ${SECRET} refused`;
      const body = JSON.stringify({ type: 'error', status: '', status_code: 0, operation: '', error_code: 400, error, metadata: null });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    if (path === '/badaccept') {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(path, ws));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const s = sshd();
  host = await connect({ name: 'node1', host: s.host, port: s.port, user: s.user, identityFile: s.clientKey.path, hostKey: s.hostKey.fingerprint,
    socketPaths: { microcloud: socketPath } }, { agent: false, retry: false });
});

afterAll(async () => {
  const open = upgraded.size;
  await host?.close();
  for (const s of upgraded) s.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  // ...and every websocket was closed by the time its test ended.
  expect(open).toBe(0);
});

beforeEach(() => {
  seen.length = 0;
});

describe('Host.websocket over a stream-local forward', () => {
  test('JSON both ways; the channel goes when the socket is closed, and the close frame reached the daemon', async () => {
    const s = await host.websocket('microcloud', '/echo');
    s.send({ hello: 'wörld ✓' });
    expect(await s.next()).toEqual({ hello: 'wörld ✓' });
    s.send({ n: 2 });
    expect(await s.next()).toEqual({ n: 2 });
    await s.close();
    expect(s.open).toBe(false);
    await expect(s.next()).rejects.toThrow('node1: microcloud websocket /echo: closed by this program');
    expect(() => s.send({ late: true })).toThrow('node1: microcloud websocket /echo: closed by this program');
    await heard('close 1000');
    expect(seen).toEqual(['message {"hello":"wörld ✓"}', 'message {"n":2}', 'close 1000']);
  });

  test('a ping is answered with a pong carrying its payload', async () => {
    const s = await host.websocket('microcloud', '/echo');
    s.send({ ping: 'are-you-there' });
    expect(await s.next()).toEqual({ pong: 'are-you-there' });
    expect(seen).toContain('pong are-you-there');
    await s.close();
  });

  test('a message in fragments, with a ping between them, and one over 64 KiB', async () => {
    const f = await host.websocket('microcloud', '/fragments');
    f.send({});
    expect(await f.next()).toEqual({ parts: 'one-two-three' });
    await f.close();
    expect(seen).toContain('pong mid');
    const b = await host.websocket('microcloud', '/big');
    b.send({});
    expect(((await b.next()) as { big: string }).big).toHaveLength(70_000);
    await b.close();
  });

  test('the control message: the daemon\'s error, shown safely and without secrets; the client hangs up at once', async () => {
    const s = await host.websocket('microcloud', '/control', { secrets: [SECRET] });
    s.send({ go: true });
    const err = await s.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DaemonSocketClosed);
    expect((err as DaemonSocketClosed).daemonMessage).toBe('Failed: \\u001b[31mred\\u001b[0m \\u202eevil [REDACTED]');
    expect((err as Error).message).toBe('node1: microcloud websocket /control: Failed: \\u001b[31mred\\u001b[0m \\u202eevil [REDACTED]');
    expect(s.open).toBe(false);
    // It hung up on its own: the close frame is what the daemon waits for (WriteClose).
    await heard('close 1000');
    expect(seen).toContain('close 1000');
    await expect(s.next()).rejects.toBe(err);
  });

  test('a refused upgrade is the daemon\'s ApiError, from its envelope', async () => {
    const err = await host.websocket('microcloud', '/refuse').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, apiMessage: 'There already is an active session', path: '/refuse' });
    const secret = await host.websocket('microcloud', '/refuse-secret', { secrets: [SECRET] }).catch((e: unknown) => e);
    expect(secret).toMatchObject({ status: 400, apiMessage: 'Session [REDACTED] refused' });
    expect((secret as Error).message).not.toContain(SECRET);
  });

  test('an accept key that does not match, a masked frame, a message that is not JSON, one over the limit, a hang-up, silence', async () => {
    const bad = await host.websocket('microcloud', '/badaccept').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect(bad).toMatchObject({ status: 101, path: '/badaccept' });
    expect((bad as Error).message).toMatch(/the daemon's answer to the websocket upgrade is not valid/);
    const m = await host.websocket('microcloud', '/masked');
    m.send({});
    await expect(m.next()).rejects.toThrow(/^node1: microcloud websocket \/masked: the daemon broke the websocket protocol: .*MASK/);
    await m.close();
    const j = await host.websocket('microcloud', '/notjson');
    j.send({});
    await expect(j.next()).rejects.toThrow('node1: microcloud websocket /notjson: the daemon sent a message that is not JSON');
    await j.close();
    const big = await host.websocket('microcloud', '/big', { maxMessageBytes: 1000 });
    big.send({});
    await expect(big.next()).rejects.toThrow(/^node1: microcloud websocket \/big: the daemon broke the websocket protocol: .*payload/i);
    await big.close();
    // The daemon heard why: 1007 (invalid data) and 1009 (too big), RFC 6455 §7.4.1.
    await heard('close 1007');
    await heard('close 1009');
    expect(seen).toEqual(expect.arrayContaining(['close 1007', 'close 1009']));
    const h = await host.websocket('microcloud', '/hangup');
    h.send({});
    await expect(h.next()).rejects.toThrow('node1: microcloud websocket /hangup: the daemon closed it without a message');
    // A message to a daemon that hung up is dropped, as it would be on the wire: next() says why.
    expect(() => h.send({})).not.toThrow();
    await expect(h.next()).rejects.toThrow('the daemon closed it without a message');
    const quiet = await host.websocket('microcloud', '/silent');
    quiet.send({});
    const late = await quiet.next({ timeoutMs: 200 }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(RemoteTimeout);
    const aborted = new AbortController();
    const waiting = quiet.next({ signal: aborted.signal });
    aborted.abort();
    await expect(waiting).rejects.toThrow(/waiting for a message \(aborted\)/);
    await expect(quiet.next({ signal: aborted.signal })).rejects.toThrow(/waiting for a message \(aborted\)/);
    await quiet.close();
  });

  test('messages that arrive before anyone asks are kept, in order', async () => {
    const s = await host.websocket('microcloud', '/echo');
    for (let k = 0; k < 5; k++) s.send({ k });
    for (let k = 0; k < 5; k++) expect(await s.next()).toEqual({ k });
    await s.close();
  });
});

// The sudo relay: a login that is not root reaches the root-owned socket through `sudo -n nc -N -U`.
describe('Host.websocket through the sudo relay', () => {
  let user: SudoUser | undefined;
  let nonRoot: Host | undefined;
  const logged: string[] = [];

  beforeAll(async () => {
    if (sudoUnavailable() !== null) return;
    user = await createSudoUser();
    await user.allowSudo();
    const s = sshd();
    nonRoot = await connect({ name: 'node2', host: s.host, port: s.port, user: user.name, identityFile: s.clientKey.path, hostKey: s.hostKey.fingerprint,
      socketPaths: { microcloud: socketPath } }, { agent: false, retry: false, logger: { debug: (m) => logged.push(m), info: () => undefined, warn: () => undefined } });
  });

  afterAll(async () => {
    await nonRoot?.close();
    await user?.remove();
  });

  sudoTest()('JSON both ways, the control message, and the relay gone once the socket is closed', async () => {
    requireSudo();
    const h = nonRoot as Host;
    const s = await h.websocket('microcloud', '/echo');
    s.send({ via: 'relay' });
    expect(await s.next()).toEqual({ via: 'relay' });
    await s.close();
    await heard('close 1000');
    const c = await h.websocket('microcloud', '/control', { secrets: [SECRET] });
    c.send({});
    await expect(c.next()).rejects.toThrow(/\/control: Failed: .*\[REDACTED\]$/);
    await c.close();
    await heard('close 1000', 2);
    expect(seen).toEqual(['message {"via":"relay"}', 'close 1000', 'message {}', 'close 1000']);
    expect(logged).toContain('daemon socket reached through a sudo relay');
    // No relay outlives its socket.
    const relays = async (): Promise<string> => (await h.exec(['pgrep', '-f', `^nc -N -U ${socketPath}$`], { check: false })).stdout.toString();
    for (let k = 0; k < 100 && (await relays()) !== ''; k++) await new Promise((r) => setTimeout(r, 20));
    expect(await relays()).toBe('');
  });
});
