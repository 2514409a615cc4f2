// Apply's final check reads again only what the plan's steps touched (their actors' `reads`),
// widened to the other members of a touched cluster, and plans over the read made under the lock
// with those put in place (src/site/recheck.ts, src/site/pipeline.ts `recheck`). Counted in
// requests per machine against the lab, and shown to stay a guard: work a step left undone is caught.
import { afterEach, expect, test } from '@jest/globals';
import { execute } from '../../src/apply/executor.js';
import { planRegistry } from '../../src/apply/registry.js';
import type { Hosts } from '../../src/apply/steps/common.js';
import { touchedBy } from '../../src/apply/touched.js';
import type { StepRegistry, StepRunner } from '../../src/apply/types.js';
import type { ServiceName } from '../../src/live/state.js';
import type { Step } from '../../src/plan/index.js';
import { namedSecrets, secretsOf } from '../../src/preseed/desired.js';
import { silentLogger } from '../../src/remote/types.js';
import { SecretSet } from '../../src/secrets.js';
import { loadSite, planSite, type PlannedSite } from '../../src/site/pipeline.js';
import { runCli } from '../helpers/cli.js';
import { startLab, type PlanLab } from '../plan-lab/lab.js';

let lab: PlanLab | undefined;
let planned: PlannedSite | undefined;
afterEach(async () => {
  await planned?.gathered.close();
  planned = undefined;
  await lab?.stop();
  lab = undefined;
});

async function plannedSite(l: PlanLab): Promise<PlannedSite> {
  const { site } = await loadSite(l.file, l.dir);
  if (!site) throw new Error('the lab site file is invalid');
  planned = await planSite(site, { parallelism: undefined, trustOnFirstUse: false, logger: silentLogger, home: l.dir });
  return planned;
}

const touched = (entries: [string, ServiceName[]][]) => new Map(entries.map(([m, s]) => [m, new Set(s)]));

/** What reached each machine since the last reset: commands, and requests by service. */
function traffic(l: PlanLab): Record<string, { commands: number; requests: Record<string, string[]> }> {
  const out: Record<string, { commands: number; requests: Record<string, string[]> }> = {};
  for (const m of l.site.machines()) {
    const requests: Record<string, string[]> = {};
    for (const r of l.site.requests({ machine: m })) (requests[r.service] ??= []).push(`${r.method} ${r.path}`);
    for (const list of Object.values(requests)) list.sort();
    out[m] = { commands: l.site.commands(m).length, requests };
  }
  return out;
}

const total = (t: ReturnType<typeof traffic>[string]): number => t.commands + Object.values(t.requests).reduce((n, l) => n + l.length, 0);

test('a daemon touched on one member is read again on every member of its cluster, and nothing else is read', async () => {
  lab = await startLab({ nodes: 3 });
  expect((await runCli(['apply', 'site.yaml', '--auto-approve'], { cwd: lab.dir })).code).toBe(0);
  const p = await plannedSite(lab);
  expect((await p.replan()).steps).toEqual([]);

  lab.site.resetCounters();
  const full = (await p.replan(), traffic(lab));
  lab.site.resetCounters();
  const plan = await p.recheck(touched([['node1', ['lxd']]]));
  const narrow = traffic(lab);

  expect(plan.steps).toEqual([]);
  for (const m of ['node1', 'node2', 'node3']) {
    // LXD is one cluster: every member's own LXD reads, as a full read makes them; no host facts
    // (a command), no snapd, MicroCeph, MicroOVN or MicroCloud.
    expect(narrow[m]).toEqual({ commands: 0, requests: { lxd: full[m]!.requests['lxd'] } });
    expect(full[m]!.commands).toBeGreaterThan(0);
    expect(Object.keys(full[m]!.requests).sort()).toEqual(['lxd', 'microceph', 'microovn', 'snapd']);
    expect(total(narrow[m]!)).toBeLessThan(total(full[m]!));
  }
});

test('on machines not clustered yet, only the machine touched is read', async () => {
  lab = await startLab({ nodes: 3 });
  const p = await plannedSite(lab);
  lab.site.resetCounters();
  await p.recheck(touched([['node2', ['lxd']], ['node3', ['microceph']]]));
  const t = traffic(lab);
  expect(t['node1']).toEqual({ commands: 0, requests: {} });
  expect(t['node2']!.commands).toBe(0);
  expect(Object.keys(t['node2']!.requests)).toEqual(['lxd']);
  expect(t['node3']!.commands).toBe(0);
  expect(Object.keys(t['node3']!.requests)).toEqual(['microceph']);
});

test('over a whole bootstrap the narrowed check plans what a full read plans: nothing left', async () => {
  lab = await startLab({ nodes: 3 });
  const p = await plannedSite(lab);
  const before = await p.replan();
  expect(before.steps.length).toBeGreaterThan(40);
  expect((await runCli(['apply', 'site.yaml', '--auto-approve'], { cwd: lab.dir })).code).toBe(0);
  // `p` still holds the read from before the apply: the steps' daemons are read again, the rest kept.
  const after = await p.recheck(touchedBy(before.steps));
  expect(after.findings.filter((f) => f.severity === 'error')).toEqual([]);
  expect(after.steps).toEqual([]);
});

test('a step that reports done but left its work undone is caught by the narrowed final check', async () => {
  lab = await startLab({ nodes: 3 });
  const p = await plannedSite(lab);
  const plan = await p.replan();
  const lazy = 'lxd/profile/default';
  expect(plan.steps.some((s) => s.address === lazy)).toBe(true);
  expect(plan.steps.some((s) => s.dependsOn.includes(lazy))).toBe(false);
  // A runner that claims the profile is set without touching it: its own verify cannot catch it.
  const liar: StepRunner<Step, Hosts> = { timeoutMs: 1000, check: async () => false, act: async () => undefined, verify: async () => undefined };
  const registry: StepRegistry<Step, Hosts> = (s) => (s.address === lazy ? liar : planRegistry(s));
  const secrets = new SecretSet();
  for (const s of secretsOf(p.site.desired)) secrets.add(s.reveal());
  for (const [name, s] of namedSecrets(p.site.desired)) secrets.provide(name, s);
  const report = await execute(plan, {
    registry, hosts: p.gathered.hosts, secrets, retry: { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 50, factor: 2 },
    replan: async () => (await p.recheck(touchedBy(plan.steps))).steps,
  });
  expect(report.failed).toEqual([]);
  expect(report.done).toContain(lazy);
  expect(report).toMatchObject({ ok: false, remaining: [lazy] });
  expect(report.error).toMatch(/the site does not match the file yet: a new plan still has lxd\/profile\/default/);
});
