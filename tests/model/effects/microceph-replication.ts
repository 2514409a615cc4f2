// `microceph/replication`: pools-op resizes the pools MicroCloud sizes.
import { SIZED_POOLS } from '../../../src/plan/steps/microceph-replication.js';
import { changeCluster } from './micro.js';
import { need, type Effect } from './model.js';

export const microcephReplication: Effect<'microceph-replication'> = (step, live) => {
  need(step.inputs.size >= 1 && step.inputs.size <= 10, `failed to set pool size default: size ${step.inputs.size}`);
  changeCluster(live, 'microceph', step.machine, (view) => {
    for (const p of view.pools) if (SIZED_POOLS.includes(p.name)) p.size = step.inputs.size;
  });
};
