// What a command needs from the process, so commands run the same in tests and for real.
import type winston from 'winston';
import type { SecretSet } from '../secrets.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal (the logs' colors, progress redrawn in place). */
  isTTY: boolean;
  /** Whether stdout is a terminal: a plan printed there may have colors; piped to a file, never. */
  stdoutIsTTY?: boolean;
  /** Where confirmation is read from; absent or not a terminal: no prompt (apply needs --auto-approve). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface CommandContext {
  io: CliIo;
  log: winston.Logger;
  secrets: SecretSet;
  /** Colors in what is printed on stdout (the plan's destroy lines): stdout is a terminal, and
   *  neither --no-color nor NO_COLOR says otherwise. */
  color?: boolean;
}

/** Exit codes are a contract (docs/exit-codes.md). */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  /** Only with `plan --detailed-exitcode`: the plan has changes. */
  CHANGES: 2,
  USAGE: 64,
} as const;

export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}
