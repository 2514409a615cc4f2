// `gate/ceph-health[@<m>]`, `gate/<service>-online[@<m>]`: the refresh walk's health checks, steps
// of their own so the plan shows them and a failed one stops the walk. `@<m>` follows the refresh of
// that machine; without it the gate opens its phase (a walk resumed after an interruption starts
// only once the site is healthy). Done once the refreshes it follows show on their machines and the
// site is healthy: Ceph's health OK, or only the allowed checks (OSDMAP_FLAGS for the walk's own
// noout); or every member of the service online as the gate's machine sees it.
import { reachable, type LiveState, type ServiceName } from '../../live/state.js';
import type { StepOf } from '../plan.js';
import { installedSnap } from './snap.js';
import type { StepSpec } from './spec.js';

export function gateAddress(check: 'ceph-health' | 'members-online', service: ServiceName, after?: string): string {
  return `gate/${check === 'ceph-health' ? 'ceph-health' : `${service}-online`}${after ? `@${after}` : ''}`;
}

/** The members of the service that are not online as `machine` sees them; null: it sees no cluster. */
export function membersNotOnline(live: LiveState, machine: string, service: ServiceName): string[] | null {
  const m = reachable(live, machine);
  const members = service === 'lxd' ? m?.lxd?.members : m?.[service]?.members;
  if (!members || members.length === 0) return null;
  const online = service === 'lxd' ? 'Online' : 'ONLINE';
  return members.filter((x) => x.status !== online).map((x) => `${x.name}: ${x.status}`);
}

/** What keeps the gate closed, in words; empty when it is open. */
export function gateBlockers(step: StepOf<'gate'>, live: LiveState): string[] {
  const out = step.inputs.after.flatMap((a) => {
    const have = installedSnap(live, a.machine, a.snap);
    return have && (a.revision === '' || have.revision === a.revision) ? [] : [`${a.snap} on ${a.machine} is not at revision ${a.revision} yet`];
  });
  if (step.inputs.check === 'ceph-health') {
    const h = live.snaps?.cephHealth;
    if (!h) out.push('Ceph\'s health was not read');
    else if (h.status !== 'HEALTH_OK') {
      const bad = h.checks.filter((c) => !step.inputs.allow.includes(c));
      if (bad.length > 0 || h.checks.length === 0) out.push(`Ceph is ${h.status}${bad.length ? `: ${bad.join(', ')}` : ''}`);
    }
  } else {
    const down = membersNotOnline(live, step.machine, step.inputs.service);
    if (down === null) out.push(`${step.machine} sees no ${step.inputs.service} members`);
    else if (down.length > 0) out.push(`not online: ${down.join(', ')}`);
  }
  return out;
}

export const gate: StepSpec<'gate'> = {
  kind: 'gate',
  service: 'lxd',
  clusterWide: () => true,
  satisfied: (step, live) => gateBlockers(step, live).length === 0,
};
