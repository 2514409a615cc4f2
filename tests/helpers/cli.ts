import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stream that keeps what is written to it. */
export function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs the CLI in this process (fast; same code as the binary). */
export async function runCli(args: string[], opts: { cwd?: string; isTTY?: boolean; stdoutIsTTY?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const out = collect();
  const err = collect();
  const code = await main(args, {
    stdout: out.stream, stderr: err.stream, isTTY: opts.isTTY ?? false, stdoutIsTTY: opts.stdoutIsTTY ?? false,
    cwd: opts.cwd ?? process.cwd(), env: { HOME: '/nonexistent-home', ...opts.env },
  });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Runs the built binary as a user would (needs `npm run build`). */
export function runBin(args: string[], opts: { cwd?: string; input?: string; timeoutMs?: number } = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd, input: opts.input ?? '', encoding: 'utf8', timeout: opts.timeoutMs ?? 60000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
