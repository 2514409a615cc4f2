// coreutils `timeout [-k DURATION] [-s SIGNAL] [--foreground] [--preserve-status] DURATION COMMAND [ARG]…`:
// the remote layer wraps every command in it, because sshd does not kill a command whose channel closes.
import type { CommandContext, CommandResult } from './types.js';
import { fail } from './types.js';

const UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** coreutils' duration: a non-negative decimal number with an optional s/m/h/d suffix; 0 disables. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(text);
  return m ? Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1) : undefined;
}

export interface TimeoutSplit {
  seconds: number;
  argv: string[];
}

/** The duration and the command, or the error coreutils prints (exit 125). */
export function splitTimeout(args: readonly string[]): TimeoutSplit | CommandResult {
  let k = 0;
  for (; k < args.length; k++) {
    const a = args[k]!;
    if (a === '--') { k++; break; }
    if (a === '--foreground' || a === '--preserve-status' || a === '-v' || a === '--verbose') continue;
    if (a === '-k' || a === '-s' || a === '--kill-after' || a === '--signal') { k++; continue; }
    if (/^-[ks].|^--(kill-after|signal)=/.test(a)) continue;
    if (a.startsWith('-') && a !== '-') return fail(`timeout: invalid option -- '${a.replace(/^-+/, '')[0] ?? ''}'\nTry 'timeout --help' for more information.`, 125);
    break;
  }
  const [duration, ...argv] = args.slice(k);
  if (duration === undefined || argv.length === 0) return fail("timeout: missing operand\nTry 'timeout --help' for more information.", 125);
  const seconds = parseDuration(duration);
  if (seconds === undefined) return fail(`timeout: invalid time interval ‘${duration}’\nTry 'timeout --help' for more information.`, 125);
  return { seconds, argv };
}

export async function timeout(
  args: string[],
  ctx: CommandContext,
  run: (argv: readonly string[], ctx: CommandContext) => Promise<CommandResult>,
  exists: (word: string) => boolean,
): Promise<CommandResult> {
  const split = splitTimeout(args);
  if ('exitCode' in split) return split;
  const [word] = split.argv as [string];
  if (!exists(word)) return fail(`timeout: failed to run command ‘${word}’: No such file or directory`, 127);
  const result = run(split.argv, ctx);
  if (split.seconds === 0) return result;
  let timer: NodeJS.Timeout | undefined;
  // The simulated command cannot be killed; when time is up its result is dropped, as the real one's would be.
  const expired = new Promise<CommandResult>((resolve) => {
    timer = setTimeout(() => resolve({ stdout: '', stderr: '', exitCode: 124 }), split.seconds * 1000);
  });
  try {
    return await Promise.race([result, expired]);
  } finally {
    clearTimeout(timer);
  }
}
