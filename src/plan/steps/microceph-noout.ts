// `microceph/noout` and `microceph/noout/unset`: Ceph's noout flag around the MicroCeph refreshes
// (MicroCeph's upgrade guide, canonical/microceph docs/snap/how-to/major-upgrade.rst at 79f99b50),
// so OSDs that restart with their snap are not marked out. Set: the flag is set (by anyone). Unset:
// the flag is not set by this tool (its config-key marker with the flag) and the refreshes it
// closes show on their machines: a noout an operator set by hand is never cleared.
import type { LiveState } from '../../live/state.js';
import { installedSnap } from './snap.js';
import type { StepSpec } from './spec.js';

export const NOOUT_SET_ADDRESS = 'microceph/noout';
export const NOOUT_UNSET_ADDRESS = 'microceph/noout/unset';

export const nooutOurs = (live: LiveState): boolean => live.snaps?.noout?.set === true && live.snaps.noout.ours;

export const microcephNoout: StepSpec<'microceph-noout'> = {
  kind: 'microceph-noout',
  service: 'microceph',
  clusterWide: () => true,
  satisfied: (step, live) => (step.inputs.set
    ? live.snaps?.noout?.set === true
    : !nooutOurs(live) && step.inputs.after.every((a) => installedSnap(live, a.machine, a.snap)?.revision === a.revision)),
};
