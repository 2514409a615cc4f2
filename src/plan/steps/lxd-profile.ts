// `lxd/profile/<name>`: merge the devices the tool owns (root, eth0) into the profile; other devices
// and config stay as they are.
import { reachable } from '../../live/state.js';
import { sameRecord, type StepSpec } from './spec.js';

export const lxdProfileAddress = (profile: string): string => `lxd/profile/${profile}`;

export const lxdProfile: StepSpec<'lxd-profile'> = {
  kind: 'lxd-profile',
  service: 'lxd',
  clusterWide: () => true,
  satisfied(step, live) {
    const devices = reachable(live, step.machine)?.lxd?.defaultProfile.devices;
    return devices !== undefined && Object.entries(step.inputs.devices).every(([k, v]) => sameRecord(devices[k], v));
  },
};
