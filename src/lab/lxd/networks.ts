// /1.0/networks: managed networks (two-phase in clusters; OVN networks never take a target), unmanaged
// host interfaces from the machine spec, /state (lxd/networks.go, lxd/db/networks.go).
import type { InterfaceSpec, LabResponse } from '../types.js';
import { createdResponse, syncResponse } from '../envelope.js';
import { memberAddress, runMaybeAsync, withLock } from './common.js';
import type { Ctx } from './context.js';
import { decodeBody, forwardIfTargetRemote, isRecursion, project, q, str, strMap } from './context.js';
import { NETWORK_TYPES, checkOvnNorthbound, fillNetworkConfig, networkConfigError, supportsMemberConfig } from './drivers.js';
import { badRequest, plainError, statusError, toLxdError } from './errors.js';
import { etagCheck, etagHeader } from './etag.js';
import type { Router } from './router.js';
import { memberNames } from './state.js';
import type { DaemonState, Database, NetworkRecord } from './state.js';

function findNetwork(db: Database, proj: string, name: string): NetworkRecord | undefined {
  const n = db.networks.get(name);
  return n && n.project === proj ? n : undefined;
}

function merged(n: NetworkRecord, member: string): Record<string, string> {
  return { ...n.config, ...(n.nodes.get(member)?.config ?? {}) };
}

function stripMember(d: DaemonState, config: Record<string, string>): Record<string, string> {
  const out = { ...config };
  for (const k of d.flavor.memberNetworkKeys) delete out[k];
  return out;
}

function networkUsedBy(d: DaemonState, name: string): string[] {
  const out: string[] = [];
  for (const n of [...d.db.networks.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (n.type === 'ovn' && n.config.network === name) out.push(`/1.0/networks/${n.name}`);
  }
  for (const p of [...d.db.profiles.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (Object.values(p.devices).some((dev) => dev.type === 'nic' && dev.network === name)) out.push(`/1.0/profiles/${p.name}`);
  }
  return out;
}

function renderManaged(d: DaemonState, n: NetworkRecord, memberSpecific: boolean): Record<string, unknown> {
  let config = merged(n, d.memberName);
  let status: string;
  if (d.db.clustered && !memberSpecific) {
    config = stripMember(d, config);
    status = n.state;
  } else {
    status = n.nodes.get(d.memberName)?.state ?? 'Unknown';
  }
  const out: Record<string, unknown> = {
    name: n.name, description: n.description, type: n.type, managed: true, status, config,
    used_by: networkUsedBy(d, n.name), locations: memberNames(d.db).filter((m) => n.nodes.has(m)),
  };
  if (d.flavor.name === 'snap-6.8') out.project = n.project;
  return out;
}

function renderUnmanaged(d: DaemonState, iface: InterfaceSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: iface.name, description: '', type: iface.kind, managed: false, status: '', config: {},
    used_by: [], locations: null,
  };
  if (d.flavor.name === 'snap-6.8') out.project = 'default';
  return out;
}

function hostInterfaces(c: Ctx, d: DaemonState): InterfaceSpec[] {
  return c.world.lab.spec(d.machine).interfaces.filter((i) => !i.name.startsWith('veth'));
}

function listNetworks(c: Ctx): LabResponse {
  const d = c.d;
  const proj = project(c);
  const managed = [...d.db.networks.values()].filter((n) => n.project === proj);
  const names = new Set(managed.map((n) => n.name));
  const unmanaged = proj === 'default' ? hostInterfaces(c, d).filter((i) => !names.has(i.name)) : [];
  if (!isRecursion(c)) {
    return syncResponse([...managed.map((n) => n.name), ...unmanaged.map((i) => i.name)].map((n) => `/1.0/networks/${n}`));
  }
  return syncResponse([...managed.map((n) => renderManaged(d, n, false)), ...unmanaged.map((i) => renderUnmanaged(d, i))]);
}

async function getNetwork(c: Ctx): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const d = c.d;
  const name = c.params.network ?? '';
  const n = name.startsWith('veth') ? undefined : findNetwork(d.db, project(c), name);
  let obj: Record<string, unknown>;
  if (n) {
    obj = renderManaged(d, n, q(c, 'target') !== '');
  } else {
    const iface = project(c) === 'default' && !name.startsWith('veth') ? hostInterfaces(c, d).find((i) => i.name === name) : undefined;
    if (!iface) throw statusError(404, 'Network not found');
    obj = renderUnmanaged(d, iface);
  }
  return syncResponse(obj, 200, etagHeader([obj.name, obj.managed, obj.type, obj.description, obj.config]));
}

function ifaceState(iface: InterfaceSpec): Record<string, unknown> {
  return {
    addresses: iface.addresses.map((cidr) => {
      const [address, netmask] = cidr.split('/') as [string, string];
      const v6 = address.includes(':');
      const scope = iface.kind === 'loopback' ? 'local' : v6 && address.toLowerCase().startsWith('fe80:') ? 'link' : 'global';
      return { family: v6 ? 'inet6' : 'inet', address, netmask: netmask ?? (v6 ? '128' : '32'), scope };
    }),
    counters: { bytes_received: 0, bytes_sent: 0, packets_received: 0, packets_sent: 0 },
    hwaddr: iface.mac,
    mtu: iface.mtu,
    state: iface.state,
    type: iface.kind === 'loopback' ? 'loopback' : 'broadcast',
    bond: null,
    bridge: null,
    vlan: null,
    ovn: null,
  };
}

async function networkState(c: Ctx): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const d = c.d;
  const name = c.params.network ?? '';
  const n = findNetwork(d.db, project(c), name);
  const ifaces = hostInterfaces(c, d);
  if (n) {
    const cfg = merged(n, d.memberName);
    if (n.type === 'physical' || n.type === 'macvlan' || n.type === 'sriov') {
      const parent = ifaces.find((i) => i.name === cfg.parent);
      if (!parent) throw statusError(404, `Network interface ${JSON.stringify(cfg.parent ?? '')} not found`);
      return syncResponse(ifaceState(parent));
    }
    const addrs = [cfg['ipv4.address'], cfg['ipv6.address']].filter((a): a is string => !!a && a !== 'none');
    const st = ifaceState({ name, kind: 'bridge', state: 'up', mac: '00:16:3e:00:00:01', mtu: 1500, addresses: addrs });
    if (n.type === 'ovn') st.ovn = { chassis: d.memberName };
    else st.bridge = { id: '8000.00163e000001', stp: false, forward_delay: 1500, vlan_default: 1, vlan_filtering: false, upper_devices: [] };
    return syncResponse(st);
  }
  const iface = ifaces.find((i) => i.name === name);
  if (!iface) throw statusError(404, `Network interface ${JSON.stringify(name)} not found`);
  return syncResponse(ifaceState(iface));
}

async function createPending(c: Ctx, target: string, name: string, proj: string, type: string, config: Record<string, string>): Promise<void> {
  const db = c.d.db;
  const existing = findNetwork(db, proj, name);
  if (existing) {
    if (existing.state !== 'Pending') throw plainError('Network is not in pending state');
    if (existing.type !== type) throw plainError(c.d.flavor.msg.pendingNetworkTypeMismatch);
  }
  if (!memberNames(db).includes(target)) throw statusError(404, 'Cluster member not found');
  if (existing?.nodes.has(target)) throw statusError(409, `Network ${JSON.stringify(name)} already exists`);
  const n: NetworkRecord = existing ?? { name, project: proj, type, description: '', config: {}, state: 'Pending', nodes: new Map() };
  n.nodes.set(target, { state: 'Pending', config: { ...config } });
  db.networks.set(name, n);
}

/** FillConfig for OVN: pick / check the uplink. */
function fillOvnUplink(db: Database, config: Record<string, string>): void {
  const uplinks = [...db.networks.values()]
    .filter((n) => n.project === 'default' && (n.type === 'physical' || n.type === 'bridge') && n.state === 'Created')
    .map((n) => n.name);
  const want = config.network ?? '';
  if (want !== '') {
    if (!uplinks.includes(want)) throw plainError(`Option "network" value ${JSON.stringify(want)} is not one of the allowed uplink networks in project`);
    return;
  }
  if (uplinks.length === 0) throw plainError('No allowed uplink networks in project');
  if (uplinks.length > 1) throw plainError('Option "network" is required');
  config.network = uplinks[0] as string;
}

/** networks.id: the lab numbers networks in creation order (LXD's ids are the table's rowids). */
function networkId(db: Database, n: NetworkRecord): number {
  return [...db.networks.values()].indexOf(n) + 1;
}

/** doNetworksCreate on one member: Validate, Create (parent use; for OVN, on the member that got
 *  the request — `first` — the northbound setup), Start (parent exists). */
function createOnMember(c: Ctx, n: NetworkRecord, member: string, first: boolean): void {
  const db = c.d.db;
  const row = n.nodes.get(member) ?? { state: 'Pending' as const, config: {} };
  if (row.state === 'Created') return;
  const machine = db.clustered ? db.members.find((m) => m.name === member)?.machine ?? c.d.machine : c.d.machine;
  const daemon = c.world.daemon(machine);
  const config = { ...n.config, ...row.config };
  const err = networkConfigError(n.name, n.type, config);
  if (err) throw plainError(err);
  if (n.type === 'physical') {
    for (const other of db.networks.values()) {
      if (other === n || other.project !== 'default' || other.state !== 'Created') continue;
      const oc = merged(other, member);
      if (oc.parent && oc.parent === config.parent && (!oc.vlan || !config.vlan || oc.vlan === config.vlan)) {
        throw plainError(`Parent interface ${JSON.stringify(config.parent)} in use by another network`);
      }
    }
  }
  if (config.parent && n.type !== 'ovn') {
    const ifaces = c.world.lab.spec(machine).interfaces;
    if (!ifaces.some((i) => i.name === config.parent)) {
      const msg = `Parent interface ${JSON.stringify(config.parent)} not found`;
      throw plainError(daemon.flavor.name === 'snap-6.8' ? `Failed starting network: ${msg}` : msg);
    }
  }
  if (n.type === 'ovn' && first) {
    checkOvnNorthbound(daemon.flavor, c.world.peers.ovn, machine, db.config['network.ovn.northbound_connection'], networkId(db, n));
  }
  n.nodes.set(member, { state: 'Created', config: row.config });
}

async function finalizeCluster(c: Ctx, netInfo: NetworkRecord | undefined, name: string, proj: string, type: string,
  description: string, config: Record<string, string>): Promise<void> {
  const d = c.d;
  const f = d.flavor;
  const db = d.db;
  for (const k of Object.keys(config)) {
    if (f.memberNetworkKeys.includes(k)) throw plainError(`Config key ${JSON.stringify(k)} is cluster member specific`);
  }
  if (netInfo) {
    if (netInfo.state === 'Created') throw plainError('The network is already created');
    if (netInfo.type !== type) throw plainError(f.msg.networkTypeMismatch(type, netInfo.type));
  }
  const partial = netInfo && (netInfo.state === 'Errored' || Object.keys(netInfo.config).some((k) => !f.memberNetworkKeys.includes(k)));
  const n = findNetwork(db, proj, name);
  if (partial) {
    if (Object.keys(config).length > 0) {
      throw plainError('Network already partially created. Please do not specify any global config when re-running create');
    }
  } else {
    if (!n) throw plainError('Network not pending on any node (use --target <node> first)');
    const missing = memberNames(db).filter((m) => !n.nodes.has(m));
    if (missing.length) throw plainError(`Network not defined on nodes: ${missing.join(', ')}`);
    const cfg = { ...config };
    if (type === 'ovn') fillOvnUplink(db, cfg);
    fillNetworkConfig(type, cfg);
    n.config = cfg;
    n.state = 'Errored';
  }
  if (!n) throw plainError('Network not pending on any node (use --target <node> first)');
  if (description) n.description = description;
  for (const m of db.members) {
    if (!c.world.memberUp(db, m)) throw plainError(`Peer cluster member ${m.name} at ${m.address} is down`);
  }
  await c.world.lab.sleep(c.world.lab.durations.networkCreate);
  createOnMember(c, n, d.memberName, true);
  const errors: string[] = [];
  for (const m of memberNames(db)) {
    if (m === d.memberName) continue;
    try {
      createOnMember(c, n, m, false);
    } catch (e) {
      errors.push(f.msg.notifyPeer(m, memberAddress(db, m), toLxdError(e).message));
    }
  }
  if (errors.length) throw plainError(errors[0] as string);
  n.state = 'Created';
}

async function createSingle(c: Ctx, name: string, proj: string, type: string, description: string, config: Record<string, string>): Promise<void> {
  const d = c.d;
  if (findNetwork(d.db, proj, name)) throw badRequest('The network already exists');
  const cfg = { ...config };
  if (type === 'ovn') fillOvnUplink(d.db, cfg);
  fillNetworkConfig(type, cfg);
  const global: Record<string, string> = {};
  const mine: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg)) (d.flavor.memberNetworkKeys.includes(k) ? mine : global)[k] = v;
  const n: NetworkRecord = { name, project: proj, type, description, config: global, state: 'Created', nodes: new Map() };
  n.nodes.set(d.memberName, { state: 'Pending', config: mine });
  d.db.networks.set(name, n);
  try {
    await c.world.lab.sleep(c.world.lab.durations.networkCreate);
    createOnMember(c, n, d.memberName, true);
  } catch (e) {
    d.db.networks.delete(name);
    throw e;
  }
}

async function postNetwork(c: Ctx): Promise<LabResponse> {
  const body = decodeBody(c, 'NetworksPost', { name: 'string', description: 'string', type: 'string', config: 'map' });
  const d = c.d;
  const f = d.flavor;
  const proj = project(c);
  const name = str(body.name);
  if (name === '') throw badRequest('No name provided');
  const type = str(body.type) || (proj !== 'default' ? 'ovn' : 'bridge');
  const config = strMap(body.config);
  const description = str(body.description);
  if (!NETWORK_TYPES.includes(type)) throw badRequest('Unknown driver');
  if (name.includes(':')) throw badRequest('Cannot contain ":"');
  const location = `/1.0/networks/${name}${proj !== 'default' ? `?project=${proj}` : ''}`;
  const opArgs = { description: 'Creating network', entityUrl: location };
  const target = q(c, 'target');
  if (target !== '') {
    if (!supportsMemberConfig(type)) throw badRequest(`Network type ${JSON.stringify(type)} does not support member specific config`);
    for (const k of Object.keys(config)) {
      if (!f.memberNetworkKeys.includes(k)) throw badRequest(`Config key ${JSON.stringify(k)} may not be used as member-specific key`);
    }
    const work = async () => {
      try {
        await createPending(c, target, name, proj, type, config);
      } catch (e) {
        if (toLxdError(e).code === 409) throw badRequest(`The network is already defined on member ${JSON.stringify(target)}`);
        throw e;
      }
    };
    return runMaybeAsync(c, f.asyncPoolsNetworks, opArgs, () => withLock(d, 'networkCreate', work), () => createdResponse(location));
  }
  const work = async () => {
    const netInfo = findNetwork(d.db, proj, name);
    const count = d.db.clustered ? d.db.members.length : 1;
    if (count > 1 || (netInfo && netInfo.state !== 'Created')) {
      if (!supportsMemberConfig(type)) {
        for (const m of memberNames(d.db)) {
          try {
            await createPending(c, m, name, proj, type, {});
          } catch (e) {
            const err = toLxdError(e);
            if (err.code !== 409) throw plainError(`Failed creating pending network for member ${JSON.stringify(m)}: ${err.message}`);
          }
        }
      }
      await finalizeCluster(c, netInfo ? { ...netInfo } : undefined, name, proj, type, description, config);
      return;
    }
    await createSingle(c, name, proj, type, description, config);
  };
  return runMaybeAsync(c, f.asyncPoolsNetworks, opArgs, () => withLock(d, 'networkCreate', work), () => createdResponse(location));
}

async function updateNetwork(c: Ctx, patch: boolean): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const d = c.d;
  const f = d.flavor;
  const n = findNetwork(d.db, project(c), c.params.network ?? '');
  if (!n) throw statusError(404, 'Network not found');
  const target = q(c, 'target');
  if (target === '' && n.state !== 'Created') throw badRequest('Cannot update network global config when not in created state');
  const current = merged(n, d.memberName);
  const etagConfig = target === '' && d.db.clustered ? stripMember(d, current) : current;
  etagCheck(c.req, [n.name, true, n.type, n.description, etagConfig], f.msg.etagMismatch);
  const body = decodeBody(c, 'NetworkPut', { config: 'map', description: 'string' });
  const req = strMap(body.config);
  if (d.db.clustered) {
    if (target === '') {
      for (const k of Object.keys(req)) {
        if (f.memberNetworkKeys.includes(k)) throw badRequest(`Config key ${JSON.stringify(k)} is cluster member specific`);
      }
    } else {
      for (const [k, v] of Object.entries(req)) {
        if (!f.memberNetworkKeys.includes(k) && current[k] !== v) {
          throw badRequest(`Config key ${JSON.stringify(k)} may not be used as member-specific key`);
        }
      }
    }
  }
  if (patch) {
    for (const [k, v] of Object.entries(current)) if (!(k in req)) req[k] = v;
  } else if (target === '' && d.db.clustered) {
    for (const [k, v] of Object.entries(current)) if (f.memberNetworkKeys.includes(k)) req[k] = v;
  }
  const err = networkConfigError(n.name, n.type, req);
  if (err) throw badRequest(err);
  const description = str(body.description);
  const work = async () => {
    if (target === '' || !d.db.clustered) {
      const global: Record<string, string> = {};
      for (const [k, v] of Object.entries(req)) if (!f.memberNetworkKeys.includes(k)) global[k] = v;
      n.config = global;
      if (!patch || description !== '') n.description = description;
    }
    if (target !== '' || !d.db.clustered) {
      const row = n.nodes.get(d.memberName) ?? { state: 'Created' as const, config: {} };
      const mine: Record<string, string> = {};
      for (const [k, v] of Object.entries(req)) if (f.memberNetworkKeys.includes(k)) mine[k] = v;
      row.config = mine;
      n.nodes.set(d.memberName, row);
    }
  };
  return runMaybeAsync(c, f.asyncPoolsNetworks, { description: 'Updating network', entityUrl: `/1.0/networks/${n.name}` },
    work, () => syncResponse({}));
}

async function deleteNetwork(c: Ctx): Promise<LabResponse> {
  const d = c.d;
  const n = findNetwork(d.db, project(c), c.params.network ?? '');
  if (!n) throw statusError(404, 'Network not found');
  if (networkUsedBy(d, n.name).length > 0) throw badRequest('The network is currently in use');
  return runMaybeAsync(c, d.flavor.asyncPoolsNetworks, { description: 'Deleting network', entityUrl: `/1.0/networks/${n.name}` },
    async () => { d.db.networks.delete(n.name); }, () => syncResponse({}));
}

export function registerNetworks(r: Router): void {
  r.add('/1.0/networks', { GET: listNetworks, POST: postNetwork });
  r.add('/1.0/networks/{network}', {
    GET: getNetwork,
    PUT: (c) => updateNetwork(c, false),
    PATCH: (c) => updateNetwork(c, true),
    DELETE: deleteNetwork,
  });
  r.add('/1.0/networks/{network}/state', { GET: networkState });
}
