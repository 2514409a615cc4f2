// The `snaps:` extension: which of MicroCloud's four snaps the file owns, at which channel (and
// optionally revision), in a cohort and held. The shape is the schema's (snapDef); this adds the one
// rule a shape cannot say, in snapd's words, and builds the DesiredState part. Pure.
import type { Finding } from './diagnostics.js';
import type { PreseedInput, SnapInput } from './input.js';
import { fullSnapChannel } from './snap-channel.js';

/** The snaps a file may own, in MicroCloud's refresh order (doc/how-to/update_upgrade.md). */
export const SNAP_NAMES = ['microceph', 'microovn', 'lxd', 'microcloud'] as const;
export type SnapName = (typeof SNAP_NAMES)[number];

export interface DesiredSnap {
  name: SnapName;
  /** The full channel, as snapd reports it tracking (`5.21/stable`, `latest/edge`). */
  channel: string;
  /** A pinned store revision, or null to follow the channel. */
  revision: number | null;
  /** Install and refresh with `cohort-key: "+"` (false whenever a revision is pinned). */
  cohort: boolean;
  /** Hold the snap's refreshes (`time: forever`, `hold-level: general`) once installed. */
  hold: boolean;
  /** The file allows a lower revision or an older track than a machine has. */
  allowDowngrade: boolean;
}

export type DesiredSnaps = Partial<Record<SnapName, DesiredSnap>>;

/**
 * snapd refuses a cohort key together with a revision (daemon/api_snaps.go,
 * snapRevisionOptions.validate, at bee548f7: "cannot specify both cohort-key and revision"). A pinned
 * revision is already the same on every machine, so only a `cohort: true` written next to one is an
 * error; left out, cohort follows the revision.
 */
export function snapRules(p: PreseedInput): Finding[] {
  const out: Finding[] = [];
  for (const [name, s] of Object.entries(p.snaps ?? {}) as [SnapName, SnapInput][]) {
    if (s.revision !== undefined && s.cohort === true) {
      out.push({
        severity: 'error', path: ['snaps', name, 'cohort'], at: 'key',
        message: 'cannot specify both cohort-key and revision (snapd refuses a pinned revision in a cohort)',
        hint: 'remove `cohort: true`: every machine gets the pinned revision anyway; or remove `revision` to follow the channel in a cohort',
      });
    }
  }
  return out;
}

/** `snaps` of a validated, defaulted document. */
export function toDesiredSnaps(p: PreseedInput): DesiredSnaps {
  const out: DesiredSnaps = {};
  for (const name of SNAP_NAMES) {
    const s = p.snaps?.[name];
    if (!s?.channel) continue;
    const revision = s.revision ?? null;
    out[name] = {
      name,
      channel: fullSnapChannel(s.channel) ?? s.channel,
      revision,
      cohort: revision === null && (s.cohort ?? true),
      hold: s.hold ?? true,
      allowDowngrade: s.allow_downgrade ?? false,
    };
  }
  return out;
}
