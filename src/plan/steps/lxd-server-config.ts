// `lxd/server-config/…`: PATCH /1.0. Member-local keys go to `target` (?target=), the rest are
// cluster-wide. Addresses: `…/bootstrap@<initiator>` (listen addresses and the user.microcloud
// marker, before clustering), `…/storage@<member>` (storage.images_volume/backups_volume) and
// `…/<key>` for a global key (network.ovn.northbound_connection, each key of the file's lxd.config).
import { configMatches, HIDDEN_VALUE } from '../../preseed/lxd-config.js';
import { LXD_MEMBER_KEYS, reachable, type LxdLive } from '../../live/state.js';
import { forEachLxd } from './lxd-effects.js';
import { lxdAt, need, type StepSpec } from './spec.js';

export const lxdBootstrapConfigAddress = (machine: string): string => `lxd/server-config/bootstrap@${machine}`;
export const lxdStorageConfigAddress = (machine: string): string => `lxd/server-config/storage@${machine}`;
export const lxdGlobalConfigAddress = (key: string): string => `lxd/server-config/${key}`;

/** LXD: an empty value unsets the key. */
function put(lxd: LxdLive, key: string, value: string): void {
  if (value === '') delete lxd.config[key];
  else lxd.config[key] = value;
}

export const lxdServerConfig: StepSpec<'lxd-server-config'> = {
  kind: 'lxd-server-config',
  service: 'lxd',
  clusterWide: (step) => step.inputs.target === null,
  satisfied(step, live) {
    const config = reachable(live, step.machine)?.lxd?.config;
    if (config === undefined) return false;
    // A secret the plan does not hold compares as unknown: the planner, which holds it, asked for the step.
    return Object.entries(step.inputs.config).every(([k, v]) => configMatches(k, config[k], v))
      && (step.inputs.sensitive ?? []).every((k) => configMatches(k, config[k], null));
  },
  effect(step, live) {
    const target = step.inputs.target ?? step.machine;
    // A secret value is not in the plan: the model records it as LXD shows a hidden key once set.
    const values: [string, string][] = [...Object.entries(step.inputs.config), ...(step.inputs.sensitive ?? []).map((k): [string, string] => [k, HIDDEN_VALUE])];
    for (const [key, value] of values) {
      if (LXD_MEMBER_KEYS.includes(key)) {
        const lxd = lxdAt(live, target);
        if (key === 'storage.images_volume' || key === 'storage.backups_volume') {
          const [pool, volume] = value.split('/');
          need(lxd.volumes.some((v) => v.pool === pool && v.name === volume && v.location === lxd.serverName),
            `Failed validation of "${key}": Storage volume "${volume}" in pool "${pool}" does not exist on member ${target}`);
        }
        put(lxd, key, value);
      } else {
        forEachLxd(live, step.machine, (lxd) => put(lxd, key, value));
      }
    }
  },
};
