// `microovn/cluster@<initiator>`: microcluster bootstrap; central, chassis and switch on the initiator.
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const microovnClusterAddress = (machine: string): string => `microovn/cluster@${machine}`;

export const microovnBootstrap: StepSpec<'microovn-bootstrap'> = {
  kind: 'microovn-bootstrap',
  service: 'microovn',
  clusterWide: () => false,
  satisfied: (step, live) => reachable(live, step.machine)?.microovn?.initialized === true,
};
