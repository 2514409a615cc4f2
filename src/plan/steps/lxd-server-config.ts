// `lxd/server-config/…`: PATCH /1.0. Member-local keys go to `target` (?target=), the rest are
// cluster-wide. Addresses: `…/bootstrap@<initiator>` (listen addresses, the user.microcloud-apply.version marker
// and instances.migration.stateful, before clustering), `…/listen@<member>` (a joiner's
// core.https_address, after its join), `…/storage@<member>` (storage.images_volume/backups_volume)
// and `…/<key>` for a global key (network.ovn.northbound_connection, each key of the file's lxd.config).
import { configMatches } from '../../preseed/lxd-config.js';
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const lxdBootstrapConfigAddress = (machine: string): string => `lxd/server-config/bootstrap@${machine}`;
export const lxdListenConfigAddress = (machine: string): string => `lxd/server-config/listen@${machine}`;
export const lxdStorageConfigAddress = (machine: string): string => `lxd/server-config/storage@${machine}`;
export const lxdGlobalConfigAddress = (key: string): string => `lxd/server-config/${key}`;

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
      && (step.inputs.sensitive ?? []).every((k) => configMatches(k, config[k], null));
  },
};
