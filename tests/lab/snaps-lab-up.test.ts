// A lab without the snaps: machines with snapd and nothing of MicroCloud's four, and a site.yaml
// whose `snaps:` block names the lower channel of each pair the lab's store has — in-process
// (LabSite's withoutSnaps, writeLabFiles' snaps) and through the built CLI (`lab up --without-snaps`).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { writeLabFiles } from '../../src/lab/files.js';
import { LabSite } from '../../src/lab/lab-site.js';
import { labSnapsBlock, machineServices } from '../../src/lab/machines.js';
import { PRESEED_SCHEMA_PATH } from '../../src/lab/preseed.js';
import { loadPreseed } from '../../src/preseed/load.js';

const run = promisify(execFile);
const MAIN = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist/cli/main.js');
const dirs: string[] = [];
const tmp = (): string => { const d = mkdtempSync(join(tmpdir(), 'snaps-lab-up-')); dirs.push(d); return d; };
let site: LabSite | undefined;
afterEach(async () => {
  await site?.stop();
  site = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const LOWER = { lxd: { channel: '5.21/stable' }, microceph: { channel: 'squid/stable' }, microovn: { channel: '24.03/stable' } };

test('withoutSnaps: snapd answers with nothing installed, no daemon socket exists', async () => {
  site = await LabSite.start({ nodes: 2, withoutSnaps: true });
  for (const m of ['node1', 'node2']) {
    expect(machineServices(site.spec(m))).toEqual(['snapd']);
    expect((await site.request(m, 'snapd', { method: 'GET', path: '/v2/snaps' })).body).toMatchObject({ result: [] });
    expect((await site.request(m, 'snapd', { method: 'GET', path: '/v2/system-info' })).body).toMatchObject({ result: { version: '2.66.1' } });
    expect(site.daemonUp(m, 'lxd')).toBe(false);
  }
  expect((await site.exec('node1', 'snap list')).stderr).toBe('No snaps are installed yet. Try \'snap install hello-world\'.\n');
});

test('the snaps: block: the lower channel of each pair, MicroCloud only when asked; a valid file', async () => {
  expect(labSnapsBlock({ microcloud: false })).toEqual(LOWER);
  expect(labSnapsBlock({ microcloud: true })).toEqual({ ...LOWER, microcloud: { channel: '2/stable' } });
  site = await LabSite.start({ nodes: 3, withoutSnaps: true });
  const dir = tmp();
  const { siteFile } = writeLabFiles(dir, site, { schemaRef: PRESEED_SCHEMA_PATH, snaps: labSnapsBlock({ microcloud: false }) });
  const text = readFileSync(siteFile, 'utf8');
  expect((parse(text) as { snaps: unknown }).snaps).toEqual(LOWER);
  const loaded = loadPreseed(siteFile, text, { baseDir: dir, homeDir: dir });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(loaded.desired!.snaps).toMatchObject({
    lxd: { channel: '5.21/stable', cohort: true, hold: true }, microceph: { channel: 'squid/stable' }, microovn: { channel: '24.03/stable' },
  });
});

test('lab up --without-snaps --microcloud --detach writes the block; lab down stops it', async () => {
  const dir = join(tmp(), 'lab');
  const up = await run(process.execPath, [MAIN, 'lab', 'up', '--nodes', '2', '--without-snaps', '--microcloud', '--dir', dir, '--detach'], { timeout: 60_000 });
  try {
    expect(up.stdout).toMatch(/^Lab up: 2 machines/);
    const doc = parse(readFileSync(join(dir, 'site.yaml'), 'utf8')) as { snaps: unknown };
    expect(doc.snaps).toEqual({ ...LOWER, microcloud: { channel: '2/stable' } });
    const validate = await run(process.execPath, [MAIN, 'validate', join(dir, 'site.yaml')]).catch((e: { stdout: string; stderr: string }) => e);
    expect(validate.stderr + validate.stdout).toMatch(/is valid/);
  } finally {
    await run(process.execPath, [MAIN, 'lab', 'down', '--dir', dir], { timeout: 60_000 });
  }
}, 120_000);
