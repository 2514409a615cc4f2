// A lab for one benchmark size: a LabSite in this process (so its counters are at hand) and the
// files the CLI is pointed at, as `microcloud lab up` writes them: the client key, a site.yaml
// naming every machine's SSH endpoint with its host key pinned, and the same host keys in a
// known_hosts file for OpenSSH (the floor, openssh.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLabFiles } from '../src/lab/files.js';
import { LabSite } from '../src/lab/lab-site.js';
import type { LabDurations } from '../src/lab/types.js';
import { writeKnownHosts, type SshFiles, type SshTarget } from './openssh.js';

// From build/bench/bench/, where this file runs, to the package's schemas/ (the copy of src/ built
// next to it would look for them in build/bench/schemas/).
const SCHEMA_PATH = fileURLToPath(new URL('../../../schemas/preseed.schema.json', import.meta.url));

export interface BenchLab {
  site: LabSite;
  dir: string;
  /** The site.yaml path. */
  file: string;
  /** The client key and the pinned host keys, for OpenSSH. */
  ssh: SshFiles;
  /** Every machine's SSH endpoint and login. */
  targets: SshTarget[];
  /** Requests and commands that reached the machines since the last reset. */
  roundTrips(): number;
  stop(): Promise<void>;
}

export async function startBenchLab(nodes: number, opts: { latencyMs: number; durations?: LabDurations }): Promise<BenchLab> {
  const site = await LabSite.start({ nodes, latencyMs: opts.latencyMs, ...(opts.durations ? { durations: opts.durations } : {}) });
  const dir = mkdtempSync(join(tmpdir(), `microcloud-bench-${nodes}-`));
  const { siteFile: file, identityFile, preseed } = writeLabFiles(dir, site, { schemaRef: SCHEMA_PATH });
  const user = (preseed['ssh'] as { user?: string } | undefined)?.user ?? 'root';
  const endpoints = site.endpoints();
  const knownHostsFile = join(dir, 'known_hosts');
  writeKnownHosts(knownHostsFile, endpoints);
  return {
    site, dir, file,
    ssh: { identityFile, knownHostsFile },
    targets: endpoints.map((e) => ({ host: e.host, port: e.port, user })),
    roundTrips: () => site.requests().length + site.commands().length,
    stop: async () => {
      await site.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
