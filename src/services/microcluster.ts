// What MicroCeph and MicroOVN share as microcluster daemons: the version, whether the daemon is
// initialized, and the member list, read in one round of two parallel requests. An uninitialized
// daemon answers GET /core/1.0/cluster with 503 "Database is not yet initialized": that is the fact.
import type { Host } from '../remote/index.js';
import type { MicroMember } from '../live/state.js';
import type { CoreMemberJson, CoreServerJson } from './api-types.js';
import { mapCoreServer, mapMicroMembers } from './micro-map.js';
import { getUnlessUninitialized, isNotInitialized } from './read.js';

export type MicroService = 'microceph' | 'microovn';

export interface CoreState {
  version: string;
  initialized: boolean;
  members: MicroMember[];
}

export async function readCore(host: Host, service: MicroService): Promise<CoreState> {
  const [server, members] = await Promise.all([
    getUnlessUninitialized<CoreServerJson>(host, service, '/core/1.0'),
    getUnlessUninitialized<CoreMemberJson[] | null>(host, service, '/core/1.0/cluster').then(
      (list) => mapMicroMembers(list),
      (err: unknown) => {
        if (isNotInitialized(err)) return null;
        throw err;
      },
    ),
  ]);
  const { version } = mapCoreServer(server);
  return members === null ? { version, initialized: false, members: [] } : { version, initialized: true, members };
}
