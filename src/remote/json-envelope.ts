// The JSON envelope LXD, microcluster and snapd all answer with: a `type` of sync, async or error
// around the payload (each daemon's fields are read by envelope.ts and snapd-envelope.ts).

/** How much of a body that is not an envelope an error quotes. */
export const EXCERPT = 300;

/** The body as a JSON envelope of type sync, async or error (LXD's, microcluster's and snapd's share it), or null. */
export function decodeEnvelope<E extends { type: 'sync' | 'async' | 'error' }>(body: string): E | null {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const t = (v as { type?: unknown }).type;
  return t === 'sync' || t === 'async' || t === 'error' ? (v as E) : null;
}
