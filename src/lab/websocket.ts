// The server end of a websocket on a lab daemon's socket, as gorilla/websocket (which LXD's
// shared/ws.Upgrader wraps, and MicroCloud's session endpoints use) answers it. An endpoint that
// upgrades returns upgradeResponse(run); the HTTP bridge (http-bridge.ts) checks the handshake as
// gorilla's Upgrader.Upgrade does, writes the 101 and hands `run` the LabWebSocket. The framing is
// RFC 6455's, shared with the product's client (src/remote/websocket-frames.ts).
import type { Duplex } from 'node:stream';
import { CLOSE, FrameError, FrameReader, MessageAssembler, OPCODE, acceptKey, closePayload, encodeFrame } from '../remote/websocket-frames.js';
import type { LabResponse } from './types.js';

/** One websocket connection as a daemon's handler sees it. */
export interface LabWebSocket {
  /** gorilla's WriteJSON: one text message, the JSON and a newline (json.Encoder). False once closed. */
  sendJson(value: unknown): boolean;
  /** The next data message; null once the connection is gone or the client sent a close frame. */
  receive(): Promise<string | null>;
  /** Why reading ended, as gorilla's ReadMessage reports it; null while open. */
  readonly readError: string | null;
  /** Resolves when the connection is gone. */
  readonly closed: Promise<void>;
  /** gorilla's Conn.Close: the connection ends, without a close frame. */
  close(): void;
}

/** A daemon's answer that switches the connection to the websocket protocol. */
export interface UpgradeResponse extends LabResponse {
  upgrade: (ws: LabWebSocket) => void;
}

export function upgradeResponse(run: (ws: LabWebSocket) => void): UpgradeResponse {
  return { status: 101, body: null, upgrade: run };
}

export function isUpgrade(res: LabResponse): res is UpgradeResponse {
  return typeof (res as Partial<UpgradeResponse>).upgrade === 'function';
}

/** Whether a comma-separated header lists `token` (gorilla's tokenListContainsValue, case-insensitive). */
function hasToken(headers: Record<string, string | string[] | undefined>, name: string, token: string): boolean {
  const v = headers[name.toLowerCase()];
  const all = Array.isArray(v) ? v.join(',') : v ?? '';
  return all.split(',').some((t) => t.trim().toLowerCase() === token);
}

/**
 * What gorilla's Upgrader.Upgrade refuses, in its order, as (status, reason): the reason is also
 * the whole plain-text body (http.Error). gorilla/websocket server.go at
 * 0174e94f998f141b07d4e3be4925623b957d9a45. LXD's Upgrader accepts any Origin.
 */
export function handshakeRefusal(method: string, headers: Record<string, string | string[] | undefined>): { status: number; reason: string } | null {
  const bad = 'websocket: not a websocket handshake: ';
  if (method !== 'GET') return { status: 405, reason: `${bad}request method is not GET` };
  if (!hasToken(headers, 'Connection', 'upgrade')) return { status: 400, reason: `${bad}'upgrade' token not found in 'Connection' header` };
  if (!hasToken(headers, 'Upgrade', 'websocket')) return { status: 400, reason: `${bad}'websocket' token not found in 'Upgrade' header` };
  if (!hasToken(headers, 'Sec-Websocket-Version', '13')) return { status: 400, reason: "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header" };
  const key = headers['sec-websocket-key'];
  if (typeof key !== 'string' || key.trim() === '') return { status: 400, reason: `${bad}\`Sec-Websocket-Key' header is missing or blank` };
  return null;
}

/** The 101 answer gorilla writes, then the socket as a LabWebSocket. `head`: bytes read past the request. */
export function acceptWebSocket(socket: Duplex, key: string, head: Buffer): LabWebSocket {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);
  return new ServerWebSocket(socket, head);
}

const MAX_MESSAGE = 1024 * 1024;

class ServerWebSocket implements LabWebSocket {
  readonly #socket: Duplex;
  readonly #reader = new FrameReader({ masked: true, maxPayload: MAX_MESSAGE });
  readonly #assembler = new MessageAssembler(MAX_MESSAGE);
  readonly #queue: string[] = [];
  readonly #waiting: ((m: string | null) => void)[] = [];
  #readError: string | null = null;
  #gone = false;
  readonly closed: Promise<void>;

  constructor(socket: Duplex, head: Buffer) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (d: Buffer) => this.#onData(d));
    // gorilla reads an EOF mid-conversation as an abnormal closure.
    socket.on('end', () => this.#stop('websocket: close 1006 (abnormal closure): unexpected EOF'));
    socket.on('close', () => {
      this.#gone = true;
      this.#stop('websocket: close 1006 (abnormal closure): unexpected EOF');
    });
    socket.on('error', () => { /* the close that follows says it */ });
    if (head.length > 0) this.#onData(head);
  }

  get readError(): string | null {
    return this.#readError;
  }

  sendJson(value: unknown): boolean {
    if (this.#gone || !this.#socket.writable) return false;
    this.#socket.write(encodeFrame(OPCODE.text, Buffer.from(`${JSON.stringify(value)}\n`, 'utf8'), false));
    return true;
  }

  receive(): Promise<string | null> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift()!);
    if (this.#readError !== null) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  close(): void {
    this.#gone = true;
    this.#stop('websocket: use of closed network connection');
    // end, not destroy: what was written before (a last message) still goes out.
    this.#socket.end();
  }

  #onData(chunk: Buffer): void {
    if (this.#readError !== null) return;
    try {
      for (const frame of this.#reader.push(chunk)) {
        const m = this.#assembler.add(frame);
        if (!m) continue;
        if (m.kind !== 'control') {
          this.#deliver(m.kind === 'message' ? m.text : m.data.toString('utf8'));
        } else if (m.frame.opcode === OPCODE.ping) {
          // gorilla's default ping handler answers with the same payload.
          this.#socket.write(encodeFrame(OPCODE.pong, m.frame.payload, false));
        } else if (m.frame.opcode === OPCODE.close) {
          // gorilla's default close handler echoes the code, and ReadMessage fails with it.
          const code = m.frame.payload.length >= 2 ? m.frame.payload.readUInt16BE(0) : 1005;
          if (this.#socket.writable) this.#socket.write(encodeFrame(OPCODE.close, closePayload(code === 1005 ? CLOSE.normal : code), false));
          this.#stop(`websocket: close ${code}${code === CLOSE.normal ? ' (normal)' : ''}`);
          return;
        }
      }
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      if (this.#socket.writable) this.#socket.write(encodeFrame(OPCODE.close, closePayload(e.code, e.message), false));
      this.#stop(`websocket: ${e.message}`);
      this.#socket.end();
    }
  }

  #deliver(message: string): void {
    const w = this.#waiting.shift();
    if (w) w(message);
    else this.#queue.push(message);
  }

  #stop(why: string): void {
    if (this.#readError !== null) return;
    this.#readError = why;
    for (const w of this.#waiting.splice(0)) w(null);
  }
}
