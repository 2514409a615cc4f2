// Cluster member rendering: raft roles, leader, Online/Offline status (lxd/db/node.go ToAPI).
import type { FlavorInfo } from './flavor.js';
import type { Database, MemberRecord } from './state.js';

/** Whether a member answers (its machine is up and its daemon is still in this cluster). */
export type MemberUp = (m: MemberRecord) => boolean;

export type RaftRole = 'voter' | 'stand-by' | 'spare';

/** Raft roles as LXD's Accept + rebalance settle them: up to 3 voters (a 2-member cluster has one voter
 *  and one stand-by), then up to 2 stand-bys, the rest spares. Join order decides. */
export function raftRoles(db: Database): Map<string, RaftRole> {
  const out = new Map<string, RaftRole>();
  const n = db.members.length;
  const voters = n >= 3 ? 3 : 1;
  db.members.forEach((m, i) => {
    if (i < voters) out.set(m.name, 'voter');
    else if (i < voters + 2) out.set(m.name, 'stand-by');
    else out.set(m.name, 'spare');
  });
  return out;
}

/** The dqlite leader: the first voter that is up (the bootstrap member while it lives). */
export function leaderOf(db: Database, up: MemberUp): MemberRecord | undefined {
  const roles = raftRoles(db);
  return db.members.find((m) => roles.get(m.name) === 'voter' && up(m)) ?? db.members[0];
}

/** Go's time.Duration.String() for a millisecond count. */
export function goDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const totalNs = Math.round(ms * 1e6);
  const h = Math.floor(totalNs / 3.6e12);
  const m = Math.floor((totalNs % 3.6e12) / 6e10);
  const sNs = totalNs % 6e10;
  const sec = (sNs / 1e9).toFixed(9).replace(/\.?0+$/, '');
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  if (totalNs < 1e6) return `${(totalNs / 1e3).toString()}µs`;
  if (totalNs < 1e9) return `${(totalNs / 1e6).toString()}ms`;
  return `${sec}s`;
}

/** Go's time.Time.String() in UTC: "2006-01-02 15:04:05.999999999 +0000 UTC". */
export function goTime(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const ms = d.getUTCMilliseconds();
  const frac = ms ? `.${p(ms, 3)}`.replace(/0+$/, '') : '';
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${frac} +0000 UTC`;
}

export function renderMember(db: Database, m: MemberRecord, up: MemberUp, flavor: FlavorInfo, now = Date.now(),
  blocked: (m: MemberRecord) => 'older' | 'newer' | null = () => null): Record<string, unknown> {
  const roles = raftRoles(db);
  const leader = leaderOf(db, up);
  const raft = roles.get(m.name);
  const isLeader = leader?.name === m.name;
  const out: string[] = [];
  let database = false;
  if (isLeader) { out.push('database-leader'); database = true; }
  if (raft === 'voter' && (flavor.roleStyle === 'v5' || !isLeader)) {
    out.push(flavor.roleStyle === 'v5' ? 'database' : 'database-voter');
    database = true;
  }
  if (raft === 'stand-by') { out.push('database-standby'); database = true; }
  const online = up(m);
  // ToAPI: a member that heartbeats but runs another version than some other member is Blocked.
  const block = blocked(m);
  return {
    server_name: m.name,
    url: `https://${m.address}`,
    database,
    // An evacuated member is "Evacuated" before any other status (lxd/db/node.go ToAPI, canonical/lxd a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05).
    status: m.evacuated ? 'Evacuated' : block ? 'Blocked' : online ? 'Online' : 'Offline',
    message: m.evacuated ? 'Unavailable due to maintenance' : block ? `LXD version is ${block} than other members`
      : online ? 'Fully operational' : `No heartbeat for ${goDuration(now - m.lastHeartbeat)} (${goTime(m.lastHeartbeat)})`,
    architecture: m.architecture,
    roles: out,
    failure_domain: m.failureDomain,
    description: m.description,
    config: { ...m.config },
    groups: [...m.groups],
  };
}
