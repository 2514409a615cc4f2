// `microceph/replication`: pools-op sets the default size and raises MicroCloud's default pools that
// are below it; one with more replicas keeps them (canonical/microcloud cmd/microcloud/main_init.go, f26e73c).
import { DEFAULT_SIZE_KEY, poolsBelow } from '../../../src/plan/steps/microceph-replication.js';
import { changeCluster } from './micro.js';
import { need, type Effect } from './model.js';

export const microcephReplication: Effect<'microceph-replication'> = (step, live) => {
  need(step.inputs.size >= 1 && step.inputs.size <= 10, `failed to set pool size default: size ${step.inputs.size}`);
  changeCluster(live, 'microceph', step.machine, (view) => {
    for (const p of poolsBelow(view.pools, step.inputs.size)) p.size = step.inputs.size;
    // The model shows the default a reader of Ceph's config would see (gather does not read it).
    view.config[DEFAULT_SIZE_KEY] = String(step.inputs.size);
  });
};
