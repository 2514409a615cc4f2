// Running one command over an SSH exec channel: quoted argv, optional `sudo -n`, stdin, a timeout,
// and stdout/stderr captured as Buffers up to a cap (the rest is drained and counted as truncated).
import type { Client as SshClient, ClientChannel } from 'ssh2';
import { RemoteCommandFailed, RemoteTimeout, Unreachable } from './errors.js';
import { Secret, buildCommand, displayArgv, redact, secretValues, type Arg } from './quote.js';

export interface ExecOptions {
  /** Written to the command's stdin, then EOF. Never logged. Without it stdin is empty. */
  stdin?: string | Buffer;
  timeoutMs?: number;
  /**
   * Also enforce the timeout on the machine with coreutils `timeout` (TERM, then KILL 5 s later).
   * Default true: sshd refuses "signal" requests for root logins (no privilege separation after
   * auth) and never kills a command whose channel closes, so a timed-out command would otherwise
   * keep running. Needs `timeout` in PATH (coreutils, always there on Debian and Ubuntu).
   */
  remoteTimeout?: boolean;
  /** Run through `sudo -n`; default: when the SSH user is not root. */
  sudo?: boolean;
  /** Throw RemoteCommandFailed on a non-zero exit (default true); false returns the result as is. */
  check?: boolean;
  /** The command only reads, so it may run again when its channel or connection was lost before
   *  it reported (default false: a command that changes something is never repeated blindly). */
  idempotent?: boolean;
  /** Set through `env NAME=value …`, so it survives sudo and does not depend on sshd's AcceptEnv. */
  env?: Record<string, string | Secret>;
  maxOutputBytes?: number;
}

export interface ExecResult {
  /** null when the command was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const KILL_AFTER_MS = 5000;

/** The argv actually run: `sudo -n --`, `timeout` and `env` prefixes applied. */
export function commandArgv(
  argv: readonly Arg[],
  opts: { sudo: boolean; env?: Record<string, string | Secret>; remoteTimeoutMs?: number },
): Arg[] {
  const out: Arg[] = [];
  if (opts.sudo) out.push('sudo', '-n', '--');
  // After sudo, so that timeout runs as root and may kill what the command starts.
  if (opts.remoteTimeoutMs !== undefined) {
    out.push('timeout', '-k', `${KILL_AFTER_MS / 1000}s`, `${opts.remoteTimeoutMs / 1000}s`);
  }
  const env = Object.entries(opts.env ?? {});
  if (env.length > 0) {
    out.push('env');
    for (const [name, value] of env) {
      if (!ENV_NAME.test(name)) throw new TypeError(`invalid environment variable name ${JSON.stringify(name)}`);
      out.push(value instanceof Secret ? new Secret(`${name}=${String(value.reveal())}`) : `${name}=${value}`);
    }
  }
  out.push(...argv);
  return out;
}

export interface RunOptions {
  /** Local deadline: the channel is closed and RemoteTimeout raised when it passes. */
  timeoutMs: number;
  /** Set when argv carries a `timeout` wrapper with this limit: its exit codes then mean RemoteTimeout. */
  remoteTimeoutMs?: number;
  maxOutputBytes: number;
  stdin?: string | Buffer;
  /** The argv to name in messages (without wrappers); default argv. */
  shown?: string;
}

/** Runs the (already prefixed) argv and resolves with its outcome whatever the exit status. */
export function runCommand(client: SshClient, host: string, argv: readonly Arg[], opts: RunOptions): Promise<ExecResult> {
  const command = buildCommand(argv);
  const shown = opts.shown ?? displayArgv(argv);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const out = new Capture(opts.maxOutputBytes);
    const err = new Capture(opts.maxOutputBytes);
    let exitCode: number | null = null;
    let signal: string | null = null;
    let exited = false;
    let done = false;
    let channel: ClientChannel | undefined;
    const finish = (e: Error | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (e) reject(e);
      else if (killedByTimeout(opts.remoteTimeoutMs, exitCode, Date.now() - started)) {
        reject(new RemoteTimeout(host, `command \`${shown}\``, opts.remoteTimeoutMs ?? opts.timeoutMs));
      } else {
        resolve({ exitCode, signal, stdout: out.bytes(), stderr: err.bytes(), stdoutTruncated: out.truncated, stderrTruncated: err.truncated });
      }
    };
    const timer = setTimeout(() => {
      channel?.close();
      finish(new RemoteTimeout(host, `command \`${shown}\``, opts.remoteTimeoutMs ?? opts.timeoutMs));
    }, opts.timeoutMs);

    const onChannel = (e: (Error & { reason?: number | string }) | undefined, ch: ClientChannel): void => {
      if (e) {
        // Reason 1 is "administratively prohibited": sshd refuses sessions here; that will not pass.
        finish(new Unreachable(host, `${host}: cannot open an SSH session for \`${shown}\`: ${e.message}`,
          { code: 'CHANNEL_OPEN_FAILED', transient: e.reason !== 1, cause: e }));
        return;
      }
      channel = ch;
      if (done) {
        ch.close();
        return;
      }
      ch.on('data', (d: Buffer) => out.add(d));
      ch.stderr.on('data', (d: Buffer) => err.add(d));
      ch.on('exit', (code: number | null, sig?: string) => {
        exited = true;
        exitCode = typeof code === 'number' ? code : null;
        signal = sig ? String(sig) : null;
      });
      ch.on('close', () => {
        if (exited) finish(null);
        else finish(new Unreachable(host, `${host}: connection lost while running \`${shown}\``, { code: 'CONNECTION_LOST' }));
      });
      ch.on('error', (e2: Error) => finish(new Unreachable(host, `${host}: SSH channel error running \`${shown}\`: ${e2.message}`, { code: 'CONNECTION_LOST', cause: e2 })));
      ch.end(opts.stdin ?? undefined);
    };
    try {
      // ssh2 writes a Buffer command byte for byte (needed for non-UTF-8 arguments); its typings say string.
      client.exec(command as unknown as string, onChannel);
    } catch (e) {
      finish(new Unreachable(host, `${host}: SSH connection is closed (\`${shown}\` not run)`, { code: 'CONNECTION_LOST', cause: e }));
    }
  });
}

// timeout(1) exits 124 after TERM and 137 after KILL; the elapsed time tells them from a command
// that happens to exit with those codes by itself.
function killedByTimeout(limitMs: number | undefined, exitCode: number | null, elapsedMs: number): boolean {
  return limitMs !== undefined && (exitCode === 124 || exitCode === 137) && elapsedMs >= limitMs;
}

/** Throws RemoteCommandFailed for a non-zero exit or a signal; the message is scrubbed of secrets. */
export function checkResult(host: string, argv: readonly Arg[], result: ExecResult, user: string, sudo: boolean): void {
  if (result.exitCode === 0) return;
  const stderr = redact(excerpt(result.stderr), secretValues(argv));
  let hint = '';
  if (sudo && /sudo: (a )?(password is required|terminal is required)/.test(stderr)) {
    hint = `user ${user} needs passwordless sudo (NOPASSWD) on ${host}, or connect as root`;
  } else if (sudo && /sudo: (command )?not found/.test(stderr)) {
    hint = `sudo is not installed on ${host}; connect as root`;
  } else if (result.exitCode === 127) {
    hint = `command not found on ${host}`;
  }
  throw new RemoteCommandFailed(host, displayArgv(argv), result.exitCode, result.signal, stderr, hint);
}

const EXCERPT_BYTES = 2000;

// The end of stderr is where tools put the reason they failed.
function excerpt(stderr: Buffer): string {
  const tail = stderr.length > EXCERPT_BYTES ? stderr.subarray(stderr.length - EXCERPT_BYTES) : stderr;
  return `${stderr.length > EXCERPT_BYTES ? '…' : ''}${tail.toString('utf8')}`;
}

class Capture {
  readonly #cap: number;
  readonly #chunks: Buffer[] = [];
  #size = 0;
  truncated = false;
  constructor(cap: number) {
    this.#cap = cap;
  }
  add(d: Buffer): void {
    const room = this.#cap - this.#size;
    if (d.length > room) this.truncated = true;
    if (room <= 0) return;
    const keep = d.length > room ? d.subarray(0, room) : d;
    this.#chunks.push(keep);
    this.#size += keep.length;
  }
  bytes(): Buffer {
    return Buffer.concat(this.#chunks, this.#size);
  }
}
