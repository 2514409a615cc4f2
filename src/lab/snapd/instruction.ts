// The body of POST /v2/snaps and /v2/snaps/{name}: decoded and checked the way canonical/snapd
// daemon/api_snaps.go does it at bee548f7 (snapInstruction, its validate() and
// snapRevisionOptions.validate(), in that order, with their words), before any action is run.
// Unknown fields are ignored, as Go's json.Decoder does.
import { parseSnapChannel } from '../../preseed/snap-channel.js';

export interface SnapInstruction {
  action: string;
  channel: string;
  /** 0: unset; > 0 a store revision; < 0 a local one (x1). */
  revision: number;
  cohortKey: string;
  leaveCohort: boolean;
  snaps: string[];
  time: string;
  holdLevel: string;
}

type Decoded = { ok: true; inst: SnapInstruction } | { ok: false; error: string };

/** Go's encoding/json type names, for its "cannot unmarshal" error. */
const goType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v);

/** snap.Revision's UnmarshalJSON: a number, or a string ParseRevision reads ("33110", "x1", "unset"). */
function revisionOf(v: unknown): number | Error {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    if (v === 'unset') return 0;
    const local = /^x([1-9][0-9]*)$/.exec(v);
    if (local) return -Number(local[1]);
    if (/^[1-9][0-9]*$/.test(v)) return Number(v);
  }
  return new Error(`invalid snap revision: ${JSON.stringify(JSON.stringify(v))}`);
}

/** The instruction in the body, or json.Decoder's complaint about it. */
export function decodeInstruction(rawBody: string, body: unknown): Decoded {
  const prefix = 'cannot decode request body into snap instruction: ';
  if (rawBody.trim() === '') return { ok: false, error: `${prefix}EOF` };
  if (body === undefined) {
    const ch = rawBody.trim()[0] ?? '';
    return { ok: false, error: `${prefix}invalid character '${ch}' looking for beginning of value` };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: `${prefix}json: cannot unmarshal ${goType(body)} into Go value of type daemon.snapInstruction` };
  }
  const b = body as Record<string, unknown>;
  const field = (key: string, want: 'string' | 'boolean'): string | boolean | Error => {
    const v = b[key];
    if (v === undefined || v === null) return want === 'string' ? '' : false;
    if (typeof v === want) return v as string | boolean;
    return new Error(`json: cannot unmarshal ${goType(v)} into Go struct field snapInstruction.${key} of type ${want === 'string' ? 'string' : 'bool'}`);
  };
  const strings = ['action', 'channel', 'cohort-key', 'time', 'hold-level'] as const;
  const got: Record<string, string> = {};
  for (const k of strings) {
    const v = field(k, 'string');
    if (v instanceof Error) return { ok: false, error: prefix + v.message };
    got[k] = v as string;
  }
  const leave = field('leave-cohort', 'boolean');
  if (leave instanceof Error) return { ok: false, error: prefix + leave.message };
  const revision = revisionOf(b['revision']);
  if (revision instanceof Error) return { ok: false, error: prefix + revision.message };
  const snaps = b['snaps'];
  if (snaps !== undefined && snaps !== null && !(Array.isArray(snaps) && snaps.every((s) => typeof s === 'string'))) {
    const bad = Array.isArray(snaps) ? snaps.find((s) => typeof s !== 'string') : snaps;
    return { ok: false, error: `${prefix}json: cannot unmarshal ${goType(bad)} into Go struct field snapInstruction.snaps of type ${Array.isArray(snaps) ? 'string' : '[]string'}` };
  }
  return {
    ok: true,
    inst: {
      action: got['action']!, channel: got['channel']!, revision, cohortKey: got['cohort-key']!, leaveCohort: leave as boolean,
      snaps: (snaps as string[] | undefined) ?? [], time: got['time']!, holdLevel: got['hold-level']!,
    },
  };
}

/** RFC 3339 as Go's time.Parse(time.RFC3339, …) takes it. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** snapInstruction.validate(): the first rule the instruction breaks, in snapd's words, or null. */
export function validateInstruction(inst: SnapInstruction): string | null {
  const a = inst.action;
  if (inst.cohortKey !== '' && a !== 'install' && a !== 'refresh' && a !== 'switch') return 'cohort-key can only be specified for install, refresh, or switch';
  if (inst.leaveCohort && a !== 'refresh' && a !== 'switch') return 'leave-cohort can only be specified for refresh or switch';
  if (a === 'install' && inst.snaps.includes('ubuntu-core')) return 'cannot install "ubuntu-core", please use "core" instead';
  if (a === 'hold') {
    if (inst.time === '') return 'hold action requires a non-empty time value';
    if (inst.time !== 'forever' && !(RFC3339.test(inst.time) && !Number.isNaN(Date.parse(inst.time)))) {
      return `hold action requires time to be "forever" or in RFC3339 format: parsing time ${JSON.stringify(inst.time)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(inst.time)} as "2006"`;
    }
    if (inst.holdLevel === '') return 'hold action requires a non-empty hold-level value';
    if (inst.holdLevel !== 'auto-refresh' && inst.holdLevel !== 'general') return 'hold action requires hold-level to be either "auto-refresh" or "general"';
  } else {
    if (inst.time !== '') return 'time can only be specified for the "hold" action';
    if (inst.holdLevel !== '') return 'hold-level can only be specified for the "hold" action';
  }
  if (inst.cohortKey !== '') {
    if (inst.leaveCohort) return 'cannot specify both cohort-key and leave-cohort';
    if (inst.revision !== 0) return 'cannot specify both cohort-key and revision';
  }
  if (inst.channel !== '') {
    const c = parseSnapChannel(inst.channel);
    if (!c.ok) return c.error;
  }
  return null;
}

/** snap/naming/validate.go ValidateSnap: 2–40 of a-z, 0-9 and dashes with a letter, no dash at
 *  either end or twice in a row (checked in steps, as snapd does, to keep the regexp linear). */
export function invalidSnapName(name: string): string | null {
  const ok = name.length >= 2 && name.length <= 40 && /^[a-z0-9-]*[a-z][a-z0-9-]*$/.test(name)
    && !name.startsWith('-') && !name.endsWith('-') && !name.includes('--');
  return ok ? null : `invalid snap name: ${JSON.stringify(name)}`;
}
