// `microceph/replication`: PUT /1.0/pools-op with size min(#OSDs, 3), after the disks, as MicroCloud
// does: it sets the default size for pools created later and resizes the pools MicroCloud sizes
// that exist and differ ([""] = only the default, when none does).
import { SIZED_POOLS, replicationSatisfied } from '../../plan/steps/microceph-replication.js';
import type { Host } from '../../remote/index.js';
import { MINUTE, hostOf, type PlanStepRunner } from './common.js';
import { microReady } from './micro.js';

async function pools(host: Host): Promise<{ name: string; size: number }[]> {
  const list = (await host.request<{ pool: string; size: number }[] | null>('microceph', 'GET', '/1.0/pools')).metadata ?? [];
  return list.map((p) => ({ name: p.pool, size: p.size }));
}

export const microcephReplication: PlanStepRunner<'microceph-replication'> = {
  // pools-op waits on Ceph for each pool (120 s and more on a busy cluster).
  timeoutMs: 5 * MINUTE,
  async check(step, hosts) {
    const host = hostOf(hosts, step.machine);
    return (await microReady(host, 'microceph')) && replicationSatisfied(await pools(host), step.inputs.size);
  },
  async act(step, hosts) {
    const host = hostOf(hosts, step.machine);
    const { size } = step.inputs;
    const names = (await pools(host)).filter((p) => SIZED_POOLS.includes(p.name) && p.size !== size).map((p) => p.name);
    await host.request('microceph', 'PUT', '/1.0/pools-op', { pools: names.length > 0 ? names : [''], size }, { timeoutMs: 4 * MINUTE });
  },
  async verify(step, hosts) {
    const now = await pools(hostOf(hosts, step.machine));
    if (!replicationSatisfied(now, step.inputs.size)) {
      throw new Error(`after pools-op, the Ceph pools are ${now.map((p) => `${p.name}=${p.size}`).join(', ')}; wanted ${step.inputs.size}`);
    }
  },
};
