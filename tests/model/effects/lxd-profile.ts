// `lxd/profile/<name>`: the devices the tool owns are merged in; every member sees the profile.
import { lxdClusterAt, need, type Effect } from './model.js';

export const lxdProfile: Effect<'lxd-profile'> = (step, live) => {
  const cluster = lxdClusterAt(live, step.machine);
  for (const [name, device] of Object.entries(step.inputs.devices)) {
    if (device['pool']) need(cluster.pools.some((p) => p.name === device['pool'] && p.status === 'Created'), `Device "${name}": storage pool "${device['pool']}" not found`);
    if (device['network']) need(cluster.networks.some((n) => n.name === device['network'] && n.status === 'Created'), `Device "${name}": network "${device['network']}" not found`);
  }
  for (const [name, device] of Object.entries(step.inputs.devices)) cluster.defaultProfile.devices[name] = { ...device };
};
