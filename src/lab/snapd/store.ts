// The lab's snap store: the channels of MicroCloud's four snaps and their revisions, and how a
// request for a channel resolves to one revision. The store's side of snapd's refresh
// (canonical/snapd store/store_action.go, details_v2.go at bee548f7) reduced to what changes an
// answer: a closed risk follows the next safer one of its track, a snap's default track stands in
// for `latest`, and a progressive release reaches only part of the machines unless they ask in a
// cohort (snapd passes `cohort-key` through to the store; MicroCloud's `--cohort="+"` is how its
// docs keep every member on one revision, doc/how-to/update_upgrade.md).
import { createHash } from 'node:crypto';
import { SNAP_RISKS, type SnapChannel } from '../../preseed/snap-channel.js';

export interface StoreRevision {
  revision: number;
  /** The version the snap's daemon reports (the lab's SnapSpec.version). */
  version: string;
  base: string;
  /** snapcraft.yaml `assumes`, e.g. ["snapd2.59"]: snapd refuses a revision whose features it lacks. */
  assumes?: string[];
}

export interface StoreChannel {
  /** `track/risk`, as the store's channel map names it (`latest/stable`, `5.21/stable`). */
  name: string;
  current: StoreRevision;
  /** A revision being rolled out to `percentage` % of the machines that are in no cohort. */
  progressive?: { revision: StoreRevision; percentage: number };
}

export interface StoreSnap {
  name: string;
  summary: string;
  /** The track `latest` redirects to (the store's default-track), if the snap has no `latest`. */
  defaultTrack?: string;
  channels: StoreChannel[];
}

const rev = (revision: number, version: string, base: string, assumes?: string[]): StoreRevision =>
  ({ revision, version, base, ...(assumes ? { assumes } : {}) });

/**
 * Two tracks of each snap, the lower one where the lab's machines start (machines.ts DEFAULT_SNAPS,
 * MICROCLOUD_SNAP carry the same revisions and versions). Bases and `assumes` are each project's
 * snap/snapcraft.yaml on the branch that builds that track:
 *   lxd 5.21: canonical/lxd stable-5.21 cfee9f274643195b4ce0d24cf01ccd13f18be85e (core24, snapd2.39);
 *   lxd 6: release-6.9 c65e84913683f8ac533c62190b751268b4f7b724 moves to core26 and snapd2.75, but the
 *     lab's 6/stable is 6.8 (the LXD the lab's snap-6.8 flavor was read from), whose snapcraft.yaml is
 *     not in that tree (tag lxd-6.8 has no snap/): core24, no assumes — a lab choice;
 *   microceph squid: squid 897bcdd90206523a977a51dcc15a8570fd87f79e, tentacle: main 79f99b50 (core24);
 *   microovn 24.03: branch-24.03 77a702704cc18df9d7a630470aef4b31673cd56a (core24, snapd2.59),
 *     26.03: branch-26.03 1ea12c7db6bfaaab726d82b5f686f8d5ad2af5e5 (core26, snapd2.73);
 *   microcloud 2: v2-edge 27a449ff3b805e8900ebbf466bd16c5e7736dd98, 3: main f26e73c0 (core24, snapd2.59).
 * So on the lab's default snapd (2.66.1) microovn 26.03/stable is refused for its `assumes`, as
 * snapd refuses it; a machine with `snapd: {version: '2.73', …}` or newer takes it.
 */
export function defaultStore(): StoreSnap[] {
  return [
    {
      name: 'lxd', summary: 'LXD - container and VM manager', defaultTrack: '5.21',
      channels: [
        { name: '5.21/stable', current: rev(33110, '5.21.3', 'core24', ['snapd2.39']) },
        { name: '6/stable', current: rev(36971, '6.8', 'core24') },
      ],
    },
    {
      name: 'microceph', summary: 'Simple clustered Ceph deployment', defaultTrack: 'squid',
      channels: [{ name: 'squid/stable', current: rev(1228, '19.2.0', 'core24') }, { name: 'tentacle/stable', current: rev(1550, '20.2.0', 'core24') }],
    },
    {
      name: 'microovn', summary: 'Simple clustered OVN deployment', defaultTrack: '24.03',
      channels: [
        { name: '24.03/stable', current: rev(667, '24.03.2', 'core24', ['snapd2.59']) },
        { name: '26.03/stable', current: rev(1012, '26.03.0', 'core26', ['snapd2.73']) },
      ],
    },
    {
      name: 'microcloud', summary: 'MicroCloud - automated private cloud based on LXD, Ceph and OVN', defaultTrack: '2',
      channels: [
        { name: '2/stable', current: rev(1144, '2.1.3', 'core24', ['snapd2.59']) },
        { name: '3/stable', current: rev(1921, '3.4', 'core24', ['snapd2.59']) },
      ],
    },
  ];
}

/** Which share of a progressive release a machine falls in (0–99), fixed per machine and snap. */
export function rolloutBucket(machine: string, snap: string): number {
  return createHash('sha256').update(`${machine}\0${snap}`).digest().readUInt16BE(0) % 100;
}

export type Resolved =
  | { ok: true; channel: string; revision: StoreRevision }
  | { ok: false; reason: 'no-channel'; releases: string[] }
  | { ok: false; reason: 'no-revision' };

export class SnapStore {
  readonly snaps: StoreSnap[];

  constructor(snaps: StoreSnap[] = defaultStore()) {
    this.snaps = snaps;
  }

  find(name: string): StoreSnap | undefined {
    return this.snaps.find((s) => s.name === name);
  }

  /** Every revision the store has of the snap, current and progressive. */
  revisions(snap: StoreSnap): StoreRevision[] {
    return snap.channels.flatMap((c) => [c.current, ...(c.progressive ? [c.progressive.revision] : [])]);
  }

  /**
   * The revision `machine` gets from `channel`: a pinned `revision` if the store has it, else the
   * channel's (or the next safer risk's) current one — or its progressive one when the machine is in
   * no cohort and inside the rollout. The channel reported back is the one tracked (`latest`
   * redirected to the default track, as the store's redirect-channel does).
   */
  resolve(snap: StoreSnap, channel: SnapChannel, opts: { machine: string; cohort: boolean; revision?: number }): Resolved {
    const track = channel.track === 'latest' && snap.defaultTrack && !snap.channels.some((c) => c.name.startsWith('latest/'))
      ? snap.defaultTrack : channel.track;
    const tracked = `${track}/${channel.risk}${channel.branch ? `/${channel.branch}` : ''}`;
    if (opts.revision !== undefined) {
      const pinned = this.revisions(snap).find((r) => r.revision === opts.revision);
      return pinned ? { ok: true, channel: tracked, revision: pinned } : { ok: false, reason: 'no-revision' };
    }
    // A closed risk follows the safer ones of its track (edge → beta → candidate → stable).
    const safer = channel.branch ? [channel.risk] : SNAP_RISKS.slice(0, SNAP_RISKS.indexOf(channel.risk) + 1).reverse();
    for (const risk of safer) {
      const name = `${track}/${risk}${channel.branch ? `/${channel.branch}` : ''}`;
      const c = snap.channels.find((x) => x.name === name);
      if (!c) continue;
      const p = c.progressive;
      const inRollout = p && !opts.cohort && rolloutBucket(opts.machine, snap.name) < p.percentage;
      return { ok: true, channel: tracked, revision: inRollout ? p.revision : c.current };
    }
    return { ok: false, reason: 'no-channel', releases: snap.channels.map((c) => c.name) };
  }
}
