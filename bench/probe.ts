// Preloaded into the measured CLI (`node --import`): when the process exits, it writes the
// process's own peak resident set and CPU time to the file named by the environment, so the
// figures are the tool's alone, read at exactly the end of its life.
import { writeFileSync } from 'node:fs';

export const PROBE_ENV = 'MICROCLOUD_BENCH_PROBE';

const out = process.env[PROBE_ENV];
if (out) {
  process.on('exit', () => {
    const r = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ maxRssKb: r.maxRSS, cpuUs: r.userCPUTime + r.systemCPUTime }));
  });
}
