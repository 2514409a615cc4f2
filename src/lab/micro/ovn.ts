// MicroOVN (canonical/microovn): the microcluster core plus its /1.0 API — the services (central,
// chassis, switch, bgp) each member runs, service enable/disable with the central-count warnings,
// and the config endpoint (ovn.central-ips). Messages follow microovn/api and microovn/node.
import { syncResponse } from '../envelope.js';
import type { LabResponse } from '../types.js';
import type { AppEndpoint, AppRequest, CoreCluster, CoreMember, MicroApp } from './core.js';
import {
  decodeStruct, hostOf, joinHostPort, messageOf, parseIP, plainError, statusError, type StructSpec,
} from './go.js';
import { MicroWorld, type MicroMemberView } from './world.js';

export type OvnService = 'central' | 'chassis' | 'switch' | 'bgp';
/** types.ServiceNames, in its order. */
const SERVICE_NAMES: readonly OvnService[] = ['bgp', 'chassis', 'central', 'switch'];

interface ServiceRow { member: string; service: OvnService }

export interface OvnClusterState {
  services: ServiceRow[];
  /** MicroOVN's config table (only ovn.central-ips is a valid key). */
  config: Map<string, string>;
  /** external_ids:ovn-encap-ip each chassis was given. */
  encapIp: Map<string, string>;
}

export type OvnMemberView = MicroMemberView;
export interface OvnServiceView { service: OvnService; location: string }

const EXTRA_SERVICE_CONFIG: StructSpec = { goType: 'types.ExtraServiceConfig', fields: { bgpConfig: 'any' } };
const DISABLE_REQUEST: StructSpec = { goType: 'types.DisableServiceRequest', fields: { allowDisableLastCentral: 'bool' } };
const SET_CONFIG: StructSpec = { goType: 'types.SetConfigRequest', fields: { key: 'string', value: 'string' } };
const GET_CONFIG: StructSpec = { goType: 'types.GetConfigRequest', fields: { key: 'string' } };

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A sync response whose status is "Failure" (response.SyncResponse(false, …)): still HTTP 200. */
function syncFailure(metadata: unknown): LabResponse {
  const res = syncResponse(metadata);
  return { ...res, body: { ...(res.body as Record<string, unknown>), status: 'Failure', status_code: 400 } };
}

/** ovn.newRequestedServices. */
function requestedServices(spec: string): Set<OvnService> {
  const out = new Set<OvnService>();
  let err: string | undefined;
  for (const s of spec.split(',')) {
    if (s === 'central' || s === 'chassis' || s === 'switch') out.add(s);
    else err = `invalid service requested: ${s}`;
  }
  if (err) throw plainError(`failed to parse requested services: ${err}`);
  return out;
}

/**
 * The simulated MicroOVN deployment of a site. `handler(machine)` serves that machine's control
 * socket; machines without the microovn snap have no daemon.
 */
export class MicroOvnWorld extends MicroWorld<OvnClusterState> {
  services(machine?: string): OvnServiceView[] {
    const c = this.core.clusterOf(machine);
    return c ? this.serviceList(c) : [];
  }

  /** The ovn-encap-ip a member's chassis uses (undefined without chassis). */
  encapIp(member: string, machine?: string): string | undefined {
    return this.core.clusterOf(machine)?.app.encapIp.get(member);
  }

  /**
   * The machine's local Open vSwitch database (`microovn.ovs-vsctl`'s): null while its ovsdb-server
   * does not run, i.e. before the daemon bootstraps or joins, or without the switch service
   * (canonical/microovn snapcraft/commands/switch.start, 7943959a66891dd59b25f573a5cfa8731ea97a5e).
   * The Open_vSwitch row's external_ids hold what enabling chassis set (microovn/ovn/bootstrap.go,
   * join.go, same commit): system-id, ovn-encap-type=geneve and ovn-encap-ip; disabling chassis
   * leaves them (node.DisableService does not clear them).
   */
  localSwitch(machine: string): { externalIds: Record<string, string> } | null {
    const c = this.core.clusterOf(machine);
    const m = c && this.core.memberOf(c, machine);
    if (!c || !m || !c.app.services.some((s) => s.member === m.name && s.service === 'switch')) return null;
    const ip = c.app.encapIp.get(m.name);
    return { externalIds: ip === undefined ? {} : { 'ovn-encap-ip': ip, 'ovn-encap-type': 'geneve', 'system-id': m.name } };
  }

  /** environment.CentralIps: ovn.central-ips when set, else the addresses of the members running central. */
  centralAddresses(machine?: string): string[] {
    const c = this.core.clusterOf(machine);
    return c ? this.centralIps(c) : [];
  }

  /** OVN_NB_CONNECT of ovn.env, what LXD's network.ovn.northbound_connection wants ("ssl:ip:6641,…"). */
  northboundConnection(machine?: string): string {
    return this.centralAddresses(machine).map((ip) => `ssl:${joinHostPort(ip, 6641)}`).join(',');
  }

  /**
   * What LXD's OVN driver finds of MicroOVN on `machine` (src/lab/lxd/context.ts LxdOvnPeer):
   * 'absent' without the snap (nothing connected to LXD's /run/openvswitch), 'no-env' before the
   * daemon bootstraps or joins (ovn.env is written then), else ovn.env's OVN_NB_CONNECT.
   */
  microovnEnv(machine: string): 'absent' | 'no-env' | { nbConnect: string } {
    if (!this.installed(machine)) return 'absent';
    if (!this.initialized(machine)) return 'no-env';
    return { nbConnect: this.northboundConnection(machine) };
  }

  /**
   * Whether `ovn-nbctl --db <connection>` gets a write through: one of the connection's `ssl:`
   * endpoints is port 6641 on a member that runs central, answers, and whose northbound raft
   * cluster (the centrals of its MicroOVN cluster) has a majority up. MicroOVN's ovsdb-servers
   * listen on SSL only; `tcp:` and `unix:` never answer (OVN runs only inside MicroOVN in the lab).
   */
  northboundReachable(_machine: string, connection: string): boolean {
    for (const raw of connection.split(',')) {
      const m = /^(ssl):(\[[^\]]+\]|[^:]+):(\d+)$/.exec(raw.trim());
      if (!m || m[3] !== '6641') continue;
      const host = m[2]!.replace(/^\[|\]$/g, '');
      for (const c of this.core.clusters()) {
        const centrals = c.members.filter((mm) => c.app.services.some((s) => s.member === mm.name && s.service === 'central'));
        const up = centrals.filter((mm) => this.core.reachable(mm));
        if (up.length * 2 <= centrals.length) continue;
        if (up.some((mm) => hostOf(mm.address) === host)) return true;
      }
    }
    return false;
  }

  /** OVN_SB_CONNECT of ovn.env ("ssl:ip:6642,…"). */
  southboundConnection(machine?: string): string {
    return this.centralAddresses(machine).map((ip) => `ssl:${joinHostPort(ip, 6642)}`).join(',');
  }

  // ---- the app --------------------------------------------------------------------------------

  protected override app(): MicroApp<OvnClusterState> {
    return {
      snap: 'microovn',
      port: 6443,
      extensions: ['custom_encapsulation_ip'],
      schemaExternal: 3,
      initialState: () => ({ services: [], config: new Map(), encapIp: new Map() }),
      bootstrap: (c, m, config) => {
        // PostBootstrap = ovn.Bootstrap: central+chassis+switch unless ovn-services says otherwise.
        const { encapIp, services } = this.parseInit(m, config, true, new Set(['central', 'chassis', 'switch']));
        this.enableInitServices(c, m, services, encapIp);
      },
      join: (c, m, config) => {
        // PreJoin = ovn.Join: switch+chassis always, central while fewer than 3 (and none external).
        const centrals = c.app.services.filter((s) => s.service === 'central').length;
        const external = c.app.config.has('ovn.central-ips');
        const defaults = new Set<OvnService>(['chassis', 'switch']);
        if (!external && centrals < 3) defaults.add('central');
        const { encapIp, services } = this.parseInit(m, config, false, defaults);
        this.enableInitServices(c, m, services, encapIp);
      },
      // PreRemove = ovn.Leave: every service is disabled, errors only logged.
      preRemove: (c, m) => {
        c.app.services = c.app.services.filter((s) => s.member !== m.name);
      },
      memberRemoved: (c, m) => {
        c.app.services = c.app.services.filter((s) => s.member !== m.name);
        c.app.encapIp.delete(m.name);
      },
      endpoints: this.endpoints(),
    };
  }

  private parseInit(m: CoreMember, config: Record<string, string>, bootstrap: boolean, defaults: Set<OvnService>): { encapIp: string; services: Set<OvnService> } {
    let encapIp = hostOf(m.address);
    let services = defaults;
    for (const [k, v] of Object.entries(config)) {
      if (k === 'ovn-encap-ip') encapIp = v;
      else if (bootstrap && k === 'ovn-ca-cert') throw plainError(`failed to read CA certificate: open ${v}: no such file or directory`);
      else if (bootstrap && k === 'ovn-ca-key') throw plainError(`failed to read CA private key: open ${v}: no such file or directory`);
      else if (k === 'ovn-services' && v !== 'auto') services = requestedServices(v);
    }
    return { encapIp, services };
  }

  private enableInitServices(c: CoreCluster<OvnClusterState>, m: CoreMember, services: Set<OvnService>, encapIp: string): void {
    for (const s of ['switch', 'central', 'chassis'] as const) {
      if (!services.has(s)) continue;
      this.enable(c, m, s);
      if (s === 'chassis') c.app.encapIp.set(m.name, encapIp);
    }
  }

  /** node.EnableService. */
  private enable(c: CoreCluster<OvnClusterState>, m: CoreMember, service: OvnService): void {
    if (c.app.services.some((s) => s.member === m.name && s.service === service)) {
      throw plainError('this service is already enabled');
    }
    c.app.services.push({ member: m.name, service });
  }

  private centralIps(c: CoreCluster<OvnClusterState>): string[] {
    const configured = c.app.config.get('ovn.central-ips');
    if (configured !== undefined) return configured.split(',');
    const centrals = new Set(c.app.services.filter((s) => s.service === 'central').map((s) => s.member));
    return [...c.members].sort((a, b) => a.id - b.id).filter((m) => centrals.has(m.name)).map((m) => hostOf(m.address));
  }

  private serviceList(c: CoreCluster<OvnClusterState>): OvnServiceView[] {
    const ids = new Map(c.members.map((m) => [m.name, m.id]));
    return [...c.app.services]
      .sort((a, b) => (ids.get(a.member) ?? 0) - (ids.get(b.member) ?? 0) || byName(a.service, b.service))
      .map((s) => ({ service: s.service, location: s.member }));
  }

  private warnings(c: CoreCluster<OvnClusterState>): { EvenCentral: boolean; FewCentral: boolean } {
    const n = c.app.services.filter((s) => s.service === 'central').length;
    if (n === 0) return { EvenCentral: false, FewCentral: false };
    return { EvenCentral: n % 2 === 0, FewCentral: n < 3 };
  }

  // ---- /1.0 endpoints -------------------------------------------------------------------------

  private endpoints(): AppEndpoint<OvnClusterState>[] {
    type H = (r: AppRequest<OvnClusterState>) => Promise<LabResponse> | LabResponse;
    const p = (handler: H) => ({ handler, proxyTarget: true });
    return [
      { path: '/1.0/services', get: p((r) => syncResponse(this.serviceList(r.cluster))) },
      { path: '/1.0/service/{service}', put: p((r) => this.servicePut(r)), delete: p((r) => this.serviceDelete(r)) },
      { path: '/1.0/env', post: p((r) => this.envPost(r)) },
      { path: '/1.0/config', get: p((r) => this.configGet(r)), post: p((r) => this.configSet(r)), delete: p((r) => this.configDelete(r)) },
    ];
  }

  private serviceName(r: AppRequest<OvnClusterState>): OvnService {
    const name = r.params['service'] ?? '';
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) throw plainError('service does not exist');
    return name as OvnService;
  }

  /** PUT /1.0/service/<svc>: enable on this member. */
  private servicePut(r: AppRequest<OvnClusterState>): LabResponse {
    const service = this.serviceName(r);
    let body: Record<string, unknown>;
    try {
      body = decodeStruct(r.req.rawBody, EXTRA_SERVICE_CONFIG);
    } catch {
      throw statusError(400, 'failed to decode request');
    }
    this.enable(r.cluster, r.member, service);
    if (service === 'bgp' && body['bgpConfig'] !== null && body['bgpConfig'] !== undefined) {
      const err = validateBgp(body['bgpConfig']);
      if (err) {
        r.cluster.app.services = r.cluster.app.services.filter((s) => !(s.member === r.member.name && s.service === 'bgp'));
        throw plainError(`failed to validate BGP config. Services won't be started: ${err}`);
      }
    }
    if (service === 'chassis' && !r.cluster.app.encapIp.has(r.member.name)) {
      r.cluster.app.encapIp.set(r.member.name, hostOf(r.member.address));
    }
    return syncResponse({ message: `${service} enabled`, warnings: this.warnings(r.cluster) });
  }

  /** DELETE /1.0/service/<svc>: disable on this member. */
  private serviceDelete(r: AppRequest<OvnClusterState>): LabResponse {
    const service = this.serviceName(r);
    let body: Record<string, unknown>;
    try {
      body = decodeStruct(r.req.rawBody, DISABLE_REQUEST);
    } catch (e) {
      throw plainError(`failed to decode request: ${messageOf(e)}`);
    }
    const st = r.cluster.app;
    if (!st.services.some((s) => s.member === r.member.name && s.service === service)) {
      throw plainError('this service is not enabled');
    }
    if (service === 'central' && st.services.filter((s) => s.service === 'central').length === 1 && !body['allowDisableLastCentral']) {
      throw plainError('cannot disable last central node without explicit confirmation');
    }
    st.services = st.services.filter((s) => !(s.member === r.member.name && s.service === service));
    return syncResponse({ message: `${service} disabled`, warnings: this.warnings(r.cluster) });
  }

  private envPost(r: AppRequest<OvnClusterState>): LabResponse {
    const errors = r.cluster.members
      .filter((m) => m.machine !== r.daemon.machine && !r.core.reachable(m))
      .map((m) => `Failed to contact cluster member with address "https://${m.address}": Post "https://${m.address}/1.0/env": dial tcp ${m.address}: connect: no route to host`);
    return syncResponse({ success: true, error: errors });
  }

  /** parseConfigRequest: decode, then the key must be a known option (and a set value valid). */
  private parseConfig(raw: string, spec: StructSpec, validate: boolean): { key: string; value: string } {
    let body: Record<string, unknown>;
    try {
      body = decodeStruct(raw, spec);
    } catch (e) {
      throw plainError(`failed to decode config request: ${messageOf(e)}`);
    }
    const key = body['key'] as string;
    const value = (body['value'] as string | undefined) ?? '';
    if (key !== 'ovn.central-ips') throw plainError(`config key '${key}' is not a recognized config option`);
    if (validate) {
      const ips = value.split(',');
      const err = value === '' ? 'no IPs provided' : ips.find((ip) => !parseIP(ip) || ip.includes('[')) !== undefined
        ? `cannot parse IP address '${ips.find((ip) => !parseIP(ip) || ip.includes('['))!}'` : undefined;
      if (err) throw plainError(`configuration for key '${key}' not valid: ${err}`);
    }
    return { key, value };
  }

  private configGet(r: AppRequest<OvnClusterState>): LabResponse {
    let key: string;
    try {
      key = this.parseConfig(r.req.rawBody, GET_CONFIG, false).key;
    } catch (e) {
      return syncFailure({ value: '', isSet: false, error: messageOf(e) });
    }
    const value = r.cluster.app.config.get(key);
    return syncResponse({ value: value ?? '', isSet: value !== undefined, error: '' });
  }

  private configSet(r: AppRequest<OvnClusterState>): LabResponse {
    let kv: { key: string; value: string };
    try {
      kv = this.parseConfig(r.req.rawBody, SET_CONFIG, true);
    } catch (e) {
      return syncFailure({ error: messageOf(e) });
    }
    r.cluster.app.config.set(kv.key, kv.value);
    return syncResponse({ error: '' });
  }

  private configDelete(r: AppRequest<OvnClusterState>): LabResponse {
    let key: string;
    try {
      key = this.parseConfig(r.req.rawBody, GET_CONFIG, false).key;
    } catch (e) {
      return syncFailure({ error: messageOf(e) });
    }
    r.cluster.app.config.delete(key);
    return syncResponse({ error: '' });
  }
}

/** ExtraBgpConfig.Validate. */
function validateBgp(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const c = raw as Record<string, unknown>;
  const vrf = typeof c['vrf'] === 'string' ? c['vrf'] : '';
  const asn = typeof c['asn'] === 'string' ? c['asn'] : '';
  if (vrf !== '' && !/^[+-]?[0-9]+$/.test(vrf)) return `option 'vrf' is not a number: ${vrf}`;
  if (asn !== '' && !(/^[0-9]+$/.test(asn) && Number(asn) <= 4294967295)) return `option 'asn' is not a valid number: ${asn}`;
  const range = Array.isArray(c['asn_range']) ? (c['asn_range'] as unknown[]).map(Number) : [0, 0];
  const [lo = 0, hi = 0] = range;
  if (lo !== 0 || hi !== 0) {
    if (lo >= hi) return `option 'asn_range' min must be less than max: ${lo}-${hi}`;
    if (lo < 4200000000 || hi > 4294967294) return `option 'asn_range' must be within RFC 6996 range (4200000000-4294967294): ${lo}-${hi}`;
  }
  return undefined;
}
