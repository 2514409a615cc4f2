// `microceph/config/<key>`: a writable cluster config key, the same on every member.
import { changeCluster } from './micro.js';
import { need, type Effect } from './model.js';

export const microcephConfig: Effect<'microceph-config'> = (step, live) => {
  need(step.inputs.key !== 'public_network', `config set(public_network) failed: requested key public_network does not support write operation`);
  changeCluster(live, 'microceph', step.machine, (view) => {
    view.config[step.inputs.key] = step.inputs.value;
  });
};
