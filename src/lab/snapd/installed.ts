// What snapd reports installed on a lab machine. The machine's own snaps are MachineSpec.snaps —
// the list the lab's daemons, files and commands read too, so snapd, `snap list` and the sockets
// that exist always agree — plus what any machine carrying them also has: the bases and the snapd
// snap (Debian's LXD is a deb, not a snap). The JSON is daemon/snap.go mapLocal's (client.Snap) and
// the notes are cmd/snapd/cli/notes.go's, at canonical/snapd bee548f7.
import { snapdOf } from '../machines.js';
import type { MachineSpec, SnapSpec } from '../types.js';

export interface LocalSnap {
  name: string;
  version: string;
  revision: string;
  /** tracking-channel, full form; "" for none. */
  tracking: string;
  type: 'app' | 'base' | 'snapd';
  hold?: string;
  cohortKey?: string;
  /** The machine's own snap (mutable state); absent for the implicit ones. */
  spec?: SnapSpec;
}

/** Bases the service snaps run on, as a machine with them has them installed. */
const BASES: readonly LocalSnap[] = [
  { name: 'core22', version: '20241001', revision: '1663', tracking: 'latest/stable', type: 'base' },
  { name: 'core24', version: '20241119', revision: '716', tracking: 'latest/stable', type: 'base' },
];

/** The machine's own snaps that snapd manages (Debian's LXD package is not one). */
export function ownSnaps(spec: MachineSpec): SnapSpec[] {
  return spec.snaps.filter((s) => !(s.name === 'lxd' && spec.lxdFlavor === 'deb-5.0'));
}

/** Everything snapd lists, by name; nothing at all until a first snap is installed. */
export function localSnaps(spec: MachineSpec): LocalSnap[] {
  const snapd = snapdOf(spec);
  const own = snapd ? ownSnaps(spec) : [];
  if (own.length === 0) return [];
  const listed: LocalSnap[] = own.map((s) => ({
    name: s.name, version: s.version, revision: s.revision, tracking: s.channel, type: 'app',
    ...(s.hold ? { hold: s.hold } : {}), ...(s.cohortKey ? { cohortKey: s.cohortKey } : {}), spec: s,
  }));
  const implicit: LocalSnap[] = [...BASES, { name: 'snapd', version: snapd!.version, revision: snapd!.revision, tracking: 'latest/stable', type: 'snapd' }];
  const names = new Set(listed.map((s) => s.name));
  return [...listed, ...implicit.filter((s) => !names.has(s.name))].sort((a, b) => a.name.localeCompare(b.name));
}

export const isHeld = (s: LocalSnap, now: Date): boolean => s.hold !== undefined && Date.parse(s.hold) > now.getTime();

/** `snap list`'s Notes column: the type, in-cohort, held; "-" for none (notes.go Notes.String). */
export function notes(s: LocalSnap, now: Date): string {
  const ns = [
    ...(s.type === 'app' ? [] : [s.type]),
    ...(s.cohortKey ? ['in-cohort'] : []),
    ...(isHeld(s, now) ? ['held'] : []),
  ];
  return ns.length ? ns.join(',') : '-';
}

/** A lab snap's snap-id: 32 characters, fixed per name (the store's ids are of this form). */
export function snapId(name: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let h = 2166136261;
  let out = '';
  for (let k = 0; k < 32; k++) {
    for (const ch of `${name}:${k}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += alphabet[h % alphabet.length];
  }
  return out;
}

export const CANONICAL = { id: 'canonical', username: 'canonical', 'display-name': 'Canonical', validation: 'verified' } as const;

/** One entry of GET /v2/snaps (client.Snap, omitempty fields left out when empty). */
export function snapJson(s: LocalSnap, base: string | undefined): Record<string, unknown> {
  return {
    id: snapId(s.name), summary: '', description: '', name: s.name, publisher: CANONICAL, developer: 'canonical',
    status: 'active', type: s.type === 'snapd' ? 'snapd' : s.type, ...(base ? { base } : {}), version: s.version,
    channel: s.tracking.replace(/^latest\//, ''), ...(s.tracking ? { 'tracking-channel': s.tracking } : {}),
    'ignore-validation': false, revision: s.revision, confinement: 'strict', grade: 'stable', private: false,
    devmode: false, jailmode: false, 'mounted-from': `/var/lib/snapd/snaps/${s.name}_${s.revision}.snap`,
    ...(s.cohortKey ? { 'cohort-key': s.cohortKey } : {}), contact: '', ...(s.hold ? { hold: s.hold } : {}),
  };
}
