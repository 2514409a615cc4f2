// A websocket to a daemon's unix socket, over the machine's one SSH connection: its own channel to
// the socket (a stream-local forward, or the sudo relay for a login that is not root, as host.ts
// decides for HTTP), an HTTP/1.1 Upgrade on it, then RFC 6455 frames (websocket-frames.ts).
//
// Built for MicroCloud's trust-establishment session (canonical/microcloud client/websocket.go at
// f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741): JSON text messages both ways, and an error arrives as
// the message {"control_message": "<error>"}, after which the daemon waits for the client to hang
// up (WriteClose), so the client closes at once. A message counts as that one when it has no other
// field, as upstream's decoder with DisallowUnknownFields decides.
//
// The handshake goes through node:http, not undici: undici's upgrade() and WebSocket discard the
// body of a refused upgrade (a 400 "There already is an active session" must reach the caller).
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseResponse, type RequestContext } from './envelope.js';
import { ApiError, RemoteError, RemoteTimeout, Unreachable } from './errors.js';
import { maskValues } from '../secrets.js';
import { CLOSE, FrameError, FrameReader, MessageAssembler, OPCODE, acceptKey, closePayload, encodeFrame, newKey } from './websocket-frames.js';
import { silentLogger, type RemoteLogger, type Service } from './types.js';

export interface WebSocketOptions {
  /** The handshake, and the default wait of next(); default ConnectOptions.requestTimeoutMs (2 min). */
  timeoutMs?: number;
  /** Values masked in every error text (what the caller will send, e.g. a passphrase). */
  secrets?: readonly string[];
  /** Largest message accepted (default 1 MiB). */
  maxMessageBytes?: number;
}

export interface NextOptions {
  /** Default: the socket's timeoutMs. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** An open websocket to a daemon. Messages are JSON; none of them is ever logged. */
export interface DaemonSocket {
  readonly host: string;
  readonly service: Service;
  readonly path: string;
  /** False once either side closed it. */
  readonly open: boolean;
  /** Sends one JSON text message; throws when the socket is closed. */
  send(message: unknown): void;
  /** The next message. Rejects with DaemonSocketClosed when the daemon closed the socket (with its
   *  control message, when it sent one) and with RemoteTimeout when none came in time. */
  next<T = unknown>(opts?: NextOptions): Promise<T>;
  /** Closes the socket (a close frame, then the channel). Idempotent. */
  close(): Promise<void>;
}

/** The websocket ended: the daemon's control message says why, or it closed without one. */
export class DaemonSocketClosed extends RemoteError {
  readonly service: Service;
  readonly path: string;
  /** The daemon's error text ({"control_message": …}), visible and with secrets masked; null when
   *  the socket closed without one. */
  readonly daemonMessage: string | null;

  constructor(host: string, service: Service, path: string, daemonMessage: string | null, why?: string) {
    super(host, `${host}: ${service} websocket ${path}: ${daemonMessage ?? why ?? 'the daemon closed it without a message'}`, false);
    this.service = service;
    this.path = path;
    this.daemonMessage = daemonMessage;
  }
}

const MAX_SHOWN = 1000;

/** A daemon's string for an error message: secrets masked, control and bidi characters escaped, cut short. */
function shown(text: string, secrets: readonly string[]): string {
  const masked = maskValues(text, secrets)
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu,
      (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  return masked.length > MAX_SHOWN ? `${masked.slice(0, MAX_SHOWN)}…` : masked;
}

/** Whether a message is upstream's ControlClose: an object with no field but control_message. */
function controlMessage(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  if (keys.some((k) => k !== 'control_message')) return null;
  const text = (value as { control_message?: unknown }).control_message;
  return typeof text === 'string' ? text : '';
}

/**
 * Opens a websocket: `open` gives a fresh connection to the daemon's socket, GET `ctx.path` is
 * upgraded on it. A refused upgrade throws the daemon's error (ApiError, from its JSON envelope).
 */
export async function openWebSocket(open: () => Promise<Duplex>, ctx: RequestContext, opts: WebSocketOptions & { logger?: RemoteLogger }): Promise<DaemonSocket> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const secrets = (opts.secrets ?? []).filter((s) => s.length > 0);
  const channel = await open();
  const { socket, head } = await handshake(channel, ctx, timeoutMs, secrets);
  const log = opts.logger ?? silentLogger;
  log.debug('websocket opened', { host: ctx.host, service: ctx.service, path: ctx.path });
  return new WebSocketConnection(socket, head, ctx, { timeoutMs, secrets, maxMessageBytes: opts.maxMessageBytes ?? 1024 * 1024, log });
}

const MAX_REFUSAL_BODY = 64 * 1024;

function handshake(channel: Duplex, ctx: RequestContext, timeoutMs: number, secrets: readonly string[]): Promise<{ socket: Duplex; head: Buffer }> {
  const key = newKey();
  const what = `${ctx.service} websocket ${ctx.path}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const fail = (err: Error): void => settle(() => {
      channel.destroy();
      reject(err);
    });
    const timer = setTimeout(() => fail(new RemoteTimeout(ctx.host, `${what} (the upgrade)`, timeoutMs)), timeoutMs);
    const req = http.request({
      method: 'GET',
      path: ctx.path,
      host: 'unix.socket',
      // The daemon's socket, over SSH; the client only needs a Duplex, its typings ask for a Socket.
      createConnection: () => channel as unknown as Socket,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': key },
    });
    req.on('upgrade', (res: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      // Node's listeners are gone: until the socket's own are on, an error must not go unheard.
      socket.on('error', () => undefined);
      const accept = res.headers['sec-websocket-accept'];
      if (res.statusCode !== 101 || String(res.headers.upgrade).toLowerCase() !== 'websocket' || accept !== acceptKey(key)) {
        fail(new ApiError(ctx.host, ctx.service, ctx.method, ctx.path, res.statusCode ?? 0,
          'the daemon answered the websocket upgrade without a valid Sec-WebSocket-Accept'));
        return;
      }
      settle(() => resolve({ socket, head }));
    });
    req.on('response', (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size <= MAX_REFUSAL_BODY) chunks.push(d);
      });
      res.on('error', (e: Error) => fail(lost(ctx, e)));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let err: Error;
        try {
          parseResponse(ctx, { status: res.statusCode ?? 0, headers: res.headers, body });
          err = new ApiError(ctx.host, ctx.service, ctx.method, ctx.path, res.statusCode ?? 0,
            `the daemon answered HTTP ${res.statusCode ?? 0} instead of switching to the websocket protocol`);
        } catch (e) {
          err = e instanceof ApiError
            ? new ApiError(e.host, e.service, e.method, e.path, e.status, shown(e.apiMessage, secrets))
            : (e as Error);
        }
        fail(err);
      });
    });
    req.on('error', (e: Error) => fail(lost(ctx, e)));
    req.end();
  });
}

function lost(ctx: RequestContext, e: Error): Error {
  if (e instanceof RemoteError) return e;
  return new Unreachable(ctx.host, `${ctx.host}: ${ctx.service} websocket ${ctx.path}: connection to the daemon failed: ${e.message}`,
    { code: 'CONNECTION_LOST', cause: e });
}

interface SocketOptions {
  timeoutMs: number;
  secrets: readonly string[];
  maxMessageBytes: number;
  log: RemoteLogger;
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  cleanup: () => void;
}

class WebSocketConnection implements DaemonSocket {
  readonly host: string;
  readonly service: Service;
  readonly path: string;
  readonly #stream: Duplex;
  readonly #opts: SocketOptions;
  readonly #reader: FrameReader;
  readonly #assembler: MessageAssembler;
  readonly #queue: unknown[] = [];
  readonly #waiters: Waiter[] = [];
  /** Why the socket is closed, once it is: what next() rejects with after the queue is drained. */
  #ended: Error | null = null;
  #closeSent = false;
  readonly #gone: Promise<void>;

  constructor(stream: Duplex, head: Buffer, ctx: RequestContext, opts: SocketOptions) {
    this.host = ctx.host;
    this.service = ctx.service;
    this.path = ctx.path;
    this.#stream = stream;
    this.#opts = opts;
    this.#reader = new FrameReader({ masked: false, maxPayload: opts.maxMessageBytes });
    this.#assembler = new MessageAssembler(opts.maxMessageBytes);
    this.#gone = new Promise((resolve) => stream.once('close', () => resolve()));
    stream.on('data', (d: Buffer) => this.#onData(d));
    stream.on('end', () => {
      this.#end(new DaemonSocketClosed(this.host, this.service, this.path, null));
      stream.end();
    });
    stream.on('close', () => this.#end(new DaemonSocketClosed(this.host, this.service, this.path, null)));
    stream.on('error', (e: Error) => this.#end(lost(ctx, e)));
    if (head.length > 0) this.#onData(head);
  }

  get open(): boolean {
    return this.#ended === null;
  }

  send(message: unknown): void {
    if (this.#ended) throw this.#ended;
    this.#stream.write(encodeFrame(OPCODE.text, Buffer.from(JSON.stringify(message), 'utf8'), true));
  }

  next<T = unknown>(opts: NextOptions = {}): Promise<T> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift() as T);
    if (this.#ended) return Promise.reject(this.#ended);
    const timeoutMs = opts.timeoutMs ?? this.#opts.timeoutMs;
    const what = `${this.service} websocket ${this.path}: waiting for a message`;
    return new Promise<T>((resolve, reject) => {
      const giveUp = (why: string): void => {
        const i = this.#waiters.indexOf(waiter);
        if (i < 0) return;
        this.#waiters.splice(i, 1);
        waiter.cleanup();
        reject(new RemoteTimeout(this.host, `${what}${why}`, timeoutMs));
      };
      const onAbort = (): void => giveUp(' (aborted)');
      const timer = setTimeout(() => giveUp(''), timeoutMs);
      const waiter: Waiter = {
        resolve: (v) => resolve(v as T),
        reject,
        cleanup: () => {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
        },
      };
      this.#waiters.push(waiter);
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async close(): Promise<void> {
    if (!this.#ended) this.#end(new DaemonSocketClosed(this.host, this.service, this.path, null, 'closed by this program'));
    this.#hangUp(CLOSE.normal);
    // The daemon answers the close frame and hangs up; a channel that does not close soon is torn down.
    const timer = setTimeout(() => this.#stream.destroy(), 5000);
    await this.#gone;
    clearTimeout(timer);
  }

  #hangUp(code: number, reason = ''): void {
    if (!this.#closeSent && !this.#stream.destroyed && this.#stream.writable) {
      this.#closeSent = true;
      this.#stream.write(encodeFrame(OPCODE.close, closePayload(code, reason), true));
    }
    if (!this.#stream.destroyed) this.#stream.end();
  }

  #onData(chunk: Buffer): void {
    try {
      for (const frame of this.#reader.push(chunk)) {
        const m = this.#assembler.add(frame);
        if (!m) continue;
        if (m.kind === 'control') this.#control(m.frame.opcode, m.frame.payload);
        else this.#message(m.kind === 'message' ? m.text : m.data.toString('utf8'));
        if (this.#ended) return;
      }
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      this.#end(new DaemonSocketClosed(this.host, this.service, this.path, null, `the daemon broke the websocket protocol: ${e.message}`));
      this.#hangUp(e.code);
    }
  }

  #control(opcode: number, payload: Buffer): void {
    if (opcode === OPCODE.ping) {
      if (!this.#closeSent && this.#stream.writable) this.#stream.write(encodeFrame(OPCODE.pong, payload, true));
    } else if (opcode === OPCODE.close) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : null;
      const reason = shown(payload.subarray(2).toString('utf8'), this.#opts.secrets);
      this.#end(new DaemonSocketClosed(this.host, this.service, this.path, null,
        `the daemon closed it${code !== null ? ` (code ${code}${reason ? `: ${reason}` : ''})` : ''}`));
      this.#hangUp(code ?? CLOSE.normal);
    }
  }

  #message(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.#end(new DaemonSocketClosed(this.host, this.service, this.path, null, 'the daemon sent a message that is not JSON'));
      this.#hangUp(CLOSE.invalidData);
      return;
    }
    const control = controlMessage(value);
    if (control !== null) {
      // The daemon waits for us to hang up before it goes on (WriteClose).
      this.#end(new DaemonSocketClosed(this.host, this.service, this.path, shown(control, this.#opts.secrets)));
      this.#hangUp(CLOSE.normal);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.cleanup();
      waiter.resolve(value);
    } else {
      this.#queue.push(value);
    }
  }

  /** Records why the socket ended (the first reason wins) and fails every waiting next(). */
  #end(why: Error): void {
    if (this.#ended) return;
    this.#ended = why;
    this.#opts.log.debug('websocket closed', { host: this.host, service: this.service, path: this.path });
    for (const w of this.#waiters.splice(0)) {
      w.cleanup();
      w.reject(why);
    }
  }
}
