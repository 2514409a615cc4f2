// Shape validation against schemas/preseed.schema.json, the single source of truth for keys, types,
// formats and defaults. ajv errors are turned into findings an operator can act on: the key path,
// a plain message, and a hint (the closest known key for a typo). The schema is not compiled at run
// time: preseed-validator.ts is ajv's code for it, generated ahead (src/tools/preseed-validator.ts).
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import type { Finding, PathSegment } from './diagnostics.js';
import { FORMATS } from './formats.js';
import { isSecretValuePath } from './lxd-config.js';
import { validate as generated } from './preseed-validator.js';
import { closestKey } from './suggest.js';
import { findUnsafeCharacter, UNSAFE_SECRET, unsafeCharacterMessage, type TextKind } from './text.js';

export const SCHEMA_URL = new URL('../../schemas/preseed.schema.json', import.meta.url);

// The schema ships with the program, beside its code, and is loaded the way code is: through the
// module system, once. That keeps this module free of file I/O (the architecture check forbids
// node:fs here) without a second copy of the schema in TypeScript.
const loadSchemaModule = (): unknown => createRequire(import.meta.url)('../../schemas/preseed.schema.json');

export type JsonSchema = Record<string, unknown>;

/** The generated code is untyped; this is ajv's contract for a compiled schema. */
const validate = generated as unknown as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

let cached: JsonSchema | undefined;

export function preseedSchema(): JsonSchema {
  cached ??= structuredClone(loadSchemaModule()) as JsonSchema;
  return cached;
}

/**
 * Validates `value` in place: schema defaults are filled in (ajv useDefaults), so pass a copy.
 * Returns every finding at once.
 */
export function validateShape(value: unknown): Finding[] {
  if (validate(value)) return [];
  // A propertyNames error only wraps the one that names the key (and carries its propertyName).
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'propertyNames');
  // Such a character usually breaks the value's pattern or format too, but it is the thing to fix,
  // and the generic "not in the expected form" would hide it.
  const unsafe = new Set(errors.filter((e) => e.keyword === 'x-safe-text').map((e) => e.instancePath));
  const findings = errors
    .filter((e) => !(unsafe.has(e.instancePath) && (e.keyword === 'pattern' || e.keyword === 'format')))
    .map((e) => toFinding(e, value));
  return dedupe(findings);
}

function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(seg);
      path.push(index);
      node = node[index];
    } else {
      path.push(seg);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

/** The value as a message may show it; a secret's content is never shown, only its kind. */
function describe(value: unknown, secret: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (secret) return typeof value === 'string' ? 'the given text' : `a ${typeof value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping of keys',
  array: 'a list',
};

/** "a string, true or false, or a whole number" for ajv's "string,boolean,integer". */
function typeNames(types: string): string {
  const names = types.split(',').map((t) => TYPE_NAMES[t] ?? t);
  return names.length < 2 ? (names[0] ?? types) : `${names.slice(0, -1).join(', ')}, or ${names[names.length - 1]}`;
}

function toFinding(e: ErrorObject, root: unknown): Finding {
  const path = pointerToPath(e.instancePath, root);
  const parent = (e.parentSchema ?? {}) as JsonSchema;
  const secret = parent['x-secret'] === true || isSecretValuePath(path);
  const schemaHint = typeof parent['x-hint'] === 'string' ? (parent['x-hint'] as string) : undefined;
  const shown = describe(e.data, secret);
  const withHint = (f: Finding): Finding => (schemaHint && !f.hint ? { ...f, hint: schemaHint } : f);
  const badKey = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (badKey !== undefined) {
    return withHint({ severity: 'error', path: [...path, badKey], at: 'key', message: `${JSON.stringify(badKey)} is not a valid key name here` });
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((parent['properties'] ?? {}) as object);
      const close = closestKey(key, known);
      return {
        severity: 'error',
        path: [...path, key],
        at: 'key',
        message: `unknown key "${key}"`,
        hint: close ? `did you mean "${close}"?` : `allowed keys here: ${known.join(', ')}`,
      };
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const property = ((parent['properties'] ?? {}) as Record<string, JsonSchema>)[key] ?? {};
      const missing = property['x-missing'];
      // With MicroCloud's words, at the key's own path (located at the mapping it belongs in).
      if (typeof missing === 'string') {
        return { severity: 'error', path: [...path, key], message: missing, hint: typeof property['x-hint'] === 'string' ? property['x-hint'] : `add \`${key}:\`` };
      }
      return { severity: 'error', path, message: `missing required key "${key}"`, hint: `add \`${key}:\`` };
    }
    case 'type': {
      const want = String((e.params as { type: string }).type);
      return withHint({ severity: 'error', path, message: `must be ${typeNames(want)}, not ${shown}` });
    }
    case 'format': {
      const format = String((e.params as { format: string }).format);
      const rule = FORMATS[format];
      const specific = !secret && typeof e.data === 'string' ? (rule?.explain?.(e.data) ?? null) : null;
      // MicroCloud's (or LXD's, or Go's) own words for the value, where the rule knows them.
      const upstream = !secret && typeof e.data === 'string' ? (rule?.upstream?.(e.data) ?? null) : null;
      return {
        severity: 'error',
        path,
        message: upstream ?? `${shown} ${specific?.message ?? rule?.message ?? `is not a valid ${format}`}`,
        hint: specific?.hint ?? rule?.hint ?? schemaHint ?? '',
      };
    }
    case 'x-safe-text': {
      const found = !secret && typeof e.data === 'string' ? findUnsafeCharacter(e.data, e.schema as TextKind) : null;
      const { message, hint } = found ? unsafeCharacterMessage(found) : UNSAFE_SECRET;
      return { severity: 'error', path, message: `${shown} ${message}`, hint };
    }
    case 'pattern':
      return withHint({ severity: 'error', path, message: `${shown} is not in the expected form` });
    case 'minimum':
    case 'maximum': {
      const limit = (e.params as { limit: number }).limit;
      const word = e.keyword === 'minimum' ? 'at least' : 'at most';
      return withHint({ severity: 'error', path, message: `must be ${word} ${limit}, not ${shown}` });
    }
    case 'minLength':
      return withHint({ severity: 'error', path, message: 'must not be empty' });
    case 'minItems':
      return withHint({ severity: 'error', path, message: typeof parent['x-missing'] === 'string' ? parent['x-missing'] : 'must list at least one item' });
    default:
      return withHint({ severity: 'error', path, message: e.message ?? `is invalid (${e.keyword})` });
  }
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${JSON.stringify(f.path)}|${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
