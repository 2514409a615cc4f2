// Calling the lab's snapd model directly (no SSH): requests as they arrive on /run/snapd.socket,
// answers as the envelope snapd writes.
import { SnapdWorld, type SnapdOptions } from '../../src/lab/snapd/index.js';
import type { LabRequest, MachineSpec } from '../../src/lab/types.js';
import { labContext, type TestLabContext } from './specs.js';

export interface Envelope {
  type: 'sync' | 'async' | 'error';
  'status-code': number;
  status: string;
  result: any;
  change?: string;
  sources?: string[];
}

export interface SnapdLab {
  ctx: TestLabContext;
  world: SnapdWorld;
  call(machine: string, method: string, path: string, body?: unknown, opts?: { uid?: number; headers?: Record<string, string> }): Promise<{ status: number; body: Envelope }>;
  /** POST an action and wait for its change to be ready; returns the change. */
  act(machine: string, path: string, body: unknown): Promise<any>;
}

export function snapdLab(specs: MachineSpec[], options: SnapdOptions = {}): SnapdLab {
  const ctx = labContext(specs);
  const world = new SnapdWorld(ctx, options);
  const call: SnapdLab['call'] = async (machine, method, pathAndQuery, body, opts = {}) => {
    const [path = '', query = ''] = pathAndQuery.split('?');
    const rawBody = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    let parsed: unknown;
    try { parsed = rawBody === '' ? undefined : JSON.parse(rawBody); } catch { parsed = undefined; }
    const req: LabRequest = {
      method, path, query: new URLSearchParams(query), rawBody, body: parsed,
      headers: opts.headers ?? (method === 'POST' ? { 'content-type': 'application/json' } : {}), peerUid: opts.uid ?? 0,
    };
    const res = await world.handler(machine)(req);
    // What the socket carries: the JSON text.
    return { status: res.status, body: JSON.parse(JSON.stringify(res.body)) as Envelope };
  };
  const act: SnapdLab['act'] = async (machine, path, body) => {
    const r = await call(machine, 'POST', path, body);
    if (r.body.type !== 'async') throw new Error(`expected an async answer, got ${JSON.stringify(r.body)}`);
    await world.settled();
    return (await call(machine, 'GET', `/v2/changes/${r.body.change}`)).body.result;
  };
  return { ctx, world, call, act };
}
