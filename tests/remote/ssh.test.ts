// Connecting to a real sshd: host key checks (pinned, known_hosts plain and hashed, unknown,
// changed, TOFU), authentication, connection refused, and a jump host.
import { execFile } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type Host } from '../../src/remote/host.js';
import { AuthFailed, HostKeyMismatch, Unreachable } from '../../src/remote/errors.js';
import { parseKnownHosts } from '../../src/remote/host-keys.js';
import type { ConnectOptions, SshTarget } from '../../src/remote/types.js';
import { keygen, useSshd } from '../helpers/sshd.js';
import { promisify } from 'node:util';
import { refusal } from '../helpers/refusal.js';

// ssh-keygen -F exits non-zero when it finds no entry, so each call below asserts OpenSSH reads our line.
const run = promisify(execFile);

const sshd = useSshd();
// A server with two host keys, ed25519 listed first (which ssh2 would otherwise prefer).
const twoKeys = useSshd({ hostKeyTypes: ['ed25519', 'ecdsa'] });
const opts: ConnectOptions = { agent: false, connectTimeoutMs: 10_000, retry: false };
const hosts: Host[] = [];

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

function target(extra: Partial<SshTarget> = {}): SshTarget {
  const s = sshd();
  return { name: 'node1', host: s.host, port: s.port, user: s.user, identityFile: s.clientKey.path, ...extra };
}

async function open(t: SshTarget, o: ConnectOptions = opts): Promise<Host> {
  const h = await connect(t, o);
  hosts.push(h);
  return h;
}

describe('host key verification', () => {
  test('pinned fingerprint (as ssh-keygen -lf prints it) is accepted', async () => {
    const h = await open(target({ hostKey: sshd().hostKey.fingerprint }));
    const r = await h.exec(['echo', 'ok']);
    expect(r.stdout.toString()).toBe('ok\n');
  });

  test('pinned public key line is accepted', async () => {
    const h = await open(target({ hostKey: sshd().hostKey.publicKey }));
    expect((await h.exec(['true'])).exitCode).toBe(0);
  });

  test('a different pinned fingerprint is refused, naming host and both fingerprints', async () => {
    const other = await sshd().newKey('other_pin');
    const err = await refusal(open(target({ hostKey: other.fingerprint })));
    expect(err).toBeInstanceOf(HostKeyMismatch);
    const m = err as HostKeyMismatch;
    expect(m.problem).toBe('changed');
    expect(m.expected).toEqual([other.fingerprint]);
    expect(m.presented).toBe(sshd().hostKey.fingerprint);
    expect(m.message).toContain('node1');
    expect(m.message).toContain(`127.0.0.1:${sshd().port}`);
    expect(m.message).toContain(other.fingerprint);
    expect(m.message).toContain(sshd().hostKey.fingerprint);
  });

  test('a malformed host_key or an unreadable known_hosts is refused before connecting', async () => {
    await expect(open(target({ hostKey: 'MD5:12:34' }))).rejects.toThrow(/^node1: host_key must be a SHA256 fingerprint/);
    const err = await refusal(open(target({ knownHostsFile: sshd().dir })));
    expect(err).toBeInstanceOf(Unreachable);
    expect(err.message).toContain(`cannot read known_hosts file ${sshd().dir} (EISDIR)`);
  });

  test('plain known_hosts entry ([host]:port form) is accepted', async () => {
    const file = await sshd().knownHosts('plain');
    const h = await open(target({ knownHostsFile: file }));
    expect((await h.exec(['true'])).exitCode).toBe(0);
  });

  test('hashed known_hosts entry (ssh-keygen -H) is accepted', async () => {
    const file = await sshd().knownHosts('hashed', { hashed: true });
    expect(await readFile(file, 'utf8')).toMatch(/^\|1\|/m);
    const h = await open(target({ knownHostsFile: file }));
    expect((await h.exec(['true'])).exitCode).toBe(0);
  });

  test('with several host keys, the handshake asks for the type known_hosts has (as OpenSSH does)', async () => {
    const s = twoKeys();
    const ecdsa = s.extraHostKeys[0];
    if (!ecdsa) throw new Error('fixture has no ecdsa key');
    const file = join(s.dir, 'ecdsa-only.known_hosts');
    await writeFile(file, `[127.0.0.1]:${s.port} ${ecdsa.publicKey.split(' ').slice(0, 2).join(' ')}\n`);
    const t: SshTarget = { name: 'node1', host: s.host, port: s.port, user: s.user, identityFile: s.clientKey.path };
    expect((await (await open({ ...t, knownHostsFile: file })).exec(['true'])).exitCode).toBe(0);
    // A pinned public key line carries its type too; a bare fingerprint cannot, so ed25519 is presented.
    expect((await (await open({ ...t, hostKey: ecdsa.publicKey })).exec(['true'])).exitCode).toBe(0);
    const err = await refusal(open({ ...t, hostKey: ecdsa.fingerprint }));
    expect(err).toBeInstanceOf(HostKeyMismatch);
    expect((err as HostKeyMismatch).presented).toBe(s.hostKey.fingerprint);
  });

  test('unknown host is refused and nothing is recorded', async () => {
    const file = join(sshd().dir, 'empty.known_hosts');
    await writeFile(file, '# nothing here\n');
    const err = await refusal(open(target({ knownHostsFile: file })));
    expect(err).toBeInstanceOf(HostKeyMismatch);
    const m = err as HostKeyMismatch;
    expect(m.problem).toBe('unknown');
    expect(m.presented).toBe(sshd().hostKey.fingerprint);
    expect(m.message).toContain('node1');
    expect(m.message).toContain(sshd().hostKey.fingerprint);
    expect(m.message).toContain(file);
    expect(await readFile(file, 'utf8')).toBe('# nothing here\n');
  });

  test('changed key is refused, naming host and both fingerprints, even with TOFU enabled', async () => {
    const old = await sshd().newKey('old_host_key');
    const file = await sshd().knownHosts('changed', { key: old.publicKey.split(' ').slice(0, 2).join(' ') });
    const before = await readFile(file, 'utf8');
    const err = await refusal(open(target({ knownHostsFile: file }), { ...opts, trustOnFirstUse: true }));
    expect(err).toBeInstanceOf(HostKeyMismatch);
    const m = err as HostKeyMismatch;
    expect(m.problem).toBe('changed');
    expect(m.expected).toEqual([old.fingerprint]);
    expect(m.message).toContain('node1');
    expect(m.message).toContain(old.fingerprint);
    expect(m.message).toContain(sshd().hostKey.fingerprint);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  test('trust on first use records a proper known_hosts line that ssh-keygen -F finds', async () => {
    const file = join(sshd().dir, 'sub', 'tofu.known_hosts');
    const h = await open(target({ knownHostsFile: file }), { ...opts, trustOnFirstUse: true });
    expect((await h.exec(['true'])).exitCode).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(`[127.0.0.1]:${sshd().port} ${sshd().hostKey.publicKey.split(' ').slice(0, 2).join(' ')}\n`);
    expect(parseKnownHosts(text)).toHaveLength(1);
    await run('ssh-keygen', ['-F', `[127.0.0.1]:${sshd().port}`, '-f', file]);
    // The next connection checks against the recorded key without TOFU.
    const again = await open(target({ knownHostsFile: file }));
    expect((await again.exec(['true'])).exitCode).toBe(0);
  });

  test('trust on first use can record hashed entries', async () => {
    const file = join(sshd().dir, 'tofu-hashed.known_hosts');
    await writeFile(file, '# no final newline');
    await open(target({ knownHostsFile: file }), { ...opts, trustOnFirstUse: true, hashKnownHosts: true });
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines[0]).toBe('# no final newline');
    expect(lines[1]).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 /);
    await run('ssh-keygen', ['-F', `[127.0.0.1]:${sshd().port}`, '-f', file]);
    const again = await open(target({ knownHostsFile: file }));
    expect((await again.exec(['true'])).exitCode).toBe(0);
  });
});

describe('authentication and reachability', () => {
  test('a key the server does not know is refused with AuthFailed', async () => {
    const stranger = await keygen(sshd().dir, 'stranger');
    const err = await refusal(open(target({ hostKey: sshd().hostKey.fingerprint, identityFile: stranger.path })));
    expect(err).toBeInstanceOf(AuthFailed);
    expect(err.message).toContain('node1');
    expect(err.message).toContain(stranger.path);
    // The message points at the key file, never at its contents.
    const secretPart = (await readFile(stranger.path, 'utf8')).split('\n')[1] ?? '';
    expect(secretPart.length).toBeGreaterThan(20);
    expect(err.message).not.toContain(secretPart);
  });

  test('a missing identity file is AuthFailed naming the file', async () => {
    const err = await refusal(open(target({ hostKey: sshd().hostKey.fingerprint, identityFile: '/nonexistent/id' })));
    expect(err).toBeInstanceOf(AuthFailed);
    expect(err.message).toContain('/nonexistent/id');
  });

  test('connection refused is Unreachable (transient) after bounded retries', async () => {
    // The sshd's own port with another free port number: grab one and close it again.
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const a = srv.address();
        srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
    const retried: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => retried.push(m) };
    const err = await refusal(open(target({ port, hostKey: sshd().hostKey.fingerprint }),
      { ...opts, retry: { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 20 }, logger }));
    expect(err).toBeInstanceOf(Unreachable);
    expect((err as Unreachable).code).toBe('ECONNREFUSED');
    expect((err as Unreachable).transient).toBe(true);
    expect(err.message).toContain('node1');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(retried).toHaveLength(2);
  });

  test('host key failures are not retried', async () => {
    const retried: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => retried.push(m) };
    const other = await sshd().newKey('other_pin2');
    const err = await refusal(open(target({ hostKey: other.fingerprint }), { ...opts, retry: { retries: 3, minTimeoutMs: 10 }, logger }));
    expect(err).toBeInstanceOf(HostKeyMismatch);
    expect(retried).toHaveLength(0);
  });
});

describe('connection reuse and jump host', () => {
  test('one SSH connection serves many commands, also concurrently', async () => {
    const h = await open(target({ hostKey: sshd().hostKey.fingerprint }));
    const results = await Promise.all(
      Array.from({ length: 12 }, () => h.exec(['sh', '-c', 'echo "$SSH_CLIENT"'])),
    );
    // SSH_CLIENT holds the client's source port: one value means one TCP connection.
    const sources = new Set(results.map((r) => r.stdout.toString().trim()));
    expect(sources.size).toBe(1);
    expect([...sources][0]).toMatch(/^127\.0\.0\.1 \d+ \d+$/);
  });

  test('jump host: reach the machine through another SSH connection (here: the same sshd)', async () => {
    const s = sshd();
    const jump: SshTarget = { name: 'bastion', host: s.host, port: s.port, user: s.user, identityFile: s.clientKey.path, hostKey: s.hostKey.fingerprint };
    const before = (s.log().match(/Accepted publickey/g) ?? []).length;
    const h = await open(target({ hostKey: s.hostKey.fingerprint, jump }));
    const r = await h.exec(['sh', '-c', 'echo "$SSH_CLIENT"']);
    const after = (s.log().match(/Accepted publickey/g) ?? []).length;
    expect(after - before).toBe(2);
    // Two logins for one connect: the jump host's and, through its direct-tcpip channel, the machine's.
    expect(r.stdout.toString()).toMatch(/^127\.0\.0\.1 \d+ \d+/);
  });

  test('jump host with an unknown key is refused naming the jump host', async () => {
    const s = sshd();
    const other = await s.newKey('other_jump');
    const jump: SshTarget = { name: 'bastion', host: s.host, port: s.port, user: s.user, identityFile: s.clientKey.path, hostKey: other.fingerprint };
    const err = await refusal(open(target({ hostKey: s.hostKey.fingerprint, jump })));
    expect(err).toBeInstanceOf(HostKeyMismatch);
    expect(err.message).toContain('bastion');
  });
});

describe('more ways in, and staying connected', () => {
  test('authentication through ssh-agent (SSH_AUTH_SOCK style socket, no identity file)', async () => {
    const s = sshd();
    const sock = join(s.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      await run('ssh-add', [s.clientKey.path], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      const h = await open({ name: 'node1', host: s.host, port: s.port, user: s.user, hostKey: s.hostKey.fingerprint }, { ...opts, agent: sock });
      expect((await h.exec(['echo', 'via agent'])).stdout.toString()).toBe('via agent\n');
    } finally {
      agent.kill();
    }
  });

  test('encrypted identity file: works with its passphrase, clear AuthFailed without', async () => {
    const s = sshd();
    const path = join(s.dir, 'enc_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'correct horse', '-f', path]);
    await appendFile(join(s.dir, 'authorized_keys'), await readFile(`${path}.pub`, 'utf8'));
    const t = target({ identityFile: path, hostKey: s.hostKey.fingerprint });
    const err = await refusal(open(t));
    expect(err).toBeInstanceOf(AuthFailed);
    expect(err.message).toContain(`node1: the identity file ${path} is encrypted; add it to the agent (ssh-add ${path}) or use an unencrypted key`);
    const wrong = await refusal(open(t, { ...opts, passphrase: 'wrong' }));
    expect(wrong).toBeInstanceOf(AuthFailed);
    expect(wrong.message).toContain('bad passphrase');
    expect(wrong.message).not.toContain('wrong');
    const h = await open(t, { ...opts, passphrase: 'correct horse' });
    expect((await h.exec(['true'])).exitCode).toBe(0);
  });

  test('a dropped connection is re-established (same host key checks) on next use', async () => {
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => warnings.push(m) };
    const h = await open(target({ hostKey: sshd().hostKey.fingerprint }), { ...opts, logger });
    const first = (await h.exec(['sh', '-c', 'echo "$SSH_CLIENT"'])).stdout.toString();
    // The shell's parent is this connection's sshd process: killing it drops the connection.
    // (remoteTimeout: false, or timeout(1) would be that parent.)
    const lost = await refusal(h.exec(['sh', '-c', 'kill -9 "$PPID"'], { check: false, remoteTimeout: false }));
    expect(lost).toBeInstanceOf(Unreachable);
    expect(lost).toMatchObject({ code: 'CONNECTION_LOST', transient: true });
    await new Promise((r) => setTimeout(r, 200));
    const second = (await h.exec(['sh', '-c', 'echo "$SSH_CLIENT"'])).stdout.toString();
    expect(second).not.toBe(first);
    expect(warnings).toEqual(expect.arrayContaining(['ssh connection lost', 'ssh reconnected']));
  });

  test('after close() the Host refuses further use', async () => {
    const h = await connect(target({ hostKey: sshd().hostKey.fingerprint }), opts);
    await h.close();
    await h.close();
    await expect(h.exec(['true'])).rejects.toThrow(/closed with close\(\)/);
  });
});
