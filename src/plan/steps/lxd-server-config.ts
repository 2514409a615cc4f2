// `lxd/server-config/…`: PATCH /1.0. Member-local keys go to `target` (?target=), the rest are
// cluster-wide. Addresses: `…/bootstrap@<initiator>` (listen addresses and the user.microcloud
// marker, before clustering), `…/storage@<member>` (storage.images_volume/backups_volume) and
// `…/<key>` for a global key (network.ovn.northbound_connection).
import { LXD_MEMBER_KEYS, reachable } from '../live.js';
import { forEachLxd } from './lxd-effects.js';
import { lxdAt, need, type StepSpec } from './spec.js';

export const lxdBootstrapConfigAddress = (machine: string): string => `lxd/server-config/bootstrap@${machine}`;
export const lxdStorageConfigAddress = (machine: string): string => `lxd/server-config/storage@${machine}`;
export const lxdGlobalConfigAddress = (key: string): string => `lxd/server-config/${key}`;

export const lxdServerConfig: StepSpec<'lxd-server-config'> = {
  kind: 'lxd-server-config',
  service: 'lxd',
  clusterWide: (step) => step.inputs.target === null,
  satisfied(step, live) {
    const config = reachable(live, step.machine)?.lxd?.config;
    return config !== undefined && Object.entries(step.inputs.config).every(([k, v]) => config[k] === v);
  },
  effect(step, live) {
    const target = step.inputs.target ?? step.machine;
    for (const [key, value] of Object.entries(step.inputs.config)) {
      if (LXD_MEMBER_KEYS.includes(key)) {
        const lxd = lxdAt(live, target);
        if (key === 'storage.images_volume' || key === 'storage.backups_volume') {
          const [pool, volume] = value.split('/');
          need(lxd.volumes.some((v) => v.pool === pool && v.name === volume && v.location === lxd.serverName),
            `Failed validation of "${key}": Storage volume "${volume}" in pool "${pool}" does not exist on member ${target}`);
        }
        lxd.config[key] = value;
      } else {
        forEachLxd(live, step.machine, (lxd) => { lxd.config[key] = value; });
      }
    }
  },
};
