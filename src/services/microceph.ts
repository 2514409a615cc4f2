// Reading MicroCeph on one machine through its control socket: the microcluster facts, then (once
// initialized) the cluster's OSDs, service placement, config and pools in one parallel round.
import type { Host } from '../remote/index.js';
import type { MicroCephLive } from '../live/state.js';
import type { CephConfigJson, CephDiskJson, CephPoolJson, PlacementJson } from './api-types.js';
import { mapCephConfig, mapCephDisks, mapCephPools, mapPlacements } from './micro-map.js';
import { readCore } from './microcluster.js';
import { get, whenInstalled } from './read.js';

async function read(host: Host): Promise<MicroCephLive> {
  const core = await readCore(host, 'microceph');
  if (!core.initialized) return { ...core, disks: [], services: [], config: {}, pools: [] };
  const [disks, services, config, pools] = await Promise.all([
    get<CephDiskJson[] | null>(host, 'microceph', '/1.0/disks'),
    get<PlacementJson[] | null>(host, 'microceph', '/1.0/services'),
    // The handler decodes a JSON body even on GET: `{}` asks for every key (rest-apis.md §3).
    get<CephConfigJson[] | null>(host, 'microceph', '/1.0/configs', {}),
    get<CephPoolJson[] | null>(host, 'microceph', '/1.0/pools'),
  ]);
  return {
    ...core,
    disks: mapCephDisks(disks),
    services: mapPlacements(services),
    config: mapCephConfig(config),
    pools: mapCephPools(pools),
  };
}

/** MicroCeph's state on the machine, or null when it is not installed there (no socket). */
export function readMicroCeph(host: Host): Promise<MicroCephLive | null> {
  return whenInstalled(() => read(host));
}
