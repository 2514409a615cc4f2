// MicroCeph (canonical/microceph): the microcluster core plus its /1.0 API — disks, services,
// configs, pools — over a model of the Ceph cluster it runs (OSDs, mons, pools, crush rules, health).
// Messages and orderings follow microceph/api/*.go and microceph/ceph/*.go. This module wires the
// app into the core and serves the lab's views; each endpoint family lives in its ceph-*.ts module.
import { syncResponse } from '../envelope.js';
import type { LabContext, LabResponse } from '../types.js';
import type { AppEndpoint, AppRequest, MicroApp } from './core.js';
import { CephDisks } from './ceph-disks.js';
import { storageResources } from './ceph-devices.js';
import { configsDelete, configsGet, configsPut } from './ceph-configs.js';
import { CephTimeoutError, healthReport, monQuorum, type CephHealthReport } from './ceph-health.js';
import type { CephMonitors } from '../commands/types.js';
import { daemonRunning } from '../machines.js';
import { bootstrap, join, memberRemoved, preInit, preRemove } from './ceph-init.js';
import {
  byName, minSizeFor, type CephClusterState, type CephDiskView, type CephPoolView, type CephServiceView, type CrushRule,
  type DiskRuntime, type MicroCephOptions,
} from './ceph-model.js';
import { defaultPoolSize, ensurePoolRow, poolView, poolsPut } from './ceph-pools.js';
import { monAddresses, serviceDelete, serviceList, servicePut, servicesRestart } from './ceph-services.js';
import { MicroWorld } from './world.js';
import type { CephAccess } from '../lxd/context.js';

export { resolveBlockDevice, storageResources } from './ceph-devices.js';
export { CephTimeoutError, type CephHealthCheck, type CephHealthReport } from './ceph-health.js';
export type {
  CephClusterState, CephDiskView, CephMemberView, CephPoolView, CephServiceView, CrushRule, DiskRuntime,
  MicroCephOptions,
} from './ceph-model.js';

/**
 * The simulated MicroCeph deployment of a site. `handler(machine)` serves that machine's control
 * socket; machines without the microceph snap have no daemon (`installed()` is false and
 * `handler()` throws).
 */
/** The ceph CLI without /etc/ceph/<cluster>.conf: Ceph's own text (as src/lab/commands/ceph.ts has it). */
const NO_CONF = "Error initializing cluster client: ObjectNotFound('RADOS object not found (error calling conf_read_file)')";

/** The Ceph cluster as LXD's drivers reach it with the `ceph` CLI: the interface LXD's model defines. */
export type CephCliView = CephAccess;

export class MicroCephWorld extends MicroWorld<CephClusterState> {
  private readonly disksApi: CephDisks;
  private readonly restartMsOption: number | undefined;

  constructor(ctx: LabContext, options: MicroCephOptions = {}) {
    super(ctx, options);
    this.disksApi = new CephDisks(ctx, options);
    this.restartMsOption = options.restartMs;
  }

  /** What one member's service restart costs after a config change (read at request time). */
  private get restartMs(): number {
    return this.restartMsOption ?? this.ctx.durations.diskAdd;
  }

  /**
   * `ceph --cluster <clusterName> …` run on `machine`, as the LXD snap there runs it through the
   * MicroCeph content interface: the cluster when the machine's MicroCeph is a member (it has
   * ceph.conf and the admin keyring) and the monitors have quorum; else the CLI's failure.
   */
  cephAt(machine: string, clusterName: string): CephCliView | { exitCode: number; stderr: string } {
    const c = this.installed(machine) ? this.core.clusterOf(machine) : undefined;
    if (!c || clusterName !== 'ceph') return { exitCode: 1, stderr: NO_CONF };
    try {
      healthReport(c, this.ctx);
    } catch (e) {
      if (e instanceof CephTimeoutError) return { exitCode: e.exitCode, stderr: e.message };
      throw e;
    }
    const st = c.app;
    const row = (name: string) => st.pools.find((p) => p.name === name);
    return {
      osdsUp: () => st.disks.filter((d) => !d.purged && daemonRunning(this.ctx, d.machine, 'ceph-osd')).length,
      defaultPoolSize: () => defaultPoolSize(st),
      pool: (name) => {
        const p = row(name);
        return p ? { size: p.size, lxdPlaceholder: p.lxdPlaceholder === true } : undefined;
      },
      createPool: (name, pgNum) => { ensurePoolRow(st, name, pgNum); },
      setPoolSize: (name, size) => {
        const p = row(name);
        if (p) { p.size = size; p.minSize = minSizeFor(size); }
      },
      setLxdPlaceholder: (name, present) => {
        const p = row(name);
        if (p) p.lxdPlaceholder = present;
      },
      deletePool: (name) => { st.pools = st.pools.filter((p) => p.name !== name); },
      filesystem: (name) => {
        const fs = st.filesystems.find((f) => f.name === name);
        return fs ? { metaPool: fs.metaPool, dataPool: fs.dataPool } : undefined;
      },
      createFilesystem: (name, metaPool, dataPool) => {
        if (!st.filesystems.some((f) => f.name === name)) st.filesystems.push({ name, metaPool, dataPool });
      },
    };
  }

  /**
   * What the `ceph` CLI on `machine` reaches on the monitors: the OSD map's flags and the
   * config-key store, or why it cannot (no cluster: no ceph.conf; no quorum: a timeout).
   */
  monitorsAt(machine: string): CephMonitors | { exitCode: number; stderr: string } {
    const c = this.installed(machine) ? this.core.clusterOf(machine) : undefined;
    if (!c) return { exitCode: 1, stderr: NO_CONF };
    if (!monQuorum(c, this.ctx)) { const e = new CephTimeoutError(); return { exitCode: e.exitCode, stderr: e.message }; }
    return { osdFlags: c.app.osdFlags, configKeys: c.app.configKeys };
  }

  /** `ceph fs ls`: the CephFS filesystems of the cluster. */
  filesystems(machine?: string): { name: string; metadata_pool: string; data_pools: string[] }[] {
    const c = this.core.clusterOf(machine);
    return c ? c.app.filesystems.map((f) => ({ name: f.name, metadata_pool: f.metaPool, data_pools: [f.dataPool] })) : [];
  }

  // ---- public API -----------------------------------------------------------------------------

  /** GET /1.0/disks as the cluster would answer. */
  disks(machine?: string): CephDiskView[] {
    const c = this.core.clusterOf(machine);
    return c ? this.disksApi.diskList(c) : [];
  }

  /** GET /1.0/services (mon/mgr/mds records; OSDs are not services in MicroCeph's table). */
  services(machine?: string): CephServiceView[] {
    const c = this.core.clusterOf(machine);
    return c ? serviceList(c).map((s) => ({ service: s.service, location: s.location })) : [];
  }

  pools(machine?: string): CephPoolView[] {
    const c = this.core.clusterOf(machine);
    return c ? c.app.pools.map(poolView) : [];
  }

  poolSizes(machine?: string): Record<string, number> {
    return Object.fromEntries(this.pools(machine).map((p) => [p.pool, p.size]));
  }

  /** Ceph's centralised config (global section). */
  cephConfig(machine?: string): Record<string, string> {
    const c = this.core.clusterOf(machine);
    return c ? Object.fromEntries([...c.app.ceph].sort(([a], [b]) => byName(a, b))) : {};
  }

  /** The automatic crush rule new pools get. */
  defaultCrushRule(machine?: string): CrushRule | undefined {
    return this.core.clusterOf(machine)?.app.defaultRule;
  }

  /** The live state of a machine's disks (mutable: the LXD model may mark a disk it used). */
  diskRuntime(machine: string): Map<string, DiskRuntime> {
    return this.disksApi.diskRuntime(machine);
  }

  /**
   * Create an OSD pool the way LXD's ceph/cephfs drivers do (`ceph osd pool create`): it gets
   * osd_pool_default_size replicas and the default crush rule. Idempotent; returns the pool.
   */
  ensurePool(name: string, machine?: string): CephPoolView {
    const c = this.core.clusterOf(machine);
    if (!c) throw new Error('no MicroCeph cluster to create the pool in');
    return poolView(ensurePoolRow(c.app, name));
  }

  /**
   * `microceph.ceph health --format json` as seen from `machine` (or the first cluster): null when
   * there is no Ceph cluster; throws CephTimeoutError when the monitors have no quorum.
   */
  cephHealth(machine?: string): CephHealthReport | null {
    const c = this.core.clusterOf(machine);
    if (!c) return null;
    return healthReport(c, this.ctx);
  }

  // ---- the app --------------------------------------------------------------------------------

  protected override app(): MicroApp<CephClusterState> {
    return {
      snap: 'microceph',
      port: 7443,
      extensions: [],
      schemaExternal: 9,
      initialState: () => ({
        fsid: '', v2Only: false, db: new Map(), ceph: new Map(), services: [], disks: [], nextOsd: 1,
        pools: [], nextPoolId: 1, filesystems: [], defaultRule: 'microceph_auto_osd', azs: new Map(),
        osdFlags: new Set(), configKeys: new Map(),
      }),
      preInit: (d, isBootstrap, config) => preInit(this.ctx, d, isBootstrap, config),
      bootstrap: (c, m, config) => bootstrap(this.ctx, this.core.daemon(m.machine), c, m, config),
      join: (c, m, config) => join(this.ctx, c, m, config),
      preRemove: (c, m, force) => preRemove(c, m, force),
      memberRemoved: (c, m) => memberRemoved(c, m),
      endpoints: this.endpoints(),
    };
  }

  // ---- /1.0 endpoints -------------------------------------------------------------------------

  private endpoints(): AppEndpoint<CephClusterState>[] {
    type H = (r: AppRequest<CephClusterState>) => Promise<LabResponse> | LabResponse;
    const p = (handler: H) => ({ handler, proxyTarget: true });
    // In the order api/servers.go registers them (the first matching path wins).
    return [
      { path: '/1.0/disks', get: p((r) => syncResponse(this.disksApi.diskList(r.cluster))), post: p((r) => this.disksApi.disksPost(r)) },
      { path: '/1.0/disks/encryption-support', db: false, get: p((r) => this.disksApi.encryptionSupport(r)) },
      { path: '/1.0/disks/{osdid}', delete: p((r) => this.disksApi.disksDelete(r)) },
      { path: '/1.0/resources', db: false, get: p((r) => syncResponse(storageResources(this.ctx.spec(r.daemon.machine), this.diskRuntime(r.daemon.machine)))) },
      { path: '/1.0/services', get: p((r) => syncResponse(serviceList(r.cluster))) },
      {
        path: '/1.0/configs',
        get: p((r) => configsGet(r)), put: p((r) => configsPut(r, this.restartMs)), delete: p((r) => configsDelete(r, this.restartMs)),
      },
      { path: '/1.0/services/restart', post: p((r) => servicesRestart(r)) },
      { path: '/1.0/services/mds', put: p((r) => servicePut(r)), delete: p((r) => serviceDelete(r, 'mds')) },
      { path: '/1.0/services/mgr', put: p((r) => servicePut(r)), delete: p((r) => serviceDelete(r, 'mgr')) },
      {
        path: '/1.0/services/mon', get: p((r) => syncResponse({ addresses: monAddresses(r.cluster) })),
        put: p((r) => servicePut(r)), delete: p((r) => serviceDelete(r, 'mon')),
      },
      { path: '/1.0/services/nfs', put: p((r) => servicePut(r)), delete: p((r) => serviceDelete(r, 'nfs')) },
      { path: '/1.0/services/rgw', put: p((r) => servicePut(r)), delete: p((r) => serviceDelete(r, 'rgw')) },
      { path: '/1.0/services/rbd-mirror', put: p((r) => servicePut(r)), delete: p((r) => serviceDelete(r, 'rbd-mirror')) },
      { path: '/1.0/services/cephfs-mirror', put: p((r) => servicePut(r)), delete: p((r) => serviceDelete(r, 'cephfs-mirror')) },
      { path: '/1.0/pools-op', put: p((r) => poolsPut(r)) },
      { path: '/1.0/pools', get: p((r) => syncResponse(r.cluster.app.pools.map(poolView))) },
    ];
  }
}
