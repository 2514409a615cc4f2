// What export pins is what the connection accepted: the remote layer tells `onHostKey` the
// fingerprint of an accepted host key, and nothing for a key it refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabSite } from '../../src/lab/lab-site.js';
import { connect } from '../../src/remote/index.js';

let site: LabSite;
let dir: string;
beforeAll(async () => {
  site = await LabSite.start({ nodes: 1 });
  dir = mkdtempSync(join(tmpdir(), 'export-hostkey-'));
  writeFileSync(join(dir, 'id'), site.clientKey.privateKey, { mode: 0o600 });
});
afterAll(async () => {
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const attempt = async (hostKey: string) => {
  const seen: [string, string][] = [];
  const ep = site.endpoint('node1');
  try {
    const h = await connect({ name: 'node1', host: ep.host, port: ep.port, identityFile: join(dir, 'id'), hostKey },
      { agent: false, retry: false, onHostKey: (name, fp) => seen.push([name, fp]) });
    await h.close();
  } catch {
    // refused: only what was seen matters here
  }
  return seen;
};

test('an accepted key is reported with its SHA256 fingerprint; a refused one is not', async () => {
  const real = site.endpoint('node1').hostKeyFingerprint;
  expect(await attempt(real)).toEqual([['node1', real]]);
  expect(await attempt('SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s')).toEqual([]);
});
