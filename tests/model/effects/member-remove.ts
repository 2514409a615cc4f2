// `<service>/member/<m>` destroyed: the member leaves the cluster the surviving anchor belongs to.
// LXD refuses the last member and, without force, a member that still has custom volumes on a local
// pool (lxd/db/node.go NodeIsEmpty; canonical/lxd a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05); MicroCeph
// without force refuses a member that still has OSDs (microceph/ceph/remove.go checkPrerequisites).
import { recordOf, type MicroName } from '../../../src/live/state.js';
import { changeCluster } from './micro.js';
import { lxdClusterAt, need, type Effect } from './model.js';

type MicroRemoveKind = 'microovn-member-remove' | 'microceph-member-remove' | 'microcloud-member-remove';

export const lxdMemberRemove: Effect<'lxd-member-remove'> = (step, live) => {
  const { name, force } = step.inputs;
  const cluster = lxdClusterAt(live, step.machine);
  need(cluster.members.some((m) => m.name === name), `Member not found`);
  need(cluster.members.length > 1, 'Member is the only member in the cluster');
  const volumes = cluster.volumes.filter((v) => v.location === name);
  need(force || volumes.length === 0, `Node still has the following custom volumes: ${volumes.map((v) => v.name).join(', ')}`);
  cluster.members = cluster.members.filter((m) => m.name !== name);
  cluster.volumes = cluster.volumes.filter((v) => v.location !== name);
  for (const p of cluster.pools) p.locations = p.locations.filter((l) => l !== name);
  for (const n of cluster.networks) n.locations = n.locations.filter((l) => l !== name);
};

function microRemove<K extends MicroRemoveKind>(service: MicroName): Effect<K> {
  return (step, live) => {
    const { name, force } = step.inputs;
    changeCluster(live, service, step.machine, (view) => {
      need(view.members.some((m) => m.name === name), `No remote exists with the given name "${name}"`);
      need(view.members.length > 1, `Cannot leave a cluster with ${view.members.length} members`);
      if (service === 'microceph' && 'disks' in view) {
        need(force || !view.disks.some((d) => d.location === name), `Node ${name} still has disks configured, remove before proceeding`);
        view.disks = view.disks.filter((d) => d.location !== name);
      }
      view.members = view.members.filter((m) => m.name !== name);
      if ('services' in view) view.services = view.services.filter((s) => s.location !== name);
    });
    const own = recordOf(live, name)?.[service];
    if (own) Object.assign(own, { initialized: false, cluster: null });
  };
}

export const microovnMemberRemove = microRemove<'microovn-member-remove'>('microovn');
export const microcephMemberRemove = microRemove<'microceph-member-remove'>('microceph');
export const microcloudMemberRemove = microRemove<'microcloud-member-remove'>('microcloud');
