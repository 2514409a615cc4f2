// `microceph/config/<key>`: a writable MicroCeph cluster config key (cluster_network), PUT /1.0/configs.
import { reachable } from '../../live/state.js';
import { sameNetwork } from '../topology.js';
import type { StepSpec } from './spec.js';

export const microcephConfigAddress = (key: string): string => `microceph/config/${key}`;

export const microcephConfig: StepSpec<'microceph-config'> = {
  kind: 'microceph-config',
  service: 'microceph',
  clusterWide: () => true,
  satisfied(step, live) {
    const ceph = reachable(live, step.machine)?.microceph;
    return ceph?.initialized === true && sameNetwork(ceph.config[step.inputs.key] ?? null, step.inputs.value);
  },
};
