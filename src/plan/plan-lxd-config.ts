// The file's `lxd.config`: one cluster-wide server config step per key whose live value differs,
// run through the initiator once every member of this apply has joined. A key the file no longer
// lists is left as it is: nothing is unset unless the file says so (`key: ""`).
import { configMatches } from '../preseed/lxd-config.js';
import { Secret } from '../secrets.js';
import type { PlanGraph } from './graph.js';
import { reachable } from '../live/state.js';
import { afterLxdMembers } from './plan-lxd-cluster.js';
import type { Change } from './plan.js';
import type { Site } from './topology.js';
import { lxdGlobalConfigAddress } from './steps/lxd-server-config.js';

/** What a plan shows, and saves, in place of a secret value. */
export const SENSITIVE = '(sensitive)';

export function planLxdConfig(site: Site, g: PlanGraph): void {
  const live = reachable(site.live, site.initiator)?.lxd?.config;
  if (!live) return;
  for (const [key, value] of Object.entries(site.desired.lxd.config)) {
    const secret = value instanceof Secret;
    const want = secret ? value.reveal() : value;
    // Only the planner holds a secret value, so only it can tell whether one differs.
    if (configMatches(key, live[key], want)) continue;
    const before = live[key] ?? null;
    const change: Change = secret
      ? { key, before: before === null ? null : SENSITIVE, after: SENSITIVE }
      : { key, before, after: want === '' ? null : want };
    g.add({
      address: lxdGlobalConfigAddress(key), kind: 'lxd-server-config', service: 'lxd', machine: site.initiator,
      action: before === null ? 'create' : 'update', changes: before === null ? [] : [change],
      reason: `set ${key} to ${secret ? SENSITIVE : JSON.stringify(want)} (lxd.config)`,
      inputs: secret ? { target: null, config: {}, fromFile: true, sensitive: [key] } : { target: null, config: { [key]: want }, fromFile: true },
    }, afterLxdMembers(site));
  }
}
