// The files a running lab is used through: DIR/id_ed25519, the client key, and DIR/site.yaml, a
// preseed naming every machine's SSH endpoint with its host key pinned. `microcloud lab up`, the
// benchmark and the plan tests all point the CLI at these, so one function writes them.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSiteYaml, sitePreseed } from './preseed.js';
import type { LabSite } from './lab-site.js';

export interface LabFilesOptions {
  /** The modeline's `$schema`: relative to DIR or absolute. A parameter because only the caller
   *  knows where the schema is from where it runs (the benchmark runs a copy of src/ elsewhere). */
  schemaRef: string;
  /** Comment lines under the modeline. */
  header?: string[];
  /** Default: a random one. */
  sessionPassphrase?: string;
  /** The file's `snaps:` block (machines.ts labSnapsBlock), for a lab started without the snaps. */
  snaps?: Record<string, { channel: string }>;
}

export interface LabFiles {
  siteFile: string;
  identityFile: string;
  /** The preseed as written: change it and call write() to write it again. */
  preseed: Record<string, unknown>;
  write(): void;
}

export function writeLabFiles(dir: string, site: LabSite, opts: LabFilesOptions): LabFiles {
  const identityFile = join(dir, 'id_ed25519');
  writeKey(identityFile, site.clientKey.privateKey);
  const preseed = sitePreseed(site.endpoints().map((e) => ({ ...e, spec: site.spec(e.name) })), {
    identityFile: 'id_ed25519',
    ...(opts.sessionPassphrase !== undefined ? { sessionPassphrase: opts.sessionPassphrase } : {}),
  });
  if (opts.snaps) preseed['snaps'] = opts.snaps;
  const siteFile = join(dir, 'site.yaml');
  // Atomic, so a CLI run or an editor reading it never sees half a file.
  const write = (): void => {
    const tmp = `${siteFile}.${process.pid}.tmp`;
    writeFileSync(tmp, renderSiteYaml(preseed, opts.schemaRef, opts.header), { mode: 0o600 });
    renameSync(tmp, siteFile);
  };
  write();
  return { siteFile, identityFile, preseed, write };
}

/** `lab up` loads the key an earlier lab left in DIR before the site starts: that file stays as it is. */
function writeKey(path: string, privateKey: string): void {
  try {
    writeFileSync(path, privateKey, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (readFileSync(path, 'utf8') !== privateKey) throw new Error(`${path} holds another key than the lab's client key`);
  }
}
