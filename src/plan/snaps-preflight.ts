// What must hold before the plan installs or refreshes the file's snaps: the store has the channel
// (GET /v2/find, gathered once per site), every machine has snapd and no change of a listed snap in
// progress (an auto-refresh: snapd would refuse ours as a conflict, daemon/api_snaps.go at bee548f7
// via snapstate.checkChangeConflict), no downgrade unless the file allows it, and no MicroCeph track
// jump upstream does not support. Read against the live state as gathered, not the planned view.
import { SNAP_NAMES, type DesiredSnap } from '../preseed/snaps.js';
import { parseSnapChannel } from '../preseed/snap-channel.js';
import { visible } from '../preseed/text.js';
import { reachable, type LiveState } from '../live/state.js';
import { errorAt, finding, type PlanFinding } from './findings.js';
import { snapTarget, storeChannel } from './snaps-view.js';
import type { Site } from './topology.js';

/**
 * Ceph's releases in order, as MicroCeph names its tracks. MicroCeph's release notes
 * (canonical/microceph docs/snap/reference/release-notes.rst at 79f99b50, tentacle's "Known issues"):
 * "Upgrades from quincy directly to tentacle are not supported. Upgrade to squid first, then to
 * tentacle." — Ceph's own rule of at most two releases per upgrade, which this applies to every pair.
 */
export const CEPH_RELEASES = ['quincy', 'reef', 'squid', 'tentacle'] as const;
const MAX_CEPH_JUMP = 2;

const trackOf = (channel: string): string => {
  const r = parseSnapChannel(channel);
  return r.ok ? r.channel.track : '';
};

/** -1, 0, 1 when track a is older, the same, newer than b; null when they do not compare (latest, unknown names). */
export function compareTracks(snap: string, a: string, b: string): number | null {
  if (a === b) return 0;
  if (snap === 'microceph') {
    const [i, j] = [CEPH_RELEASES.indexOf(a as never), CEPH_RELEASES.indexOf(b as never)];
    return i < 0 || j < 0 ? null : Math.sign(i - j);
  }
  const num = (t: string) => (/^\d+(\.\d+)*$/.test(t) ? t.split('.').map(Number) : null);
  const [x, y] = [num(a), num(b)];
  if (!x || !y) return null;
  for (let k = 0; k < Math.max(x.length, y.length); k++) {
    if ((x[k] ?? 0) !== (y[k] ?? 0)) return Math.sign((x[k] ?? 0) - (y[k] ?? 0));
  }
  return 0;
}

function machines(site: Site): string[] {
  return site.systems.includes(site.initiator) ? site.systems : [site.initiator, ...site.systems];
}

export function snapFindings(site: Site, live: LiveState): PlanFinding[] {
  const wanted = SNAP_NAMES.flatMap((n) => (site.desired.snaps[n] ? [site.desired.snaps[n]] : []));
  if (wanted.length === 0) return [];
  return [...wanted.flatMap((w) => store(live, w)), ...machines(site).flatMap((name) => onMachine(live, name, wanted))];
}

function store(live: LiveState, want: DesiredSnap): PlanFinding[] {
  const got = storeChannel(live, want);
  if (got !== null) return [];
  const channels = live.snaps?.store[want.name];
  if (channels === null || channels === undefined) {
    return [errorAt('snap-not-in-store', null, `the store has no snap named ${want.name}`, 'check the machines\' store (snap info ' + want.name + '), or a store proxy that hides it')];
  }
  return [errorAt('snap-channel-missing', null, `the store has no channel ${want.channel} for ${want.name}`,
    `channels there: ${channels.map((c) => visible(c.channel)).join(', ') || 'none'}`)];
}

function onMachine(live: LiveState, name: string, wanted: readonly DesiredSnap[]): PlanFinding[] {
  const m = reachable(live, name);
  if (!m) return [];
  const out: PlanFinding[] = [];
  const moving = wanted.filter((w) => {
    const have = m.host.snaps.find((s) => s.name === w.name);
    const target = snapTarget(live, w);
    return !have || have.channel !== w.channel || (target.revision !== '' && have.revision !== target.revision) || (w.cohort && !have.cohort) || (w.hold && !have.held);
  });
  if (moving.length === 0) return out;
  if (m.host.snapd === null) {
    out.push(errorAt('snapd-missing', name, `${name} has no snapd (no /run/snapd.socket), so ${moving.map((w) => w.name).join(', ')} cannot be installed or refreshed there`,
      'install snapd on it (apt install snapd), or remove those snaps from the file\'s snaps: and install the daemons yourself'));
    return out;
  }
  for (const c of m.host.snapChanges ?? []) {
    const mine = c.snaps.filter((s) => moving.some((w) => w.name === s));
    if (mine.length === 0) continue;
    out.push(errorAt('snap-change-in-progress', name, `snapd on ${name} is running change ${visible(c.id)} (${visible(c.summary)}) of ${mine.map(visible).join(', ')}`,
      `wait for it to finish (on ${name}: snap watch ${visible(c.id)}), then plan again`));
  }
  for (const w of moving) out.push(...downgrade(live, name, w), ...trackJump(live, name, w));
  return out;
}

function downgrade(live: LiveState, name: string, want: DesiredSnap): PlanFinding[] {
  const have = reachable(live, name)?.host.snaps.find((s) => s.name === want.name);
  if (!have || want.allowDowngrade) return [];
  const order = compareTracks(want.name, trackOf(want.channel), trackOf(have.channel));
  const target = snapTarget(live, want).revision;
  const lower = order === 0 && /^\d+$/.test(have.revision) && /^\d+$/.test(target) && Number(target) < Number(have.revision);
  if (order !== -1 && !lower) return [];
  const what = order === -1 ? `the older track ${want.channel} (it tracks ${visible(have.channel)})` : `revision ${target}, lower than its ${visible(have.revision)}`;
  return [errorAt('snap-downgrade', name, `the file moves ${want.name} on ${name} back to ${what}`,
    `a daemon's data may not go back a version: keep the newer ${want.name}, or set snaps.${want.name}.allow_downgrade: true if you mean it`)];
}

function trackJump(live: LiveState, name: string, want: DesiredSnap): PlanFinding[] {
  if (want.name !== 'microceph') return [];
  const have = reachable(live, name)?.host.snaps.find((s) => s.name === want.name);
  if (!have) return [];
  const [from, to] = [CEPH_RELEASES.indexOf(trackOf(have.channel) as never), CEPH_RELEASES.indexOf(trackOf(want.channel) as never)];
  if (from < 0 || to < 0 || to - from <= MAX_CEPH_JUMP) return [];
  const via = CEPH_RELEASES[from + MAX_CEPH_JUMP]!;
  return [errorAt('snap-track-jump', name, `MicroCeph does not upgrade from ${CEPH_RELEASES[from]} straight to ${CEPH_RELEASES[to]} (on ${name})`,
    `apply with snaps.microceph.channel: ${via}/stable first, then ${want.channel}`)];
}

/**
 * Disk filters match LXD's disk list (GET /1.0/resources), which a machine gets only once LXD is
 * installed: with LXD still to install, a filter would match nothing now and something else later.
 * Disks named by path are taken as written (src/plan/disks.ts) and checked when used.
 */
export function unknownDisks(site: Site): PlanFinding[] {
  const planned = machines(site).filter((n) => reachable(site.live, n)?.lxd?.planned === true);
  const filters = [...site.desired.filters.local, ...site.desired.filters.ceph];
  if (planned.length === 0 || filters.length === 0) return [];
  return [errorAt('disk-filter-before-lxd', null, `disk filters need LXD's list of disks, and this plan installs LXD on ${planned.join(', ')}: the filters cannot be matched yet`,
    'name the disks by path (systems[].storage), or apply once without the filters (LXD gets installed) and add them back')];
}

/** The code of LXD_WAITING's notice: apply takes the site lock on a member that answers (src/apply/lock-first.ts). */
export const LXD_WAITING = 'lxd-waiting-for-members';

export const lxdWaitingNotice = (name: string): PlanFinding => finding('notice', LXD_WAITING, name,
  `LXD on ${name} runs the file's revision and waits for the other members to be refreshed to it before it answers (an LXD refresh stopped part-way): this plan finishes the LXD refreshes only`,
  'apply it, then plan again for the rest');
