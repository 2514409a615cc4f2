// What the rest of the program sees of a machine (design.md §3): run an argv, call a daemon's REST
// API, close. One SSH connection serves both for the whole run; it is re-established (with the same
// host key checks) if it drops, and every daemon socket gets a small kept-alive HTTP pool over it.
import pLimit, { type LimitFunction } from 'p-limit';
import { ApiError, Unreachable } from './errors.js';
import {
  parseResponse,
  waitOperation,
  type ApiResult,
  type Operation,
  type RawResponse,
  type RequestContext,
} from './envelope.js';
import { KILL_AFTER_MS, checkResult, commandArgv, runCommand, type ExecOptions, type ExecResult } from './exec.js';
import { ChannelPool, exchange, openStreamLocal } from './http.js';
import { displayArgv, type Arg } from './quote.js';
import { nothingWasSent, withRetry, type RetryOptions, type RetryPolicy } from './retry.js';
import { openConnection, resolveTarget, type ResolvedTarget, type SshConnection } from './ssh.js';
import { silentLogger, type ConnectOptions, type RemoteLogger, type Service, type SshTarget } from './types.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** One HTTP exchange; default ConnectOptions.requestTimeoutMs (2 min). */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Wait for an async answer's operation to finish (default true); token operations need false. */
  wait?: boolean;
  operationTimeoutMs?: number;
  /** Overrides the connection's retry policy for this call; false disables retrying. */
  retry?: Partial<RetryPolicy> | false;
}

export interface Host {
  readonly name: string;
  exec(argv: readonly Arg[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * One REST call to a daemon on the machine. Error envelopes and failed operations throw ApiError.
   * `body` is JSON-encoded unless it is a string or Buffer; it never appears in errors or logs.
   */
  request<T = unknown>(service: Service, method: HttpMethod, path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResult<T>>;
  /** Waits for an operation URL (from an async answer obtained with wait: false). */
  waitOperation(service: Service, operationUrl: string, opts?: { timeoutMs?: number }): Promise<Operation>;
  /** The daemon's socket path on the machine (override, else detected). */
  socketPath(service: Service): Promise<string>;
  close(): Promise<void>;
}

export const SOCKET_CANDIDATES: Record<Service, readonly string[]> = {
  lxd: ['/var/snap/lxd/common/lxd/unix.socket', '/var/lib/lxd/unix.socket'],
  microceph: ['/var/snap/microceph/common/state/control.socket'],
  microovn: ['/var/snap/microovn/common/state/control.socket'],
};

/** Connects (verifying the host key and authenticating) and returns the machine's Host. */
export async function connect(target: SshTarget, opts: ConnectOptions = {}): Promise<Host> {
  const host = new SshHost(resolveTarget(target), opts);
  await host.connection();
  return host;
}

const MiB = 1024 * 1024;

class SshHost implements Host {
  readonly name: string;
  readonly #t: ResolvedTarget;
  readonly #opts: ConnectOptions;
  readonly #log: RemoteLogger;
  /** Commands running at once over the connection (ConnectOptions.maxSessions). */
  readonly #sessions: LimitFunction;
  #conn: SshConnection | null = null;
  #connecting: Promise<SshConnection> | null = null;
  #closed = false;
  readonly #pools = new Map<Service, Promise<ChannelPool>>();
  readonly #sockets = new Map<Service, Promise<string>>();
  #probing: Promise<ReadonlySet<string>> | null = null;
  /** Failures of connection() after its own retries: a request that met one must not retry it
   *  again, or a machine that is down would be tried retries² times before anyone hears of it. */
  readonly #gaveUp = new WeakSet<object>();

  constructor(t: ResolvedTarget, opts: ConnectOptions) {
    this.name = t.name;
    this.#t = t;
    this.#opts = opts;
    this.#log = opts.logger ?? silentLogger;
    this.#sessions = pLimit(Math.max(1, opts.maxSessions ?? 8));
  }

  /** The live connection, (re)connecting when there is none; transient failures are retried. */
  async connection(): Promise<SshConnection> {
    if (this.#closed) throw new Unreachable(this.name, `${this.name}: this connection was closed with close(); connect() again to use the machine`, { transient: false });
    if (this.#conn?.isOpen) return this.#conn;
    if (!this.#connecting) {
      const reconnect = this.#conn !== null;
      this.#connecting = this.#retrying(() => openConnection(this.#t, this.#opts), {})
        .then((conn) => {
          if (reconnect) this.#log.warn('ssh reconnected', { host: this.name });
          this.#conn = conn;
          void conn.lost.then((why) => {
            if (!this.#closed) this.#log.warn('ssh connection lost', { host: this.name, reason: why?.message ?? 'closed' });
          });
          if (this.#closed) conn.close();
          return conn;
        })
        .catch((err: unknown) => {
          if (typeof err === 'object' && err !== null) this.#gaveUp.add(err);
          throw err;
        })
        .finally(() => {
          this.#connecting = null;
        });
    }
    return this.#connecting;
  }

  async exec(argv: readonly Arg[], opts: ExecOptions = {}): Promise<ExecResult> {
    const sudo = opts.sudo ?? this.#t.sudo ?? this.#t.user !== 'root';
    const timeoutMs = opts.timeoutMs ?? this.#opts.execTimeoutMs ?? 600_000;
    const remote = opts.remoteTimeout ?? this.#opts.remoteTimeout ?? true;
    const env = opts.env ? { env: opts.env } : {};
    // Messages name the command as the caller wrote it (plus sudo), not the timeout wrapper.
    const shown = commandArgv(argv, { sudo, ...env });
    const wire = remote ? commandArgv(argv, { sudo, ...env, remoteTimeoutMs: timeoutMs }) : shown;
    const started = Date.now();
    // The slot first: a connection fetched before a long wait for a slot could be stale by then.
    const once = (): Promise<ExecResult> => this.#sessions(async () => {
      const conn = await this.connection();
      return runCommand(conn.client, this.name, wire, {
        // The local deadline is a backstop behind timeout(1), which reports more precisely.
        timeoutMs: remote ? timeoutMs + KILL_AFTER_MS + 5000 : timeoutMs,
        ...(remote ? { remoteTimeoutMs: timeoutMs } : {}),
        maxOutputBytes: opts.maxOutputBytes ?? this.#opts.maxOutputBytes ?? 16 * MiB,
        shown: displayArgv(shown),
        ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
      });
    });
    // Only a lost channel or connection is retried (an exit status is an answer), and only for a
    // command that reads: one that writes may have run before its channel went.
    const result = opts.idempotent ? await this.#retrying(once, {}) : await once();
    this.#log.debug('exec', { host: this.name, argv: displayArgv(shown), exitCode: result.exitCode, ms: Date.now() - started });
    if (opts.check !== false) checkResult(this.name, shown, result, this.#t.user, sudo);
    return result;
  }

  async request<T = unknown>(
    service: Service, method: HttpMethod, path: string, body?: unknown, opts: RequestOptions = {},
  ): Promise<ApiResult<T>> {
    const pool = await this.#pool(service);
    const ctx: RequestContext = { host: this.name, service, method, path };
    const timeoutMs = opts.timeoutMs ?? this.#opts.requestTimeoutMs ?? 120_000;
    const headers = opts.headers ? { headers: opts.headers } : {};
    // Repeating a request is safe when it is idempotent or provably never reached the daemon.
    const idempotent = method === 'GET';
    const started = Date.now();
    const result = await this.#retrying(
      async () => parseResponse<T>(ctx, await exchange(pool, ctx, body, { timeoutMs, ...headers })),
      { shouldRetry: (err) => idempotent || nothingWasSent(err) },
      opts.retry,
    );
    this.#log.debug('request', { host: this.name, service, method, path, status: result.httpStatus, type: result.type, ms: Date.now() - started });
    if (result.type !== 'async' || opts.wait === false) return result;
    if (!result.operation) {
      throw new ApiError(this.name, service, method, path, result.httpStatus, 'async response names no operation to wait for');
    }
    const op = await this.#wait(pool, ctx, result.operation, opts.operationTimeoutMs);
    return { ...result, metadata: op as T };
  }

  async waitOperation(service: Service, operationUrl: string, opts: { timeoutMs?: number } = {}): Promise<Operation> {
    const ctx: RequestContext = { host: this.name, service, method: 'GET', path: operationUrl };
    return this.#wait(await this.#pool(service), ctx, operationUrl, opts.timeoutMs);
  }

  #wait(pool: ChannelPool, ctx: RequestContext, url: string, timeoutMs: number | undefined): Promise<Operation> {
    const get = (path: string, ms: number): Promise<RawResponse> =>
      this.#retrying(() => exchange(pool, { ...ctx, method: 'GET', path }, undefined, { timeoutMs: ms }), {});
    return waitOperation(get, ctx, url, { timeoutMs: timeoutMs ?? this.#opts.operationTimeoutMs ?? 600_000 });
  }

  socketPath(service: Service): Promise<string> {
    const override = this.#override(service);
    if (override) return Promise.resolve(override);
    let found = this.#sockets.get(service);
    if (!found) {
      found = this.#detect(service);
      this.#sockets.set(service, found);
      // A daemon missing now may be installed later in the run: do not cache the miss.
      found.catch(() => this.#sockets.delete(service));
    }
    return found;
  }

  #override(service: Service): string | undefined {
    return this.#t.socketPaths?.[service] ?? this.#opts.socketPaths?.[service];
  }

  #candidates(service: Service): readonly string[] {
    return this.#opts.socketCandidates?.[service] ?? SOCKET_CANDIDATES[service];
  }

  async #detect(service: Service): Promise<string> {
    const candidates = this.#candidates(service);
    const present = await this.#probe();
    const path = candidates.find((c) => present.has(c));
    if (path) return path;
    throw new Unreachable(this.name,
      `${this.name}: no ${service} socket found (looked for ${candidates.join(', ')}). Is ${service} installed and ` +
        'running? A different path can be given in the machine\'s socket_paths.', { code: 'ENOENT', transient: false });
  }

  /**
   * Which candidate sockets of every service exist, in one command: the readers of the three daemons
   * ask at the same moment, and one probe costs the machine one session instead of three.
   */
  #probe(): Promise<ReadonlySet<string>> {
    if (!this.#probing) {
      const all = [...new Set((Object.keys(SOCKET_CANDIDATES) as Service[])
        .filter((s) => !this.#override(s)).flatMap((s) => this.#candidates(s)))];
      // As the SSH user, not via sudo: stream-local forwarding connects with that user's rights too.
      this.#probing = this.exec(
        ['sh', '-c', 'for p in "$@"; do if [ -S "$p" ]; then printf \'%s\\n\' "$p"; fi; done', 'sh', ...all],
        { sudo: false, timeoutMs: 30_000, idempotent: true },
      ).then((res) => new Set(res.stdout.toString('utf8').split('\n').filter((l) => all.includes(l))))
        .finally(() => { this.#probing = null; });
    }
    return this.#probing;
  }

  #pool(service: Service): Promise<ChannelPool> {
    let pool = this.#pools.get(service);
    if (!pool) {
      pool = this.socketPath(service).then((socket) =>
        new ChannelPool(async () => openStreamLocal((await this.connection()).client, this.name, socket), {
          connections: this.#opts.httpConnections ?? 4,
          onConnect: () => this.#log.debug('http channel opened', { host: this.name, service, socket }),
        }));
      this.#pools.set(service, pool);
      pool.catch(() => this.#pools.delete(service));
    }
    return pool;
  }

  #retrying<R>(fn: () => Promise<R>, extra: RetryOptions, override?: Partial<RetryPolicy> | false): Promise<R> {
    const policy = override ?? this.#opts.retry;
    if (policy === false) return fn();
    const narrower = extra.shouldRetry;
    return withRetry(fn, {
      ...policy,
      ...extra,
      shouldRetry: (err) => !this.#gaveUp.has(err as object) && (narrower ? narrower(err) : true),
      onRetry: (err, attempt, left) =>
        this.#log.warn('retrying after transient failure', { host: this.name, attempt, retriesLeft: left, error: (err as Error).message }),
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pools = await Promise.allSettled([...this.#pools.values()]);
    await Promise.allSettled(pools.map((p) => (p.status === 'fulfilled' ? p.value.destroy() : undefined)));
    this.#conn?.close();
    if (this.#conn) await this.#conn.lost;
  }
}
