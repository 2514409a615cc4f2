// The join of one machine into the initiator's MicroCeph or MicroOVN cluster: a token issued on the
// anchor for the joiner's name (a stale one revoked first), POST /core/control on the joiner, then
// the anchor must list the member.
import { SERVICE_LABEL, type StepOf } from '../../plan/index.js';
import { MINUTE, hostOf, type PlanStepRunner } from './common.js';
import { isMicroMember, joinMicro, microReady, waitForMember, type Micro } from './micro.js';

type JoinKind = 'microceph-join' | 'microovn-join';

export function microJoin<K extends JoinKind>(svc: Micro, configOf: (inputs: StepOf<K>['inputs']) => Record<string, string>): PlanStepRunner<K> {
  return {
    // 5 min for the join itself (MicroCloud's), 1 min for the member to show, and the token calls.
    timeoutMs: 7 * MINUTE,
    check: (step, hosts) => isMicroMember(hostOf(hosts, step.inputs.cluster), hostOf(hosts, step.machine), svc, step.inputs.name),
    async act(step, hosts, ctx) {
      const { name, address, cluster } = step.inputs;
      const joiner = hostOf(hosts, step.machine);
      if (await microReady(joiner, svc)) {
        throw new Error(`${SERVICE_LABEL[svc]} on ${step.machine} already belongs to a cluster that ${cluster} is not part of: ` +
          `remove it from that cluster (or reinstall the snap) before joining it to ${cluster}'s`);
      }
      await joinMicro(hostOf(hosts, cluster), joiner, svc, { name, address, config: configOf(step.inputs) }, ctx);
    },
    verify: (step, hosts, ctx) => waitForMember(hostOf(hosts, step.inputs.cluster), svc, step.inputs.name, ctx),
  };
}
