// `lxd/server-config/…`: PATCH /1.0. Member-local keys go to `target` (?target=), the rest are
// cluster-wide. Addresses: `…/bootstrap@<initiator>` (listen addresses, the user.microcloud-apply.version marker
// and instances.migration.stateful, before clustering), `…/listen@<member>` (a joiner's
// core.https_address, after its join), `…/storage@<member>` (storage.images_volume/backups_volume)
// and `…/<key>` for a global key (network.ovn.northbound_connection, each key of the file's lxd.config,
// set, or unset once it leaves the file if the tool set it: OWNED_PREFIX).
import { configMatches } from '../../preseed/lxd-config.js';
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const lxdBootstrapConfigAddress = (machine: string): string => `lxd/server-config/bootstrap@${machine}`;
export const lxdListenConfigAddress = (machine: string): string => `lxd/server-config/listen@${machine}`;
export const lxdStorageConfigAddress = (machine: string): string => `lxd/server-config/storage@${machine}`;
export const lxdGlobalConfigAddress = (key: string): string => `lxd/server-config/${key}`;

/**
 * The tool's record of a key it set from the file, kept next to the key: `user.microcloud-apply.owned.<key>: "true"`
 * in the server config (lxd.config) and in UPLINK's config (the ovn keys). One user key per owned key, so
 * the step that sets a key records it in the same PATCH, without reading a list back first, and steps
 * run side by side without overwriting each other's record. LXD takes any user.* name made of letters,
 * digits and punctuation, and any value (canonical/lxd lxd/config/map.go `set`, the cluster `config`
 * table's value is TEXT: lxd/db/cluster/schema.go; a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05).
 */
export const OWNED_PREFIX = 'user.microcloud-apply.owned.';
export const OWNED_VALUE = 'true';
export const ownedMark = (key: string): string => `${OWNED_PREFIX}${key}`;

/** The keys `config` records as set by the tool, sorted. */
export function ownedKeys(config: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(config).filter((k) => k.startsWith(OWNED_PREFIX) && config[k] !== '' && config[k] !== undefined)
    .map((k) => k.slice(OWNED_PREFIX.length)).sort();
}

export const lxdServerConfig: StepSpec<'lxd-server-config'> = {
  kind: 'lxd-server-config',
  service: 'lxd',
  clusterWide: (step) => step.inputs.target === null,
  satisfied(step, live) {
    const config = reachable(live, step.machine)?.lxd?.config;
    if (config === undefined) return false;
    // A secret the plan does not hold compares as unknown: the planner, which holds it, asked for the
    // step. Apply, which is given it, judges the step with the value in `config` (src/apply/steps/lxd-server-config.ts).
    return Object.entries(step.inputs.config).every(([k, v]) => configMatches(k, config[k], v))
      && (step.inputs.sensitive ?? []).every((k) => configMatches(k, config[k], null))
      && (step.inputs.unset ?? []).every((k) => configMatches(k, config[k], ''));
  },
};
