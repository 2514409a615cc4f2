// Websockets to a daemon's socket over a real OpenSSH sshd (src/remote/websocket.ts through
// Host.websocket): a Node server on a unix socket in the fixture's temp dir stands in for the daemon
// and writes its frames by hand, so each rule of RFC 6455 the client must keep is tested on the
// wire: masking, fragments, ping/pong, close, limits, and upstream MicroCloud's control message
// (canonical/microcloud client/websocket.go at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741).
// The framing itself is checked against the examples of RFC 6455 §5.7.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { connect, type Host } from '../../src/remote/host.js';
import { ApiError, RemoteTimeout } from '../../src/remote/errors.js';
import { DaemonSocketClosed } from '../../src/remote/websocket.js';
import { CLOSE, FrameReader, MessageAssembler, OPCODE, acceptKey, encodeFrame } from '../../src/remote/websocket-frames.js';
import { createSudoUser, requireSudo, sudoTest, sudoUnavailable, type SudoUser } from '../helpers/sudo-user.js';
import { useSshd } from '../helpers/sshd.js';

const sshd = useSshd();
const SECRET = 'Lantern-Meadow-Pebble-4411';

let server: Server;
let socketPath: string;
let host: Host;
/** Connections the stand-in daemon took over: http.Server.close does not wait for them... */
const upgraded = new Set<Duplex>();
/** What the stand-in daemon saw from clients, per connection, in order. */
const seen: string[] = [];

const text = (value: unknown): Buffer => encodeFrame(OPCODE.text, Buffer.from(JSON.stringify(value)), false);

/** The stand-in daemon's websocket side: `path` picks a behaviour. */
function serve(path: string, socket: Duplex): void {
  const reader = new FrameReader({ masked: true, maxPayload: 1 << 20 });
  const messages = new MessageAssembler(1 << 20);
  socket.on('error', () => undefined);
  // The HTTP server's connections are half-open: a daemon closes its end when the client's ends.
  socket.on('end', () => socket.end());
  socket.on('data', (d: Buffer) => {
    let frames;
    try {
      frames = reader.push(d);
    } catch (e) {
      seen.push(`protocol error: ${(e as Error).message}`);
      socket.destroy();
      return;
    }
    for (const f of frames) {
      const m = messages.add(f);
      if (!m) continue;
      if (m.kind === 'control') {
        seen.push(`${m.frame.opcode === OPCODE.close ? 'close' : m.frame.opcode === OPCODE.pong ? 'pong' : 'ping'} ${m.frame.payload.toString('hex')}`);
        if (m.frame.opcode === OPCODE.pong) socket.write(text({ pong: m.frame.payload.toString() }));
        if (m.frame.opcode === OPCODE.close) socket.end(encodeFrame(OPCODE.close, m.frame.payload, false));
        continue;
      }
      const body = m.kind === 'message' ? m.text : '';
      seen.push(`message ${body}`);
      const got = JSON.parse(body) as Record<string, unknown>;
      switch (path) {
        case '/echo':
          if (typeof got['ping'] === 'string') socket.write(encodeFrame(OPCODE.ping, Buffer.from(got['ping']), false));
          else socket.write(text(got));
          break;
        case '/control':
          socket.write(text({ control_message: `Failed: \u001b[31mred\u001b[0m \u202eevil ${SECRET}` }));
          break;
        case '/fragments': {
          const payload = Buffer.from(JSON.stringify({ parts: 'one-two-three' }));
          socket.write(Buffer.concat([
            encodeFrame(OPCODE.text, payload.subarray(0, 5), false).fill(0x01, 0, 1), // FIN clear, opcode text
            encodeFrame(OPCODE.ping, Buffer.from('mid'), false),
            encodeFrame(OPCODE.continuation, payload.subarray(5, 12), false).fill(0x00, 0, 1), // FIN clear, continuation
            encodeFrame(OPCODE.continuation, payload.subarray(12), false),
          ]));
          break;
        }
        case '/big':
          socket.write(text({ big: 'x'.repeat(70_000) }));
          break;
        case '/masked':
          socket.write(encodeFrame(OPCODE.text, Buffer.from('{}'), true));
          break;
        case '/hangup':
          socket.destroy();
          break;
        case '/silent':
          break;
        default:
          socket.destroy();
      }
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
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
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
    const accept = path === '/badaccept' ? 'AAAA' : acceptKey(String(req.headers['sec-websocket-key']));
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    serve(path, socket);
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

describe('the framing (RFC 6455 §5.7 examples)', () => {
  test('a single-frame unmasked text message, and the same masked with key 37 fa 21 3d', () => {
    expect(encodeFrame(OPCODE.text, Buffer.from('Hello'), false).toString('hex')).toBe('810548656c6c6f');
    expect(encodeFrame(OPCODE.text, Buffer.from('Hello'), Buffer.from([0x37, 0xfa, 0x21, 0x3d])).toString('hex')).toBe('818537fa213d7f9f4d5158');
    const reader = new FrameReader({ masked: true, maxPayload: 100 });
    expect(reader.push(Buffer.from('818537fa213d7f9f4d5158', 'hex'))).toEqual([{ fin: true, opcode: 1, payload: Buffer.from('Hello') }]);
  });

  test('a fragmented unmasked text message, and a 256-byte and a 64 KiB binary message\'s headers', () => {
    const reader = new FrameReader({ masked: false, maxPayload: 70_000 });
    const assembler = new MessageAssembler(70_000);
    const frames = reader.push(Buffer.from('010348656c800' + '26c6f', 'hex'));
    expect(frames.map((f) => assembler.add(f))).toEqual([null, { kind: 'message', text: 'Hello' }]);
    expect(encodeFrame(OPCODE.binary, Buffer.alloc(256), false).subarray(0, 4).toString('hex')).toBe('827e0100');
    expect(encodeFrame(OPCODE.binary, Buffer.alloc(65536), false).subarray(0, 10).toString('hex')).toBe('827f0000000000010000');
  });

  test('a frame read byte by byte comes out whole; what breaks the rules is refused with its close code', () => {
    const reader = new FrameReader({ masked: false, maxPayload: 10 });
    const bytes = Buffer.from('810548656c6c6f', 'hex');
    const out = [...bytes].flatMap((b) => reader.push(Buffer.from([b])));
    expect(out).toEqual([{ fin: true, opcode: 1, payload: Buffer.from('Hello') }]);
    const code = (hex: string, masked = false): number | undefined => {
      try { new FrameReader({ masked, maxPayload: 10 }).push(Buffer.from(hex, 'hex')); } catch (e) { return (e as { code: number }).code; }
      return undefined;
    };
    expect(code('c100')).toBe(CLOSE.protocolError); // RSV1 set
    expect(code('8300')).toBe(CLOSE.protocolError); // reserved opcode
    expect(code('0900')).toBe(CLOSE.protocolError); // fragmented ping
    expect(code('810b')).toBe(CLOSE.tooBig);
    expect(code('8100', true)).toBe(CLOSE.protocolError); // unmasked frame to a server
    expect(() => new MessageAssembler(10).add({ fin: true, opcode: OPCODE.text, payload: Buffer.from([0xff]) })).toThrow(/not valid UTF-8/);
  });
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
    expect(seen).toEqual(['message {"hello":"wörld ✓"}', 'message {"n":2}', 'close 03e8']);
  });

  test('a ping is answered with a pong carrying its payload', async () => {
    const s = await host.websocket('microcloud', '/echo');
    s.send({ ping: 'are-you-there' });
    expect(await s.next()).toEqual({ pong: 'are-you-there' });
    expect(seen).toContain(`pong ${Buffer.from('are-you-there').toString('hex')}`);
    await s.close();
  });

  test('a message in fragments, with a ping between them, and one over 64 KiB', async () => {
    const f = await host.websocket('microcloud', '/fragments');
    f.send({});
    expect(await f.next()).toEqual({ parts: 'one-two-three' });
    await f.close();
    expect(seen).toContain(`pong ${Buffer.from('mid').toString('hex')}`);
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
    for (let k = 0; k < 100 && !seen.includes('close 03e8'); k++) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toContain('close 03e8');
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

  test('an accept key that does not match, a masked frame from the daemon, a hang-up, silence', async () => {
    await expect(host.websocket('microcloud', '/badaccept')).rejects.toThrow('without a valid Sec-WebSocket-Accept');
    const m = await host.websocket('microcloud', '/masked');
    m.send({});
    await expect(m.next()).rejects.toThrow('node1: microcloud websocket /masked: the daemon broke the websocket protocol: a server frame is masked');
    const h = await host.websocket('microcloud', '/hangup');
    h.send({});
    await expect(h.next()).rejects.toThrow('node1: microcloud websocket /hangup: the daemon closed it without a message');
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
    const c = await h.websocket('microcloud', '/control', { secrets: [SECRET] });
    c.send({});
    await expect(c.next()).rejects.toThrow(/\/control: Failed: .*\[REDACTED\]$/);
    await c.close();
    expect(seen).toEqual(['message {"via":"relay"}', 'close 03e8', 'message {}', 'close 03e8']);
    expect(logged).toContain('daemon socket reached through a sudo relay');
    // No relay outlives its socket.
    const relays = async (): Promise<string> => (await h.exec(['pgrep', '-f', `^nc -N -U ${socketPath}$`], { check: false })).stdout.toString();
    for (let k = 0; k < 100 && (await relays()) !== ''; k++) await new Promise((r) => setTimeout(r, 20));
    expect(await relays()).toBe('');
  });
});
