// `<service>/member/<m>` destroyed: DELETE /1.0/cluster/members/<m> (LXD) or /core/1.0/cluster/<m>
// (MicroOVN, MicroCeph, MicroCloud) on the surviving member, `?force=1` when the file says force,
// as MicroCloud's own removal calls them (canonical/microcloud service/lxd.go and service/microceph.go
// DeleteClusterMember, f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741). The daemon forwards to its leader;
// a member already gone answers 404 (LXD) or "No remote exists" (microcluster), which counts as done
// once the member list, read again, agrees.
import type { ServiceName } from '../../live/state.js';
import { membersSeenFrom } from '../../plan/steps/member-remove.js';
import { SERVICE_LABEL, type StepKind } from '../../plan/index.js';
import { MINUTE, enc, hostOf, isNotFound, unlessAlreadyDone, withQuery } from './common.js';
import type { StepActor } from './runner.js';

type MemberRemoveKind = 'lxd-member-remove' | 'microovn-member-remove' | 'microceph-member-remove' | 'microcloud-member-remove';

/** LXD cleans the member up (its networks and pools, then a reset); microcluster runs its pre-remove hook. */
const REMOVE_MS = 5 * MINUTE;

function memberRemove<K extends MemberRemoveKind & StepKind>(svc: ServiceName): StepActor<K> {
  const label = SERVICE_LABEL[svc];
  return {
    timeoutMs: REMOVE_MS + MINUTE,
    reads: (step) => [{ machine: step.machine, services: [svc] }],
    async act(step, hosts, ctx, done) {
      const { name, force } = step.inputs;
      const path = svc === 'lxd' ? `/1.0/cluster/members/${enc(name)}` : `/core/1.0/cluster/${enc(name)}`;
      try {
        await hostOf(hosts, step.machine).request(svc, 'DELETE', withQuery(path, { force: force ? '1' : null }), undefined, { timeoutMs: REMOVE_MS });
      } catch (err) {
        if (isNotFound(err) && (await done())) return ctx.note(`${name} was already gone from ${label}`);
        await unlessAlreadyDone(err, [/No remote exists with the given name/], done, ctx);
      }
    },
    showsWithinMs: MINUTE,
    missing: (step, live) =>
      `${step.machine} still lists ${step.inputs.name} among the ${label} members (${(membersSeenFrom(live, svc, step.machine) ?? []).join(', ') || 'none'})`,
  };
}

export const lxdMemberRemove = memberRemove<'lxd-member-remove'>('lxd');
export const microovnMemberRemove = memberRemove<'microovn-member-remove'>('microovn');
export const microcephMemberRemove = memberRemove<'microceph-member-remove'>('microceph');
export const microcloudMemberRemove = memberRemove<'microcloud-member-remove'>('microcloud');
