// The join of one machine into the initiator's MicroCeph or MicroOVN cluster: a token issued on the
// anchor for the joiner's name (a stale one revoked first), POST /core/control on the joiner, then
// the anchor must list the member. Done when the plan's `satisfied` says so: the joiner and the
// anchor's member list are read (src/plan/steps/micro-join.ts).
import { reachable, SERVICE_LABEL, type LiveState, type MicroName, type StepOf } from '../../plan/index.js';
import { MINUTE, hostOf } from './common.js';
import { alreadyClustered, joinMicro, MEMBER_SHOWS_MS, microReady, type Micro } from './micro.js';
import type { StepActor } from './runner.js';

type JoinKind = 'microceph-join' | 'microovn-join';

/** Verify's message for a microcluster join that does not show: which half of `satisfied` failed. */
export function joinMissing(svc: MicroName, { name, cluster }: { name: string; cluster: string }, live: LiveState): string {
  const label = SERVICE_LABEL[svc];
  if (reachable(live, name)?.[svc]?.initialized !== true) return `${label} on ${name} is not initialized after joining it to ${cluster}'s cluster`;
  const members = reachable(live, cluster)?.[svc]?.members.map((m) => m.name) ?? [];
  return `${name} is not among the ${label} members ${cluster} lists (${members.join(', ') || 'none'})`;
}

export function microJoin<K extends JoinKind>(svc: Micro, configOf: (inputs: StepOf<K>['inputs']) => Record<string, string>): StepActor<K> {
  return {
    // 5 min for the join itself (MicroCloud's), 1 min for the member to show, and the token calls.
    timeoutMs: 7 * MINUTE,
    reads: (step) => [{ machine: step.inputs.name, services: [svc] }, { machine: step.inputs.cluster, services: [svc] }],
    async act(step, hosts, ctx, done) {
      const { name, address, cluster } = step.inputs;
      const joiner = hostOf(hosts, step.machine);
      if (await microReady(joiner, svc)) throw await alreadyClustered(joiner, svc, cluster);
      await joinMicro(hostOf(hosts, cluster), joiner, svc, { name, address, config: configOf(step.inputs) }, ctx, done);
    },
    showsWithinMs: MEMBER_SHOWS_MS,
    missing: (step, live) => joinMissing(svc, step.inputs, live),
  };
}
