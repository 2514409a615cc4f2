// Test helpers for the LXD model: call a machine's handler the way a client would, wait operations,
// build join tokens and join bodies as MicroCloud does.
import type { LabRequest, LabResponse, MachineSpec } from '../../src/lab/types.js';
import { LxdWorld } from '../../src/lab/lxd/index.js';
import type { CephAccess, LxdPeers } from '../../src/lab/lxd/context.js';
import { labContext } from './specs.js';
import type { TestLabContext } from './specs.js';
import type { LabDurations } from '../../src/lab/types.js';
import type { Envelope } from '../../src/remote/envelope.js';

/** The body is the wire envelope the client parses; metadata is left loose, each test knows its shape. */
export interface Reply { status: number; headers: Record<string, string>; body: Envelope & { metadata: any } }

export interface CallOptions { query?: Record<string, string>; headers?: Record<string, string>; raw?: string }

export class LxdClient {
  constructor(readonly world: LxdWorld, readonly machine: string) {}

  async call(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<Reply> {
    const rawBody = opts.raw ?? (body === undefined ? '' : JSON.stringify(body));
    let parsed: unknown;
    try { parsed = rawBody === '' ? undefined : JSON.parse(rawBody); } catch { parsed = undefined; }
    const req: LabRequest = {
      method, path, query: new URLSearchParams(opts.query ?? {}), headers: opts.headers ?? {}, body: parsed, rawBody,
    };
    const res: LabResponse = await this.world.handler(this.machine)(req);
    // Round-trip through JSON like the wire would.
    return { status: res.status, headers: res.headers ?? {}, body: JSON.parse(JSON.stringify(res.body)) as Reply['body'] };
  }

  get(path: string, query?: Record<string, string>) { return this.call('GET', path, undefined, { query }); }
  post(path: string, body: unknown, query?: Record<string, string>) { return this.call('POST', path, body, { query }); }
  put(path: string, body: unknown, query?: Record<string, string>, headers?: Record<string, string>) { return this.call('PUT', path, body, { query, headers }); }
  patch(path: string, body: unknown, query?: Record<string, string>, headers?: Record<string, string>) { return this.call('PATCH', path, body, { query, headers }); }
  del(path: string, query?: Record<string, string>) { return this.call('DELETE', path, undefined, { query }); }

  /** Wait an async reply's operation; a sync reply is returned as is. */
  async settle(r: Reply): Promise<Reply> {
    if (r.body.type !== 'async') return r;
    return this.get(`${r.body.operation}/wait`);
  }

  /** Send and, when async, wait: the result is either the sync reply or the wait reply. */
  async run(method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<Reply> {
    return this.settle(await this.call(method, path, body, { query }));
  }
}

export interface Lab { ctx: TestLabContext; world: LxdWorld; c: (m: string) => LxdClient }

/** An in-memory Ceph cluster every machine reaches and a northbound that always answers: the LXD
 *  model on its own, for tests about LXD's API rather than its wiring to MicroCeph/MicroOVN
 *  (tests/lab/lxd-micro-wiring.test.ts tests that). */
export function readyPeers(osds = 3): LxdPeers & { pools: Map<string, { size: number; lxdPlaceholder: boolean }>; filesystems: Map<string, { metaPool: string; dataPool: string }> } {
  const pools = new Map<string, { size: number; lxdPlaceholder: boolean }>();
  const filesystems = new Map<string, { metaPool: string; dataPool: string }>();
  const ceph: CephAccess = {
    osdsUp: () => osds,
    defaultPoolSize: () => 3,
    pool: (name) => pools.get(name),
    createPool: (name) => { if (!pools.has(name)) pools.set(name, { size: 3, lxdPlaceholder: false }); },
    setPoolSize: (name, size) => { const p = pools.get(name); if (p) p.size = size; },
    setLxdPlaceholder: (name, present) => { const p = pools.get(name); if (p) p.lxdPlaceholder = present; },
    deletePool: (name) => { pools.delete(name); },
    filesystem: (name) => filesystems.get(name),
    createFilesystem: (name, metaPool, dataPool) => { filesystems.set(name, { metaPool, dataPool }); },
  };
  return {
    pools, filesystems,
    ceph: { cephAt: () => ceph },
    ovn: { microovnEnv: () => ({ nbConnect: 'ssl:10.1.0.11:6641' }), northboundReachable: () => true },
  };
}

export function makeLab(specs: MachineSpec[], durations: Partial<LabDurations> = {}, peers: Partial<LxdPeers> = readyPeers()): Lab {
  const ctx = labContext(specs, durations);
  const world = new LxdWorld(ctx, peers);
  const clients = new Map<string, LxdClient>();
  return {
    ctx, world,
    c: (m) => {
      let cl = clients.get(m);
      if (!cl) { cl = new LxdClient(world, m); clients.set(m, cl); }
      return cl;
    },
  };
}

/** The machine's eth0 address without prefix. */
export function ipOf(spec: MachineSpec): string {
  const eth0 = spec.interfaces.find((i) => i.name === 'eth0');
  return (eth0?.addresses[0] ?? '').split('/')[0] as string;
}

/** Build the token string from a join token operation's metadata (api.ClusterMemberJoinToken.String). */
export function tokenFromOp(meta: any): string {
  return Buffer.from(JSON.stringify({
    server_name: meta.serverName, fingerprint: meta.fingerprint, addresses: meta.addresses, secret: meta.secret,
    expires_at: meta.expiresAt,
  })).toString('base64');
}

/** Expect a sync success (200/201) and return metadata. */
export function ok(r: Reply): any {
  if (r.body.type === 'error' || (r.body.type === 'sync' && r.body.metadata && r.body.metadata.status === 'Failure')) {
    throw new Error(`expected success, got ${r.status} ${r.body.error || r.body.metadata?.err}`);
  }
  return r.body.metadata;
}

/** The failure text and code of a reply: either an error envelope, or (5.0) a failed operation body. */
export function failure(r: Reply): { code: number; message: string; http: number } {
  if (r.body.type === 'error') return { code: r.body.error_code, message: r.body.error, http: r.status };
  const md = r.body.metadata;
  if (md && (md.status === 'Failure' || md.status === 'Cancelled')) return { code: md.err_code ?? 500, message: md.err, http: r.status };
  throw new Error(`expected a failure, got ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
}

/** The by-id path of a machine's NVMe disk (local storage in the default lab). */
export function nvmeById(spec: MachineSpec): string {
  const d = spec.disks.find((x) => x.id === 'nvme0n1');
  return `/dev/disk/by-id/${d?.device_id}`;
}

/** PATCH the addresses and bootstrap `machine` as member `machine`; returns the leader's certificate. */
export async function bootstrap(lab: Lab, machine: string): Promise<string> {
  const spec = lab.ctx.spec(machine);
  const c = lab.c(machine);
  ok(await c.patch('/1.0', { config: { 'core.https_address': '[::]:8443', 'cluster.https_address': `${ipOf(spec)}:8443` } }));
  const r = await c.run('PUT', '/1.0/cluster', { server_name: machine, enabled: true });
  ok(r);
  return ok(await c.get('/1.0')).environment.certificate as string;
}

export interface JoinOptions {
  memberConfig?: Array<{ entity: string; name: string; key: string; value: string }>;
  tokenField?: 'cluster_token' | 'cluster_password';
  serverName?: string;
  token?: string;
}

/** Issue a token on `via` and join `machine` through its own unix socket, as MicroCloud does. */
export async function joinBody(lab: Lab, machine: string, via: string, opts: JoinOptions = {}): Promise<Record<string, unknown>> {
  const leader = lab.c(via);
  let token = opts.token;
  if (token === undefined) {
    const tok = await leader.post('/1.0/cluster/members', { server_name: opts.serverName ?? machine });
    token = tokenFromOp(ok(tok).metadata);
  }
  const cert = ok(await leader.get('/1.0')).environment.certificate as string;
  return {
    server_name: opts.serverName ?? machine, enabled: true,
    server_address: `${ipOf(lab.ctx.spec(machine))}:8443`,
    cluster_address: `${ipOf(lab.ctx.spec(via))}:8443`,
    cluster_certificate: cert,
    [opts.tokenField ?? (lab.ctx.spec(machine).lxdFlavor === 'deb-5.0' ? 'cluster_password' : 'cluster_token')]: token,
    member_config: opts.memberConfig ?? [],
  };
}

export async function join(lab: Lab, machine: string, via: string, opts: JoinOptions = {}): Promise<Reply> {
  const body = await joinBody(lab, machine, via, opts);
  return lab.c(machine).run('PUT', '/1.0/cluster', body);
}

/** Bootstrap node1 and join node2..nodeN. */
export async function cluster(lab: Lab, n: number): Promise<void> {
  await bootstrap(lab, 'node1');
  for (let i = 2; i <= n; i++) ok(await join(lab, `node${i}`, 'node1'));
}

/**
 * Expect an error with LXD's code and text: a sync error (HTTP status == code), or, when it came
 * through an operation, the error-under-200 of /wait.
 */
export function expectErr(r: Reply, code: number, message: string, viaOperation = false): void {
  expect({ http: r.status, type: r.body.type, code: r.body.error_code, message: r.body.error })
    .toEqual({ http: viaOperation ? 200 : code, type: 'error', code, message });
}
