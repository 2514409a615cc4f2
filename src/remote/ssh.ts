// One SSH connection per machine (ssh2), optionally through a jump host, with host key checking,
// agent or identity-file authentication, connect timeout and keepalive. Failures come back typed:
// HostKeyMismatch, AuthFailed or Unreachable, with what the operator should check.
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AuthMethod, Client as SshClient, ConnectConfig, IdentityCallback, ParsedKey, ServerHostKeyAlgorithm } from 'ssh2';
import { AuthFailed, RemoteError, Unreachable, formatMs } from './errors.js';
import { loadHostKeyPolicy } from './host-key-policy.js';
import { fingerprint } from './host-keys.js';
import { silentLogger, type ConnectOptions, type RemoteLogger, type SshTarget } from './types.js';

const { Client, OpenSSHAgent, utils } = ssh2;

export interface ResolvedTarget extends SshTarget {
  port: number;
  user: string;
}

export function resolveTarget(t: SshTarget): ResolvedTarget {
  return { ...t, port: t.port ?? 22, user: t.user ?? 'root' };
}

/** An established connection. `lost` resolves when it closes for any reason. */
export class SshConnection {
  readonly client: SshClient;
  readonly target: ResolvedTarget;
  readonly lost: Promise<Error | null>;
  #open = true;
  #jump: SshConnection | undefined;

  constructor(client: SshClient, target: ResolvedTarget, jump: SshConnection | undefined) {
    this.client = client;
    this.target = target;
    this.#jump = jump;
    this.lost = new Promise((resolve) => {
      let why: Error | null = null;
      client.on('error', (err: Error) => {
        why = err;
      });
      client.once('close', () => {
        this.#open = false;
        this.#jump?.close();
        resolve(why);
      });
    });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.client.end();
    this.#jump?.close();
  }
}

const DEFAULT_CONNECT_TIMEOUT = 15_000;

export async function openConnection(target: SshTarget, opts: ConnectOptions = {}): Promise<SshConnection> {
  const t = resolveTarget(target);
  const log = opts.logger ?? silentLogger;
  let jump: SshConnection | undefined;
  let sock: Duplex | undefined;
  if (t.jump) {
    jump = await openConnection(t.jump, opts);
    try {
      sock = await forwardTcp(jump, t);
    } catch (err) {
      jump.close();
      throw err;
    }
  }
  try {
    const conn = await handshake(t, opts, log, sock, jump);
    log.debug('ssh connected', { host: t.name, address: `${t.host}:${t.port}`, user: t.user, via: t.jump?.name });
    return conn;
  } catch (err) {
    jump?.close();
    throw err;
  }
}

function forwardTcp(jump: SshConnection, t: ResolvedTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jump.client.forwardOut('127.0.0.1', 0, t.host, t.port, (err, stream) => {
      if (!err) return resolve(stream);
      const refused = /refused|connect failed/i.test(err.message);
      reject(new Unreachable(t.name,
        `${t.name}: jump host ${jump.target.name} could not open a connection to ${t.host}:${t.port}: ${err.message}` +
          (refused ? '' : ' (does the jump host allow TCP forwarding? AllowTcpForwarding)'),
        { code: refused ? 'ECONNREFUSED' : 'FORWARD_DENIED', cause: err }));
    });
  });
}

async function handshake(
  t: ResolvedTarget, opts: ConnectOptions, log: RemoteLogger, sock: Duplex | undefined, jump: SshConnection | undefined,
): Promise<SshConnection> {
  const policy = await loadHostKeyPolicy({
    name: t.name,
    host: t.host,
    port: t.port,
    ...(t.hostKey ? { pin: t.hostKey } : {}),
    knownHostsFile: t.knownHostsFile ?? opts.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts'),
    trustOnFirstUse: opts.trustOnFirstUse === true,
    hashKnownHosts: opts.hashKnownHosts === true,
    logger: log,
  });
  const auth = await loadAuth(t, opts);
  const timeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT;

  return new Promise((resolve, reject) => {
    const client = new Client();
    let keyRefusal: RemoteError | null = null;
    let settled = false;
    const fail = (err: RemoteError): void => {
      if (settled) return;
      settled = true;
      client.destroy();
      reject(err);
    };
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      resolve(new SshConnection(client, t, jump));
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (!settled) fail(keyRefusal ?? connectError(err, t, auth.tried, timeoutMs));
    });
    client.once('close', () => {
      fail(keyRefusal ?? new Unreachable(t.name,
        `${t.name}: ${t.host}:${t.port} closed the connection during the SSH handshake ` +
          '(sshd overloaded (MaxStartups), or refusing this client?)', { code: 'ECONNRESET' }));
    });

    const config: ConnectConfig = {
      host: t.host,
      port: t.port,
      username: t.user,
      readyTimeout: timeoutMs,
      keepaliveInterval: opts.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: opts.keepaliveCountMax ?? 4,
      authHandler: auth.methods,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        policy.verify(key).then(
          (refusal) => {
            keyRefusal = refusal;
            if (refusal === null) opts.onHostKey?.(t.name, fingerprint(key));
            verify(refusal === null);
          },
          (err: Error) => {
            keyRefusal = new Unreachable(t.name, `${t.name}: cannot check the host key: ${err.message}`, { cause: err });
            verify(false);
          },
        );
      },
      ...(sock ? { sock } : {}),
    };
    const algorithms = hostKeyAlgorithms(policy.preferredTypes);
    if (algorithms) config.algorithms = { serverHostKey: algorithms };
    try {
      client.connect(config);
      // Without it Nagle holds each small packet written behind one not yet acknowledged (an exec
      // request right after its channel open, requests on parallel channels) for up to the peer's
      // delayed ACK, 40 ms on Linux: the tool's round trips are many small packets.
      client.setNoDelay(true);
    } catch (err) {
      fail(new Unreachable(t.name, `${t.name}: cannot start SSH connection: ${(err as Error).message}`, { cause: err }));
    }
  });
}

const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];

// OpenSSH asks first for the key types it already knows for a host; without that a server with
// several host keys could present one we have no record of and be refused for no reason.
function hostKeyAlgorithms(knownTypes: string[]): ServerHostKeyAlgorithm[] | undefined {
  const preferred = knownTypes.flatMap((t): ServerHostKeyAlgorithm[] =>
    t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : HOST_KEY_ALGORITHMS.filter((a) => a === t));
  if (preferred.length === 0) return undefined;
  return [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])];
}

interface Auth {
  methods: AuthMethod[];
  /** What was offered, for AuthFailed messages; never key material. */
  tried: string;
}

async function loadAuth(t: ResolvedTarget, opts: ConnectOptions): Promise<Auth> {
  const methods: AuthMethod[] = [];
  const tried: string[] = [];
  const agent = opts.agent === false ? undefined : opts.agent ?? process.env.SSH_AUTH_SOCK;
  // An explicit identity goes first: an agent holding many keys would otherwise exhaust MaxAuthTries.
  if (t.identityFile) {
    const m = await identity(t, t.identityFile, opts.passphrase, true, opts.agent === false ? false : agent);
    methods.push(m);
    tried.push(m.type === 'agent' ? `identity file ${t.identityFile} (its key in the ssh-agent at ${agent})` : `identity file ${t.identityFile}`);
  }
  if (agent) {
    methods.push({ type: 'agent', username: t.user, agent } as AuthMethod);
    tried.push(`ssh-agent at ${agent}`);
  }
  if (methods.length === 0) {
    for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
      const file = join(homedir(), '.ssh', name);
      const m = await identity(t, file, opts.passphrase, false, undefined).catch(() => null);
      if (m) {
        methods.push(m);
        tried.push(`identity file ${file}`);
      }
    }
  }
  if (methods.length === 0) {
    throw new AuthFailed(t.name, t.user,
      `${t.name}: no way to authenticate as ${t.user}: no identity_file given, no ssh-agent (SSH_AUTH_SOCK unset) ` +
        'and no usable ~/.ssh/id_ed25519, id_ecdsa or id_rsa (an encrypted one is used only through the agent: ssh-add it)');
  }
  return { methods, tried: tried.join(', ') };
}

// Parsed identities by file, for as long as the file is unchanged: a site's machines usually share
// one key, and parsing it (and ssh2 parsing it again from the bytes) for every connection cost more
// CPU than the rest of the handshake. The parsed key object is handed to ssh2 as is.
const parsedIdentities = new Map<string, { version: string; passphrase: string | undefined; key: ParsedKey }>();

/** `agent`: its socket; false when ConnectOptions.agent disabled it, undefined when there is none. */
async function identity(
  t: ResolvedTarget, file: string, passphrase: string | undefined, explicit: boolean, agent: string | false | undefined,
): Promise<AuthMethod> {
  let version: string;
  try {
    const st = await stat(file);
    version = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch (err) {
    throw new AuthFailed(t.name, t.user, `${t.name}: cannot read identity file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const cached = parsedIdentities.get(file);
  if (cached && cached.version === version && cached.passphrase === passphrase) {
    return { type: 'publickey', username: t.user, key: cached.key } as AuthMethod;
  }
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw new AuthFailed(t.name, t.user, `${t.name}: cannot read identity file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const parsed = utils.parseKey(data, passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || !key?.isPrivateKey()) {
    // ssh2's parser messages describe the format problem only, never the key material.
    const why = key instanceof Error ? key.message : 'not a private key';
    if (!explicit) throw new Error(why);
    if (isEncrypted(data, why)) {
      // As ssh does: the key of an encrypted IdentityFile that the agent holds is used through the agent.
      const viaAgent = agent ? await agentIdentity(t, file, data, agent) : null;
      if (viaAgent) return viaAgent;
      const shown = tildePath(file);
      if (!passphrase) {
        throw new AuthFailed(t.name, t.user,
          `${t.name}: the identity file ${shown} is encrypted; add it to the agent (ssh-add ${shown}) or use an unencrypted key` +
            (agent ? ` (the ssh-agent at ${agent} does not hold it)` : agent === false ? '' : ' (no ssh-agent: SSH_AUTH_SOCK is unset)'));
      }
      throw new AuthFailed(t.name, t.user,
        `${t.name}: cannot use identity file ${shown}: ${why}; add it to the agent (ssh-add ${shown}) or check its passphrase`);
    }
    throw new AuthFailed(t.name, t.user, `${t.name}: cannot use identity file ${file}: ${why}`);
  }
  parsedIdentities.set(file, { version, passphrase, key });
  return { type: 'publickey', username: t.user, key } as AuthMethod;
}

/** The path as the operator would type it: under $HOME with `~/`. */
function tildePath(file: string): string {
  const home = process.env['HOME'] || homedir();
  return home && home !== '/' && file.startsWith(`${home}/`) ? `~/${file.slice(home.length + 1)}` : file;
}

const OPENSSH_KEY = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/;

function isEncrypted(data: Buffer, parseError: string): boolean {
  if (/passphrase/i.test(parseError)) return true;
  const text = data.toString('latin1');
  if (/Proc-Type:\s*4,ENCRYPTED|BEGIN ENCRYPTED PRIVATE KEY/.test(text)) return true;
  const blob = openSshKeyBlob(text);
  return blob !== null && blob.cipher !== 'none';
}

/** The unencrypted header of an `openssh-key-v1` private key: its cipher and its first public key. */
function openSshKeyBlob(text: string): { cipher: string; publicKey: Buffer } | null {
  const m = OPENSSH_KEY.exec(text);
  if (!m) return null;
  const buf = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  const magic = Buffer.from('openssh-key-v1\0', 'latin1');
  if (buf.length < magic.length || !buf.subarray(0, magic.length).equals(magic)) return null;
  let pos = magic.length;
  const str = (): Buffer | null => {
    if (pos + 4 > buf.length) return null;
    const len = buf.readUInt32BE(pos);
    if (pos + 4 + len > buf.length) return null;
    const out = buf.subarray(pos + 4, pos + 4 + len);
    pos += 4 + len;
    return out;
  };
  const cipher = str();
  if (!cipher || !str() || !str() || pos + 4 > buf.length) return null; // kdfname, kdfoptions
  const count = buf.readUInt32BE(pos);
  pos += 4;
  const publicKey = count >= 1 ? str() : null;
  return publicKey ? { cipher: cipher.toString('latin1'), publicKey } : null;
}

/** The public key of an identity file without decrypting it: from its header, else from the `.pub` beside it. */
async function identityPublicKey(file: string, data: Buffer): Promise<Buffer | null> {
  const blob = openSshKeyBlob(data.toString('latin1'));
  if (blob) return blob.publicKey;
  try {
    const pub = utils.parseKey(await readFile(`${file}.pub`));
    const k = Array.isArray(pub) ? pub[0] : pub;
    return k && !(k instanceof Error) ? k.getPublicSSH() : null;
  } catch {
    return null;
  }
}

/** An agent that offers only one of the keys it holds: the identity file's. */
class OneKeyAgent extends OpenSSHAgent {
  readonly #key: ParsedKey;
  constructor(socket: string, key: ParsedKey) {
    super(socket);
    this.#key = key;
  }
  override getIdentities(cb: IdentityCallback<ParsedKey>): void {
    cb(null, [this.#key]);
  }
}

/** Authentication with the identity file's key held by the agent, or null when the agent does not hold it. */
async function agentIdentity(t: ResolvedTarget, file: string, data: Buffer, socket: string): Promise<AuthMethod | null> {
  const pub = await identityPublicKey(file, data);
  if (!pub) return null;
  const keys = await new Promise<ParsedKey[]>((resolve) => {
    new OpenSSHAgent(socket).getIdentities((err, found) =>
      resolve(err || !found ? [] : found.filter((k): k is ParsedKey => typeof (k as ParsedKey).getPublicSSH === 'function')));
  });
  const key = keys.find((k) => k.getPublicSSH().equals(pub));
  return key ? ({ type: 'agent', username: t.user, agent: new OneKeyAgent(socket, key) } as AuthMethod) : null;
}

function connectError(err: Error & { level?: string; code?: string }, t: ResolvedTarget, tried: string, timeoutMs: number): RemoteError {
  const where = `${t.host}:${t.port}${t.jump ? ` (via ${t.jump.name})` : ''}`;
  if (err.level === 'client-authentication') {
    return new AuthFailed(t.name, t.user,
      `${t.name}: SSH authentication as ${t.user}@${where} failed (tried ${tried}). Check that the public key is in ` +
        `~${t.user}/.ssh/authorized_keys on the machine and that the account is not locked.`, { cause: err });
  }
  if (err.level === 'client-timeout') {
    return new Unreachable(t.name,
      `${t.name}: no SSH session with ${where} within ${formatMs(timeoutMs)} (machine down, sshd not running, ` +
        'or a firewall dropping packets?)', { code: 'HANDSHAKE_TIMEOUT', cause: err });
  }
  const code = err.code;
  const reason =
    code === 'ECONNREFUSED' ? 'connection refused: nothing listens there (sshd not running, or wrong port?)'
    : code === 'ENOTFOUND' ? 'the name does not resolve'
    : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'no route to the machine'
    : code === 'ETIMEDOUT' ? 'connection timed out'
    : code === 'ECONNRESET' ? 'connection reset'
    : err.message;
  // Handshake-level failures (no common algorithm, protocol errors) will not fix themselves.
  const transient = err.level === 'client-socket' || err.level === 'client-dns' ? undefined : false;
  return new Unreachable(t.name, `${t.name}: cannot reach ${where} over SSH: ${reason}`,
    { ...(code ? { code } : {}), ...(transient === false ? { transient } : {}), cause: err });
}
