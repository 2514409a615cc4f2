// A whole lab site for the snap tests (tests/lab/snaps-*.test.ts): snapd driven in-process as the
// product drives it over the socket, LXD, MicroCeph and MicroOVN clusters formed through their
// worlds, and what a peer sees read through the site (which refuses a stopped daemon).
import { LabSite, type LabSiteOptions } from '../../src/lab/lab-site.js';
import type { LxdWorld } from '../../src/lab/lxd/index.js';
import type { MicroCephWorld, MicroOvnWorld } from '../../src/lab/micro/index.js';
import type { SnapdWorld } from '../../src/lab/snapd/index.js';
import type { LabService } from '../../src/lab/types.js';
import { cluster as lxdCluster, LxdClient, type Lab } from './lxd-helpers.js';
import { call as microCall, formCluster, ok as microOk } from './micro-client.js';
import type { TestLabContext } from './specs.js';

export const PUBLIC = { PublicNet: '10.1.0.0/24', ClusterNet: '10.1.0.0/24' };
export const SDA = (i: number): string => `/dev/disk/by-id/wwn-0x5002538f4${(i * 16 + 1).toString(16).padStart(7, '0')}`;

export interface SnapSite {
  site: LabSite;
  snapd: SnapdWorld;
  /** A request on a machine's daemon socket, through the site (faults, counting, stopped daemons). */
  req(machine: string, service: LabService, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** POST /v2/snaps/{name} and wait (polling, as the product does) until the change is ready. */
  act(machine: string, name: string, body: Record<string, unknown>): Promise<any>;
  stop(): Promise<void>;
}

export async function snapSite(options: LabSiteOptions = {}): Promise<SnapSite> {
  const site = await LabSite.start({ nodes: 3, ...options });
  const snapd = site.world('snapd') as SnapdWorld;
  const req: SnapSite['req'] = async (machine, service, method, path, body) => {
    const [p = '', query = ''] = path.split('?');
    const r = await site.request(machine, service, {
      method, path: p, query, ...(body !== undefined ? { body } : {}),
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    });
    return { status: r.status, body: JSON.parse(JSON.stringify(r.body)) };
  };
  const act: SnapSite['act'] = async (machine, name, body) => {
    const r = await req(machine, 'snapd', 'POST', `/v2/snaps/${name}`, body);
    if (r.body.type !== 'async') throw new Error(`expected an async answer, got ${JSON.stringify(r.body)}`);
    for (;;) {
      const c = (await req(machine, 'snapd', 'GET', `/v2/changes/${r.body.change}`)).body.result;
      if (c.ready) return c;
      await new Promise((res) => setTimeout(res, 2));
    }
  };
  return { site, snapd, req, act, stop: () => site.stop() };
}

/** The LXD helpers' view of a site's LXD world (they call the world's handlers directly). */
export function lxdLab(site: LabSite): Lab {
  const world = site.world('lxd') as LxdWorld;
  return { ctx: site as unknown as TestLabContext, world, c: (m) => new LxdClient(world, m) };
}

/** LXD clustered over node1..nodeN. */
export async function formLxd(site: LabSite, n = 3): Promise<void> {
  await lxdCluster(lxdLab(site), n);
}

/** MicroOVN (or MicroCeph without disks) clustered over node1..node3. */
export async function formMicro(site: LabSite, service: 'microovn' | 'microceph'): Promise<MicroOvnWorld | MicroCephWorld> {
  const world = site.world(service) as MicroOvnWorld | MicroCephWorld;
  await formCluster(world, 'node1', ['node2', 'node3'], service === 'microceph' ? { bootstrapConfig: PUBLIC } : {});
  // The leader's next heartbeat makes all three voters (a member's restart then keeps quorum).
  world.heartbeat();
  return world;
}

/** MicroCeph on node1..node3 with one OSD each and the .mgr pool at size 3: HEALTH_OK. */
export async function formCeph(site: LabSite): Promise<MicroCephWorld> {
  const world = (await formMicro(site, 'microceph')) as MicroCephWorld;
  for (const i of [1, 2, 3]) {
    const r = microOk(await microCall(world, 'node1', 'POST', `/1.0/disks?target=node${i}`, { path: [SDA(i)], wipe: false, encrypt: false }));
    if (r.report?.[0]?.report !== 'Success') throw new Error(`disk on node${i}: ${JSON.stringify(r)}`);
  }
  microOk(await microCall(world, 'node1', 'PUT', '/1.0/pools-op', { pools: ['*'], size: 3 }));
  return world;
}
