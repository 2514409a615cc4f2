// The snap steps: installs first (in parallel across machines, one snap after another on each, as
// snapd would refuse a second change on a shared base), then the refresh walk in MicroCloud's order
// (canonical/microcloud doc/how-to/update_upgrade.md at f26e73c0: "Update the same component's snap
// on all cluster members before moving to the next component"):
//   microceph/noout → gate/ceph-health → snap/microceph@m1 → gate/ceph-health@m1 → … → microceph/noout/unset
//   snap/microovn@m1 → gate/microovn-online@m1 → …        (one member at a time)
//   snap/lxd@* at once → gate/lxd-online                   (members of another version are Blocked)
//   snap/microcloud@m1 → gate/microcloud-online@m1 → …
// noout follows MicroCeph's upgrade guide (docs/snap/how-to/major-upgrade.rst at 79f99b50). Gates
// and noout are planned only where the refreshed daemon is in a cluster; a walk interrupted after
// noout was set is finished by the next plan (microceph/noout/unset alone). Every other step of the
// plan depends on every snap step (snapsFirst). Pure.
import type { DesiredState } from '../preseed/desired.js';
import { SNAP_NAMES, type DesiredSnap, type SnapName } from '../preseed/snaps.js';
import { reachable, type LiveState, type ServiceName } from '../live/state.js';
import type { PlanGraph } from './graph.js';
import type { Step, StepInputs } from './plan.js';
import { gateAddress } from './steps/gate.js';
import { NOOUT_SET_ADDRESS, NOOUT_UNSET_ADDRESS, nooutOurs } from './steps/microceph-noout.js';
import { installedSnap, snapAddress, snapDifferences } from './steps/snap.js';
import { snapTarget } from './snaps-view.js';

const MINUTE = 60_000;
/** How long a gate waits: Ceph recovers a member's OSDs (peering, backfill of what changed while it was down). */
export const GATE_TIMEOUT_MS = { 'ceph-health': 30 * MINUTE, 'members-online': 10 * MINUTE } as const;
/** The checks a Ceph gate lets through: the walk's own noout shows as OSDMAP_FLAGS. */
export const CEPH_GATE_ALLOW = ['OSDMAP_FLAGS'];

type Change = 'install' | 'refresh' | 'hold';

interface Planned { machine: string; inputs: StepInputs['snap']; change: Change; differs: string[] }

/** Each machine's change of each listed snap, in MicroCloud's refresh order. */
function changes(desired: DesiredState, live: LiveState, machines: readonly string[]): Map<SnapName, Planned[]> {
  const out = new Map<SnapName, Planned[]>();
  for (const name of SNAP_NAMES) {
    const want = desired.snaps[name];
    if (!want) continue;
    const inputs = snapInputs(live, want);
    const list: Planned[] = [];
    for (const machine of machines) {
      const have = installedSnap(live, machine, name);
      const differs = snapDifferences(inputs, have);
      if (differs.length === 0) continue;
      const change: Change = !have ? 'install' : differs.every((d) => d === 'is not held') ? 'hold' : 'refresh';
      list.push({ machine, inputs, change, differs });
    }
    out.set(name, list);
  }
  return out;
}

export function snapInputs(live: LiveState, want: DesiredSnap): StepInputs['snap'] {
  return { name: want.name, channel: want.channel, revision: want.revision, expect: snapTarget(live, want).revision, cohort: want.cohort, hold: want.hold };
}

function describe(p: Planned): string {
  const { name, channel, revision, expect, cohort, hold } = p.inputs;
  const rev = revision !== null ? ` (revision ${revision})` : expect ? ` (revision ${expect}${cohort ? ', in a cohort' : ''})` : cohort ? ' (in a cohort)' : '';
  const then = hold ? ', then hold it' : '';
  if (p.change === 'install') return `install ${name} ${channel}${rev}${then}`;
  if (p.change === 'hold') return `hold ${name}'s refreshes`;
  return `refresh ${name} to ${channel}${rev}${then}: it ${p.differs.filter((d) => d !== 'is not held').join(', ')}`;
}

/** Whether the machine's daemon of the service is part of a cluster (then a restart is felt). */
function inCluster(live: LiveState, machine: string, svc: ServiceName): boolean {
  const m = reachable(live, machine);
  return svc === 'lxd' ? m?.lxd?.clustered === true : m?.[svc]?.initialized === true;
}

/**
 * Adds the snap steps to `g` (planned over the live state as it is) and returns their addresses.
 * `machines`: every machine of the site (the initiator first in add mode).
 */
export function planSnaps(desired: DesiredState, live: LiveState, machines: readonly string[], g: PlanGraph): string[] {
  const all = changes(desired, live, machines);
  const added: string[] = [];
  const add = (draft: Parameters<PlanGraph['add']>[0], after: readonly string[]): string => {
    if (g.add(draft, after)) added.push(draft.address);
    return draft.address;
  };
  const snapStep = (p: Planned, after: readonly string[]): string => add({
    address: snapAddress(p.inputs.name, p.machine), kind: 'snap', service: p.inputs.name, machine: p.machine,
    action: p.change === 'install' ? 'create' : 'update', reason: describe(p), inputs: p.inputs,
    changes: p.change === 'install' ? [] : snapChanges(live, p),
  }, after);

  // Installs and holds: nothing restarts, so side by side across machines, in order on each.
  const perMachine = new Map<string, string[]>();
  for (const list of all.values()) {
    for (const p of list.filter((x) => x.change !== 'refresh')) {
      const before = perMachine.get(p.machine) ?? [];
      perMachine.set(p.machine, [...before, snapStep(p, before)]);
    }
  }
  let before = [...perMachine.values()].flat();

  for (const [name, list] of all) {
    const refreshes = list.filter((p) => p.change === 'refresh');
    const members = refreshes.filter((p) => inCluster(live, p.machine, name));
    if (name === 'lxd') {
      const started = refreshes.map((p) => snapStep(p, before));
      const anchor = members[0]?.machine;
      if (anchor) {
        started.push(add(gate('members-online', 'lxd', anchor, undefined, members), [...before, ...started]));
      }
      before = [...before, ...started];
      continue;
    }
    const check = name === 'microceph' ? 'ceph-health' : 'members-online';
    if (name === 'microceph' && members.length > 0) before = [...before, add(noout(true, members[0]!.machine, []), before)];
    if (members.length > 0) before = [...before, add(gate(check, name, members[0]!.machine, undefined, []), before)];
    for (const p of refreshes) {
      before = [...before, snapStep(p, before)];
      if (inCluster(live, p.machine, name)) before = [...before, add(gate(check, name, p.machine, p.machine, [p]), before)];
    }
    if (name === 'microceph' && (members.length > 0 || nooutOurs(live))) {
      const anchor = members[0]?.machine ?? cephMember(live, machines);
      if (anchor) before = [...before, add(noout(false, anchor, refreshes), before)];
    }
  }
  return added;
}

const afterOf = (p: Planned): StepInputs['gate']['after'][number] =>
  ({ machine: p.machine, snap: p.inputs.name, revision: p.inputs.revision !== null ? String(p.inputs.revision) : p.inputs.expect });

function cephMember(live: LiveState, machines: readonly string[]): string | undefined {
  return machines.find((m) => inCluster(live, m, 'microceph'));
}

function gate(check: StepInputs['gate']['check'], service: ServiceName, machine: string, after: string | undefined, refreshed: readonly Planned[]): Parameters<PlanGraph['add']>[0] {
  const what = check === 'ceph-health' ? 'Ceph is healthy (noout aside)' : `every ${service} member is online`;
  return {
    // Shown as `~`: a gate changes nothing, it waits on the change before it.
    address: gateAddress(check, service, after), kind: 'gate', service, machine, action: 'update',
    reason: after ? `wait until ${what} after snap/${service}@${after}` : `wait until ${what} before refreshing ${service}`,
    inputs: {
      check, service, after: refreshed.map(afterOf),
      allow: check === 'ceph-health' ? CEPH_GATE_ALLOW : [], timeoutMs: GATE_TIMEOUT_MS[check],
    },
  };
}

function noout(set: boolean, machine: string, refreshed: readonly Planned[]): Parameters<PlanGraph['add']>[0] {
  return {
    address: set ? NOOUT_SET_ADDRESS : NOOUT_UNSET_ADDRESS, kind: 'microceph-noout', service: 'microceph', machine,
    action: set ? 'create' : 'update',
    reason: set ? 'set Ceph\'s noout while MicroCeph restarts member by member' : 'unset the noout this tool set',
    inputs: { set, after: refreshed.map(afterOf) },
  };
}

function snapChanges(live: LiveState, p: Planned): Step['changes'] {
  const have = installedSnap(live, p.machine, p.inputs.name);
  const revision = p.inputs.revision !== null ? String(p.inputs.revision) : p.inputs.expect;
  return [
    ...(have && have.channel !== p.inputs.channel ? [{ key: 'channel', before: have.channel || null, after: p.inputs.channel }] : []),
    ...(have && revision !== '' && have.revision !== revision ? [{ key: 'revision', before: have.revision, after: revision }] : []),
    ...(have && p.inputs.cohort && !have.cohort ? [{ key: 'cohort', before: null, after: 'in a cohort' }] : []),
    ...(have && p.inputs.hold && !have.held ? [{ key: 'hold', before: null, after: 'forever' }] : []),
  ];
}

/** Every other step waits for the snap steps: the daemons it talks to are the ones they leave. */
export function snapsFirst(steps: readonly Step[], snapAddresses: readonly string[]): Step[] {
  if (snapAddresses.length === 0) return [...steps];
  const snaps = new Set(snapAddresses);
  return steps.map((s) => (snaps.has(s.address) ? s : { ...s, dependsOn: [...new Set([...snapAddresses, ...s.dependsOn])] }));
}
