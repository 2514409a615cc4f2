// One machine's sshd: an ssh2 Server on 127.0.0.1:<port> with the machine's own host key, public
// key authentication only, `exec` requests run as a shell would run them, and OpenSSH stream-local
// channels (`ssh -L /local:/remote.socket`, ssh2's openssh_forwardOutStreamLocal) connected to the
// machine's daemon sockets. The listener is ours (a net.Server) so the site can refuse, reset or
// black-hole connections while the machine is "down".
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ParsedKey, ServerChannel, Session } from 'ssh2';
import type { CommandResult } from './commands/index.js';

const { Server, utils } = ssh2;

/** How a machine that is down looks to clients: connection refused (the default), reset right
 *  after connecting, or a black hole that accepts TCP and never answers (clients time out). */
export type DownMode = 'refuse' | 'reset' | 'blackhole';

export interface MachineSshHooks {
  /** Added delay, in ms, for one round trip to this machine (read on every use). */
  latency(): number;
  sleep(ms: number): Promise<void>;
  /** Run a command string; 'drop' when the connection was dropped instead, 'reset' to close the
   *  command's channel without an exit status. */
  exec(user: string, command: string): Promise<CommandResult | 'drop' | 'reset'>;
  /** The acceptor for a stream-local channel to `socketPath`, or undefined to refuse it as sshd
   *  does when connect(2) fails. */
  streamTarget(user: string, socketPath: string): ((channel: Duplex) => void) | undefined;
  /** A client logged in. */
  connected(user: string): void;
}

export interface MachineSshOptions {
  name: string;
  /** OpenSSH private host key. */
  hostKey: string;
  /** Accepted client public keys (.pub lines). */
  authorizedKeys: readonly string[];
  /** Login names accepted. */
  users: readonly string[];
  hooks: MachineSshHooks;
}

export class MachineSshServer {
  readonly name: string;
  private ssh: InstanceType<typeof Server>;
  private readonly listener: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly held = new Set<net.Socket>();
  private readonly keys: ParsedKey[];
  private mode: DownMode | 'up' = 'up';
  private host = '127.0.0.1';
  private boundPort = 0;
  private listening = false;

  constructor(private readonly opts: MachineSshOptions) {
    this.name = opts.name;
    this.keys = opts.authorizedKeys.map((k) => {
      const parsed = utils.parseKey(k);
      if (parsed instanceof Error) throw new Error(`${opts.name}: unusable authorized key: ${parsed.message}`);
      return parsed;
    });
    this.ssh = new Server({ hostKeys: [opts.hostKey] }, (client) => this.onClient(client));
    this.listener = net.createServer((sock) => this.onSocket(sock));
  }

  get port(): number { return this.boundPort; }

  /** Present another host key from now on; established connections keep the one they saw. */
  setHostKey(hostKey: string): void {
    this.ssh = new Server({ hostKeys: [hostKey] }, (client) => this.onClient(client));
  }

  async listen(port: number, host: string): Promise<number> {
    this.host = host;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.listener.once('error', onError);
      this.listener.listen({ port, host, exclusive: true }, () => {
        this.listener.off('error', onError);
        resolve();
      });
    });
    this.listening = true;
    this.boundPort = (this.listener.address() as net.AddressInfo).port;
    return this.boundPort;
  }

  /** Take the machine off the network; existing connections are dropped (or, for a black hole, frozen). */
  async down(mode: DownMode = 'refuse'): Promise<void> {
    this.mode = mode;
    if (mode === 'blackhole') {
      for (const s of this.sockets) {
        s.pause();
        this.held.add(s);
        s.once('close', () => this.held.delete(s));
      }
      this.sockets.clear();
    } else {
      this.dropConnections();
      for (const s of this.held) s.destroy();
      this.held.clear();
    }
    if (mode === 'refuse' && this.listening) {
      this.listening = false;
      await new Promise<void>((resolve) => this.listener.close(() => resolve()));
    }
  }

  /** Back on the network, at the same port. Frozen connections die, as after a reboot. */
  async up(): Promise<void> {
    for (const s of this.held) s.destroy();
    this.held.clear();
    this.mode = 'up';
    if (!this.listening) await this.listen(this.boundPort, this.host);
  }

  /** Reset every SSH connection to this machine. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.mode = 'refuse';
    this.dropConnections();
    for (const s of this.held) s.destroy();
    this.held.clear();
    if (this.listening) {
      this.listening = false;
      await new Promise<void>((resolve) => this.listener.close(() => resolve()));
    }
  }

  private onSocket(sock: net.Socket): void {
    sock.on('error', () => { /* reported through the SSH connection, or irrelevant once dropped */ });
    if (this.mode === 'reset' || this.mode === 'refuse') { sock.resetAndDestroy(); return; }
    if (this.mode === 'blackhole') {
      sock.pause();
      this.held.add(sock);
      sock.once('close', () => this.held.delete(sock));
      return;
    }
    sock.setNoDelay(true);
    this.sockets.add(sock);
    sock.once('close', () => this.sockets.delete(sock));
    this.ssh.injectSocket(sock);
  }

  private later(fn: () => void): void {
    const ms = this.opts.hooks.latency();
    if (ms > 0) void this.opts.hooks.sleep(ms).then(fn); else fn();
  }

  private authorized(ctx: AuthContext): ParsedKey | undefined {
    if (ctx.method !== 'publickey') return undefined;
    return this.keys.find((k) => ctx.key.data.equals(k.getPublicSSH()));
  }

  private onClient(client: Connection): void {
    let user = '';
    client.on('error', () => { /* a client that goes away is not the lab's problem */ });
    client.on('authentication', (ctx) => {
      const key = this.opts.users.includes(ctx.username) ? this.authorized(ctx) : undefined;
      if (!key || ctx.method !== 'publickey') { ctx.reject(['publickey']); return; }
      if (!ctx.signature || !ctx.blob) { ctx.accept(); return; } // "would this key do?" query
      if (key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) { ctx.reject(['publickey']); return; }
      user = ctx.username;
      this.later(() => ctx.accept());
    });
    client.on('ready', () => {
      this.opts.hooks.connected(user);
      client.on('session', (accept, reject) => {
        this.later(() => {
          let session: Session;
          try { session = accept(); } catch { reject(); return; }
          this.onSession(session, user);
        });
      });
      client.on('openssh.streamlocal', (accept, reject, info) => {
        const target = this.opts.hooks.streamTarget(user, info.socketPath);
        if (!target) { reject(); return; }
        this.later(() => {
          let channel: ServerChannel;
          try { channel = accept(); } catch { return; }
          target(channel);
        });
      });
    });
  }

  /**
   * A program that copies its stdin/stdout to a unix socket (the relay `sudo -n nc -U PATH`): the
   * exec channel becomes the socket's connection, opened with root's rights when the program runs
   * as root, else with the login user's (refused where the socket's permissions say so, as nc
   * reports it). When the daemon closes its end, nc exits 0.
   */
  private relay(stream: ServerChannel, user: string, relay: { socketPath: string; root: boolean }): void {
    const target = this.opts.hooks.streamTarget(relay.root ? 'root' : user, relay.socketPath);
    if (!target) {
      try {
        stream.stderr.write(`nc: ${relay.socketPath}: ${relay.root ? 'Connection refused' : 'Permission denied'}\n`);
        stream.exit(1);
        stream.end();
      } catch { /* the connection went away meanwhile */ }
      return;
    }
    // The daemon side ending or the client closing ends the program; its exit status goes first.
    let exited = false;
    const exit = (): void => {
      if (exited) return;
      exited = true;
      try { stream.exit(0); } catch { /* gone */ }
    };
    const end = stream.end.bind(stream) as (...a: unknown[]) => ServerChannel;
    stream.end = ((...a: unknown[]) => { exit(); return end(...a); }) as typeof stream.end;
    const destroy = stream.destroy.bind(stream);
    stream.destroy = (() => { exit(); return destroy(); }) as typeof stream.destroy;
    target(stream);
  }

  private onSession(session: Session, user: string): void {
    session.on('env', (accept) => { accept?.(); });
    session.on('pty', (_accept, reject) => { reject?.(); });
    session.on('shell', (_accept, reject) => { reject?.(); });
    session.on('subsystem', (_accept, reject) => { reject?.(); });
    session.on('sftp', (_accept, reject) => { reject?.(); });
    session.on('x11', (_accept, reject) => { reject?.(); });
    session.on('auth-agent', (_accept, reject) => { reject?.(); });
    session.on('exec', (accept, _reject, info) => {
      let stream: ServerChannel;
      try { stream = accept(); } catch { return; }
      stream.on('error', () => { /* connection gone */ });
      // stdin stays buffered until the command is known: a relay (`nc -U`) hands it to the daemon.
      void this.opts.hooks.exec(user, info.command).then((result) => {
        if (result === 'drop' || stream.destroyed) return;
        if (result === 'reset') { stream.close(); return; }
        if (result.relay) { this.relay(stream, user, result.relay); return; }
        stream.resume(); // nothing else the lab runs reads stdin
        try {
          if (result.stdout) stream.write(result.stdout);
          if (result.stderr) stream.stderr.write(result.stderr);
          stream.exit(result.exitCode);
          stream.end();
        } catch { /* the connection went away meanwhile */ }
      });
    });
  }
}
