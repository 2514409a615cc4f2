// `microcloud/member/<m>`: the joiner becomes a member of the initiator's MicroCloud cluster.
import { changeCluster } from './micro.js';
import { microAt, need, type Effect } from './model.js';

export const microcloudJoin: Effect<'microcloud-join'> = (step, live) => {
  const { name, address, cluster } = step.inputs;
  need(!microAt(live, 'microcloud', step.machine).initialized, `MicroCloud on ${step.machine}: Unable to initialize cluster: Database is online`);
  changeCluster(live, 'microcloud', cluster, (c) => {
    need(!c.members.some((m) => m.name === name), `Failed to join "MicroCloud" cluster: This "core_cluster_members" entry already exists`);
    c.members.push({ name, address, role: 'voter', status: 'ONLINE' });
  }, [step.machine]);
};
