// Typed failures of the remote layer. Every message is meant for an operator: it names the machine,
// says what was attempted and what to check. None of them may carry secrets: argv elements marked
// secret are masked, request bodies and stdin are never included, key material never is.

import type { Service } from './types.js';

export abstract class RemoteError extends Error {
  /** The machine's name as the preseed knows it. */
  readonly host: string;
  /** Whether trying again later could succeed without anyone changing anything (see retry.ts). */
  readonly transient: boolean;

  protected constructor(host: string, message: string, transient: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.host = host;
    this.transient = transient;
  }
}

/** The machine, its SSH daemon or a daemon's socket could not be reached, or the connection was lost. */
export class Unreachable extends RemoteError {
  /** Low-level cause code when there is one: ECONNREFUSED, ETIMEDOUT, ECONNRESET, ENOTFOUND, ... */
  readonly code: string | undefined;

  constructor(host: string, message: string, opts: { code?: string; transient?: boolean; cause?: unknown } = {}) {
    super(host, message, opts.transient ?? isTransientCode(opts.code), { cause: opts.cause });
    this.code = opts.code;
  }
}

export type HostKeyProblem = 'unknown' | 'changed' | 'revoked';

/** The presented host key is not the expected one, is revoked, or the host is unknown. */
export class HostKeyMismatch extends RemoteError {
  readonly problem: HostKeyProblem;
  /** Fingerprints we would have accepted (empty when the host is unknown). */
  readonly expected: readonly string[];
  readonly presented: string;

  constructor(host: string, problem: HostKeyProblem, expected: readonly string[], presented: string, message: string) {
    super(host, message, false);
    this.problem = problem;
    this.expected = expected;
    this.presented = presented;
  }
}

export class AuthFailed extends RemoteError {
  readonly user: string;
  constructor(host: string, user: string, message: string, options?: { cause?: unknown }) {
    super(host, message, false, options);
    this.user = user;
  }
}

export class RemoteCommandFailed extends RemoteError {
  /** argv as shown to humans: secrets masked, non-printable bytes escaped. */
  readonly argv: string;
  /** null when the command was killed by a signal or timed out. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderrExcerpt: string;

  constructor(host: string, argv: string, exitCode: number | null, signal: string | null, stderrExcerpt: string, hint = '') {
    const how = exitCode !== null ? `exited with status ${exitCode}` : `was killed by signal ${signal ?? 'unknown'}`;
    const err = stderrExcerpt.trim() ? `: ${stderrExcerpt.trim()}` : ' (no stderr output)';
    super(host, `${host}: command \`${argv}\` ${how}${err}${hint ? ` (${hint})` : ''}`, false);
    this.argv = argv;
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderrExcerpt = stderrExcerpt;
  }
}

/** A daemon answered with an error envelope, an unparseable body, or an operation that failed. */
export class ApiError extends RemoteError {
  readonly service: Service;
  readonly method: string;
  readonly path: string;
  /** HTTP status, or the envelope's error_code when that is more precise (error under HTTP 200). */
  readonly status: number;
  /** The daemon's own error text, verbatim: callers match "already exists" style messages on it. */
  readonly apiMessage: string;
  /** The operation URL when the failure came from an LXD operation. */
  readonly operation: string | undefined;
  /** snapd's error kind (`snap-not-installed`, `snap-change-conflict`…) and value, where it gives them. */
  readonly kind: string | undefined;
  readonly value: unknown;

  constructor(
    host: string,
    service: Service,
    method: string,
    path: string,
    status: number,
    apiMessage: string,
    operation?: string,
    detail: { kind?: string; value?: unknown } = {},
  ) {
    const op = operation ? ` (operation ${operation})` : '';
    super(host, `${host}: ${service} ${method} ${path} failed with ${status}${op}: ${apiMessage}`, status === 503);
    this.service = service;
    this.method = method;
    this.path = path;
    this.status = status;
    this.apiMessage = apiMessage;
    this.operation = operation;
    this.kind = detail.kind;
    this.value = detail.value;
  }
}

/** An exec, request or operation did not finish in time. The remote side may still be working. */
export class RemoteTimeout extends RemoteError {
  readonly timeoutMs: number;
  constructor(host: string, what: string, timeoutMs: number) {
    super(host, `${host}: ${what} did not finish within ${formatMs(timeoutMs)}`, true);
    this.timeoutMs = timeoutMs;
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'ECONNABORTED', 'HANDSHAKE_TIMEOUT', 'CONNECTION_LOST', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);

export function isTransientCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_CODES.has(code);
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
