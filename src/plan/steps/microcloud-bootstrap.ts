// `microcloud/cluster@<initiator>`: MicroCloud's own microcluster, bootstrapped on the initiator
// before the other services, as `microcloud init` does (canonical/microcloud cmd/microcloud/main_init.go
// setupCluster, service/microcloud.go Bootstrap, f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741). Done
// when its daemon's database is open and it lists itself: what `microcloud status` checks.
import { reachable } from '../../live/state.js';
import type { StepSpec } from './spec.js';

export const microcloudClusterAddress = (machine: string): string => `microcloud/cluster@${machine}`;

export const microcloudBootstrap: StepSpec<'microcloud-bootstrap'> = {
  kind: 'microcloud-bootstrap',
  service: 'microcloud',
  clusterWide: () => false,
  satisfied: (step, live) => {
    const own = reachable(live, step.machine)?.microcloud;
    return own?.initialized === true && own.members.some((m) => m.name === step.inputs.name);
  },
};
