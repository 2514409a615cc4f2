// `lxd/profile/<name>`: merge the devices the tool owns (root, eth0) into the profile; other devices
// and config stay as they are.
import { reachable } from '../../live/state.js';
import { forEachLxd } from './lxd-effects.js';
import { lxdAt, need, sameRecord, type StepSpec } from './spec.js';

export const lxdProfileAddress = (profile: string): string => `lxd/profile/${profile}`;

export const lxdProfile: StepSpec<'lxd-profile'> = {
  kind: 'lxd-profile',
  service: 'lxd',
  clusterWide: () => true,
  satisfied(step, live) {
    const devices = reachable(live, step.machine)?.lxd?.defaultProfile.devices;
    return devices !== undefined && Object.entries(step.inputs.devices).every(([k, v]) => sameRecord(devices[k], v));
  },
  effect(step, live) {
    const lxd = lxdAt(live, step.machine);
    for (const [name, device] of Object.entries(step.inputs.devices)) {
      if (device['pool']) need(lxd.pools.some((p) => p.name === device['pool'] && p.status === 'Created'), `Device "${name}": storage pool "${device['pool']}" not found`);
      if (device['network']) need(lxd.networks.some((n) => n.name === device['network'] && n.status === 'Created'), `Device "${name}": network "${device['network']}" not found`);
    }
    forEachLxd(live, step.machine, (view) => {
      for (const [name, device] of Object.entries(step.inputs.devices)) view.defaultProfile.devices[name] = { ...device };
    });
  },
};
