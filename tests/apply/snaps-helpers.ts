// Plan and apply as the CLI does for a file with `snaps:` (src/site/pipeline.ts): gather, then the
// site's side of the snaps (the store's channels, Ceph's noout and health: src/site/gather-snaps.ts).
import type { ApplyReport } from '../../src/apply/index.js';
import { applyPlan, type ApplyPlanOptions } from '../../src/apply/apply-plan.js';
import { defaultMachineSpecs } from '../../src/lab/machines.js';
import type { MachineSpec } from '../../src/lab/types.js';
import { diff, type Plan } from '../../src/plan/index.js';
import { namedSecrets, secretsOf, type DesiredState } from '../../src/preseed/desired.js';
import type { Host } from '../../src/remote/index.js';
import { gatherOver } from '../../src/site/gather.js';
import { withSiteSnaps } from '../../src/site/gather-snaps.js';
import { FAST_RETRY, type Lab } from './helpers.js';

export const snapsBlock = (lxd: string, ceph = 'squid/stable', ovn = '24.03/stable', extra = '') =>
  `snaps:\n  lxd: {channel: ${lxd}${extra}}\n  microceph: {channel: ${ceph}}\n  microovn: {channel: ${ovn}}\n`;

/** Machines with snapd 2.77 and none of the snaps (MicroOVN 26.03 assumes snapd2.73: the lab's store). */
export const bareMachines = (n: number): MachineSpec[] =>
  defaultMachineSpecs(n, { snaps: [] }).map((m) => ({ ...m, snapd: { version: '2.77', revision: '26000' } }));

/** Durations that make the daemons' restarts observable (src/lab: snapd and the daemons' models). */
export const RESTARTS = { snapInstall: 20, snapRefresh: 40, daemonStart: 30, osdRestart: 30 };

export async function planWithSnaps(hosts: Map<string, Host>, desired: DesiredState): Promise<Plan> {
  const live = await withSiteSnaps(await gatherOver(hosts, [...hosts.keys()]), hosts, desired.snaps);
  return diff(desired, live, { preseedDigest: 'sha256:test' });
}

export async function applyWithSnaps(l: Lab, desired: DesiredState, plan: Plan, opts: ApplyPlanOptions = {}, hosts = l.hosts): Promise<ApplyReport> {
  return applyPlan(plan, hosts, {
    retry: FAST_RETRY,
    secrets: secretsOf(desired).map((s) => s.reveal()),
    named: namedSecrets(desired),
    replan: async () => (await planWithSnaps(hosts, desired)).steps,
    ...opts,
  });
}

export const errorsOf = (p: Plan) => p.findings.filter((f) => f.severity === 'error');
