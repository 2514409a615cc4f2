// Snap channels as snapd reads them: `[track/]risk[/branch]` or a bare track. The rules and their
// words follow canonical/snapd snap/channel/channel.go (ParseVerbatim, Full) at bee548f7; the daemon
// answers a refused channel with these words as they are (daemon/api_snaps.go,
// snapRevisionOptions.validate). Pure; shared by the preseed's validation and the lab's snapd.

export const SNAP_RISKS = ['stable', 'candidate', 'beta', 'edge'] as const;
export type SnapRisk = (typeof SNAP_RISKS)[number];

export interface SnapChannel {
  /** "latest" when the channel names no track. */
  track: string;
  risk: SnapRisk;
  /** "" without a branch. */
  branch: string;
  /** The full name snapd tracks the channel under (its tracking-channel): `track/risk[/branch]`. */
  full: string;
}

const isRisk = (s: string | undefined): s is SnapRisk => (SNAP_RISKS as readonly string[]).includes(s ?? '');

/** The channel, or snapd's reason for refusing it. */
export function parseSnapChannel(s: string): { ok: true; channel: SnapChannel } | { ok: false; error: string } {
  if (s === '') return { ok: false, error: 'channel name cannot be empty' };
  const p = s.split('/');
  if (p.length > 3) return { ok: false, error: `channel name has too many components: ${s}` };
  // Two components are risk/branch when the first is a risk, else track/risk; one is a risk or a track.
  const [track, risk, branch] = p.length === 3 ? [p[0], p[1], p[2]]
    : p.length === 2 ? (isRisk(p[0]) ? [undefined, p[0], p[1]] : [p[0], p[1], undefined])
      : isRisk(p[0]) ? [undefined, p[0], undefined] : [p[0], undefined, undefined];
  if (risk !== undefined && !isRisk(risk)) return { ok: false, error: `invalid risk in channel name: ${s}` };
  if (track === '') return { ok: false, error: `invalid track in channel name: ${s}` };
  if (branch === '') return { ok: false, error: `invalid branch in channel name: ${s}` };
  const c = { track: track ?? 'latest', risk: risk ?? 'stable', branch: branch ?? '' };
  return { ok: true, channel: { ...c, full: `${c.track}/${c.risk}${c.branch ? `/${c.branch}` : ''}` } };
}

/** The full form of a channel snapd accepts (`5.21` → `5.21/stable`, `edge` → `latest/edge`). */
export function fullSnapChannel(s: string): string | null {
  const r = parseSnapChannel(s);
  return r.ok ? r.channel.full : null;
}
