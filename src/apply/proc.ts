// Is the process that wrote a record (a pid file, the site lock) still the one running? A pid alone
// cannot say: pids are reused. The pid plus its start time names one process for as long as the
// machine is up, so records keep both and compare them.
import { readFileSync } from 'node:fs';

/** The process's start time (field 22 of /proc/<pid>/stat, clock ticks since boot), or null where
 *  there is no /proc (macOS) or no such process. */
export function procStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2, the command name, is in parentheses and may hold spaces and ')': count from the last one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether a process with this pid exists. EPERM means it does, only not ours to signal. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
