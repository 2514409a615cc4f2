// `microceph/member/<name>`, `microovn/member/<name>`: a microcluster join into the anchor's cluster.
// The daemons differ only in the services they place on a joiner: some always, others while fewer
// than 3 members run them.
import type { ServiceName } from '../../../src/live/state.js';
import { changeCluster, placeOnJoin } from './micro.js';
import { microAt, need, type Effect } from './model.js';

type MicroJoinKind = 'microceph-join' | 'microovn-join';

export function microJoinEffect<K extends MicroJoinKind>(
  service: Extract<ServiceName, 'microceph' | 'microovn'>, label: string, placement: { always: string[]; upToThree: string[] },
): Effect<K> {
  return (step, live) => {
    const { name, address, cluster } = step.inputs;
    const own = microAt(live, service, step.machine);
    need(!own.initialized, `${label} on ${step.machine}: Unable to initialize cluster: Database is online`);
    changeCluster(live, service, cluster, (view) => {
      // The leader's clusterPost, in its order (canonical/microcluster internal/rest/resources/cluster.go,
      // e950e52e06d8801a422006ae5f5de4f8f471d787): the address first (500), the name at the insert (409),
      // both wrapped by the joiner as `N join attempts were unsuccessful. Last error: …`.
      need(!view.members.some((m) => m.address === address), `${label}: Remote with address ${JSON.stringify(address)} exists`);
      need(!view.members.some((m) => m.name === name), `${label}: This "core_cluster_members" entry already exists`);
      view.members.push({ name, address, role: 'voter', status: 'ONLINE' });
      placeOnJoin(view.services, name, placement.always, placement.upToThree);
    }, [step.machine]);
  };
}
