// `microcloud/member/<m>`: the joiner joins MicroCloud's cluster inside a trust session with the
// initiator (microcloud-session.ts), with the file's session_passphrase. 5 min for the join
// (MicroCloud's RequestJoin), 30 s for it to show, and the session's exchange around it.
import { SESSION_PASSPHRASE_REF } from '../../preseed/desired.js';
import { MINUTE } from './common.js';
import { MEMBER_SHOWS_MS } from './micro.js';
import { joinMissing } from './micro-join.js';
import { joinWithSession } from './microcloud-session.js';
import type { StepActor } from './runner.js';

const TIMEOUT_MS = 8 * MINUTE;

export const microcloudJoin: StepActor<'microcloud-join'> = {
  timeoutMs: TIMEOUT_MS,
  reads: (step) => [{ machine: step.inputs.name, services: ['microcloud'] }, { machine: step.inputs.cluster, services: ['microcloud'] }],
  async act(step, hosts, ctx, done) {
    const { name, ip, initiatorIp, cluster, interfaces } = step.inputs;
    const passphrase = ctx.secrets.named(SESSION_PASSPHRASE_REF);
    await joinWithSession(hosts, {
      initiator: cluster, joiner: step.machine, initiatorAddress: initiatorIp, joinerAddress: ip, name,
      ...(passphrase ? { passphrase } : {}),
      // The session must outlast the join; the step's own timeout bounds it.
      timeoutMs: TIMEOUT_MS - MINUTE,
      interfaces: { [cluster]: [{ name: interfaces.initiator, addresses: [initiatorIp] }], [step.machine]: [{ name: interfaces.joiner, addresses: [ip] }] },
    }, ctx, done);
  },
  showsWithinMs: MEMBER_SHOWS_MS,
  missing: (step, live) => joinMissing('microcloud', step.inputs, live),
};
