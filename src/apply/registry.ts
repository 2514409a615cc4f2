// The runner of every step kind of the plan's catalogue (src/plan/steps/index.ts). A kind lives in
// two files: src/plan/steps/<kind>.ts says what it is and when it is done (`satisfied`), and
// src/apply/steps/<kind>.ts how it acts (a StepActor); steps/runner.ts makes the executor's
// check → act → verify of the two, so apply decides "already done" with the planner's own predicate.
// Typed over StepKind, so a kind added to the plan without an actor does not compile.
import type { Step, StepKind } from '../plan/index.js';
import type { Hosts, PlanStepRunner } from './steps/common.js';
import { lxdBootstrap } from './steps/lxd-bootstrap.js';
import { lxdJoin } from './steps/lxd-join.js';
import { lxdNetwork } from './steps/lxd-network.js';
import { lxdNetworkPending } from './steps/lxd-network-pending.js';
import { lxdPool } from './steps/lxd-pool.js';
import { lxdPoolPending } from './steps/lxd-pool-pending.js';
import { lxdProfile } from './steps/lxd-profile.js';
import { lxdServerConfig } from './steps/lxd-server-config.js';
import { lxdVolume } from './steps/lxd-volume.js';
import { microcephBootstrap } from './steps/microceph-bootstrap.js';
import { microcephConfig } from './steps/microceph-config.js';
import { microcephDisk } from './steps/microceph-disk.js';
import { microcephJoin } from './steps/microceph-join.js';
import { microcephReplication } from './steps/microceph-replication.js';
import { microovnBootstrap } from './steps/microovn-bootstrap.js';
import { microovnJoin } from './steps/microovn-join.js';
import { microcloudBootstrap } from './steps/microcloud-bootstrap.js';
import { microcloudJoin } from './steps/microcloud-join.js';
import { gate } from './steps/gate.js';
import { microcephNoout } from './steps/microceph-noout.js';
import { snap } from './steps/snap.js';
import { lxdMemberRemove, microcephMemberRemove, microcloudMemberRemove, microovnMemberRemove } from './steps/member-remove.js';
import { lxdVolumeRemove } from './steps/lxd-volume-remove.js';
import { lxdMemberEvacuate } from './steps/lxd-member-evacuate.js';
import { microcephDiskRemove } from './steps/microceph-disk-remove.js';
import { planStepRunner, type StepActor } from './steps/runner.js';
import type { StepRegistry, StepRunner } from './types.js';

export const STEP_ACTORS: { [K in StepKind]: StepActor<K> } = {
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

export const STEP_RUNNERS = Object.fromEntries(
  Object.entries(STEP_ACTORS).map(([kind, actor]) => [kind, planStepRunner(actor as StepActor<StepKind>)]),
) as { [K in StepKind]: PlanStepRunner<K> };

/** The registry the executor takes for plans made by src/plan. */
export const planRegistry: StepRegistry<Step, Hosts> = (step) =>
  STEP_RUNNERS[step.kind] as unknown as StepRunner<Step, Hosts> | undefined;
