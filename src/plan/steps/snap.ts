// `snap/<name>@<m>`: one of MicroCloud's four snaps on one machine, as the file's `snaps:` asks —
// tracking the channel, at the pinned revision or (unpinned) at the revision the store's channel
// gave when the plan was made, in a cohort and held when asked. Install (create) or refresh (update).
import { reachable, type InstalledSnap, type LiveState } from '../../live/state.js';
import type { StepInputs } from '../plan.js';
import type { StepSpec } from './spec.js';

export const snapAddress = (name: string, machine: string): string => `snap/${name}@${machine}`;

/** What of the wanted snap `have` lacks, in words; empty when nothing. */
export function snapDifferences(want: StepInputs['snap'], have: InstalledSnap | undefined): string[] {
  if (!have) return ['not installed'];
  const revision = want.revision !== null ? String(want.revision) : want.expect;
  return [
    ...(have.channel !== want.channel ? [`tracks ${have.channel || 'no channel'}, not ${want.channel}`] : []),
    ...(revision !== '' && have.revision !== revision ? [`is at revision ${have.revision}, not ${revision}`] : []),
    ...(want.cohort && !have.cohort ? ['is in no cohort'] : []),
    ...(want.hold && !have.held ? ['is not held'] : []),
  ];
}

/** The machine's record of the snap, from its host facts (apply reads them for this kind). */
export const installedSnap = (live: LiveState, machine: string, name: string): InstalledSnap | undefined =>
  reachable(live, machine)?.host.snaps.find((s) => s.name === name);

export const snap: StepSpec<'snap'> = {
  kind: 'snap',
  service: 'lxd',
  clusterWide: () => false,
  satisfied: (step, live) => snapDifferences(step.inputs, installedSnap(live, step.machine, step.inputs.name)).length === 0,
};
