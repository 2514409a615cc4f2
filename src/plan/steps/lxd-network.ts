// `lxd/network/<network>`: finalize (UPLINK, lxdfan0), create (the OVN `default`, which takes no
// member rows: LXD makes them), or update the keys the tool owns (UPLINK's gateways, range, DNS).
import { reachable, type LxdNetwork } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const lxdNetworkAddress = (network: string): string => `lxd/network/${network}`;

/**
 * An OVN network (which has no member rows to finish) that LXD left Errored: LXD refuses both a
 * second create and any update, so the only way forward is to delete it and create it again.
 * The runner checks that nothing uses it first.
 */
export const recreatable = (n: Pick<LxdNetwork, 'status'> | undefined, type: string): boolean =>
  n?.status === 'Errored' && type === 'ovn';

export function ownedKeysMatch(n: LxdNetwork, config: Record<string, string>, owned: readonly string[]): boolean {
  return owned.every((k) => n.config[k] === config[k]);
}

export const lxdNetwork: StepSpec<'lxd-network'> = {
  kind: 'lxd-network',
  service: 'lxd',
  clusterWide: () => true,
  satisfied(step, live) {
    const n = reachable(live, step.machine)?.lxd?.networks.find((x) => x.name === step.inputs.network);
    return n?.status === 'Created' && ownedKeysMatch(n, step.inputs.config, step.inputs.owned);
  },
};
