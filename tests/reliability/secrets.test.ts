// Secrets: a site planned, applied (a first run that fails at a join, then one that converges),
// read with status and planned again, through the CLI with every output form — text and --json,
// JSON logs at debug level, a saved plan, the journal. Neither the session passphrase nor any join
// token or token secret the lab issued appears anywhere, as is, JSON-escaped, base64 or URL-encoded.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LabSite } from '../../src/lab/lab-site.js';
import { runCli, type Run } from '../helpers/cli.js';
import { startLab, type PlanLab } from '../plan-lab/lab.js';
import { leaks, secretForms } from './helpers.js';

// Quotes, a backslash and non-ASCII: its JSON-escaped and base64 forms differ from it.
const PASSPHRASE = 'Qx"7\\vZ-ünï-Lantern-4417';
const SECRET_KEY = /token|secret|password/i;

let lab: PlanLab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

/** Every secret the lab's daemons issued or received: token strings, and the secrets inside them. */
function issuedSecrets(site: LabSite): string[] {
  const out = new Set<string>();
  const visit = (v: unknown, key = ''): void => {
    if (typeof v === 'string') {
      if (SECRET_KEY.test(key) && v.length >= 8) out.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) visit(x, key);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) visit(x, SECRET_KEY.test(k) ? k : key === 'metadata' || k === 'metadata' ? k : key);
    }
  };
  for (const e of site.requests({})) {
    visit(e.body);
    // A microcluster token is the whole metadata of the answer to POST /core/control/tokens.
    const md = (e.response as { metadata?: unknown } | undefined)?.metadata;
    if (e.method === 'POST' && e.path === '/core/control/tokens' && typeof md === 'string') out.add(md);
    visit(e.response);
  }
  for (const token of [...out]) {
    try {
      const inner = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, unknown>;
      if (typeof inner['secret'] === 'string') out.add(inner['secret']);
    } catch { /* not a base64 JSON token */ }
  }
  return [...out];
}

function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const name = relative(dir, path);
    // The preseed holds the passphrase by design; the client key is not a secret of the site's.
    if (name !== 'site.yaml' && name !== 'id_ed25519') out[name] = readFileSync(path, 'utf8');
  }
  return out;
}

test('no passphrase or join token in stdout, stderr, logs, plan files, JSON output or the journal', async () => {
  lab = await startLab({ nodes: 3, logBodies: true });
  const l = lab;
  l.preseed['session_passphrase'] = PASSPHRASE;
  l.write();
  const debug = ['--log-level', 'debug'];
  const json = [...debug, '--log-format', 'json'];
  const runs: Record<string, Run> = {};
  const run = async (name: string, args: string[]) => { runs[name] = await runCli(args, { cwd: l.dir }); return runs[name]!; };

  await run('validate', ['validate', 'site.yaml']);
  await run('validate --json', ['validate', 'site.yaml', '--json']);
  expect((await run('plan --out', [...debug, 'plan', 'site.yaml', '--out', 'site.plan'])).code).toBe(0);
  expect((await run('plan --json', [...json, 'plan', 'site.yaml', '--json'])).code).toBe(0);
  // The third LXD join fails: its error goes through every output path too.
  const fault = l.site.failNth({ pattern: { machine: 'node3', service: 'lxd', method: 'PUT', path: '/1.0/cluster' }, n: 1, error: { status: 500, message: 'Failed to join cluster: certificate mismatch' } });
  expect((await run('apply --json (fails)', [...json, 'apply', 'site.plan', '--auto-approve', '--json'])).code).toBe(1);
  expect(fault.fired).toBeGreaterThan(0);
  expect((await run('apply', [...debug, 'apply', 'site.yaml', '--auto-approve'])).code).toBe(0);
  expect((await run('apply again --json', [...json, 'apply', 'site.yaml', '--auto-approve', '--json'])).code).toBe(0);
  expect((await run('status', [...debug, 'status', 'site.yaml'])).code).toBe(0);
  expect((await run('status --json', [...json, 'status', 'site.yaml', '--json'])).code).toBe(0);

  const secrets = [PASSPHRASE, ...issuedSecrets(l.site)];
  // Three joins per service: the lab issued (and the tool saw) at least nine tokens.
  expect(secrets.length).toBeGreaterThanOrEqual(10);
  const texts: Record<string, string> = {};
  for (const [name, r] of Object.entries(runs)) {
    texts[`${name}: stdout`] = r.stdout;
    texts[`${name}: stderr`] = r.stderr;
  }
  const files = filesUnder(l.dir);
  expect(Object.keys(files).sort()).toEqual(['.microcloud/journal.jsonl', 'site.plan']);
  Object.assign(texts, files);
  // The outputs are not empty: debug logs, steps and errors were written.
  expect(runs['apply --json (fails)']!.stderr).toMatch(/certificate mismatch/);
  expect(runs['apply']!.stderr).toMatch(/debug: /);
  expect(leaks(texts, secrets)).toEqual([]);
  // The search finds what is there: the preseed holds the passphrase, YAML-quoted (JSON-escaped).
  expect(secretForms(PASSPHRASE).length).toBeGreaterThanOrEqual(5);
  expect(leaks({ 'site.yaml': readFileSync(l.file, 'utf8') }, [PASSPHRASE])).not.toEqual([]);
}, 60_000);
