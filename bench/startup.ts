// What every command pays before it does anything: `microcloud --version` and `microcloud validate`
// of an example, run through the installed package's bin, against a bare `node -e 0` of the same
// Node. Interleaved, so that a busy moment weighs on all three alike; the ratios are of the fastest
// runs (the least disturbed by other work on the machine), the medians are kept beside them.
import { spawn } from 'node:child_process';
import { dirname, delimiter } from 'node:path';
import { median, ratio } from './stats.js';

export interface Timing {
  fastestMs: number;
  medianMs: number;
  runs: number;
}

export interface StartupFigures {
  node: Timing;
  version: Timing;
  validate: Timing;
  /** The file `validate` read. */
  example: string;
  /** Fastest over fastest. */
  versionRatio: number;
  validateRatio: number;
}

export function timing(samples: readonly number[]): Timing {
  if (samples.length === 0) throw new Error('no samples');
  return { fastestMs: Math.min(...samples), medianMs: median(samples), runs: samples.length };
}

export function startupFigures(samples: { node: number[]; version: number[]; validate: number[] }, example: string): StartupFigures {
  const node = timing(samples.node);
  const version = timing(samples.version);
  const validate = timing(samples.validate);
  return { node, version, validate, example, versionRatio: ratio(version.fastestMs, node.fastestMs), validateRatio: ratio(validate.fastestMs, node.fastestMs) };
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env, cwd });
    const err: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
  });
}

/** `example` is relative to `cwd`, as a user would type it. */
export async function measureStartup(bin: string, example: string, runs: number, cwd: string): Promise<StartupFigures> {
  // The bin's `#!/usr/bin/env node` must find this same Node.
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}` };
  const samples = { node: [] as number[], version: [] as number[], validate: [] as number[] };
  for (let k = 0; k < runs; k++) {
    samples.node.push(await timed(process.execPath, ['-e', '0'], env, cwd));
    samples.version.push(await timed(bin, ['--version'], env, cwd));
    samples.validate.push(await timed(bin, ['validate', example], env, cwd));
  }
  return startupFigures(samples, example);
}
