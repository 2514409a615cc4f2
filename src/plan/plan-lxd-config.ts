// The file's `lxd.config`: one cluster-wide server config step per key whose live value differs,
// run through the initiator once every member of this apply has joined. A key the file no longer
// lists is unset if the tool set it (its ownership record, OWNED_PREFIX), and left as it is if not:
// keys set by hand, or at the file's value before the tool had to change them, are nobody's but
// their author's. Only a bootstrap file, which describes the whole site, unsets anything.
import { configMatches, NORTHBOUND_KEY, refusedKey } from '../preseed/lxd-config.js';
import { Secret, isSecretName } from '../secrets.js';
import type { PlanGraph } from './graph.js';
import { reachable } from '../live/state.js';
import { afterLxdMembers, toolSetsNorthbound } from './plan-lxd-cluster.js';
import type { Change } from './plan.js';
import type { Site } from './topology.js';
import { lxdGlobalConfigAddress, ownedKeys } from './steps/lxd-server-config.js';

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
  if (site.mode === 'bootstrap') planUnsets(site, live, g);
}

/**
 * The keys the tool set that the file no longer lists. One already unset by hand needs no step: its
 * record goes with the next change of that key. The northbound connection goes back to the tool's
 * own value where the tool computes one (planNorthbound).
 */
function planUnsets(site: Site, live: Record<string, string>, g: PlanGraph): void {
  for (const key of ownedKeys(live)) {
    // A record naming a key the file may not hold was not written by the tool: leave that key alone.
    if (key in site.desired.lxd.config || refusedKey(key) || configMatches(key, live[key], '')) continue;
    if (key === NORTHBOUND_KEY && toolSetsNorthbound(site)) continue;
    g.add({
      address: lxdGlobalConfigAddress(key), kind: 'lxd-server-config', service: 'lxd', machine: site.initiator,
      action: 'update', changes: [{ key, before: isSecretName(key) ? SENSITIVE : live[key]!, after: null }],
      reason: `unset ${key}: no longer in lxd.config, and microcloud-apply set it`,
      inputs: { target: null, config: {}, fromFile: true, unset: [key] },
    }, afterLxdMembers(site));
  }
}
