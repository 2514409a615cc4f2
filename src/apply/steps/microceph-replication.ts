// `microceph/replication`: PUT /1.0/pools-op with size min(#OSDs, 3), after the disks, as MicroCloud
// does: it sets the default size for pools created later and resizes the pools MicroCloud sizes
// that exist and differ ([""] = only the default, when none does).
import { reachable } from '../../plan/index.js';
import { SIZED_POOLS } from '../../plan/steps/microceph-replication.js';
import type { Host } from '../../remote/index.js';
import { MINUTE, hostOf } from './common.js';
import type { StepActor } from './runner.js';

async function pools(host: Host): Promise<{ name: string; size: number }[]> {
  const list = (await host.request<{ pool: string; size: number }[] | null>('microceph', 'GET', '/1.0/pools')).metadata ?? [];
  return list.map((p) => ({ name: p.pool, size: p.size }));
}

export const microcephReplication: StepActor<'microceph-replication'> = {
  // pools-op waits on Ceph for each pool (120 s and more on a busy cluster).
  timeoutMs: 5 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['microceph'] }],
  async act(step, hosts) {
    const host = hostOf(hosts, step.machine);
    const { size } = step.inputs;
    const names = (await pools(host)).filter((p) => SIZED_POOLS.includes(p.name) && p.size !== size).map((p) => p.name);
    await host.request('microceph', 'PUT', '/1.0/pools-op', { pools: names.length > 0 ? names : [''], size }, { timeoutMs: 4 * MINUTE });
  },
  missing(step, live) {
    const now = reachable(live, step.machine)?.microceph?.pools ?? [];
    return `after pools-op, the Ceph pools are ${now.map((p) => `${p.name}=${p.size}`).join(', ')}; wanted ${step.inputs.size}`;
  },
};
