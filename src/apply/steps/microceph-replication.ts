// `microceph/replication`: PUT /1.0/pools-op with size min(#OSDs, 3), after the disks, as MicroCloud
// does (canonical/microcloud cmd/microcloud/main_init.go `setupCluster`, f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741):
// the pools it names are those of MicroCloud's default pools whose size is below it, never one with
// more replicas; [""] when none is, which sets only the default size (canonical/microceph
// microceph/ceph/osd.go SetReplicationFactor, 79f99b50a1abf05ca8abb463b0fcb3f749f13c89).
import { reachable } from '../../plan/index.js';
import { poolsBelow } from '../../plan/steps/microceph-replication.js';
import type { Host } from '../../remote/index.js';
import { MINUTE, hostOf } from './common.js';
import type { StepActor } from './runner.js';

async function pools(host: Host): Promise<{ name: string; size: number }[]> {
  const list = (await host.request<{ pool: string; size: number }[] | null>('microceph', 'GET', '/1.0/pools')).metadata ?? [];
  return list.map((p) => ({ name: p.pool, size: p.size }));
}

export const microcephReplication: StepActor<'microceph-replication'> = {
  // pools-op waits on Ceph for each pool (120 s and more on a busy cluster); MicroCloud gives it 5 min.
  timeoutMs: 5 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['microceph'] }],
  async act(step, hosts) {
    const host = hostOf(hosts, step.machine);
    const { size } = step.inputs;
    const names = poolsBelow(await pools(host), size).map((p) => p.name);
    await host.request('microceph', 'PUT', '/1.0/pools-op', { pools: names.length > 0 ? names : [''], size }, { timeoutMs: 4 * MINUTE });
  },
  // osd_pool_default_size is not in MicroCeph's config table, so no read shows it: once no pool is
  // below the size, pools-op's 200 stands for the default until LXD's pools show it.
  unseen(step, live) {
    const ceph = reachable(live, step.machine)?.microceph;
    return ceph?.initialized === true && poolsBelow(ceph.pools, step.inputs.size).length === 0;
  },
  missing(step, live) {
    const now = reachable(live, step.machine)?.microceph?.pools ?? [];
    return `after pools-op, the Ceph pools are ${now.map((p) => `${p.name}=${p.size}`).join(', ')}; wanted at least ${step.inputs.size}`;
  },
};
