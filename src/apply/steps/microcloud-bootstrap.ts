// `microcloud/cluster@<initiator>`: MicroCloud's CloudService.Bootstrap (src/apply/steps/microcloud.ts);
// MicroCloud allows it 2 min, then 1 min for the member to show.
import { MINUTE, hostOf } from './common.js';
import { MEMBER_SHOWS_MS } from './micro.js';
import { bootstrapMicroCloud } from './microcloud.js';
import type { StepActor } from './runner.js';

export const microcloudBootstrap: StepActor<'microcloud-bootstrap'> = {
  timeoutMs: 4 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['microcloud'] }],
  act: (step, hosts, ctx, done) => bootstrapMicroCloud(hostOf(hosts, step.machine), step.inputs, ctx, done),
  showsWithinMs: MEMBER_SHOWS_MS,
  missing: (step) => `MicroCloud on ${step.machine} is not initialized, or does not list ${step.inputs.name}, after bootstrapping it`,
};
