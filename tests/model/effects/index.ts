// The model of the daemons, one effect per step kind (see model.ts): what a step does to the site,
// as the daemons would do it. Typed over StepKind, so a kind added to the plan without an effect
// does not compile. Used by the plan walks (tests/plan/walk.ts) and tests that predict a site.
import type { LiveState } from '../../../src/live/state.js';
import type { Step, StepKind, StepOf } from '../../../src/plan/plan.js';
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
import { gate, microcephNoout, snap } from './snap.js';
import { lxdMemberRemove, microcephMemberRemove, microcloudMemberRemove, microovnMemberRemove } from './member-remove.js';
import { lxdVolumeRemove } from './lxd-volume-remove.js';
import { lxdMemberEvacuate } from './lxd-member-evacuate.js';
import { microcephDiskRemove } from './microceph-disk-remove.js';
import type { Effect } from './model.js';

export const EFFECTS: { [K in StepKind]: Effect<K> } = {
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

/** The live state after the step has run, as the daemons would leave it. Pure: `live` is not changed. */
export function expectedEffect(step: Step, live: LiveState): LiveState {
  const next = structuredClone(live);
  (EFFECTS[step.kind] as Effect<StepKind>)(step as StepOf<StepKind>, next);
  return next;
}

export { EffectError, type Effect } from './model.js';
