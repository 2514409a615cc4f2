// A websocket to a daemon's unix socket, over the machine's one SSH connection: its own channel to
// the socket (a stream-local forward, or the sudo relay for a login that is not root, as host.ts
// decides for HTTP), then the `ws` library's client on that channel (handshake and RFC 6455 frames).
//
// Built for MicroCloud's trust-establishment session (canonical/microcloud client/websocket.go at
// f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741): JSON text messages both ways, and an error arrives as
// the message {"control_message": "<error>"}, after which the daemon waits for the client to hang
// up (WriteClose), so the client closes at once. A message counts as that one when it has no other
// field, as upstream's decoder with DisallowUnknownFields decides.
//
// ws, not undici: undici's upgrade() and WebSocket discard the body of a refused upgrade (a 400
// "There already is an active session" must reach the caller); ws hands over the response.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { parseResponse, type RequestContext } from './envelope.js';
import { ApiError, RemoteError, RemoteTimeout, Unreachable } from './errors.js';
import { maskValues } from '../secrets.js';
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
  /** Sends one JSON text message; throws once close() was called. After the daemon hung up it is
   *  dropped (next() says why the socket closed). */
  send(message: unknown): void;
  /** The next message. Rejects with DaemonSocketClosed when the daemon closed the socket (with its
   *  control message, when it sent one) and with RemoteTimeout when none came in time. */
  next<T = unknown>(opts?: NextOptions): Promise<T>;
  /** Closes the socket (a close frame, then the channel once the daemon answers it). Idempotent. */
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

/** Close codes (RFC 6455 §7.4.1) this client sends. */
const NORMAL = 1000;
const INVALID_DATA = 1007;
/** How long a close frame waits for the daemon's answer before the channel is torn down. */
const CLOSE_WAIT_MS = 5000;

/**
 * Opens a websocket: `open` gives a fresh connection to the daemon's socket, GET `ctx.path` is
 * upgraded on it. A refused upgrade throws the daemon's error (ApiError, from its JSON envelope).
 */
export async function openWebSocket(open: () => Promise<Duplex>, ctx: RequestContext, opts: WebSocketOptions & { logger?: RemoteLogger }): Promise<DaemonSocket> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const secrets = (opts.secrets ?? []).filter((s) => s.length > 0);
  asSent(ctx);
  const channel = await open();
  const ws = client(channel, ctx, opts.maxMessageBytes ?? 1024 * 1024);
  const log = opts.logger ?? silentLogger;
  // Listening from the start: ws may report the socket closed before an await after open is over.
  const socket = new WebSocketConnection(ws, channel, ctx, { timeoutMs, secrets, log });
  await handshake(ws, channel, ctx, timeoutMs, secrets);
  log.debug('websocket opened', { host: ctx.host, service: ctx.service, path: ctx.path });
  return socket;
}

/**
 * ws takes a URL, which resolves `.`/`..` segments and drops a `#…`: a path it would change is
 * refused before anything is opened, rather than upgraded somewhere else than asked.
 */
function asSent(ctx: RequestContext): void {
  const u = new URL(`ws://unix.socket${ctx.path}`);
  if (u.pathname + u.search !== ctx.path) {
    throw new Error(`${ctx.host}: ${ctx.service} websocket ${JSON.stringify(ctx.path)}: a URL would send it as ${JSON.stringify(u.pathname + u.search)}; ` +
      'percent-encode the path\'s segments');
  }
}

/** ws's client on the open channel: the URL's host is only the Host header, `unix.socket` as for
 *  the daemon's HTTP. No extension is offered (none is needed). */
function client(channel: Duplex, ctx: RequestContext, maxPayload: number): WebSocket {
  try {
    return new WebSocket(`ws://unix.socket${ctx.path}`, {
      // The daemon's socket, over SSH; the HTTP client only needs a Duplex, its typings ask for a Socket.
      createConnection: () => channel as unknown as Socket,
      perMessageDeflate: false,
      followRedirects: false,
      maxPayload,
    });
  } catch (e) {
    channel.destroy();
    throw e;
  }
}

const MAX_REFUSAL_BODY = 64 * 1024;

function handshake(ws: WebSocket, channel: Duplex, ctx: RequestContext, timeoutMs: number, secrets: readonly string[]): Promise<void> {
  const what = `${ctx.service} websocket ${ctx.path}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    /** The daemon answered 101: what ws then finds wrong with the answer is the daemon's doing. */
    let switched = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const fail = (err: Error): void => settle(() => {
      ws.terminate();
      channel.destroy();
      // Read to the end: an SSH channel closes only once its end was read (ssh2).
      channel.resume();
      reject(err);
    });
    const timer = setTimeout(() => fail(new RemoteTimeout(ctx.host, `${what} (the upgrade)`, timeoutMs)), timeoutMs);
    const invalid = (): ApiError => new ApiError(ctx.host, ctx.service, ctx.method, ctx.path, 101, "the daemon's answer to the websocket upgrade is not valid");
    ws.on('upgrade', () => {
      switched = true;
      // ws judges the answer right after this event: accepted, it is open. It reports what it
      // refuses by destroying the channel with the error, which an SSH channel does not emit
      // (ssh2's destroy() takes no error), nor close while unread: then nothing would say it.
      setImmediate(() => { if (ws.readyState !== WebSocket.OPEN) fail(invalid()); });
    });
    ws.on('unexpected-response', (_req, res: IncomingMessage) => refused(res, ctx, secrets).then(fail, (e: Error) => fail(lost(ctx, e))));
    // Stays on for good: after the handshake, settle() makes it a no-op and the connection listens.
    ws.on('error', (e: Error) => fail(switched
      ? new ApiError(ctx.host, ctx.service, ctx.method, ctx.path, 101, `the daemon's answer to the websocket upgrade is not valid: ${e.message}`)
      : lost(ctx, e)));
    ws.once('close', () => fail(switched ? invalid() : lost(ctx, new Error('it closed during the upgrade'))));
    ws.once('open', () => settle(resolve));
  });
}

/** The error a refused upgrade stands for: the daemon's own, from its envelope, when it sent one. */
function refused(res: IncomingMessage, ctx: RequestContext, secrets: readonly string[]): Promise<Error> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= MAX_REFUSAL_BODY) chunks.push(d);
    });
    res.on('error', reject);
    res.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        parseResponse(ctx, { status: res.statusCode ?? 0, headers: res.headers, body });
        resolve(new ApiError(ctx.host, ctx.service, ctx.method, ctx.path, res.statusCode ?? 0,
          `the daemon answered HTTP ${res.statusCode ?? 0} instead of switching to the websocket protocol`));
      } catch (e) {
        resolve(e instanceof ApiError
          ? new ApiError(e.host, e.service, e.method, e.path, e.status, shown(e.apiMessage, secrets))
          : (e as Error));
      }
    });
  });
}

function lost(ctx: RequestContext, e: Error): Error {
  if (e instanceof RemoteError) return e;
  return new Unreachable(ctx.host, `${ctx.host}: ${ctx.service} websocket ${ctx.path}: connection to the daemon failed: ${e.message}`,
    { code: 'CONNECTION_LOST', cause: e });
}

/** Whether an error is ws's verdict on what the peer sent (its receiver's codes), not the channel's. */
function protocolError(e: Error): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('WS_ERR_');
}

interface SocketOptions {
  timeoutMs: number;
  secrets: readonly string[];
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
  readonly #ws: WebSocket;
  readonly #opts: SocketOptions;
  readonly #queue: unknown[] = [];
  readonly #waiters: Waiter[] = [];
  /** Why the socket is closed, once it is: what next() rejects with after the queue is drained. */
  #ended: Error | null = null;
  /** ws tears the channel down on its errors without reporting them: kept to say why it closed. */
  #channelError: Error | null = null;
  readonly #gone: Promise<void>;
  /** Whether close() was called. */
  #closedHere = false;
  /** Whether the handshake succeeded: only an opened socket logs its close. */
  #opened = false;

  constructor(ws: WebSocket, channel: Duplex, ctx: RequestContext, opts: SocketOptions) {
    this.host = ctx.host;
    this.service = ctx.service;
    this.path = ctx.path;
    this.#ws = ws;
    this.#opts = opts;
    channel.on('error', (e: Error) => { this.#channelError ??= e; });
    ws.once('open', () => { this.#opened = true; });
    this.#gone = new Promise((resolve) => ws.once('close', (code: number, reason: Buffer) => {
      resolve();
      if (this.#channelError) this.#end(lost(ctx, this.#channelError));
      // 1006: the channel ended without a close frame; 1005: a close frame without a code.
      else if (code === 1006) this.#end(this.#closed(null));
      else {
        const why = shown(reason.toString('utf8'), opts.secrets);
        this.#end(this.#closed(`the daemon closed it${code !== 1005 ? ` (code ${code}${why ? `: ${why}` : ''})` : ''}`));
      }
    }));
    // Text or binary alike (binaryType is ws's default, nodebuffer: a Buffer).
    ws.on('message', (data) => this.#message(data as Buffer));
    ws.on('error', (e: Error) => this.#end(protocolError(e)
      ? this.#closed(`the daemon broke the websocket protocol: ${shown(e.message, opts.secrets)}`)
      : lost(ctx, e)));
  }

  get open(): boolean {
    return this.#ended === null && this.#ws.readyState === WebSocket.OPEN;
  }

  send(message: unknown): void {
    if (this.#closedHere) throw this.#ended!;
    // Once the daemon hung up (it may do so right after the upgrade), ws drops the message, as the
    // daemon would; next() says why it closed.
    this.#ws.send(JSON.stringify(message));
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
    this.#closedHere = true;
    if (!this.#ended) this.#end(this.#closed('closed by this program'));
    this.#hangUp(NORMAL);
    await this.#gone;
  }

  /** A close frame; the daemon answers it and ws then ends the channel, torn down if it does not. */
  #hangUp(code: number): void {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code);
    const timer = setTimeout(() => this.#ws.terminate(), CLOSE_WAIT_MS);
    timer.unref();
    void this.#gone.then(() => clearTimeout(timer));
  }

  #closed(why: string | null): DaemonSocketClosed {
    return new DaemonSocketClosed(this.host, this.service, this.path, null, why ?? undefined);
  }

  #message(data: Buffer): void {
    if (this.#ended) return;
    let value: unknown;
    try {
      value = JSON.parse(data.toString('utf8'));
    } catch {
      this.#end(this.#closed('the daemon sent a message that is not JSON'));
      this.#hangUp(INVALID_DATA);
      return;
    }
    const control = controlMessage(value);
    if (control !== null) {
      // The daemon waits for us to hang up before it goes on (WriteClose).
      this.#end(new DaemonSocketClosed(this.host, this.service, this.path, shown(control, this.#opts.secrets)));
      this.#hangUp(NORMAL);
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
    if (this.#opened) this.#opts.log.debug('websocket closed', { host: this.host, service: this.service, path: this.path });
    for (const w of this.#waiters.splice(0)) {
      w.cleanup();
      w.reject(why);
    }
  }
}
