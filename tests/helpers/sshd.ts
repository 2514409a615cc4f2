// A real OpenSSH sshd for tests: 127.0.0.1 on a free port, its own temp dir, ed25519 host key and an
// authorized client key, key-only auth. Runs as whoever runs the tests (root in CI). The settings
// follow reference/environment.md §1: no systemd, UsePAM no, StrictModes no, an absolute -f path
// (sshd re-execs itself from /), and /run/sshd must exist (privilege separation).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const SSHD = '/usr/sbin/sshd';

export interface KeyPair {
  path: string;
  /** "ssh-ed25519 AAAA… comment" */
  publicKey: string;
  /** As `ssh-keygen -lf` prints it: SHA256:… */
  fingerprint: string;
}

export interface Sshd {
  host: string;
  port: number;
  dir: string;
  user: string;
  /** The first host key; with several host key types, the others are in extraHostKeys. */
  hostKey: KeyPair;
  extraHostKeys: KeyPair[];
  clientKey: KeyPair;
  /** Writes a known_hosts file holding this server's key (plain or hashed) and returns its path. */
  knownHosts(name: string, opts?: { hashed?: boolean; key?: string }): Promise<string>;
  newKey(name: string): Promise<KeyPair>;
  /** What sshd wrote to stderr so far (-e), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export function sshdAvailable(): boolean {
  return existsSync(SSHD) && existsSync('/usr/bin/ssh-keygen');
}

export type KeyType = 'ed25519' | 'ecdsa' | 'rsa';

export async function keygen(dir: string, name: string, type: KeyType = 'ed25519'): Promise<KeyPair> {
  const path = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', path]);
  const publicKey = (await readFile(`${path}.pub`, 'utf8')).trim();
  const { stdout } = await run('ssh-keygen', ['-lf', `${path}.pub`]);
  const fingerprint = stdout.split(' ')[1] ?? '';
  return { path, publicKey, fingerprint };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function banner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('data', (d) => done(d.toString('latin1').startsWith('SSH-2.0-')));
    s.once('error', () => done(false));
  });
}

export interface SshdOptions {
  /** Host key types, in the order sshd lists them; default ['ed25519']. */
  hostKeyTypes?: KeyType[];
  extraConfig?: string[];
}

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  const extraConfig = opts.extraConfig ?? [];
  const dir = await mkdtemp(join(tmpdir(), 'mca-sshd-'));
  let child: ChildProcess | undefined;
  try {
    if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    // sshd reads AuthorizedKeysFile as the logging-in user; other test users must be able to.
    await chmod(dir, 0o755);
    const hostKeys: KeyPair[] = [];
    for (const type of opts.hostKeyTypes ?? ['ed25519']) hostKeys.push(await keygen(dir, `host_${type}`, type));
    const [hostKey, ...extraHostKeys] = hostKeys as [KeyPair, ...KeyPair[]];
    const clientKey = await keygen(dir, 'client_ed25519');
    await writeFile(join(dir, 'authorized_keys'), `${clientKey.publicKey}\n`, { mode: 0o644 });
    let stderr = '';
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const config = join(dir, 'sshd_config');
      await writeFile(config, [
        'ListenAddress 127.0.0.1',
        `Port ${port}`,
        ...hostKeys.map((k) => `HostKey ${k.path}`),
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        'StrictModes no',
        'AllowTcpForwarding yes',
        'AllowStreamLocalForwarding yes',
        'MaxSessions 64',
        'MaxStartups 100:30:200',
        'LogLevel VERBOSE',
        ...extraConfig,
        '',
      ].join('\n'));
      stderr = '';
      const proc = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = proc;
      proc.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString('utf8');
      });
      let exited = false;
      proc.once('exit', () => {
        exited = true;
      });
      for (let i = 0; i < 100 && !exited; i++) {
        if (await banner(port)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!exited && (await banner(port))) {
        const sshd: Sshd = {
          host: '127.0.0.1',
          port,
          dir,
          user: userInfo().username,
          hostKey,
          extraHostKeys,
          clientKey,
          knownHosts: async (name, opts = {}) => {
            const hostName = `[127.0.0.1]:${port}`;
            const key = opts.key ?? hostKey.publicKey.split(' ').slice(0, 2).join(' ');
            const file = join(dir, `${name}.known_hosts`);
            if (opts.hashed) {
              // Let OpenSSH itself hash the entry, so the test checks our reading of its format.
              await writeFile(file, `${hostName} ${key}\n`);
              await run('ssh-keygen', ['-H', '-f', file]);
            } else {
              await writeFile(file, `# test entry\n${hostName} ${key}\n`);
            }
            return file;
          },
          newKey: (name) => keygen(dir, name),
          log: () => stderr,
          stop: async () => {
            await stopProcess(proc);
            await rm(dir, { recursive: true, force: true });
          },
        };
        return sshd;
      }
      await stopProcess(proc);
      if (!/Address already in use/.test(stderr) || attempt >= 5) {
        throw new Error(`sshd did not start:\n${stderr}`);
      }
    }
  } catch (err) {
    if (child) await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts one sshd for the calling test file and stops it after all its tests, pass or fail.
 * Returns an accessor, because beforeAll has not run yet when the file's tests are defined.
 */
export function useSshd(opts: SshdOptions = {}): () => Sshd {
  let sshd: Sshd | undefined;
  beforeAll(async () => {
    sshd = await startSshd(opts);
  }, 30_000);
  afterAll(async () => {
    await sshd?.stop();
  }, 30_000);
  return () => {
    if (!sshd) throw new Error('sshd fixture not started');
    return sshd;
  };
}
