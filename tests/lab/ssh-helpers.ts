// Test helpers: an ssh2 client for the lab's machines (independent of src/remote) and HTTP over
// stream-local channels.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { sshFingerprint } from '../../src/lab/keys.js';
import type { LabSite } from '../../src/lab/lab-site.js';

const { Client } = ssh2;
export type SshClient = InstanceType<typeof Client>;

export interface ConnectOptions {
  user?: string;
  privateKey?: string;
  /** Expected host key fingerprint (default: the site's for that machine). */
  fingerprint?: string;
  readyTimeout?: number;
}

/** Connect to a lab machine, checking its host key against the pinned fingerprint. */
export function connect(site: LabSite, machine: string, opts: ConnectOptions = {}): Promise<SshClient> {
  const ep = site.endpoint(machine);
  const expected = opts.fingerprint ?? ep.hostKeyFingerprint;
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.once('ready', () => resolve(c));
    c.on('error', (err) => { c.end(); reject(err); });
    c.connect({
      host: ep.host, port: ep.port, username: opts.user ?? 'root',
      privateKey: opts.privateKey ?? site.clientKey.privateKey,
      readyTimeout: opts.readyTimeout ?? 10_000,
      hostVerifier: (key: Buffer) => sshFingerprint(key) === expected,
    });
  });
}

export interface ExecResult { stdout: string; stderr: string; code: number | null }

export function exec(c: SshClient, command: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    c.exec(command, (err, stream) => {
      if (err) { reject(err); return; }
      let stdout = ''; let stderr = ''; let code: number | null = null;
      stream.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
      stream.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
      stream.on('exit', (c2: number | null) => { code = c2; });
      stream.on('close', () => resolve({ stdout, stderr, code }));
      stream.on('error', reject);
    });
  });
}

export function openSocket(c: SshClient, socketPath: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    c.openssh_forwardOutStreamLocal(socketPath, (err, ch) => (err ? reject(err) : resolve(ch)));
  });
}

export interface HttpResult { status: number; headers: http.IncomingHttpHeaders; text: string; json: unknown }

/** One HTTP request on an open channel (the channel may carry several, one after the other). */
export function httpOn(channel: Duplex, method: string, path: string, body?: unknown): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      method, path, host: 'unix.socket',
      createConnection: () => channel as unknown as import('node:net').Socket,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Open a channel to a socket and send one request on it. */
export async function httpOverSsh(c: SshClient, socketPath: string, method: string, path: string, body?: unknown): Promise<HttpResult> {
  const ch = await openSocket(c, socketPath);
  try {
    return await httpOn(ch, method, path, body);
  } finally {
    ch.destroy();
  }
}

export function closeAll(clients: SshClient[]): void {
  for (const c of clients.splice(0)) c.end();
}

/** Quote one argument the way the tool's SSH client does: always in single quotes. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
