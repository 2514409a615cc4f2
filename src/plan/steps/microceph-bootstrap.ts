// `microceph/cluster@<initiator>`: microcluster bootstrap with MicroCloud's PublicNet/ClusterNet.
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const microcephClusterAddress = (machine: string): string => `microceph/cluster@${machine}`;

export const microcephBootstrap: StepSpec<'microceph-bootstrap'> = {
  kind: 'microceph-bootstrap',
  service: 'microceph',
  clusterWide: () => false,
  satisfied: (step, live) => reachable(live, step.machine)?.microceph?.initialized === true,
};
