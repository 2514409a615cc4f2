// The remote layer's public surface: the rest of the program imports from here.
export { connect, SOCKET_CANDIDATES, type Host, type HttpMethod, type RequestOptions } from './host.js';
export type { ExecOptions, ExecResult } from './exec.js';
export type { ApiResult, Operation } from './envelope.js';
export { DaemonSocketClosed, type DaemonSocket, type NextOptions, type WebSocketOptions } from './websocket.js';
export { secret, type Arg } from './quote.js';
export { Secret } from '../secrets.js';
export {
  RemoteError, Unreachable, HostKeyMismatch, AuthFailed, RemoteCommandFailed, ApiError, RemoteTimeout,
  type HostKeyProblem,
} from './errors.js';
export { withRetry, isTransient, nothingWasSent, DEFAULT_RETRY, type RetryPolicy, type RetryOptions } from './retry.js';
export { fingerprint } from './host-keys.js';
export type { SshTarget, ConnectOptions, RemoteLogger, Service } from './types.js';
