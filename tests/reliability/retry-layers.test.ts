// The remote layer's retries, as the storm and the unreachable machine needed them: a read-only
// command whose channel is lost is run again (a command that may write is not), and a machine
// that is down costs one round of connection retries per request, not one per request retry.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabSite } from '../../src/lab/lab-site.js';
import { connect, Unreachable, type Host } from '../../src/remote/index.js';

let site: LabSite;
let dir: string;
let host: Host;
const warnings: string[] = [];

beforeEach(async () => {
  site = await LabSite.start({ nodes: 1 });
  dir = mkdtempSync(join(tmpdir(), 'retry-layers-'));
  writeFileSync(join(dir, 'id'), site.clientKey.privateKey);
  chmodSync(join(dir, 'id'), 0o600);
  const ep = site.endpoint('node1');
  warnings.length = 0;
  const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => { warnings.push(m); }, error: () => undefined };
  host = await connect({ name: 'node1', host: ep.host, port: ep.port, user: 'root', identityFile: join(dir, 'id'), hostKey: ep.hostKeyFingerprint },
    { agent: false, retry: { retries: 3, minTimeoutMs: 5, maxTimeoutMs: 20 }, logger });
});
afterEach(async () => {
  await host.close();
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a read whose channel resets runs again; a command that may write does not', async () => {
  site.failNth({ pattern: { command: /^hostname$/ }, n: 1, error: { reset: true } });
  expect((await host.exec(['hostname'], { idempotent: true })).stdout.toString()).toBe('node1\n');
  site.failNth({ pattern: { command: /^hostname$/ }, n: 1, error: { reset: true } });
  const err = await host.exec(['hostname']).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Unreachable);
  expect(site.commands('node1').map((c) => c.injected ?? 'ok')).toEqual(['reset', 'ok', 'reset']);
});

test('a machine that is down: the connection retries once per request, not once per request retry', async () => {
  await site.down('node1');
  const err = await host.request('lxd', 'GET', '/1.0').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Unreachable);
  // One request retry for the connection that went, then 3 connection retries, and the request
  // gives up with them: not 3 more request retries of 3 connection retries each (13 in all).
  expect(warnings.filter((w) => w === 'retrying after transient failure')).toHaveLength(4);
}, 30_000);
