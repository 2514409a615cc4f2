// `lxd/profile/<name>`: the devices the tool owns are merged in; every member sees the profile.
import { forEachLxd } from './lxd.js';
import { lxdAt, need, type Effect } from './model.js';

export const lxdProfile: Effect<'lxd-profile'> = (step, live) => {
  const lxd = lxdAt(live, step.machine);
  for (const [name, device] of Object.entries(step.inputs.devices)) {
    if (device['pool']) need(lxd.pools.some((p) => p.name === device['pool'] && p.status === 'Created'), `Device "${name}": storage pool "${device['pool']}" not found`);
    if (device['network']) need(lxd.networks.some((n) => n.name === device['network'] && n.status === 'Created'), `Device "${name}": network "${device['network']}" not found`);
  }
  forEachLxd(live, step.machine, (view) => {
    for (const [name, device] of Object.entries(step.inputs.devices)) view.defaultProfile.devices[name] = { ...device };
  });
};
