// `lxd/cluster@<initiator>`: PUT /1.0/cluster {server_name, enabled} on the initiator.
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const lxdClusterAddress = (machine: string): string => `lxd/cluster@${machine}`;

export const lxdBootstrap: StepSpec<'lxd-bootstrap'> = {
  kind: 'lxd-bootstrap',
  service: 'lxd',
  clusterWide: () => false,
  satisfied: (step, live) => reachable(live, step.machine)?.lxd?.clustered === true,
};
