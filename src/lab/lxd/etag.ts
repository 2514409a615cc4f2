// ETags as lxd/util/http.go computes them: hex sha256 of the JSON encoding of a per-resource tuple.
// Only self-consistency matters to clients (they echo what GET gave them); keys are sorted like Go maps.
import { createHash } from 'node:crypto';
import type { LabRequest } from '../types.js';
import { statusError } from './errors.js';

function encode(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(encode).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${encode(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function etagHash(data: unknown): string {
  return createHash('sha256').update(`${encode(data)}\n`).digest('hex');
}

/** The ETag header value GET responses carry. */
export function etagHeader(data: unknown): Record<string, string> {
  return { ETag: `"${etagHash(data)}"` };
}

/** util.EtagCheck: no If-Match → ok; else compare (quotes optional) and throw 412. */
export function etagCheck(req: LabRequest, data: unknown, message: (cur: string, sent: string) => string): void {
  const match = headerValue(req, 'if-match');
  if (!match) return;
  const sent = match.replace(/^"+|"+$/g, '');
  const cur = etagHash(data);
  if (cur !== sent) throw statusError(412, message(cur, sent));
}

export function headerValue(req: LabRequest, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (k.toLowerCase() === want) return v;
  }
  return undefined;
}
