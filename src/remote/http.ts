// HTTP to a daemon's unix socket on the machine, carried by the SSH connection: each HTTP connection
// is an OpenSSH stream-local channel (direct-streamlocal@openssh.com), or for a login that is not
// root a sudo relay's exec channel (relay.ts), handed to undici as its socket.
// A forwarded socket gets a few connections rather than one: an LXD /wait can hold a connection for
// a while and must not queue every other call behind it; sequential calls still reuse one kept-alive
// connection. A relayed socket gets exactly one (host.ts): every relay is an SSH session for as long
// as it is kept alive, and one per daemon always fits the session budget.
import type { Duplex } from 'node:stream';
import type { Client as SshClient } from 'ssh2';
import { Client, type Dispatcher } from 'undici';
import { RemoteTimeout, Unreachable } from './errors.js';
import type { RawResponse, RequestContext } from './envelope.js';

/** Opens one channel to `socketPath` on the machine. */
export function openStreamLocal(client: SshClient, host: string, socketPath: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    try {
      client.openssh_forwardOutStreamLocal(socketPath, (err, channel) => {
        if (!err) return resolve(channel);
        const prohibited = (err as { reason?: unknown }).reason === 1;
        reject(new Unreachable(host,
          prohibited
            ? `${host}: sshd refuses forwarding to unix sockets (${socketPath}); set AllowStreamLocalForwarding yes`
            : `${host}: cannot connect to ${socketPath} on the machine (daemon not running, or no permission for the SSH user?): ${err.message}`,
          { code: prohibited ? 'FORWARD_DENIED' : 'ECONNREFUSED', transient: !prohibited, cause: err }));
      });
    } catch (err) {
      reject(new Unreachable(host, `${host}: SSH connection is closed`, { code: 'CONNECTION_LOST', cause: err }));
    }
  });
}

export interface ChannelPoolOptions {
  /** Most HTTP connections (channels) at once; a function is asked anew on every pick (the limit
   *  can depend on how the socket turned out to be reached). */
  connections: number | (() => number);
  /** Notified for every new HTTP connection (a new channel); lets logs show reuse. */
  onConnect?: () => void;
}

/**
 * undici Clients, each one HTTP connection over its own channel. A request goes to the first idle
 * client, so sequential calls always reuse the first connection; a new one is opened only while all
 * are busy (undici's Pool would also open one while the first is still connecting).
 */
export class ChannelPool {
  readonly #open: () => Promise<Duplex>;
  readonly #opts: ChannelPoolOptions;
  #clients: Client[] = [];

  constructor(open: () => Promise<Duplex>, opts: ChannelPoolOptions) {
    this.#open = open;
    this.#opts = opts;
  }

  pick(): Client {
    this.#clients = this.#clients.filter((c) => !c.destroyed && !c.closed);
    const idle = this.#clients.find((c) => c.stats.size === 0);
    if (idle) return idle;
    const limit = typeof this.#opts.connections === 'function' ? this.#opts.connections() : this.#opts.connections;
    if (this.#clients.length < Math.max(1, limit)) {
      const client = this.#newClient();
      this.#clients.push(client);
      return client;
    }
    return this.#clients.reduce((a, b) => (b.stats.size < a.stats.size ? b : a));
  }

  /** HTTP connections that are open or opening. */
  get size(): number {
    return this.#clients.filter((c) => !c.destroyed && !c.closed).length;
  }

  /** Closes one connected, idle HTTP connection (its channel goes with it); false when none is idle. */
  closeIdle(): boolean {
    const idle = this.#clients.find((c) => !c.destroyed && !c.closed && c.stats.connected && c.stats.size === 0);
    if (!idle) return false;
    this.#clients = this.#clients.filter((c) => c !== idle);
    void idle.destroy().catch(() => undefined);
    return true;
  }

  async destroy(): Promise<void> {
    const all = this.#clients;
    this.#clients = [];
    await Promise.allSettled(all.map((c) => c.destroy()));
  }

  #newClient(): Client {
    return new Client('http://unix.socket', {
      pipelining: 1,
      // Daemons may close idle connections earlier; the Client then opens a new channel.
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      connect: (_options, callback) => {
        this.#open().then(
          (channel) => {
            this.#opts.onConnect?.();
            // undici only needs a Duplex; its typings ask for a net.Socket.
            callback(null, channel as unknown as Parameters<typeof callback>[1] & object);
          },
          (err: Error) => callback(err, null),
        );
      },
    });
  }
}

export interface ExchangeOptions {
  timeoutMs: number;
  headers?: Record<string, string>;
}

/** One request/response; the body is read fully as text. Transport failures come back typed. */
export async function exchange(pool: ChannelPool, ctx: RequestContext, body: unknown, opts: ExchangeOptions): Promise<RawResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let payload: string | Buffer | undefined;
  if (body !== undefined) {
    // Strings and Buffers are sent as they are; anything else is JSON.
    payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    headers['content-type'] ??= 'application/json';
  }
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    const res = await pool.pick().request({
      method: ctx.method as Dispatcher.HttpMethod,
      path: ctx.path,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
      // MicroCeph's GETs carry a JSON body; undici would then close the connection after the
      // answer, destroying a paused SSH channel that never reports closing (a hang). The daemons
      // read bodies fully, so keeping the connection is safe.
      reset: false,
      signal,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, body: text };
  } catch (err) {
    throw transportError(err, ctx, opts.timeoutMs, signal);
  }
}

function transportError(err: unknown, ctx: RequestContext, timeoutMs: number, signal: AbortSignal): Error {
  if (err instanceof Unreachable) return err;
  const code = (err as { code?: string }).code;
  const what = `${ctx.service} ${ctx.method} ${ctx.path}`;
  if (signal.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new RemoteTimeout(ctx.host, what, timeoutMs);
  }
  const message = (err as Error).message ?? String(err);
  return new Unreachable(ctx.host, `${ctx.host}: ${what}: connection to the daemon failed: ${message}`,
    { code: 'CONNECTION_LOST', cause: err });
}
