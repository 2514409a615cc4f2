// Drive a microcluster daemon's handler the way a client over its unix socket would: build the
// LabRequest (method, path, query, raw JSON body) and read back status and envelope.
import type { LabRequest, ServiceWorld } from '../../src/lab/types.js';
import type { Envelope } from '../../src/remote/envelope.js';

/** The body is the wire envelope the client parses; metadata is left loose, each test knows its shape. */
export interface Reply { status: number; body: Envelope & { metadata: any }; headers: Record<string, string> }

/** A body: an object/array is JSON-encoded; a string is sent raw; undefined sends nothing. */
export type Body = unknown;

export function request(method: string, pathAndQuery: string, body?: Body): LabRequest {
  const [path = '', qs = ''] = pathAndQuery.split('?');
  const rawBody = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  let parsed: unknown;
  try { parsed = rawBody === '' ? undefined : JSON.parse(rawBody); } catch { parsed = undefined; }
  return { method, path, query: new URLSearchParams(qs), headers: {}, body: parsed, rawBody };
}

export async function call(world: ServiceWorld, machine: string, method: string, pathAndQuery: string, body?: Body): Promise<Reply> {
  const res = await world.handler(machine)(request(method, pathAndQuery, body));
  // Round-trip through JSON, as the bytes on the socket would.
  return { status: res.status, body: JSON.parse(JSON.stringify(res.body)) as Reply['body'], headers: res.headers ?? {} };
}

/** Expect an error envelope with this HTTP status and exact message. */
export function expectError(r: Reply, status: number, message: string): void {
  expect({ status: r.status, type: r.body.type, error_code: r.body.error_code, error: r.body.error })
    .toEqual({ status, type: 'error', error_code: status, error: message });
}

/** Expect a plain 200 sync success and return its metadata. */
export function ok(r: Reply): any {
  if (r.status !== 200 || r.body.type !== 'sync' || r.body.status !== 'Success') {
    throw new Error(`expected 200 sync Success, got ${r.status} ${JSON.stringify(r.body)}`);
  }
  return r.body.metadata;
}

export function decodeToken(token: string): { secret: string; fingerprint: string; join_addresses: string[] } {
  return JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
}

/** The microcluster client steps: bootstrap `first`, then for each joiner a token named after it and a join. */
export async function formCluster(
  world: ServiceWorld & { defaultAddress(m: string): string },
  first: string, joiners: string[],
  opts: { bootstrapConfig?: Record<string, string>; joinConfig?: (m: string) => Record<string, string> } = {},
): Promise<void> {
  ok(await call(world, first, 'POST', '/core/control', {
    bootstrap: true, name: first, address: world.defaultAddress(first), config: opts.bootstrapConfig ?? {},
  }));
  for (const m of joiners) {
    const token = ok(await call(world, first, 'POST', '/core/control/tokens', { name: m, expire_after: 3_600_000_000_000 })) as string;
    ok(await call(world, m, 'POST', '/core/control', {
      bootstrap: false, name: m, address: world.defaultAddress(m), join_token: token, config: opts.joinConfig?.(m) ?? {},
    }));
  }
}
