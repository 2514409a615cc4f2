// Before → after lists for `~ update` steps.
import type { Change } from './plan.js';

/** The keys whose value differs; a key missing from `after` is to be unset. */
export function configChanges(before: Record<string, string>, after: Record<string, string>, keys: readonly string[] = Object.keys(after)): Change[] {
  return keys
    .filter((k) => (before[k] ?? null) !== (after[k] ?? null))
    .map((k) => ({ key: k, before: before[k] ?? null, after: after[k] ?? null }));
}

/** Field-level changes of owned devices (`devices.root.pool`); a missing device shows as a whole. */
export function deviceChanges(before: Record<string, Record<string, string>>, after: Record<string, Record<string, string>>): Change[] {
  const out: Change[] = [];
  const show = (d: Record<string, string>) => Object.entries(d).map(([k, v]) => `${k}=${v}`).join(' ');
  for (const [name, device] of Object.entries(after)) {
    const old = before[name];
    if (!old) {
      out.push({ key: `devices.${name}`, before: null, after: show(device) });
      continue;
    }
    const keys = [...new Set([...Object.keys(old), ...Object.keys(device)])].sort();
    out.push(...configChanges(old, device, keys).map((c) => ({ ...c, key: `devices.${name}.${c.key}` })));
  }
  return out;
}

/** 'create' when nothing of it exists yet, else 'update' with what changes. */
export function actionFor(before: Record<string, unknown>, keys: readonly string[]): 'create' | 'update' {
  return keys.some((k) => before[k] !== undefined) ? 'update' : 'create';
}
