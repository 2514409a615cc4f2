// The `remove:` extension: the cluster members the file retires. The shape is the schema's
// ($defs/removal: a name, or a mapping with `force` and `evacuate`); this adds the rules a shape
// cannot say (a name also listed in `systems`, a name written twice) and builds the DesiredState
// part. Whether a removal is safe is the planner's question (src/plan/plan-remove.ts): it needs
// the live site. Pure.
import type { Finding } from './diagnostics.js';
import type { PreseedInput, RemovalInput } from './input.js';

export interface DesiredRemoval {
  name: string;
  /** Drop the member without cleaning it up, and its OSDs without MicroCeph's safety checks. */
  force: boolean;
  /** Evacuate its instances first instead of refusing a member that has some. */
  evacuate: boolean;
}

const nameOf = (r: RemovalInput): string | undefined => (typeof r === 'string' ? r : r.name);

export function removeRules(p: PreseedInput): Finding[] {
  const out: Finding[] = [];
  const listed = new Set((p.systems ?? []).map((s) => s.name).filter((n): n is string => n !== undefined));
  const seen = new Map<string, number>();
  (p.remove ?? []).forEach((r, i) => {
    const name = nameOf(r);
    if (name === undefined) return;
    const path = typeof r === 'string' ? ['remove', i] : ['remove', i, 'name'];
    if (listed.has(name)) {
      out.push({
        severity: 'error', path,
        message: `${name} is both in systems and in remove: a member cannot be kept and removed at once`,
        hint: `delete ${name} from systems to remove it, or from remove to keep it`,
      });
    }
    const first = seen.get(name);
    if (first !== undefined) {
      out.push({ severity: 'error', path, message: `${name} is listed in remove twice (also remove[${first}])`, hint: 'list each member once' });
    } else {
      seen.set(name, i);
    }
  });
  return out;
}

/** `remove` of a validated, defaulted document, in the file's order (the order removals run in). */
export function toDesiredRemovals(p: PreseedInput): DesiredRemoval[] {
  return (p.remove ?? []).map((r) => (typeof r === 'string'
    ? { name: r, force: false, evacuate: false }
    : { name: r.name ?? '', force: r.force ?? false, evacuate: r.evacuate ?? false }));
}
