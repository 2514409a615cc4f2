// MicroCeph's membership hooks: the bootstrapper (prefill, precheck, the first mon/mgr/mds, the
// crush rules and network config), PostJoin's availability zones and automatic service placement,
// and what PreRemove and removal do to the member's services and disks.
import { randomBytes, randomUUID } from 'node:crypto';
import type { LabContext, MachineSpec } from '../types.js';
import type { CoreCluster, CoreDaemon, CoreMember } from './core.js';
import { hostOf, messageOf, plainError } from './go.js';
import { findIpOnSubnet, findNetworkAddress, isIpOnSubnet } from './net.js';
import { CRUSH_RULE_IDS, goBool, type CephClusterState } from './ceph-model.js';

interface SimpleBootstrap { monIp: string; publicNet: string; clusterNet: string; az: string; v2Only: boolean }

/** getBootstrapper + Prefill (cmd/microcephd/bootstrapper.go, simple_bootstrapper.go). */
function getBootstrapper(ctx: LabContext, d: CoreDaemon<CephClusterState>, config: Record<string, string>): SimpleBootstrap {
  if (goBool(config['DeferCeph'])) throw plainError('lab: deferred Ceph bootstrap (DeferCeph) is not simulated');
  if ((config['AdoptFSID'] ?? '') !== '' && (config['AdoptAdminKey'] ?? '') !== '') {
    throw plainError('lab: adopting an existing Ceph cluster is not simulated');
  }
  const spec = ctx.spec(d.machine);
  let monIp = config['MonIp'] ?? '';
  let publicNet = config['PublicNet'] ?? '';
  let clusterNet = config['ClusterNet'] ?? '';
  if (monIp === '') {
    monIp = publicNet === '' ? hostOf(d.address) : findIpOnSubnet(spec, publicNet);
  }
  if (publicNet === '') {
    try {
      publicNet = findNetworkAddress(spec, monIp);
    } catch (e) {
      throw plainError(`failed to locate ${monIp} on host: ${messageOf(e)}`);
    }
  }
  if (clusterNet === '') clusterNet = publicNet;
  const v2Only = goBool(config['V2Only']);
  if (v2Only) monIp = `v2:${monIp}:3300`;
  return { monIp, publicNet, clusterNet, az: config['AvailabilityZone'] ?? '', v2Only };
}

/** SimpleBootstrapper.Precheck. */
function precheck(spec: MachineSpec, b: SimpleBootstrap): void {
  const monIp = b.v2Only ? b.monIp.replace('v2:', '').replace(':3300', '') : b.monIp;
  try {
    findNetworkAddress(spec, monIp);
  } catch (e) {
    throw plainError(`failed to locate monIP ${monIp} on host: ${messageOf(e)}`);
  }
  if (!isIpOnSubnet(monIp, b.publicNet)) throw plainError(`monIP ${monIp} is not available on public network ${b.publicNet}`);
  findIpOnSubnet(spec, b.clusterNet);
  if (b.az !== '' && !/^[a-zA-Z0-9_.-]+$/.test(b.az)) {
    throw plainError(`invalid availability zone name ${JSON.stringify(b.az)}: must match [a-zA-Z0-9_.-]+`);
  }
}

/** PreInit: on bootstrap, the bootstrapper's prefill and precheck, before the API starts. */
export function preInit(ctx: LabContext, d: CoreDaemon<CephClusterState>, bootstrap: boolean, config: Record<string, string>): void {
  if (!bootstrap) return;
  const b = getBootstrapper(ctx, d, config);
  precheck(ctx.spec(d.machine), b);
}

export function bootstrap(ctx: LabContext, d: CoreDaemon<CephClusterState>, c: CoreCluster<CephClusterState>, m: CoreMember, config: Record<string, string>): void {
  const b = getBootstrapper(ctx, d, config);
  const st = c.app;
  st.fsid = randomUUID();
  st.v2Only = b.v2Only;
  for (const service of ['mon', 'mgr', 'mds']) st.services.push({ member: m.name, service });
  st.db.set('fsid', st.fsid);
  st.db.set('keyring.client.admin', `AQ${randomBytes(28).toString('base64')}`);
  st.db.set(`mon.host.${m.name}`, b.monIp);
  st.db.set('public_network', b.publicNet);
  if (b.az !== '') st.azs.set(m.name, b.az);
  // The mgr creates .mgr as soon as it is up; then the crush rules and the network config.
  st.pools.push({ name: '.mgr', id: st.nextPoolId++, size: 3, minSize: 2, crushRule: 'microceph_auto_osd', pgNum: 1 });
  st.defaultRule = 'microceph_auto_osd';
  st.ceph.set('osd_pool_default_crush_rule', String(CRUSH_RULE_IDS['microceph_auto_osd']));
  st.ceph.set('cluster_network', b.clusterNet);
  st.ceph.set('public_network', b.publicNet);
  st.ceph.set('rbd_default_features', '63');
}

/** PostJoin: ceph.Join — render ceph.conf, record the AZ, auto-place mon/mds/mgr while < 3. */
export function join(ctx: LabContext, c: CoreCluster<CephClusterState>, m: CoreMember, config: Record<string, string>): void {
  if (goBool(config['DeferCeph'])) throw plainError('lab: deferred Ceph join (DeferCeph) is not simulated');
  const st = c.app;
  const spec = ctx.spec(m.machine);
  const pubNet = st.db.get('public_network') ?? '';
  try {
    findIpOnSubnet(spec, pubNet);
  } catch (e) {
    throw plainError(`failed to generate the configuration: failed to locate IP on public network ${pubNet}: ${messageOf(e)}`);
  }
  const az = config['AvailabilityZone'] ?? '';
  if (az !== '' && !/^[a-zA-Z0-9_.-]+$/.test(az)) {
    throw plainError(`invalid availability zone name ${JSON.stringify(az)}: must match [a-zA-Z0-9_.-]+`);
  }
  const mixed = 'mixed empty availability zones and set availability zones are not supported';
  if (az === '' && st.azs.size > 0) {
    throw plainError(`${mixed}: ${st.azs.size} existing availability zones found, but join was called without an associated availability zone`);
  }
  if (az !== '' && st.azs.size === 0) {
    throw plainError(`${mixed}: existing hosts do not have an availability zone, but join was called with an associated availability zone`);
  }
  if (az !== '') st.azs.set(m.name, az);
  for (const service of ['mon', 'mds', 'mgr']) {
    if (st.services.filter((s) => s.service === service).length >= 3) continue;
    st.services.push({ member: m.name, service });
    if (service === 'mon') {
      const ip = findIpOnSubnet(spec, pubNet);
      st.db.set(`mon.host.${m.name}`, st.v2Only ? `v2:${ip}:3300` : ip);
    }
  }
}

/** ceph.PreRemove → removeNode: prerequisites unless forced, then drop the member's services. */
export function preRemove(c: CoreCluster<CephClusterState>, m: CoreMember, force: boolean): void {
  const st = c.app;
  if (!force) {
    if (st.disks.some((d) => d.member === m.name)) {
      throw plainError(`Node ${m.name} still has disks configured, remove before proceeding`);
    }
    const others = (svc: string): number => st.services.filter((s) => s.service === svc && s.member !== m.name).length;
    if (others('mon') < 3 || others('mgr') < 1 || others('mds') < 1) {
      throw plainError(`Insufficient non OSD services: need at least 3 mon, 1 mds, and 1 mgr services in the cluster besides those in node '${m.name}'`);
    }
  }
  st.services = st.services.filter((s) => s.member !== m.name);
  st.db.delete(`mon.host.${m.name}`);
}

/** The member's rows go with it (ON DELETE CASCADE). */
export function memberRemoved(c: CoreCluster<CephClusterState>, m: CoreMember): void {
  const st = c.app;
  st.services = st.services.filter((s) => s.member !== m.name);
  st.disks = st.disks.filter((d) => d.member !== m.name);
  st.db.delete(`mon.host.${m.name}`);
  st.azs.delete(m.name);
}
