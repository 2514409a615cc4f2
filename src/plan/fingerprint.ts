// A stable hash of what the plan was made from. Key order and the members' momentary status
// (heartbeats flap without the site changing) do not count; everything else the planner reads does.
import { createHash } from 'node:crypto';
import type { LiveState, MachineLive } from '../live/state.js';

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

const withoutStatus = <T extends { status: string }>(members: readonly T[]): Omit<T, 'status'>[] =>
  members.map(({ status: _status, ...rest }) => rest);

function stable(m: MachineLive): unknown {
  if (!m.reachable) return m;
  return {
    ...m,
    lxd: m.lxd && { ...m.lxd, members: withoutStatus(m.lxd.members) },
    // quorum follows the members' status, as their status does.
    microceph: m.microceph && (({ quorum: _quorum, ...c }) => ({ ...c, members: withoutStatus(c.members) }))(m.microceph),
    microovn: m.microovn && { ...m.microovn, members: withoutStatus(m.microovn.members) },
  };
}

export function liveFingerprint(live: LiveState): string {
  const machines = Object.fromEntries(Object.entries(live.machines).map(([k, m]) => [k, stable(m)]));
  return `sha256:${createHash('sha256').update(canonicalJson({ machines })).digest('hex')}`;
}
