// A fresh, narrow read of the site for one step: the daemons the step's `satisfied` looks at, on the
// machines it looks at, read by the same readers gather uses (src/services), so the answer apply
// gets is the one the planner would get from a full gather at that moment.
import type { HostFacts, LiveState, MachineLive, ServiceName } from '../../live/state.js';
import { readLxd } from '../../services/lxd.js';
import { readMicroCeph } from '../../services/microceph.js';
import { readMicroOvn } from '../../services/microovn.js';
import { hostOf, type Hosts } from './common.js';

/** One machine (by its key in the plan) and the daemons to read there. */
export interface LiveRead {
  machine: string;
  services: readonly ServiceName[];
}

/** Host facts are never read for a step: no kind's `satisfied` looks at them. */
const noHostFacts = (): HostFacts => ({ hostname: '', interfaces: [], defaultRoute: null, snaps: [] });

/**
 * The LiveState of the machines and daemons in `reads` (repeated machines are read once). It is a
 * view, not a gather: a daemon that was not asked for shows as null, like one that is not installed,
 * and host facts are empty. A machine without a connection is an error, as any request to it would be.
 */
export async function readLive(hosts: Hosts, reads: readonly LiveRead[]): Promise<LiveState> {
  const wanted = new Map<string, Set<ServiceName>>();
  for (const r of reads) {
    const services = wanted.get(r.machine) ?? new Set<ServiceName>();
    for (const s of r.services) services.add(s);
    wanted.set(r.machine, services);
  }
  const machines = await Promise.all([...wanted].map(async ([name, services]): Promise<[string, MachineLive]> => {
    const host = hostOf(hosts, name);
    const [lxd, microceph, microovn] = await Promise.all([
      services.has('lxd') ? readLxd(host) : null,
      services.has('microceph') ? readMicroCeph(host) : null,
      services.has('microovn') ? readMicroOvn(host) : null,
    ]);
    return [name, { reachable: true, host: noHostFacts(), lxd: lxd?.lxd ?? null, microceph, microovn }];
  }));
  return { machines: Object.fromEntries(machines) };
}
