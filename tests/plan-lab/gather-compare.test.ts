// gather (cluster-wide data read once per cluster) gives every machine the view the full per-machine readers give.
import { gatherOver } from '../../src/site/gather.js';
import { readHostFacts } from '../../src/services/host-facts.js';
import { refineKinds } from '../../src/services/host-parse.js';
import { readLxd } from '../../src/services/lxd.js';
import { readMicroCeph } from '../../src/services/microceph.js';
import { readMicroOvn } from '../../src/services/microovn.js';
import { microCloudLive, readMicroCloud } from '../../src/services/microcloud.js';
import type { Host } from '../../src/remote/index.js';
import { liveFromViews, reachable, type LiveState, type ReachableMachine } from '../../src/live/state.js';
import { desiredOf, planAndApply, preseed, startLab, type Lab } from '../apply/helpers.js';

async function perMachine(hosts: Map<string, Host>): Promise<LiveState> {
  const out: Record<string, ReachableMachine> = {};
  for (const [k, host] of hosts) {
    const [facts, lxd, microceph, microovn, cloud] = await Promise.all([readHostFacts(host), readLxd(host), readMicroCeph(host), readMicroOvn(host), readMicroCloud(host)]);
    out[k] = { reachable: true, host: lxd ? { ...facts, interfaces: refineKinds(facts.interfaces, lxd.interfaceTypes) } : facts, lxd: lxd?.lxd ?? null, microceph, microovn, microcloud: cloud && microCloudLive(cloud) };
  }
  return liveFromViews(out);
}

/** Every machine as the planner sees it: the stored forms differ (one cluster per machine here). */
const views = (live: LiveState) => Object.fromEntries(Object.keys(live.machines).map((k) => [k, reachable(live, k)]));

let lab: Lab;
afterEach(async () => { await lab?.stop(); });

for (const n of [1, 3]) {
  test(`${n} machine(s): fresh and built, gather equals the per-machine readers`, async () => {
    lab = await startLab({ nodes: n });
    const keys = [...lab.hosts.keys()];
    expect(views(await gatherOver(lab.hosts, keys))).toEqual(views(await perMachine(lab.hosts)));
    await planAndApply(lab, desiredOf(preseed({ nodes: Array.from({ length: n }, (_, i) => i + 1) })));
    expect(views(await gatherOver(lab.hosts, keys))).toEqual(views(await perMachine(lab.hosts)));
  }, 60_000);
}
