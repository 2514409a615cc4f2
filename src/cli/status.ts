// `microcloud status FILE`: two answers, as Argo CD gives them — is the site in sync with the file
// (the plan is empty), and is it healthy (every member online, Ceph HEALTH_OK). Read-only.
// Exit codes: 0 in sync and healthy; 1 error (invalid file, unreachable machine); 2 out of sync
// or unhealthy.
import { hasErrorFindings, initiatorKey, reachable } from '../plan/index.js';
import { siteHealth, type CephHealthReport } from '../plan/health.js';
import type { Host } from '../remote/index.js';
import { EXIT, type CommandContext } from './io.js';
import { loadSiteFor, planSiteFor } from './load-site.js';
import { diagnosticsJson } from './validate.js';

async function readCephHealth(host: Host): Promise<CephHealthReport | string> {
  try {
    const r = await host.exec(['microceph.ceph', 'health', '--format', 'json'], { check: false, timeoutMs: 30_000, idempotent: true });
    if (r.exitCode !== 0) return r.stderr.toString('utf8').trim().split('\n')[0] || `exit ${r.exitCode}`;
    return JSON.parse(r.stdout.toString('utf8')) as CephHealthReport;
  } catch (err) {
    return (err as Error).message;
  }
}

export async function statusCommand(ctx: CommandContext, file: string, opts: { json: boolean; parallelism: number | undefined; trustOnFirstUse: boolean }): Promise<number> {
  const { io } = ctx;
  const { site, diagnostics } = await loadSiteFor(ctx, file, { json: opts.json, print: !opts.json });
  if (!site) {
    if (opts.json) {
      io.stdout.write(`${JSON.stringify({
        format_version: 1, in_sync: false, differences: [], errors: [{ machine: null, message: `${file} is invalid` }],
        healthy: false, services: [], diagnostics: diagnosticsJson(diagnostics),
      }, null, 2)}\n`);
    }
    return EXIT.ERROR;
  }
  const planned = await planSiteFor(ctx, site, opts);
  try {
    const { plan, gathered } = planned;
    const errors = plan.findings.filter((f) => f.severity === 'error');
    const anchor = [initiatorKey(site.desired), ...site.desired.systems.map((s) => s.name)].find((k) => k && reachable(gathered.live, k));
    const host = anchor ? gathered.hosts.get(anchor) : undefined;
    const cephInitialized = anchor ? reachable(gathered.live, anchor)?.microceph?.initialized === true : false;
    const ceph = host && cephInitialized ? await readCephHealth(host) : null;
    const health = anchor ? siteHealth(gathered.live, anchor, ceph) : [];
    const inSync = !hasErrorFindings(plan.findings) && plan.steps.length === 0;
    const healthy = health.length > 0 && health.every((h) => h.healthy);
    if (opts.json) {
      io.stdout.write(`${JSON.stringify({
        format_version: 1,
        in_sync: inSync,
        differences: plan.steps.map((s) => ({ address: s.address, action: s.action, reason: s.reason })),
        errors: errors.map((f) => ({ machine: f.machine, message: f.message })),
        healthy,
        services: health,
      }, null, 2)}\n`);
    } else {
      if (errors.length > 0) for (const f of errors) io.stdout.write(`error: ${f.message}\n`);
      else if (inSync) io.stdout.write(`In sync: the site matches ${file}.\n`);
      else {
        io.stdout.write(`Out of sync: ${plan.steps.length} difference${plan.steps.length === 1 ? '' : 's'} from ${file} (run plan for details):\n`);
        for (const s of plan.steps) io.stdout.write(`  ${s.action === 'create' ? '+' : '~'} ${s.address}\n`);
      }
      io.stdout.write(`\nHealth${anchor ? ` (as ${anchor} sees it)` : ''}:\n`);
      for (const h of health) {
        io.stdout.write(`  ${h.service.padEnd(10)} ${h.healthy ? 'ok  ' : 'FAIL'}  ${h.summary}\n`);
        for (const p of h.problems) io.stdout.write(`             ${p}\n`);
      }
      if (health.length === 0) io.stdout.write('  unknown: no machine could be read\n');
    }
    if (errors.length > 0) return EXIT.ERROR;
    return inSync && healthy ? EXIT.OK : EXIT.CHANGES;
  } finally {
    await planned.gathered.close();
  }
}
