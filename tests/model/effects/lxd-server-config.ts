// `lxd/server-config/…`: PATCH /1.0. Member-local keys land on `target`, the rest on every member;
// the file's keys carry their ownership record in the same PATCH ("" unsets the key and drops it).
import { HIDDEN_VALUE } from '../../../src/preseed/lxd-config.js';
import { OWNED_VALUE, ownedMark } from '../../../src/plan/steps/lxd-server-config.js';
import { LXD_MEMBER_KEYS, type LxdMachine } from '../../../src/live/state.js';
import { forEachLxd } from './lxd.js';
import { lxdAt, machineAt, need, type Effect } from './model.js';

/** LXD: an empty value unsets the key. */
function put(lxd: LxdMachine, key: string, value: string): void {
  if (value === '') delete lxd.config[key];
  else lxd.config[key] = value;
}

export const lxdServerConfig: Effect<'lxd-server-config'> = (step, live) => {
  const target = step.inputs.target ?? step.machine;
  // A secret value is not in the plan: the model records it as LXD shows a hidden key once set.
  const values: [string, string][] = [...Object.entries(step.inputs.config), ...(step.inputs.sensitive ?? []).map((k): [string, string] => [k, HIDDEN_VALUE]),
    ...(step.inputs.unset ?? []).map((k): [string, string] => [k, ''])];
  if (step.inputs.fromFile) values.push(...values.map(([k, v]): [string, string] => [ownedMark(k), v === '' ? '' : OWNED_VALUE]));
  for (const [key, value] of values) {
    if (LXD_MEMBER_KEYS.includes(key)) {
      const lxd = lxdAt(live, target);
      if (key === 'storage.images_volume' || key === 'storage.backups_volume') {
        const [pool, volume] = value.split('/');
        need(machineAt(live, target).lxd!.volumes.some((v) => v.pool === pool && v.name === volume && v.location === lxd.serverName),
          `Failed validation of "${key}": Storage volume "${volume}" in pool "${pool}" does not exist on member ${target}`);
      }
      put(lxd, key, value);
    } else {
      forEachLxd(live, step.machine, (lxd) => put(lxd, key, value));
    }
  }
};
