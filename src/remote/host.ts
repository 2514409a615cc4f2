// What the rest of the program sees of a machine (design.md §3): run an argv, call a daemon's REST
// API, close. One SSH connection serves both for the whole run; it is re-established (with the same
// host key checks) if it drops, and every daemon socket gets a small kept-alive HTTP pool over it.
//
// How a socket is reached is decided once per socket: a root login forwards to it (stream-local
// forwarding, the daemon sees root). Any other login forwards too where the socket lets that user
// in (LXD's root:lxd socket for a user in "lxd"), and otherwise goes through a relay under `sudo -n`
// (relay.ts), since a forward connects with the login user's own rights. When neither can work the
// first request says what is missing.
import type { Duplex } from 'node:stream';
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
import { ChannelPool, exchange, openStreamLocal, type ExchangeOptions } from './http.js';
import { RELAY_PACKAGE, RELAY_PROGRAM, openRelay } from './relay.js';
import { SessionBudget } from './sessions.js';
import { displayArgv, type Arg } from './quote.js';
import { openWebSocket, type DaemonSocket, type WebSocketOptions } from './websocket.js';
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
  /**
   * A websocket to a daemon (GET `path`, upgraded) on a connection of its own to the socket, over
   * the same SSH connection and reached the same way as its HTTP (forward or sudo relay). A refused
   * upgrade throws the daemon's ApiError. It holds its channel until closed.
   */
  websocket(service: Service, path: string, opts?: WebSocketOptions): Promise<DaemonSocket>;
  close(): Promise<void>;
}

export const SOCKET_CANDIDATES: Record<Service, readonly string[]> = {
  lxd: ['/var/snap/lxd/common/lxd/unix.socket', '/var/lib/lxd/unix.socket'],
  microceph: ['/var/snap/microceph/common/state/control.socket'],
  microovn: ['/var/snap/microovn/common/state/control.socket'],
  microcloud: ['/var/snap/microcloud/common/state/control.socket'],
  snapd: ['/run/snapd.socket'],
};

/** Daemons that judge each request by the peer's uid rather than by who may open the socket:
 *  snapd's socket is 0666, but changes need root (canonical/snapd daemon/access.go). A login that
 *  is not root reaches them through the sudo relay whenever it can. */
const ROOT_PEER: ReadonlySet<Service> = new Set(['snapd']);

/** Connects (verifying the host key and authenticating) and returns the machine's Host. */
export async function connect(target: SshTarget, opts: ConnectOptions = {}): Promise<Host> {
  const host = new SshHost(resolveTarget(target), opts);
  await host.connection();
  return host;
}

const MiB = 1024 * 1024;
/** Longest single LXD /wait on a relayed socket, whose one connection other calls queue on. */
const RELAY_WAIT_CHUNK_MS = 5_000;

/** A socket's mode and ownership as `stat` reports them; mode null when stat could not say. */
interface SocketInfo { mode: number | null; owner: string; group: string }

/** What the socket probe learnt: which candidates exist and, for a login that is not root, who may
 *  open them and whether the relay can run (null) or why not. */
interface ProbeResult {
  present: ReadonlySet<string>;
  info: ReadonlyMap<string, SocketInfo>;
  groups: readonly string[] | null;
  relayUnavailable: { reason: string; fix: string } | null;
}

type Access = 'direct' | 'relay';

// For a login that is not root, as root through sudo: a socket's directory may not let the user
// look (and a forward would fail there anyway). `N` when the relay program exists, `G` the login
// user's groups, then `S path` and `M mode owner group` for each socket that exists.
const PROBE_AS_ROOT = [
  'u=$1; shift',
  `if command -v ${RELAY_PROGRAM} >/dev/null 2>&1; then echo N; fi`,
  "printf 'G '; id -Gn -- \"$u\" || echo",
  'for p in "$@"; do if [ -S "$p" ]; then printf \'S %s\\n\' "$p"; ' +
    "stat -L -c 'M %a %U %G' -- \"$p\" 2>/dev/null || echo 'M ? ? ?'; fi; done",
].join('\n');

class SshHost implements Host {
  readonly name: string;
  readonly #t: ResolvedTarget;
  readonly #opts: ConnectOptions;
  readonly #log: RemoteLogger;
  /** Session channels at once over the connection: commands and relays (ConnectOptions.maxSessions). */
  readonly #sessions: SessionBudget;
  #conn: SshConnection | null = null;
  #connecting: Promise<SshConnection> | null = null;
  #closed = false;
  readonly #pools = new Map<Service, Promise<ChannelPool>>();
  readonly #sockets = new Map<Service, Promise<string>>();
  #probing: Promise<ProbeResult> | null = null;
  #probed: ProbeResult | undefined;
  /** How each socket is reached, once decided (a login that is not root only). */
  readonly #access = new Map<string, Access>();
  /** Resolved pools and their socket, for giving back idle relays. */
  readonly #livePools = new Map<ChannelPool, string>();
  /** Failures of connection() after its own retries: a request that met one must not retry it
   *  again, or a machine that is down would be tried retries² times before anyone hears of it. */
  readonly #gaveUp = new WeakSet<object>();

  constructor(t: ResolvedTarget, opts: ConnectOptions) {
    this.name = t.name;
    this.#t = t;
    this.#opts = opts;
    this.#log = opts.logger ?? silentLogger;
    this.#sessions = new SessionBudget(Math.max(1, opts.maxSessions ?? 8));
    this.#sessions.evictIdleRelay = () => {
      for (const [pool, socket] of this.#livePools) if (this.#access.get(socket) === 'relay' && pool.closeIdle()) return true;
      return false;
    };
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
    const once = (): Promise<ExecResult> => this.#sessions.run(async () => {
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
      async () => parseResponse<T>(ctx, await this.#exchange(pool, ctx, body, { timeoutMs, ...headers })),
      { shouldRetry: (err) => idempotent || nothingWasSent(err) },
      opts.retry,
    );
    this.#log.debug('request', { host: this.name, service, method, path, status: result.httpStatus, type: result.type, ms: Date.now() - started });
    // snapd's async answers name a change, not an LXD operation: its reader follows the change.
    if (result.type !== 'async' || opts.wait === false || service === 'snapd') return result;
    if (!result.operation) {
      throw new ApiError(this.name, service, method, path, result.httpStatus, 'async response names no operation to wait for');
    }
    const op = await this.#wait(pool, ctx, result.operation, opts.operationTimeoutMs, await this.socketPath(service));
    return { ...result, metadata: op as T };
  }

  async waitOperation(service: Service, operationUrl: string, opts: { timeoutMs?: number } = {}): Promise<Operation> {
    const ctx: RequestContext = { host: this.name, service, method: 'GET', path: operationUrl };
    return this.#wait(await this.#pool(service), ctx, operationUrl, opts.timeoutMs, await this.socketPath(service));
  }

  #wait(pool: ChannelPool, ctx: RequestContext, url: string, timeoutMs: number | undefined, socket: string): Promise<Operation> {
    const get = (path: string, ms: number): Promise<RawResponse> =>
      this.#retrying(() => this.#exchange(pool, { ...ctx, method: 'GET', path }, undefined, { timeoutMs: ms }), {});
    // On a relay's single connection every other call to the daemon queues behind a /wait: short
    // waits keep that queue moving.
    const chunk = this.#t.user !== 'root' && this.#access.get(socket) !== 'direct' ? { chunkMs: RELAY_WAIT_CHUNK_MS } : {};
    return waitOperation(get, ctx, url, { timeoutMs: timeoutMs ?? this.#opts.operationTimeoutMs ?? 600_000, ...chunk });
  }

  /** One exchange; afterwards a relay waiting for a session slot may take this idle connection's. */
  async #exchange(pool: ChannelPool, ctx: RequestContext, body: unknown, opts: ExchangeOptions): Promise<RawResponse> {
    try {
      return await exchange(pool, ctx, body, opts);
    } finally {
      // undici counts the request as done a moment after the body is read.
      setImmediate(() => this.#sessions.nudge());
    }
  }

  async websocket(service: Service, path: string, opts: WebSocketOptions = {}): Promise<DaemonSocket> {
    const socket = await this.socketPath(service);
    const ctx: RequestContext = { host: this.name, service, method: 'GET', path };
    // Only an upgrade that provably reached no daemon is tried again: a session may have started.
    return this.#retrying(
      () => openWebSocket(() => this.#openSocket(service, socket), ctx,
        { timeoutMs: this.#opts.requestTimeoutMs ?? 120_000, logger: this.#log, ...opts }),
      { shouldRetry: nothingWasSent },
    );
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
    const { present } = await this.#probe();
    const path = candidates.find((c) => present.has(c));
    if (path) return path;
    throw new Unreachable(this.name,
      `${this.name}: no ${service} socket found (looked for ${candidates.join(', ')}). Is ${service} installed and ` +
        'running? A different path can be given in the machine\'s socket_paths.', { code: 'ENOENT', transient: false });
  }

  /** Whether this machine's commands go through `sudo -n` (the exec default). */
  #sudo(): boolean {
    return this.#t.sudo ?? this.#t.user !== 'root';
  }

  /**
   * Which candidate sockets of every service exist, in one command: the readers of the three daemons
   * ask at the same moment, and one probe costs the machine one session instead of three. For a
   * login that is not root it also learns what deciding how to reach each socket needs.
   */
  #probe(): Promise<ProbeResult> {
    if (!this.#probing) {
      const all = [...new Set((Object.keys(SOCKET_CANDIDATES) as Service[])
        .filter((s) => !this.#override(s)).flatMap((s) => this.#candidates(s)))];
      const overrides = (Object.keys(SOCKET_CANDIDATES) as Service[]).flatMap((s) => this.#override(s) ?? []);
      const found = this.#t.user !== 'root' && this.#sudo()
        ? this.#probeAsRoot(all, overrides)
        : this.#probeAsUser(all, this.#t.user === 'root' ? null
          : { reason: 'sudo is turned off for this machine', fix: 'allow sudo for it or log in as root' });
      this.#probing = found.then((r) => { this.#probed = r; return r; }).finally(() => { this.#probing = null; });
    }
    return this.#probing;
  }

  /** As the SSH user, not via sudo: stream-local forwarding connects with that user's rights too. */
  async #probeAsUser(all: readonly string[], relayUnavailable: ProbeResult['relayUnavailable']): Promise<ProbeResult> {
    const res = all.length === 0 ? null : await this.exec(
      ['sh', '-c', 'for p in "$@"; do if [ -S "$p" ]; then printf \'%s\\n\' "$p"; fi; done', 'sh', ...all],
      { sudo: false, timeoutMs: 30_000, idempotent: true },
    );
    const present = new Set((res?.stdout.toString('utf8') ?? '').split('\n').filter((l) => all.includes(l)));
    return { present, info: new Map(), groups: null, relayUnavailable };
  }

  async #probeAsRoot(all: readonly string[], overrides: readonly string[]): Promise<ProbeResult> {
    const paths = [...new Set([...all, ...overrides])];
    const res = await this.exec(['sh', '-c', PROBE_AS_ROOT, 'sh', this.#t.user, ...paths],
      { sudo: true, timeoutMs: 30_000, idempotent: true, check: false });
    if (res.exitCode !== 0) {
      const stderr = res.stderr.toString('utf8');
      // sudo refused: probe as the user (what a forward can open), and say why no relay.
      if (/^sudo: /m.test(stderr)) {
        const user = this.#t.user;
        return this.#probeAsUser(all, /password is required|terminal is required/.test(stderr)
          ? { reason: `\`sudo -n\` needs a password for user ${user}`, fix: `allow ${user} passwordless sudo (NOPASSWD) or log in as root` }
          : { reason: `\`sudo -n\` fails (${stderr.trim().split('\n')[0] ?? ''})`, fix: 'repair sudo or log in as root' });
      }
      const argv = commandArgv(['sh', '-c', PROBE_AS_ROOT, 'sh', this.#t.user, ...paths], { sudo: true });
      checkResult(this.name, argv, res, this.#t.user, true);
    }
    const present = new Set<string>();
    const info = new Map<string, SocketInfo>();
    let groups: string[] | null = null;
    let relay = false;
    let last: string | undefined;
    for (const line of res.stdout.toString('utf8').split('\n')) {
      if (line === 'N') relay = true;
      else if (line.startsWith('G ')) groups = line.slice(2).trim().split(/\s+/).filter(Boolean);
      else if (line.startsWith('S ')) {
        last = line.slice(2);
        if (all.includes(last)) present.add(last);
      } else if (line.startsWith('M ') && last !== undefined) {
        const [mode = '?', owner = '?', group = '?'] = line.slice(2).split(' ');
        info.set(last, { mode: /^[0-7]+$/.test(mode) ? parseInt(mode, 8) : null, owner, group });
        last = undefined;
      }
    }
    const relayUnavailable = relay ? null
      : { reason: `\`sudo -n ${RELAY_PROGRAM}\` is not available`, fix: `install ${RELAY_PACKAGE} or log in as root` };
    return { present, info, groups, relayUnavailable };
  }

  /** Whether the login user may connect to the socket (write permission), when the probe knows. */
  #mayOpen(probe: ProbeResult, socket: string): boolean | undefined {
    const info = probe.info.get(socket);
    if (!info || info.mode === null || !probe.groups) return undefined;
    const user = this.#t.user;
    if (info.owner === user) return (info.mode & 0o200) !== 0;
    if (probe.groups.includes(info.group)) return (info.mode & 0o020) !== 0;
    return (info.mode & 0o002) !== 0;
  }

  #denied(probe: ProbeResult, socket: string, cause?: unknown): Unreachable {
    const info = probe.info.get(socket);
    const perms = info ? ` (${info.owner}:${info.group} ${info.mode === null ? '?' : info.mode.toString(8).padStart(4, '0')})` : '';
    const why = probe.relayUnavailable ?? { reason: 'no relay is available', fix: 'log in as root' };
    return new Unreachable(this.name,
      `${this.name}: user ${this.#t.user} cannot open ${socket}${perms} and ${why.reason}: ${why.fix}`,
      { code: 'EACCES', transient: false, ...(cause ? { cause } : {}) });
  }

  /** One new connection to the socket, the way this machine reaches it (decided on the first). */
  async #openSocket(service: Service, socket: string): Promise<Duplex> {
    const conn = await this.connection();
    if (this.#t.user === 'root') return openStreamLocal(conn.client, this.name, socket);
    const decided = this.#access.get(socket);
    if (decided === 'direct') return openStreamLocal(conn.client, this.name, socket);
    if (decided === 'relay') return this.#relay(socket);
    const probe = this.#probed ?? await this.#probe();
    const may = this.#mayOpen(probe, socket);
    if (may === false || (ROOT_PEER.has(service) && probe.relayUnavailable === null)) {
      if (probe.relayUnavailable !== null) throw this.#denied(probe, socket);
      return this.#decide(service, socket, 'relay', this.#relay(socket));
    }
    try {
      return await this.#decide(service, socket, 'direct', openStreamLocal(conn.client, this.name, socket));
    } catch (err) {
      // A forward the socket (or sshd's AllowStreamLocalForwarding) refuses: the relay may do.
      if (!(err instanceof Unreachable) || (err.code !== 'ECONNREFUSED' && err.code !== 'FORWARD_DENIED')) throw err;
      if (probe.relayUnavailable !== null) throw this.#denied(probe, socket, err);
      return this.#decide(service, socket, 'relay', this.#relay(socket));
    }
  }

  async #decide(service: Service, socket: string, access: Access, opened: Promise<Duplex>): Promise<Duplex> {
    const stream = await opened;
    if (!this.#access.has(socket)) {
      this.#access.set(socket, access);
      this.#log.debug(access === 'relay' ? 'daemon socket reached through a sudo relay' : 'daemon socket forwarded',
        { host: this.name, service, socket, user: this.#t.user });
    }
    return stream;
  }

  async #relay(socket: string): Promise<Duplex> {
    const release = await this.#sessions.acquireRelay();
    try {
      const conn = await this.connection();
      return await openRelay(conn.client, this.name, socket, release);
    } catch (err) {
      release();
      throw err;
    }
  }

  #pool(service: Service): Promise<ChannelPool> {
    let pool = this.#pools.get(service);
    if (!pool) {
      pool = this.socketPath(service).then((socket) => {
        const p = new ChannelPool(() => this.#openSocket(service, socket), {
          // A relayed socket (and one whose access is still undecided: the first connection decides)
          // has ONE kept-alive connection and requests queue on it. Several relays per daemon, with
          // parallel steps on three daemons, outgrew the budget's relay share, and a relay waiting
          // for a slot got it only when some idle connection's keep-alive timed out (a minute), or
          // never while busy connections of another daemon kept being reused.
          connections: () => (this.#t.user === 'root' || this.#access.get(socket) === 'direct'
            ? this.#opts.httpConnections ?? 4 : 1),
          onConnect: () => this.#log.debug('http channel opened', { host: this.name, service, socket }),
        });
        this.#livePools.set(p, socket);
        return p;
      });
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
