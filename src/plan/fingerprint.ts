// A stable hash of what the plan was made from. Key order and the members' momentary status
// (heartbeats flap without the site changing) do not count; everything else the planner reads does.
import { createHash } from 'node:crypto';
import type { LiveState } from '../live/state.js';

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

const withoutStatus = <T extends { status: string }>(members: readonly T[]): Omit<T, 'status'>[] =>
  members.map(({ status: _status, ...rest }) => rest);

const stableMembers = <C extends { members: { status: string }[] }>(clusters: Record<string, C>) =>
  Object.fromEntries(Object.entries(clusters).map(([k, c]) => [k, { ...c, members: withoutStatus(c.members) }]));

export function liveFingerprint(live: LiveState): string {
  const { lxd, microceph, microovn } = live.clusters;
  const stable = {
    machines: live.machines,
    clusters: {
      lxd: stableMembers(lxd),
      // quorum follows the members' status, as their status does.
      microceph: stableMembers(Object.fromEntries(Object.entries(microceph).map(([k, { quorum: _quorum, ...c }]) => [k, c]))),
      microovn: stableMembers(microovn),
    },
  };
  return `sha256:${createHash('sha256').update(canonicalJson(stable)).digest('hex')}`;
}
