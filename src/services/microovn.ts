// Reading MicroOVN on one machine through its control socket: the microcluster facts, then (once
// initialized) where its services run.
import type { Host } from '../remote/index.js';
import type { MicroOvnLive } from '../live/state.js';
import type { PlacementJson } from './api-types.js';
import { mapPlacements } from './micro-map.js';
import { readCore } from './microcluster.js';
import { get, whenInstalled } from './read.js';

async function read(host: Host): Promise<MicroOvnLive> {
  const core = await readCore(host, 'microovn');
  if (!core.initialized) return { ...core, services: [] };
  return { ...core, services: mapPlacements(await get<PlacementJson[] | null>(host, 'microovn', '/1.0/services')) };
}

/** MicroOVN's state on the machine, or null when it is not installed there (no socket). */
export function readMicroOvn(host: Host): Promise<MicroOvnLive | null> {
  return whenInstalled(() => read(host));
}
