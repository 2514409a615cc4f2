// `microceph/noout`, `microceph/noout/unset`: Ceph's noout flag with this tool's config-key marker
// (src/services/ceph-cli.ts says why and in which order). Unset clears only a flag the marker says
// is ours; the plan never has it otherwise.
import { nooutOurs } from '../../plan/steps/microceph-noout.js';
import { installedSnap } from '../../plan/steps/snap.js';
import { setNoout, unsetNoout } from '../../services/ceph-cli.js';
import { MINUTE, hostOf } from './common.js';
import type { StepActor } from './runner.js';

export const microcephNoout: StepActor<'microceph-noout'> = {
  timeoutMs: 5 * MINUTE,
  reads: (step) => [
    { machine: step.machine, services: [], snaps: ['noout'] },
    ...step.inputs.after.map((a) => ({ machine: a.machine, services: [], snaps: ['installed' as const] })),
  ],
  async act(step, hosts, ctx) {
    const host = hostOf(hosts, step.machine);
    if (step.inputs.set) await setNoout(host, `set by microcloud-apply for its MicroCeph refreshes at ${new Date(ctx.clock.now()).toISOString()}`);
    else await unsetNoout(host);
  },
  missing: (step, live) => (step.inputs.set ? 'Ceph\'s noout flag is not set'
    : nooutOurs(live) ? 'Ceph\'s noout flag set by this tool is still set'
      : `the MicroCeph refreshes it closes do not show yet: ${step.inputs.after.filter((a) => installedSnap(live, a.machine, a.snap)?.revision !== a.revision).map((a) => a.machine).join(', ')}`),
};
