// The package as users get it: `npm pack` of the build, installed globally into a scratch prefix.
// Start-up is measured through its `bin`, and every other run uses its CLI, so the figures are
// those of what ships (the bundle, its chunks, its node_modules), not of the working tree.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// From build/bench/bench/, where this file runs, to the package root.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface InstalledPackage {
  /** `PREFIX/bin/microcloud`, the symlink npm makes, run as a user runs it (its #! line finds node). */
  bin: string;
  /** The file it points to (dist/cli/main.js in the installed package), for `node --import … CLI`. */
  cliPath: string;
  tarball: string;
  remove(): void;
}

function npm(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve()
      : reject(new Error(`npm ${args.join(' ')} exited with ${code}:\n${Buffer.concat(err).toString('utf8').trim().split('\n').slice(-10).join('\n')}`))));
  });
}

/** Packs the built tree (run `npm run build` first: `npm run bench` does) and installs the tarball. */
export async function installPackedPackage(): Promise<InstalledPackage> {
  const dir = mkdtempSync(join(tmpdir(), 'microcloud-bench-package-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await npm(['pack', '--silent', '--pack-destination', dir], ROOT);
    const tarball = readdirSync(dir).find((f) => /^microcloud-apply-.*\.tgz$/.test(f));
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
    const prefix = join(dir, 'prefix');
    await npm(['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball)], dir);
    const bin = join(prefix, 'bin', 'microcloud');
    return { bin, cliPath: realpathSync(bin), tarball, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
