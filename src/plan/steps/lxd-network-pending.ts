// `lxd/network/<network>@<member>`: POST /1.0/networks?target=<member> (UPLINK's parent, or lxdfan0).
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const lxdPendingNetworkAddress = (network: string, member: string): string => `lxd/network/${network}@${member}`;

export const lxdNetworkPending: StepSpec<'lxd-network-pending'> = {
  kind: 'lxd-network-pending',
  service: 'lxd',
  clusterWide: () => false,
  satisfied(step, live) {
    const lxd = reachable(live, step.machine)?.lxd;
    return lxd?.clustered === true && (lxd.networks.find((n) => n.name === step.inputs.network)?.locations.includes(step.inputs.target) ?? false);
  },
};
