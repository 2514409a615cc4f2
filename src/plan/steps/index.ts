// The step catalogue: what each kind is and when it is done, one file per kind (spec.ts says what a
// kind provides). How a kind acts is in src/apply/steps/<kind>.ts, registered in src/apply/registry.ts.
// Addresses are stable: the same intent always gets the same address, so a plan can be compared
// with the next one, a saved plan with the site, and a journal with both.
//
//   microcloud/cluster@<initiator>           bootstrap MicroCloud's own cluster (only where the microcloud snap is)
//   microcloud/member/<m>                    join it, inside a trust session, one machine at a time
//   microceph/cluster@<initiator>            bootstrap MicroCeph (PublicNet, ClusterNet)
//   microovn/cluster@<initiator>             bootstrap MicroOVN (ovn-encap-ip)
//   lxd/server-config/bootstrap@<initiator>  core.https_address, cluster.https_address, user.microcloud-apply.version,
//                                            user.microcloud (MicroCloud's version, when its cluster is formed),
//                                            instances.migration.stateful (with instances_migration_stateful)
//   lxd/cluster@<initiator>                  bootstrap LXD clustering
//   microceph/member/<m>                     join; each service's joins run in file order
//   microovn/member/<m>                      join
//   lxd/member/<m>                           join, with member_config for existing pools/networks
//   lxd/server-config/listen@<m>             core.https_address [::]:8443 on a joiner, after its join
//   microceph/disk/<m>/<by-id name>          one OSD
//   microceph/replication                    pools-op size min(#OSDs, 3)
//   microceph/config/cluster_network         drift in the Ceph cluster network
//   lxd/server-config/network.ovn.northbound_connection   only for LXD without ovn_dynamic_northbound_connection
//   lxd/server-config/<key>                  each key of the file's lxd.config (the northbound one included), after every join
//   lxd/storage-pool/<p>@<m>, lxd/storage-pool/<p>        pending row per member, then finalize (local, remote, remote-fs)
//   lxd/network/<n>@<m>, lxd/network/<n>                  the same for UPLINK and lxdfan0; `default` (ovn) has no rows
//   lxd/profile/default                      root and eth0 devices
//   lxd/volume/local/{images,backups}@<m>    per-member custom volumes
//   lxd/server-config/storage@<m>            storage.images_volume / storage.backups_volume
//   snap/<name>@<m>                          install or refresh one of the four snaps, then hold it (src/plan/plan-snaps.ts:
//                                            before every other step; refreshes in MicroCloud's order)
//   gate/ceph-health[@<m>], gate/<svc>-online[@<m>]   the refresh walk's health checks
//   microceph/noout, microceph/noout/unset   Ceph's noout around the MicroCeph refreshes
//   removal (src/plan/plan-remove.ts), `- destroy`, each through a surviving member, one member at a time:
//   lxd/member/<m>/evacuate                  its instances move to the other members (the entry's evacuate: true)
//   microceph/disk/<m>/osd.<n>               one OSD of the member leaves Ceph
//   lxd/volume/local/{images,backups}@<m>    its volume, after the storage.*_volume key pointing at it
//   lxd/member/<m>, microovn/member/<m>, microceph/member/<m>, microcloud/member/<m>   it leaves each cluster
import type { LiveState } from '../../live/state.js';
import type { Step, StepKind, StepOf } from '../plan.js';
import { lxdBootstrap } from './lxd-bootstrap.js';
import { lxdJoin } from './lxd-join.js';
import { lxdNetwork } from './lxd-network.js';
import { lxdNetworkPending } from './lxd-network-pending.js';
import { lxdPool } from './lxd-pool.js';
import { lxdPoolPending } from './lxd-pool-pending.js';
import { lxdProfile } from './lxd-profile.js';
import { lxdServerConfig } from './lxd-server-config.js';
import { lxdVolume } from './lxd-volume.js';
import { microcephBootstrap } from './microceph-bootstrap.js';
import { microcephConfig } from './microceph-config.js';
import { microcephDisk } from './microceph-disk.js';
import { microcephJoin } from './microceph-join.js';
import { microcephReplication } from './microceph-replication.js';
import { microovnBootstrap } from './microovn-bootstrap.js';
import { microovnJoin } from './microovn-join.js';
import { microcloudBootstrap } from './microcloud-bootstrap.js';
import { microcloudJoin } from './microcloud-join.js';
import { gate } from './gate.js';
import { microcephNoout } from './microceph-noout.js';
import { snap } from './snap.js';
import { lxdMemberRemove, microcephMemberRemove, microcloudMemberRemove, microovnMemberRemove } from './member-remove.js';
import { microcephDiskRemove } from './microceph-disk-remove.js';
import { lxdMemberEvacuate } from './lxd-member-evacuate.js';
import { lxdVolumeRemove } from './lxd-volume-remove.js';
import type { StepSpec } from './spec.js';

export const STEP_SPECS: { [K in StepKind]: StepSpec<K> } = {
  'microceph-bootstrap': microcephBootstrap,
  'microceph-join': microcephJoin,
  'microceph-disk': microcephDisk,
  'microceph-replication': microcephReplication,
  'microceph-config': microcephConfig,
  'microovn-bootstrap': microovnBootstrap,
  'microovn-join': microovnJoin,
  'microcloud-bootstrap': microcloudBootstrap,
  'microcloud-join': microcloudJoin,
  'lxd-server-config': lxdServerConfig,
  'lxd-bootstrap': lxdBootstrap,
  'lxd-join': lxdJoin,
  'lxd-pool-pending': lxdPoolPending,
  'lxd-pool': lxdPool,
  'lxd-network-pending': lxdNetworkPending,
  'lxd-network': lxdNetwork,
  'lxd-profile': lxdProfile,
  'lxd-volume': lxdVolume,
  'microceph-disk-remove': microcephDiskRemove,
  'lxd-volume-remove': lxdVolumeRemove,
  'lxd-member-evacuate': lxdMemberEvacuate,
  'lxd-member-remove': lxdMemberRemove,
  'microovn-member-remove': microovnMemberRemove,
  'microceph-member-remove': microcephMemberRemove,
  'microcloud-member-remove': microcloudMemberRemove,
  'snap': snap,
  'gate': gate,
  'microceph-noout': microcephNoout,
};

export function specOf<K extends StepKind>(kind: K): StepSpec<K> {
  return STEP_SPECS[kind];
}

/** Whether the step has nothing left to do in this live state. */
export function satisfied(step: Step, live: LiveState): boolean {
  return (specOf(step.kind) as StepSpec<StepKind>).satisfied(step as StepOf<StepKind>, live);
}

/** Whether the step acts on the cluster as a whole rather than on its machine. */
export function clusterWide(step: Step): boolean {
  return (specOf(step.kind) as StepSpec<StepKind>).clusterWide(step as StepOf<StepKind>);
}
