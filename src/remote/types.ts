// Shapes shared by the remote layer's files and its callers.
import type { RetryPolicy } from './retry.js';

export type Service = 'lxd' | 'microceph' | 'microovn' | 'microcloud' | 'snapd';

/** How to reach one machine. Field names mirror the preseed's SSH settings. */
export interface SshTarget {
  /** The machine's name in the preseed; every message and error names it. */
  name: string;
  /** Address or DNS name to connect to; also the name looked up in known_hosts. */
  host: string;
  /** Default 22. */
  port?: number;
  /** Default "root". Any other user runs commands through `sudo -n`. */
  user?: string;
  /** Private key file. Without one (and without an agent) ~/.ssh/id_{ed25519,ecdsa,rsa} are tried. */
  identityFile?: string;
  /** Pinned host key: `SHA256:…` exactly as `ssh-keygen -lf` prints it, or a public key line. */
  hostKey?: string;
  /** known_hosts file for this machine; default ConnectOptions.knownHostsFile, then ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** Reach this machine through another (ProxyJump). */
  jump?: SshTarget;
  /** Override the `user !== 'root'` rule for prefixing commands with `sudo -n`. */
  sudo?: boolean;
  /** Daemon socket paths on this machine, overriding detection. */
  socketPaths?: Partial<Record<Service, string>>;
}

/** The subset of a winston logger the remote layer uses. */
export interface RemoteLogger {
  debug(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

export const silentLogger: RemoteLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

export interface ConnectOptions {
  /** Accept and record an unknown host's key. Never applies to a changed or revoked key. */
  trustOnFirstUse?: boolean;
  /** Write trust-on-first-use entries hashed (|1|salt|hmac), like HashKnownHosts yes. */
  hashKnownHosts?: boolean;
  /** known_hosts for targets that name none; default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** ssh-agent socket; default $SSH_AUTH_SOCK; false disables the agent. */
  agent?: string | false;
  /** Passphrase for encrypted identity files. Never logged or shown. */
  passphrase?: string;
  /** TCP connect + SSH handshake + authentication. Default 15 s. */
  connectTimeoutMs?: number;
  /** SSH keepalive interval; default 15 s. With keepaliveCountMax (default 4) bounds dead-peer detection. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Default exec timeout; default 10 min. */
  execTimeoutMs?: number;
  /** Default for ExecOptions.remoteTimeout (enforce exec timeouts on the machine with timeout(1)); default true. */
  remoteTimeout?: boolean;
  /** Default REST request timeout (one HTTP exchange); default 2 min. */
  requestTimeoutMs?: number;
  /** Default wait for LXD operations; default 10 min. */
  operationTimeoutMs?: number;
  /** Cap on captured stdout and on stderr, each; default 16 MiB. */
  maxOutputBytes?: number;
  /** Concurrent exec channels per connection; sshd's MaxSessions defaults to 10. Default 8. */
  maxSessions?: number;
  /** HTTP connections per daemon socket (long LXD waits must not block other calls). Default 4. */
  httpConnections?: number;
  /** Retry policy for connecting and for transient REST failures; false disables retries. */
  retry?: Partial<RetryPolicy> | false;
  /** Socket path overrides for every target (a target's own socketPaths win). */
  socketPaths?: Partial<Record<Service, string>>;
  /** Paths probed, in order, when no override is given; default SOCKET_CANDIDATES (snap, then Debian LXD). */
  socketCandidates?: Partial<Record<Service, readonly string[]>>;
  logger?: RemoteLogger;
  /** Told the `SHA256:…` fingerprint of each host key accepted, by target name (export pins them). */
  onHostKey?: (target: string, fingerprint: string) => void;
}
