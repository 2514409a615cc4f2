// How long the lab's daemons take over the slow operations during the bootstrap benchmark, and
// which of them each step kind waits for. Scaled down from real sites (a real LXD join takes
// seconds, a real OSD tens of seconds) so that 200 machines bootstrap in minutes, while still
// dwarfing the per-request latency as on a real site.
import type { StepKind } from '../src/plan/plan.js';
import type { LabDurations } from '../src/lab/types.js';

export const BENCH_DURATIONS: LabDurations = {
  lxdBootstrap: 800,
  lxdJoin: 600,
  microBootstrap: 500,
  microJoin: 400,
  diskAdd: 300,
  poolCreate: 300,
  networkCreate: 200,
  // A real snap install or refresh takes tens of seconds (download, mount, hooks, services).
  snapInstall: 1000,
  snapRefresh: 800,
  // A daemon answers a few seconds after systemd starts it; OSDs rejoin after their own start.
  daemonStart: 300,
  osdRestart: 300,
};

/**
 * The lab duration each step kind triggers, from where the lab sleeps: lxd/cluster.ts (bootstrap),
 * lxd/join.ts, micro/core-init.ts (bootstrap, join), micro/ceph-disks.ts (disk add), and the
 * cluster-wide create of lxd/pools.ts and lxd/networks.ts (the per-member pending rows do not wait).
 * Typed over StepKind: a new kind does not compile until it is placed here.
 */
export const STEP_DURATION: { [K in StepKind]: keyof LabDurations | null } = {
  'microceph-bootstrap': 'microBootstrap',
  'microceph-join': 'microJoin',
  'microceph-disk': 'diskAdd',
  'microceph-replication': null,
  'microceph-config': null,
  'microovn-bootstrap': 'microBootstrap',
  'microovn-join': 'microJoin',
  // MicroCloud's daemon is a microcluster too (lab micro/microcloud.ts on core-init.ts).
  'microcloud-bootstrap': 'microBootstrap',
  'microcloud-join': 'microJoin',
  'lxd-server-config': null,
  'lxd-bootstrap': 'lxdBootstrap',
  'lxd-join': 'lxdJoin',
  'lxd-pool-pending': null,
  'lxd-pool': 'poolCreate',
  'lxd-network-pending': null,
  'lxd-network': 'networkCreate',
  'lxd-profile': null,
  'lxd-volume': null,
  // A snap's change (lab snapd: snapInstall or snapRefresh, then daemonStart); gates and noout wait on others.
  'snap': 'snapInstall',
  'gate': null,
  'microceph-noout': null,
  // Removal: the lab's OSD removal sleeps diskAdd (micro/ceph-disks.ts disksDelete); the member removals do not wait.
  'microceph-disk-remove': 'diskAdd',
  'lxd-volume-remove': null,
  'lxd-member-evacuate': null,
  'lxd-member-remove': null,
  'microovn-member-remove': null,
  'microceph-member-remove': null,
  'microcloud-member-remove': null,
};

export function stepDurationMs(kind: string, durations: LabDurations): number {
  const key = STEP_DURATION[kind as StepKind];
  if (key === undefined) throw new Error(`no lab duration known for step kind ${JSON.stringify(kind)} (bench/durations.ts)`);
  return key === null ? 0 : durations[key];
}
