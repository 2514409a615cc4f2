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
import { jsonText, visible } from '../preseed/text.js';

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
  const { site, diagnostics } = await loadSiteFor(ctx, file, { json: opts.json });
  if (!site) {
    if (opts.json) {
      io.stdout.write(jsonText({
        format_version: 1, in_sync: false, differences: [], errors: [{ machine: null, message: `${file} is invalid` }],
        healthy: false, services: [], diagnostics: diagnosticsJson(diagnostics),
      }, 2));
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
      io.stdout.write(jsonText({
        format_version: 1,
        in_sync: inSync,
        differences: plan.steps.map((s) => ({ address: s.address, action: s.action, reason: s.reason })),
        errors: errors.map((f) => ({ machine: f.machine, message: f.message })),
        healthy,
        services: health,
      }, 2));
    } else {
      const out: string[] = [];
      if (errors.length > 0) for (const f of errors) out.push(`error: ${f.message}`);
      else if (inSync) out.push(`In sync: the site matches ${file}.`);
      else {
        out.push(`Out of sync: ${plan.steps.length} difference${plan.steps.length === 1 ? '' : 's'} from ${file} (run plan for details):`);
        for (const s of plan.steps) out.push(`  ${s.action === 'create' ? '+' : '~'} ${s.address}`);
      }
      out.push(`\nHealth${anchor ? ` (as ${anchor} sees it)` : ''}:`);
      for (const h of health) {
        out.push(`  ${h.service.padEnd(10)} ${h.healthy ? 'ok  ' : 'FAIL'}  ${h.summary}`);
        for (const p of h.problems) out.push(`             ${p}`);
      }
      if (health.length === 0) out.push('  unknown: no machine could be read');
      // Member names, statuses and Ceph's checks come from the machines: escaped, never control sequences.
      io.stdout.write(`${visible(out.join('\n'))}\n`);
    }
    if (errors.length > 0) return EXIT.ERROR;
    return inSync && healthy ? EXIT.OK : EXIT.CHANGES;
  } finally {
    await planned.gathered.close();
  }
}
