// `ceph health detail` as the Ceph cluster behind MicroCeph would report it: monitor quorum, down
// OSDs and hosts, and the placement groups the surviving OSDs can still serve.
import { daemonRunning } from '../machines.js';
import type { LabContext } from '../types.js';
import type { CoreCluster } from './core.js';
import { byName, type CephClusterState } from './ceph-model.js';

export interface CephHealthCheck {
  severity: 'HEALTH_WARN' | 'HEALTH_ERR';
  summary: { message: string; count: number };
  /** What `ceph health detail` adds; plain `ceph health` leaves it out. */
  detail: { message: string }[];
  muted: boolean;
}

/** `ceph health detail --format json` (drop each check's `detail` for plain `ceph health`). */
export interface CephHealthReport {
  status: 'HEALTH_OK' | 'HEALTH_WARN' | 'HEALTH_ERR';
  checks: Record<string, CephHealthCheck>;
  mutes: unknown[];
}

/** What the `ceph` CLI does when no monitor quorum can be reached: it times out. */
export class CephTimeoutError extends Error {
  readonly exitCode = 1;
  constructor() {
    super('[errno 110] RADOS timed out (error connecting to the cluster)');
    this.name = 'CephTimeoutError';
  }
}

/** `microceph.ceph health --format json`; throws CephTimeoutError when the monitors have no quorum. */
export function healthReport(c: CoreCluster<CephClusterState>, ctx: LabContext): CephHealthReport {
  const st = c.app;
  const machineOf = new Map(c.members.map((mm) => [mm.name, mm.machine]));
  // A mon runs while its machine's MicroCeph services do; an OSD comes back a while after them.
  const up = (member: string): boolean => {
    const machine = machineOf.get(member);
    return machine !== undefined && daemonRunning(ctx, machine, 'microceph');
  };
  const osdUp = (d: { machine: string }): boolean => daemonRunning(ctx, d.machine, 'ceph-osd');
  const checks: Record<string, CephHealthCheck> = {};
  const warn = (name: string, message: string, count: number, detail: string[] = []): void => {
    checks[name] = {
      severity: 'HEALTH_WARN', summary: { message, count },
      detail: detail.slice(0, 50).map((m) => ({ message: m })), muted: false,
    };
  };
  const mons = st.services.filter((s) => s.service === 'mon');
  const upMons = mons.filter((s) => up(s.member));
  if (mons.length > 0 && upMons.length * 2 <= mons.length) throw new CephTimeoutError();
  if (upMons.length < mons.length) {
    const down = mons.length - upMons.length;
    const lines = mons.map((s, rank) => ({ s, rank })).filter(({ s }) => !up(s.member)).map(({ s, rank }) => {
      const ip = (st.db.get(`mon.host.${s.member}`) ?? '').replace(/^v2:/, '').replace(/:3300$/, '');
      return `mon.${s.member} (rank ${rank}) addr [v2:${ip}:3300/0,v1:${ip}:6789/0] is down (out of quorum)`;
    });
    warn('MON_DOWN', `${down}/${mons.length} mons down, quorum ${upMons.map((s) => s.member).join(',')}`, down, lines);
  }
  const osds = st.disks.filter((d) => !d.purged).sort((a, b) => a.osd - b.osd);
  const upOsds = osds.filter(osdUp);
  const downOsds = osds.filter((d) => !osdUp(d));
  if (downOsds.length > 0) {
    warn('OSD_DOWN', `${downOsds.length} osds down`, downOsds.length,
      downOsds.map((d) => `osd.${d.osd} (root=default,host=${d.member}) is down`));
    const hosts = [...new Set(downOsds.map((d) => d.member))];
    const n = osds.filter((d) => hosts.includes(d.member)).length;
    warn('OSD_HOST_DOWN', `${hosts.length} host${hosts.length === 1 ? '' : 's'} (${n} osds) down`, hosts.length,
      hosts.map((h) => `host ${h} (root=default) (${osds.filter((d) => d.member === h).length} osds) is down`));
  }
  const inactive: string[] = [];
  const undersized: string[] = [];
  for (const pool of st.pools) {
    // One OSD per failure domain: per OSD for the osd rule, per host for the host rule.
    const acting: number[] = [];
    const hostsUsed = new Set<string>();
    for (const d of upOsds) {
      if (acting.length >= pool.size) break;
      if (pool.crushRule === 'microceph_auto_host') {
        if (hostsUsed.has(d.member)) continue;
        hostsUsed.add(d.member);
      }
      acting.push(d.osd);
    }
    for (let k = 0; k < pool.pgNum; k++) {
      const pg = `pg ${pool.id}.${k.toString(16)}`;
      if (acting.length === 0) inactive.push(`${pg} is unknown`);
      else if (acting.length < pool.minSize) inactive.push(`${pg} is undersized+peered, acting [${acting.join(',')}]`);
      else if (acting.length < pool.size) undersized.push(`${pg} is active+undersized+degraded, acting [${acting.join(',')}]`);
    }
  }
  const pgs = (n: number): string => `${n} pg${n === 1 ? '' : 's'}`;
  if (inactive.length > 0) warn('PG_AVAILABILITY', `Reduced data availability: ${pgs(inactive.length)} inactive`, inactive.length, inactive);
  if (undersized.length > 0) warn('PG_DEGRADED', `Degraded data redundancy: ${pgs(undersized.length)} undersized`, undersized.length, undersized);
  const single = st.pools.filter((p) => p.size === 1);
  if (single.length > 0) {
    warn('POOL_NO_REDUNDANCY', `${single.length} pool(s) have no replicas configured`, single.length,
      single.map((p) => `pool '${p.name}' has no replicas configured`));
  }
  const flags = osdmapWarnFlags(st.osdFlags);
  if (flags !== '') {
    // OSDMap::check_health's OSDMAP_FLAGS: the count is the flag string's length ("kludgey but
    // sufficient"), no detail lines (ceph/ceph src/osd/OSDMap.cc at cfb50bb38bb0684b8cae0d9b0bf6e5bc562db221).
    checks['OSDMAP_FLAGS'] = { severity: 'HEALTH_WARN', summary: { message: `${flags} flag(s) set`, count: flags.length }, detail: [], muted: false };
  }
  const defaultSize = Number(st.ceph.get('osd_pool_default_size') ?? '3');
  if (osds.length < defaultSize) warn('TOO_FEW_OSDS', `OSD count ${osds.length} < osd_pool_default_size ${defaultSize}`, 1);
  const sorted = Object.fromEntries(Object.entries(checks).sort(([a], [b]) => byName(a, b)));
  const status = Object.keys(sorted).length === 0 ? 'HEALTH_OK'
    : Object.values(sorted).some((k) => k.severity === 'HEALTH_ERR') ? 'HEALTH_ERR' : 'HEALTH_WARN';
  return { status, checks: sorted, mutes: [] };
}

/**
 * The OSD map flags check_health warns about, in OSDMap::get_flag_string's order (ceph/ceph
 * src/osd/OSDMap.cc at cfb50bb38bb0684b8cae0d9b0bf6e5bc562db221). `ceph osd set pause` sets
 * pauserd and pausewr together.
 */
export const OSDMAP_FLAGS = [
  'pauserd', 'pausewr', 'pauserec', 'noup', 'nodown', 'noout', 'noin', 'nobackfill', 'norebalance', 'norecover',
  'noscrub', 'nodeep-scrub', 'notieragent', 'nosnaptrim',
] as const;

/** The comma-separated flags that raise OSDMAP_FLAGS, "" for none. */
export function osdmapWarnFlags(flags: ReadonlySet<string>): string {
  return OSDMAP_FLAGS.filter((f) => flags.has(f)).join(',');
}

// ---- what MicroCeph's reads cost, and which API a version serves (issue 14 items 3 and 4) --------

/** Whether the monitors have quorum: more than half of the mon records' machines up. */
export function monQuorum(c: CoreCluster<CephClusterState>, ctx: LabContext): boolean {
  const machineOf = new Map(c.members.map((mm) => [mm.name, mm.machine]));
  const mons = c.app.services.filter((s) => s.service === 'mon');
  const up = mons.filter((s) => { const m = machineOf.get(s.member); return m !== undefined && daemonRunning(ctx, m, 'microceph'); }).length;
  return mons.length === 0 || up * 2 > mons.length;
}

/**
 * The `ceph` CLI processes a read runs on the real daemon (canonical/microceph at
 * 79f99b50a1abf05ca8abb463b0fcb3f749f13c89): GET /1.0/pools runs `ceph osd pool ls` and one
 * `ceph osd pool get <p> all` per pool (microceph/api/pool.go cmdPoolsGet → ceph/osd.go
 * GetOSDPools); GET /1.0/configs runs `ceph config dump` or `ceph config get` (api/configs.go →
 * ceph/config.go). Other reads are dqlite queries (api/disks.go, api/services.go): none.
 */
export function cephReadCommands(st: CephClusterState, method: string, path: string): string[] {
  if (method !== 'GET') return [];
  if (path === '/1.0/pools') return ['osd pool ls --format json', ...st.pools.map((p) => `osd pool get ${p.name} all --format json`)];
  if (path === '/1.0/configs') return ['config dump -f json-pretty'];
  return [];
}

/** What `ceph` costs in the lab (ms of lab time, multiplied by MicroclusterCore.costs.timeFactor). */
export interface CephCosts {
  /** One ceph CLI process that reaches the monitors. */
  commandMs: number;
  /** How long one blocks without monitor quorum before it gives up (client_mount_timeout, 300 s:
   *  Ceph's own default, not in MicroCeph's code). */
  noQuorumMs: number;
}

/**
 * Runs a read's ceph commands: each costs `commandMs`; without monitor quorum the first one blocks
 * for `noQuorumMs` and fails as the CLI does, and the handler's error wraps it (its wording as
 * microceph/ceph/osd.go "failed to list pools: %w"; the RunError is shared.RunError's older
 * "Failed to run: …" that ceph-pools.ts uses too).
 */
export async function runCephReads(
  c: CoreCluster<CephClusterState>, ctx: LabContext, commands: readonly string[], costs: CephCosts, factor: number,
  count: () => void,
): Promise<void> {
  for (const cmd of commands) {
    count();
    if (!monQuorum(c, ctx)) {
      await ctx.sleep(costs.noQuorumMs * factor);
      const what = cmd.startsWith('osd pool ls') ? 'failed to list pools: ' : '';
      throw new Error(`${what}Failed to run: ceph ${cmd}: exit status 1 (${new CephTimeoutError().message})`);
    }
    await ctx.sleep(costs.commandMs * factor);
  }
}

/**
 * MicroCeph's version string as GET /core/1.0 reports it: `ceph-version: <ceph-common deb>;
 * microceph-git: <git describe --always --dirty --abbrev=10>` (canonical/microceph snap/snapcraft.yaml
 * override-build MC_VERSION, microceph/version/version.go, cmd/microcephd/main.go DaemonArgs.Version,
 * at 79f99b50a1abf05ca8abb463b0fcb3f749f13c89). Made up from the snap's version: "19.2.0" →
 * "ceph-version: 19.2.0-0ubuntu0.24.04.1; microceph-git: v19.2.0+squid-3-g0123456789". Reef's
 * microcephd is built without ldflags and reports "0.1" (branch reef, a97ae91192dca7860b84a919b35634eb6ff5dfce).
 */
export function cephVersionString(snapVersion: string): string {
  const v = /^\d+\.\d+\.\d+/.exec(snapVersion)?.[0] ?? snapVersion;
  if (cephRelease(snapVersion) === 'reef') return '0.1';
  const name = cephRelease(snapVersion);
  return `ceph-version: ${v}-0ubuntu0.24.04.1; microceph-git: v${v}+${name}-3-g0123456789`;
}

/** The Ceph release a MicroCeph snap version tracks. */
export function cephRelease(snapVersion: string): 'reef' | 'squid' | 'tentacle' {
  const major = Number(/^(\d+)\./.exec(snapVersion)?.[1] ?? '19');
  return major <= 18 ? 'reef' : major === 19 ? 'squid' : 'tentacle';
}

/**
 * Reef's API: microcluster from before the rename of /cluster/1.0 to /core/1.0 (reef pins
 * canonical/microcluster 3d587817830c05c0131a2deeedcd44ddc7ccf816, where PublicEndpoint is
 * "cluster/1.0"; the rename is ff48636c5719db4e8d6af10f1220c5c65ddcd83b) and no GET /1.0/pools (reef's
 * microceph/api/pool.go has only pools-op). A lab machine runs reef when its microceph snap's
 * version is 18.x (e.g. snaps: [{name: 'microceph', version: '18.2.4', channel: 'reef/stable'}]).
 */
export const REEF_MISSING: readonly { method: string; path: string }[] = [{ method: 'GET', path: '/1.0/pools' }];
