// The server end of a websocket on a lab daemon's socket, as gorilla/websocket (which LXD's
// shared/ws.Upgrader wraps, and MicroCloud's session endpoints use) answers it. An endpoint that
// upgrades returns upgradeResponse(run); the HTTP bridge (http-bridge.ts) checks the handshake as
// gorilla's Upgrader.Upgrade does, then the `ws` library's server writes the 101 and does the
// framing, and `run` gets the LabWebSocket.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
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

const MAX_MESSAGE = 1024 * 1024;

/** ws's server, for every daemon: it never listens, keeps no list of clients and offers no extension. */
const server = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false, maxPayload: MAX_MESSAGE });

/**
 * The 101 answer, then the socket as a LabWebSocket; for a request handshakeRefusal() let through.
 * `head`: bytes read past the request. ws checks the handshake again, more strictly than gorilla
 * (a Sec-WebSocket-Key of 16 bytes in base64, Upgrade exactly "websocket"): no client sends less.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, run: (ws: LabWebSocket) => void): void {
  server.handleUpgrade(req, socket, head, (ws) => run(new ServerWebSocket(ws, socket)));
}

const EOF = 'websocket: close 1006 (abnormal closure): unexpected EOF';

class ServerWebSocket implements LabWebSocket {
  readonly #ws: WebSocket;
  readonly #socket: Duplex;
  readonly #queue: string[] = [];
  readonly #waiting: ((m: string | null) => void)[] = [];
  #readError: string | null = null;
  #gone = false;
  readonly closed: Promise<void>;

  constructor(ws: WebSocket, socket: Duplex) {
    this.#ws = ws;
    this.#socket = socket;
    // ws answers a ping with its payload and echoes a close frame's code, as gorilla's default
    // handlers do; ReadMessage then fails with that code (1006: the connection ended without one).
    this.closed = new Promise((resolve) => ws.once('close', (code: number) => {
      this.#gone = true;
      this.#stop(code === 1006 ? EOF : `websocket: close ${code}${code === 1000 ? ' (normal)' : ''}`);
      resolve();
    }));
    // Text or binary alike (binaryType is ws's default, nodebuffer: a Buffer).
    ws.on('message', (data) => this.#deliver((data as Buffer).toString('utf8')));
    // What the client broke; ws answers it with a close frame and ends the connection.
    ws.on('error', (e: Error) => this.#stop(`websocket: ${e.message}`));
  }

  get readError(): string | null {
    return this.#readError;
  }

  sendJson(value: unknown): boolean {
    if (this.#gone || this.#ws.readyState !== this.#ws.OPEN) return false;
    this.#ws.send(`${JSON.stringify(value)}\n`);
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
    // The connection itself, without a close frame; end, not destroy: a last message still goes out.
    this.#socket.end();
  }

  #deliver(message: string): void {
    if (this.#readError !== null) return;
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
