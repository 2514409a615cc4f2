// The second axis of `status` (Argo CD style): is the site healthy, apart from whether it matches
// the file. Pure: members' status as gathered from the anchor machine, and Ceph's own health.
import { reachable, type LiveState } from '../live/state.js';

export type ServiceHealth = {
  service: 'LXD' | 'MicroCeph' | 'MicroOVN' | 'Ceph';
  healthy: boolean;
  /** e.g. "3/3 members online", "HEALTH_WARN: OSD_DOWN" */
  summary: string;
  /** Members that are not online, with their status. */
  problems: string[];
};

export interface CephHealthReport {
  status: string;
  checks?: Record<string, unknown>;
}

function members(service: ServiceHealth['service'], list: { name: string; status: string }[], online: string): ServiceHealth {
  const down = list.filter((m) => m.status !== online);
  return {
    service,
    healthy: list.length > 0 && down.length === 0,
    summary: list.length === 0 ? 'not clustered' : `${list.length - down.length}/${list.length} members ${online.toLowerCase()}`,
    problems: down.map((m) => `${m.name}: ${m.status}`),
  };
}

/**
 * Health as `anchor` (the initiator, or the first reachable member) sees it. `ceph` is the output of
 * `microceph.ceph health --format json` there, or an error text when it could not be read.
 */
export function siteHealth(live: LiveState, anchor: string, ceph: CephHealthReport | string | null): ServiceHealth[] {
  const m = reachable(live, anchor);
  if (!m) return [];
  const out: ServiceHealth[] = [];
  if (m.lxd) out.push(members('LXD', m.lxd.members, 'Online'));
  if (m.microceph) out.push(members('MicroCeph', m.microceph.members, 'ONLINE'));
  if (m.microovn) out.push(members('MicroOVN', m.microovn.members, 'ONLINE'));
  if (m.microceph?.quorum === false) {
    // Gather saw most monitors' members unreachable and did not ask Ceph (src/services/microceph.ts).
    const mons = m.microceph.services.filter((s) => s.service === 'mon').map((s) => s.location);
    const down = m.microceph.members.filter((x) => mons.includes(x.name) && x.status !== 'ONLINE');
    out.push({ service: 'Ceph', healthy: false, summary: 'no monitor quorum', problems: down.map((x) => `mon.${x.name}: ${x.status}`) });
  } else if (m.microceph?.initialized && ceph !== null) {
    if (typeof ceph === 'string') {
      out.push({ service: 'Ceph', healthy: false, summary: 'health unknown', problems: [ceph] });
    } else {
      const checks = Object.keys(ceph.checks ?? {});
      out.push({
        service: 'Ceph',
        healthy: ceph.status === 'HEALTH_OK',
        summary: checks.length > 0 ? `${ceph.status}: ${checks.join(', ')}` : ceph.status,
        problems: [],
      });
    }
  }
  return out;
}
