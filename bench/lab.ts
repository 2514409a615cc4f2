// A lab for one benchmark size: a LabSite in this process (so its counters are at hand) and the
// files the CLI is pointed at, as `microcloud lab up` writes them: the client key and a site.yaml
// naming every machine's SSH endpoint with its host key pinned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLabFiles } from '../src/lab/files.js';
import { LabSite } from '../src/lab/lab-site.js';
import type { LabDurations } from '../src/lab/types.js';

// From build/bench/bench/, where this file runs, to the package's schemas/ (the copy of src/ built
// next to it would look for them in build/bench/schemas/).
const SCHEMA_PATH = fileURLToPath(new URL('../../../schemas/preseed.schema.json', import.meta.url));

export interface BenchLab {
  site: LabSite;
  dir: string;
  /** The site.yaml path. */
  file: string;
  /** Requests and commands that reached the machines since the last reset. */
  roundTrips(): number;
  stop(): Promise<void>;
}

export async function startBenchLab(nodes: number, opts: { latencyMs: number; durations?: LabDurations }): Promise<BenchLab> {
  const site = await LabSite.start({ nodes, latencyMs: opts.latencyMs, ...(opts.durations ? { durations: opts.durations } : {}) });
  const dir = mkdtempSync(join(tmpdir(), `microcloud-bench-${nodes}-`));
  const file = writeLabFiles(dir, site, { schemaRef: SCHEMA_PATH }).siteFile;
  return {
    site, dir, file,
    roundTrips: () => site.requests().length + site.commands().length,
    stop: async () => {
      await site.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
