// An encrypted identity file whose key is in a real ssh-agent is used through the agent (as ssh
// does), offering only that key; without the agent, or with an agent that lacks it, the error says
// to ssh-add it. Against the real sshd test helper.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, type Host } from '../../src/remote/host.js';
import { AuthFailed } from '../../src/remote/errors.js';
import type { ConnectOptions, SshTarget } from '../../src/remote/types.js';
import { keygen, useSshd } from '../helpers/sshd.js';
import { refusal } from '../helpers/refusal.js';

const run = promisify(execFile);
const sshd = useSshd();
const opts: ConnectOptions = { connectTimeoutMs: 10_000, retry: false };
const hosts: Host[] = [];
const agents: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  for (const a of agents.splice(0)) a.kill();
});

async function startAgent(name: string): Promise<string> {
  const sock = join(sshd().dir, `${name}.sock`);
  const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  agents.push(agent);
  for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
  return sock;
}

async function sshAdd(sock: string, file: string): Promise<void> {
  await run('ssh-add', ['-q', file], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
}

/** A key authorized on the sshd, added to the agent while unencrypted, then encrypted on disk. */
async function encryptedKey(name: string, sock: string | null, format: 'openssh' | 'pem' = 'openssh'): Promise<{ path: string; fingerprint: string }> {
  const k = await keygen(sshd().dir, name, format === 'pem' ? 'rsa' : 'ed25519');
  await appendFile(join(sshd().dir, 'authorized_keys'), `${k.publicKey}\n`);
  if (sock) await sshAdd(sock, k.path);
  await run('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'pass phrase', ...(format === 'pem' ? ['-m', 'PEM'] : []), '-f', k.path]);
  const head = (await readFile(k.path, 'utf8')).split('\n')[0];
  expect(head).toBe(format === 'pem' ? '-----BEGIN RSA PRIVATE KEY-----' : '-----BEGIN OPENSSH PRIVATE KEY-----');
  return { path: k.path, fingerprint: k.fingerprint };
}

function target(identityFile: string): SshTarget {
  const s = sshd();
  return { name: 'node1', host: s.host, port: s.port, user: s.user, identityFile, hostKey: s.hostKey.fingerprint };
}

function accepted(): string[] {
  return sshd().log().split('\n').filter((l) => /Accepted publickey/.test(l));
}

test('an encrypted identity_file whose key is in the agent: authenticates through the agent with that key', async () => {
  const sock = await startAgent('agent1');
  // The agent also holds a key the server does not know, added first: it is not offered first.
  const stranger = await keygen(sshd().dir, 'agent_stranger');
  await sshAdd(sock, stranger.path);
  const key = await encryptedKey('enc_in_agent', sock);
  const before = accepted().length;
  const h = await connect(target(key.path), { ...opts, agent: sock });
  hosts.push(h);
  expect((await h.exec(['echo', 'via agent'])).stdout.toString()).toBe('via agent\n');
  const logins = accepted().slice(before);
  expect(logins).toHaveLength(1);
  expect(logins[0]).toContain(key.fingerprint);
  // Offered first, it is the first key sshd looked at: no failed attempt with the stranger's key.
  expect(sshd().log()).not.toContain(stranger.fingerprint);
  // (sshd does log a key it refused: the plain agent method offers the stranger's first.)
  const t = target(key.path);
  delete t.identityFile;
  hosts.push(await connect(t, { ...opts, agent: sock }));
  expect(sshd().log()).toContain(stranger.fingerprint);
});

test('an old PEM-format encrypted key: matched through the .pub beside it', async () => {
  const sock = await startAgent('agent2');
  const key = await encryptedKey('enc_pem', sock, 'pem');
  const h = await connect(target(key.path), { ...opts, agent: sock });
  hosts.push(h);
  expect((await h.exec(['true'])).exitCode).toBe(0);
  expect(accepted().at(-1)).toContain(key.fingerprint);
});

test('no agent, or an agent without the key: the error says to ssh-add it', async () => {
  const key = await encryptedKey('enc_not_in_agent', null);
  const noAgent = await refusal(connect(target(key.path), { ...opts, agent: false }));
  expect(noAgent).toBeInstanceOf(AuthFailed);
  expect(noAgent.message).toBe(
    `node1: the identity file ${key.path} is encrypted; add it to the agent (ssh-add ${key.path}) or use an unencrypted key`);
  const sock = await startAgent('agent3');
  await sshAdd(sock, sshd().clientKey.path);
  const lacking = await refusal(connect(target(key.path), { ...opts, agent: sock }));
  expect(lacking).toBeInstanceOf(AuthFailed);
  expect(lacking.message).toContain(`add it to the agent (ssh-add ${key.path})`);
  expect(lacking.message).toContain(`the ssh-agent at ${sock} does not hold it`);
});

test('a file under the home directory is named with ~ in the message', async () => {
  const home = join(sshd().dir, 'home');
  await mkdir(join(home, '.ssh'), { recursive: true });
  const k = await keygen(join(home, '.ssh'), 'id_ed25519');
  await run('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'pass phrase', '-f', k.path]);
  const saved = process.env['HOME'];
  process.env['HOME'] = home;
  try {
    const err = await refusal(connect(target(k.path), { ...opts, agent: false }));
    expect(err.message).toContain('node1: the identity file ~/.ssh/id_ed25519 is encrypted; add it to the agent (ssh-add ~/.ssh/id_ed25519) or use an unencrypted key');
  } finally {
    process.env['HOME'] = saved;
  }
});
