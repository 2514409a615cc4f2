// What a removal needs beyond a gather, read once per read of the site and only when the file
// removes members: each LXD cluster's instances with the member each is on (one request, from the
// machine that keys the cluster), so the plan can refuse a member that still runs some.
import type { Host } from '../remote/index.js';
import { readInstances } from '../services/lxd.js';
import type { LiveState } from '../live/state.js';

export async function withRemovalFacts(live: LiveState, hosts: ReadonlyMap<string, Host>, removing: boolean): Promise<LiveState> {
  if (!removing) return live;
  const clusters = { ...live.clusters.lxd };
  await Promise.all(Object.entries(clusters).map(async ([key, c]) => {
    const host = hosts.get(key);
    if (c.members.length === 0 || !host) return;
    clusters[key] = { ...c, instances: await readInstances(host) };
  }));
  return { ...live, clusters: { ...live.clusters, lxd: clusters } };
}
