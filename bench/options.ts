// `npm run bench -- [--latency MS] [--sizes 3,10,50,200] [--repeat N] [--startup-repeat N] [--out FILE]`
import { parseArgs } from 'node:util';
import { MAX_DEFAULT_NODES } from '../src/lab/machines.js';

export interface BenchOptions {
  /** Added latency per round trip on every machine. */
  latencyMs: number;
  sizes: number[];
  /** Runs of the no-op plan, of its local baseline and of the OpenSSH floor; the fastest counts. */
  repeat: number;
  /** Runs of each start-up measurement (`node -e 0`, `--version`, `validate`). */
  startupRepeat: number;
  /** Where results.json goes. */
  out: string;
}

export const USAGE = `Usage: npm run bench -- [--latency MS] [--sizes N,N,…] [--repeat N] [--startup-repeat N] [--out FILE]

  --latency MS   latency the lab adds to every round trip (default 20)
  --sizes LIST   site sizes in machines, 1-${MAX_DEFAULT_NODES} (default 3,10,50,200)
  --repeat N     runs of each no-op plan measurement and of the OpenSSH floor; the fastest counts (default 3)
  --startup-repeat N
                 runs of each start-up measurement; the fastest counts, the median is kept (default 20)
  --out FILE     machine-readable results (default bench/results.json)`;

const whole = (flag: string, v: string, min: number, max: number): number => {
  const n = /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(v)}`);
  return n;
};

export function parseOptions(argv: string[], defaultOut: string): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      latency: { type: 'string' }, sizes: { type: 'string' }, repeat: { type: 'string' }, 'startup-repeat': { type: 'string' }, out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const sizes = (values.sizes ?? '3,10,50,200').split(',').map((s) => whole('--sizes', s, 1, MAX_DEFAULT_NODES));
  return {
    latencyMs: whole('--latency', values.latency ?? '20', 0, 10_000),
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    repeat: whole('--repeat', values.repeat ?? '3', 1, 100),
    startupRepeat: whole('--startup-repeat', values['startup-repeat'] ?? '20', 1, 1000),
    out: values.out ?? defaultOut,
  };
}
