// Runs the tool as its user does: `node …/dist/cli/main.js …` in a child process, with the probe
// preloaded for its peak RSS and CPU time. The wall time is the user's: process start to exit. The
// CLI is the installed package's once main.ts has installed it (useCli), else the working tree's.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROBE_ENV } from './probe.js';

/** The working tree's build (this compiled file runs from build/bench/bench/; the CLI is in dist/cli/). */
export const CLI_PATH = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
let cliPath = CLI_PATH;

/** Every later run uses this CLI (the installed package's dist/cli/main.js). */
export function useCli(path: string): void {
  cliPath = path;
}
const PROBE_URL = new URL('./probe.js', import.meta.url).href;

export interface CliRun {
  args: string[];
  exitCode: number;
  wallMs: number;
  stdout: string;
  stderr: string;
  /** Peak resident set of the tool's process (VmHWM). */
  maxRssMb: number;
  /** User + system CPU time of the tool's process. */
  cpuMs: number;
  /** CPU time this process (the lab, when it runs here) spent meanwhile: the other half of the load. */
  labCpuMs: number;
  /** Node process warnings (MaxListenersExceededWarning and the like) the run printed. */
  warnings: string[];
}

export async function runCli(args: string[], cwd: string): Promise<CliRun> {
  const probeDir = mkdtempSync(join(tmpdir(), 'microcloud-bench-probe-'));
  const probeFile = join(probeDir, 'usage.json');
  try {
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const child = spawn(process.execPath, ['--import', PROBE_URL, cliPath, ...args], {
      cwd, env: { ...process.env, [PROBE_ENV]: probeFile }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const stderr = Buffer.concat(err).toString('utf8');
    let usage = { maxRssKb: NaN, cpuUs: NaN };
    try { usage = JSON.parse(readFileSync(probeFile, 'utf8')) as typeof usage; } catch { /* killed before exit handlers ran */ }
    return {
      args, exitCode, wallMs, stdout: Buffer.concat(out).toString('utf8'), stderr,
      maxRssMb: usage.maxRssKb / 1024, cpuMs: usage.cpuUs / 1000, labCpuMs: (cpu.user + cpu.system) / 1000,
      warnings: stderr.split('\n').filter((l) => /^\(node:\d+\) \w*Warning/.test(l)),
    };
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
}

/** The run, or an error that shows what the tool said. */
export function expectExit(run: CliRun, codes: number[]): CliRun {
  if (codes.includes(run.exitCode)) return run;
  const tail = (run.stderr.trim() || run.stdout.trim()).split('\n').slice(-20).join('\n');
  throw new Error(`microcloud ${run.args.join(' ')} exited with ${run.exitCode} (expected ${codes.join(' or ')}):\n${tail}`);
}
