// A real non-root system user for the sudo tests, with or without a passwordless sudoers entry.
// Creating one needs root, `useradd` and `sudo`. When this machine cannot, the test fails and says
// what is missing; it is skipped (and counted as skipped by jest) only when MICROCLOUD_TEST_SKIP_SUDO=1
// says so explicitly, never in silence. The user is marked by its comment field, so that
// tests/helpers/sudo-user-sweep.sh removes it even when the run that made it was killed; the sweep
// of users whose test process is gone runs again before each new user.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SWEEP = fileURLToPath(new URL('./sudo-user-sweep.sh', import.meta.url));

/** Why this machine cannot run the sudo tests, or null when it can. */
export function sudoUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'the sudo tests need root (to create a user and a sudoers entry)';
  for (const bin of ['/usr/bin/sudo', '/usr/sbin/useradd', '/usr/sbin/userdel']) {
    if (!existsSync(bin)) return `${bin} is missing: apt-get install sudo passwd (sudo bash .ci/run installs them)`;
  }
  return null;
}

/** `test`, or `test.skip` when the operator said so explicitly; the test itself fails when it cannot run. */
export function sudoTest(): jest.It {
  return sudoUnavailable() !== null && process.env['MICROCLOUD_TEST_SKIP_SUDO'] === '1' ? test.skip : test;
}

/** Throws, naming what is missing, when the sudo tests cannot run here. */
export function requireSudo(): void {
  const why = sudoUnavailable();
  if (why) throw new Error(`${why}; set MICROCLOUD_TEST_SKIP_SUDO=1 to skip these tests on purpose`);
}

export interface SudoUser {
  name: string;
  /** Writes /etc/sudoers.d/<name> with NOPASSWD: ALL. */
  allowSudo(): Promise<void>;
  remove(): Promise<void>;
}

let serial = 0;

export async function createSudoUser(opts: { home?: string } = {}): Promise<SudoUser> {
  requireSudo();
  await run('bash', [SWEEP, '--dead-only']);
  const name = `mcat${process.pid % 100000}x${serial++}`;
  const sudoers = `/etc/sudoers.d/${name}`;
  const home = opts.home ? ['--home-dir', opts.home] : ['--no-create-home'];
  await run('useradd', [...home, '--shell', '/bin/sh', '--comment', `microcloud-apply test user pid=${process.pid}`, name]);
  // A '!' password (useradd's default) counts as a locked account for sshd without PAM.
  await run('usermod', ['-p', '*', name]);
  return {
    name,
    allowSudo: () => writeFile(sudoers, `${name} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 }),
    async remove() {
      await rm(sudoers, { force: true });
      await run('pkill', ['-9', '-u', name]).catch(() => undefined);
      await run('userdel', ['-f', name]).catch(() => undefined);
    },
  };
}
