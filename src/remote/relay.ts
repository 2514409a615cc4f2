// A daemon's socket reached through a relay for a login that is not root: the daemons' control
// sockets are root:root 0660 (LXD's root:lxd 0660), and a stream-local forward connects with the
// login user's own rights, whereas `sudo -n` only reaches commands. The relay is an exec channel
// running OpenBSD netcat under sudo (`sudo -n -- nc -N -U <socket>`, netcat-openbsd, in Ubuntu
// server's default install): its stdin/stdout is the byte stream undici takes as its socket, one
// relay process per HTTP connection, reused by keep-alive like a forwarded channel. -N shuts the
// socket's write side when the channel sends EOF, so the daemon closes its end and nc exits
// instead of lingering once the connection is given up.
import { Duplex } from 'node:stream';
import type { Client as SshClient, ClientChannel } from 'ssh2';
import { Unreachable } from './errors.js';
import { buildCommand, displayArgv } from './quote.js';

/** The program the relay runs, and the Debian/Ubuntu package that has it. */
export const RELAY_PROGRAM = 'nc';
export const RELAY_PACKAGE = 'netcat-openbsd';

/** What the relay runs on the machine for `socketPath`. */
export function relayArgv(socketPath: string): string[] {
  return ['sudo', '-n', '--', RELAY_PROGRAM, '-N', '-U', socketPath];
}

const STDERR_CAP = 2000;

/**
 * Opens one relay channel to `socketPath`. It resolves as soon as the channel is open (the daemon's
 * first answer proves the rest); when the relay exits unsuccessfully (sudo refused, nc missing, the
 * socket refused) the stream fails with an Unreachable carrying what it printed, instead of ending.
 * `released` is called once the channel is gone, whatever happened.
 */
export function openRelay(client: SshClient, host: string, socketPath: string, released: () => void): Promise<Duplex> {
  const argv = relayArgv(socketPath);
  const shown = displayArgv(argv);
  return new Promise((resolve, reject) => {
    const onChannel = (err: (Error & { reason?: number | string }) | undefined, ch: ClientChannel): void => {
      if (err) {
        released();
        reject(new Unreachable(host, `${host}: cannot open an SSH session for the relay \`${shown}\`: ${err.message}`,
          { code: 'CHANNEL_OPEN_FAILED', transient: err.reason !== 1, cause: err }));
        return;
      }
      resolve(relayStream(ch, host, shown, released));
    };
    try {
      // ssh2 writes a Buffer command byte for byte; its typings say string.
      client.exec(buildCommand(argv) as unknown as string, onChannel);
    } catch (err) {
      released();
      reject(new Unreachable(host, `${host}: SSH connection is closed`, { code: 'CONNECTION_LOST', cause: err }));
    }
  });
}

/** The channel as a plain Duplex whose end waits for the relay's exit status. */
function relayStream(ch: ClientChannel, host: string, shown: string, released: () => void): Duplex {
  let stderr = '';
  let exit: { code: number | null; signal: string | null } | undefined;
  const relay = new Duplex({
    read() { ch.resume(); },
    write(chunk: Buffer, _enc, cb) { ch.write(chunk, cb); },
    final(cb) { ch.end(); cb(); },
    destroy(err, cb) {
      ch.destroy();
      cb(err);
    },
  });
  ch.on('data', (d: Buffer) => { if (!relay.push(d)) ch.pause(); });
  ch.stderr.on('data', (d: Buffer) => { if (stderr.length < STDERR_CAP) stderr += d.toString('utf8'); });
  ch.on('exit', (code: number | null, signal?: string) => {
    exit = { code: typeof code === 'number' ? code : null, signal: signal ? String(signal) : null };
  });
  ch.on('error', (e: Error) => relay.destroy(new Unreachable(host, `${host}: SSH channel error in the relay \`${shown}\`: ${e.message}`,
    { code: 'CONNECTION_LOST', cause: e })));
  // The verdict waits for the channel to close: sshd may send the exit status before the last
  // of stderr, and the stream must not end cleanly for a relay that failed.
  ch.on('close', () => {
    released();
    if (relay.destroyed) return;
    if (exit?.code === 0) {
      relay.push(null);
      return;
    }
    const why = stderr.trim().split('\n').slice(-3).join('; ');
    const how = !exit ? 'ended without an exit status (connection lost?)'
      : exit.code !== null ? `exited with status ${exit.code}` : `was killed by signal ${exit.signal ?? 'unknown'}`;
    // A daemon restarting refuses or lacks its socket for a moment; sudo or nc failing stays failed.
    const transient = !exit || /refused|No such file|temporarily/i.test(stderr);
    relay.destroy(new Unreachable(host, `${host}: the relay \`${shown}\` ${how}${why ? `: ${why}` : ''}`,
      { code: exit ? 'ECONNREFUSED' : 'CONNECTION_LOST', transient }));
  });
  return relay;
}
