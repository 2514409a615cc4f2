// `microcloud export`'s pure core: a site as gather read it (LiveState, keyed by member name) and how
// each machine was reached → the preseed that describes it, and warnings for what the format cannot
// say. Each part of the file is read back from what MicroCloud (and this tool) make of that part, so
// that planning the file against the same site has nothing to do: the local pool's per-member source,
// MicroCeph's OSDs, UPLINK's parent and keys, the remote-fs pool for CephFS. Keys the planner derives
// from the rest of the file (listen addresses, the northbound connection, Ceph's networks) are left
// out unless the site holds another value, so that a copy edited for another site derives its own.
// The result is checked here too: it must validate, and `diff` against the same LiveState must be
// empty; what is not is a warning naming the step.
import { Document, isMap, isScalar, isSeq, visit, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { loadPreseed } from '../preseed/load.js';
import { NORTHBOUND_KEY, refusedKey, LXD_MEMBER_KEYS, HIDDEN_VALUE } from '../preseed/lxd-config.js';
import { SNAP_NAMES } from '../preseed/snaps.js';
import { visible } from '../preseed/text.js';
import { isSecretName } from '../secrets.js';
import { diff, type Plan } from '../plan/index.js';
import { findDisk, stablePath } from '../plan/disk-paths.js';
import { localPoolSource } from '../plan/disks.js';
import { interfaceAddress, networkOf, sameNetwork } from '../plan/topology.js';
import { lxdGlobalConfigAddress } from '../plan/steps/lxd-server-config.js';
import { reachable, recordOf, type LiveState, type ReachableMachine } from '../live/state.js';
import { underlaysOf, type EncapRead } from './underlay.js';

/** How a machine was reached, as the file's `ssh:` says it. */
export interface ExportEndpoint {
  host: string;
  port: number;
  user: string;
  identityFile: string | null;
  /** The `SHA256:…` fingerprint the connection accepted. */
  hostKey: string | null;
  jump: { user: string; host: string; port: number } | null;
}

export interface ExportInput {
  live: LiveState;
  /** The machines read, in order; the first is the initiator. Every one must be reachable. */
  systems: string[];
  endpoints: ReadonlyMap<string, ExportEndpoint>;
  /** For the header: how the site was reached ("root@10.0.0.11", "--connect lab.yaml"). */
  source: string;
  /** The tool's version, for the header. */
  version: string;
  /** A fresh session_passphrase (the caller draws it: this core is pure). */
  passphrase: string;
  /** MicroOVN's ovn-encap-ip on each machine where MicroOVN is initialized (underlay.ts). */
  encapIps?: ReadonlyMap<string, EncapRead>;
}

export interface ExportWarning {
  /** The object the format cannot express ("storage pool backup", "node3"). */
  object: string;
  message: string;
}

export interface ExportResult {
  text: string;
  warnings: ExportWarning[];
  /** The plan of the file against the same site (no steps when the round trip holds); null when it did not validate. */
  plan: Plan | null;
}

const MICROCLOUD_POOLS: Record<string, string> = { local: 'zfs', remote: 'ceph', 'remote-fs': 'cephfs' };
/** Keys MicroCloud's (and this tool's) bootstrap writes with these values (canonical/microcloud service/lxd.go Bootstrap, f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741). */
const BOOTSTRAP_VALUES: Record<string, string> = { 'instances.migration.stateful': 'true' };
/** Keys the planner derives when the file leaves them out: written only where the site holds another value. */
const DERIVED_KEYS = [NORTHBOUND_KEY];

/** The host of `https://host:port` or `host:port`, IPv6 without its brackets. */
export const hostOfUrl = (url: string): string => url.replace(/^https?:\/\//, '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');

interface Model {
  doc: Record<string, unknown>;
  comments: Map<string, string>;
}

/** The preseed for the site, its warnings, and the plan of it against the same LiveState. */
export function exportPreseed(input: ExportInput): ExportResult {
  const warnings: ExportWarning[] = [];
  const warn = (object: string, message: string) => warnings.push({ object: visible(object), message: visible(message) });
  const initiator = input.systems[0];
  const init = initiator === undefined ? undefined : reachable(input.live, initiator);
  if (!init?.lxd) throw new Error(`${initiator ?? 'the site'} has no LXD to export`);
  const members = init.lxd.clustered ? init.lxd.members : [];
  const systems = input.systems.filter((name) => {
    const m = reachable(input.live, name);
    if (!m?.lxd) { warn(name, `${name} has no LXD: it is left out`); return false; }
    if (name !== initiator && !members.some((x) => x.name === name)) {
      warn(name, `${name} is not a member of ${initiator}'s LXD cluster: it is left out (a file describes one cluster)`);
      return false;
    }
    return true;
  });
  for (const m of members) if (!systems.includes(m.name)) warn(m.name, `LXD member ${m.name} was not read: it is left out`);
  if (!init.lxd.clustered) warn(initiator!, `LXD on ${initiator} is not clustered: plan on this file will bootstrap clustering`);

  const model: Model = { doc: {}, comments: new Map() };
  const addressOf = (name: string): string | null => {
    const url = members.find((x) => x.name === name)?.url;
    if (url) return hostOfUrl(url);
    const m = reachable(input.live, name)!;
    const route = m.host.defaultRoute?.dev;
    const cidr = m.host.interfaces.find((i) => i.name === route)?.addresses.find((a) => !a.startsWith('fe80:'));
    return cidr ? cidr.split('/')[0]! : null;
  };
  const lxd = init.lxd;
  const pool = (name: string) => lxd.pools.find((p) => p.name === name);
  const network = (name: string) => lxd.networks.find((n) => n.name === name);
  const ovn = network('UPLINK') !== undefined && network('default')?.type === 'ovn';
  checkObjects(input.live, initiator!, ovn, warn);
  checkServices(input.live, initiator!, systems, warn);

  const firstAddress = addressOf(initiator!);
  if (firstAddress) model.doc['initiator_address'] = firstAddress;
  model.doc['session_passphrase'] = input.passphrase;
  model.comments.set('session_passphrase',
    ' MicroCloud requires a passphrase for more than one system; microcloud-apply never uses it. Freshly\n generated by export, not read from the site.');
  const underlays = underlaysOf(input.live, input.encapIps, systems, addressOf, warn);
  model.doc['systems'] = systems.map((name) => systemOf(input, name, addressOf(name), { ovn, local: pool('local') !== undefined, underlay: underlays?.get(name) ?? null }, warn));
  const shared = hoistSsh(model.doc['systems'] as Record<string, unknown>[]);
  model.comments.set('systems', ' Names and addresses: the LXD cluster members. Disks: the local pool\'s source and MicroCeph\'s OSDs\n on each member (wipe: false, they are in use). Uplinks: UPLINK\'s parent on each member.'
    + (underlays ? '\n Underlays: MicroOVN\'s ovn-encap-ip on each member (some differ from their addresses).' : ''));

  if (ovn) {
    const c = network('UPLINK')!.config;
    const o: Record<string, string> = {};
    if (c['ipv4.gateway']) o['ipv4_gateway'] = c['ipv4.gateway'];
    if (c['ipv4.ovn.ranges']) o['ipv4_range'] = c['ipv4.ovn.ranges'];
    if (c['ipv6.gateway']) o['ipv6_gateway'] = c['ipv6.gateway'];
    if (c['dns.nameservers']) o['dns_servers'] = c['dns.nameservers'];
    model.doc['ovn'] = o;
    model.comments.set('ovn', ' From the UPLINK network (physical) that the OVN network `default` uses.');
  }
  const ceph = cephOf(init, pool('remote-fs') !== undefined);
  if (ceph) {
    model.doc['ceph'] = ceph;
    model.comments.set('ceph', ' CephFS: the remote-fs pool. Networks only where MicroCeph\'s differ from the initiator\'s subnet.');
  }
  const config = lxdConfigOf(lxd.config, warn, initiator!);
  const snaps = snapsOf(input.live, systems, warn);
  if (Object.keys(snaps).length > 0) {
    model.doc['snaps'] = snaps;
    model.comments.set('snaps', ' As snapd has them on every machine: the channel each tracks and the revision all are at.');
  }
  if (shared) model.comments.set('ssh', ' The SSH settings every system was reached with.');
  const draft = (cfg: Record<string, string>): { text: string; plan: Plan | null; invalid: string[] } => {
    if (Object.keys(cfg).length > 0) {
      model.doc['lxd'] = { config: cfg };
      model.comments.set('lxd', ' Cluster-wide LXD server config the site sets, but not the keys MicroCloud or this tool derive.');
    } else {
      delete model.doc['lxd'];
    }
    // Last, as the operator's own part of the file.
    delete model.doc['ssh'];
    if (shared) model.doc['ssh'] = shared;
    const text = render(model, input);
    return { text, ...check(text, input.live) };
  };
  let result = draft(config);
  // A key left out that plan would then change (another value than the planner derives, or one the
  // file that built the site owned): the file must say it.
  const extra = Object.fromEntries([...DERIVED_KEYS, ...Object.keys(BOOTSTRAP_VALUES)].filter((k) => result.plan?.steps.some((s) => s.address === lxdGlobalConfigAddress(k)) && lxd.config[k])
    .map((k) => [k, lxd.config[k]!]));
  if (Object.keys(extra).length > 0) result = draft({ ...config, ...extra });

  for (const e of result.invalid) warn('export', `the exported file does not validate: ${e}`);
  const plan = result.plan;
  if (plan) {
    for (const f of plan.findings.filter((x) => x.severity === 'error')) warn(f.machine ?? 'site', `plan on this file would fail: ${f.message}`);
    for (const s of plan.steps) warn(s.address, `plan on this file would not be empty: ${s.reason}`);
  }
  return { text: result.text, warnings, plan };
}

/** Validates the text and plans it against the live state it came from. Pure. */
function check(text: string, live: LiveState): { plan: Plan | null; invalid: string[] } {
  const loaded = loadPreseed('export', text, { baseDir: '/', homeDir: '/' });
  const invalid = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path || '(document)'}: ${d.message}`);
  if (!loaded.desired) return { plan: null, invalid };
  return { plan: diff(loaded.desired, live, { preseedDigest: 'export' }), invalid };
}

function systemOf(input: ExportInput, name: string, address: string | null, has: { ovn: boolean; local: boolean; underlay: string | null },
  warn: (object: string, message: string) => void): Record<string, unknown> {
  const m = reachable(input.live, name)!;
  const s: Record<string, unknown> = { name };
  if (m.host.hostname !== name) warn(name, `${name}'s hostname is ${JSON.stringify(m.host.hostname)}: MicroCloud requires systems[].name to be the hostname`);
  if (address) s['address'] = address;
  else warn(name, `no address found for ${name}`);
  if (has.ovn) {
    const parent = m.lxd?.networks.find((n) => n.name === 'UPLINK')?.member?.config['parent'];
    if (parent) s['ovn_uplink_interface'] = parent;
    else warn(name, `${name} has no UPLINK row with a parent interface`);
  }
  if (has.underlay) s['ovn_underlay_ip'] = has.underlay;
  const storage: Record<string, unknown> = {};
  if (has.local) {
    const source = localPoolSource(m);
    if (source) storage['local'] = { path: stablePath(source, findDisk(m.lxd?.disks ?? [], source)), wipe: false };
    else warn(name, `${name} has no row of the local pool`);
  }
  const osds = m.microceph?.initialized ? m.microceph.disks.filter((d) => d.location === name) : [];
  if (osds.length > 0) storage['ceph'] = osds.map((d) => ({ path: stablePath(d.path, findDisk(m.lxd?.disks ?? [], d.path)), wipe: false }));
  if (Object.keys(storage).length > 0) s['storage'] = storage;
  const ep = input.endpoints.get(name);
  const ssh = ep ? sshOf(ep, address) : {};
  if (Object.keys(ssh).length > 0) s['ssh'] = ssh;
  return s;
}

function sshOf(ep: ExportEndpoint, address: string | null): Record<string, unknown> {
  return {
    ...(ep.host !== address ? { host: ep.host } : {}),
    ...(ep.port !== 22 ? { port: ep.port } : {}),
    ...(ep.user !== 'root' ? { user: ep.user } : {}),
    ...(ep.identityFile ? { identity_file: ep.identityFile } : {}),
    ...(ep.hostKey ? { host_key: ep.hostKey } : {}),
    ...(ep.jump ? { jump: `${ep.jump.user}@${ep.jump.host.includes(':') ? `[${ep.jump.host}]` : ep.jump.host}:${ep.jump.port}` } : {}),
  };
}

/** The ssh: keys every system of several has alike (not host or host_key), moved to the top-level defaults. */
function hoistSsh(systems: Record<string, unknown>[]): Record<string, unknown> | null {
  const ssh = systems.map((s) => s['ssh'] as Record<string, unknown> | undefined);
  if (ssh.length < 2 || ssh.some((x) => x === undefined)) return null;
  const shared: Record<string, unknown> = {};
  for (const key of ['port', 'user', 'identity_file', 'jump']) {
    const values = new Set(ssh.map((x) => x![key]));
    if (values.size === 1 && !values.has(undefined)) shared[key] = [...values][0];
  }
  if (Object.keys(shared).length === 0) return null;
  systems.forEach((s, i) => {
    for (const key of Object.keys(shared)) delete ssh[i]![key];
    if (Object.keys(ssh[i]!).length === 0) delete s['ssh'];
  });
  return shared;
}

/** Ceph's part of the file: CephFS, and the networks where they are not the initiator's own subnet. */
function cephOf(init: ReachableMachine, cephfs: boolean): Record<string, unknown> | null {
  const ceph = init.microceph?.initialized ? init.microceph : null;
  const out: Record<string, unknown> = {};
  if (cephfs) out['cephfs'] = true;
  if (ceph) {
    const ip = init.lxd?.config['cluster.https_address'];
    const found = ip ? interfaceAddress(init, hostOfUrl(ip)) : null;
    const subnet = found ? networkOf(found.cidr) : null;
    const pub = ceph.config['public_network'];
    const internal = ceph.config['cluster_network'];
    if (pub && !sameNetwork(pub, subnet)) out['public_network'] = pub;
    if (internal && !sameNetwork(internal, subnet)) out['internal_network'] = internal;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** The cluster-wide keys the file may set: not member-local, not the tool's or MicroCloud's own. */
function lxdConfigOf(config: Record<string, string>, warn: (object: string, message: string) => void, initiator: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config).sort(([a], [b]) => a.localeCompare(b))) {
    if (LXD_MEMBER_KEYS.includes(key) || refusedKey(key) || BOOTSTRAP_VALUES[key] === value || DERIVED_KEYS.includes(key) || value === '') continue;
    if (isSecretName(key) && value === HIDDEN_VALUE) {
      warn(`lxd.config.${key}`, `${key} is set on ${initiator}, but LXD does not show secret values: it is left out; add it to lxd.config by hand`);
      continue;
    }
    out[key] = value;
  }
  return out;
}

/** MicroCloud's snaps, where every machine tracks the same channel. */
function snapsOf(live: LiveState, systems: string[], warn: (object: string, message: string) => void): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of SNAP_NAMES) {
    const have = systems.map((s) => reachable(live, s)!.host.snaps.find((x) => x.name === name));
    if (have.every((h) => h === undefined)) continue;
    const channels = new Set(have.map((h) => h?.channel ?? ''));
    if (have.some((h) => h === undefined) || channels.size > 1 || channels.has('')) {
      warn(`snap ${name}`, `the ${name} snap is not on one channel on every machine (${systems.map((s, i) => `${s}: ${have[i]?.channel || 'none'}`).join(', ')}): snaps.${name} is left out`);
      continue;
    }
    // The revision every machine is at, pinned: without it the file would follow the channel, and
    // plan would refresh the site as soon as the store moves on. snapd refuses a cohort with a
    // revision, and a pinned revision is the same everywhere anyway.
    const revisions = new Set(have.map((h) => h!.revision));
    const revision = revisions.size === 1 && /^[1-9]\d*$/.test([...revisions][0]!) ? Number([...revisions][0]) : null;
    out[name] = {
      channel: [...channels][0],
      ...(revision !== null ? { revision } : { cohort: have.every((h) => h!.cohort) }),
      hold: have.every((h) => h!.held),
    };
  }
  return out;
}

/** Pools, networks and profile devices MicroCloud would not have made. */
function checkObjects(live: LiveState, initiator: string, ovn: boolean, warn: (object: string, message: string) => void): void {
  const lxd = reachable(live, initiator)!.lxd!;
  for (const p of lxd.pools) {
    if (MICROCLOUD_POOLS[p.name] !== p.driver) warn(`storage pool ${p.name}`, `storage pool ${p.name} (${p.driver}) is not one MicroCloud makes: the preseed cannot describe it`);
  }
  const expected = ovn ? ['UPLINK', 'default'] : ['lxdfan0'];
  for (const n of lxd.networks) {
    if (!expected.includes(n.name)) warn(`network ${n.name}`, `network ${n.name} (${n.type}) is not one MicroCloud makes: the preseed cannot describe it`);
  }
  for (const d of Object.keys(lxd.defaultProfile.devices)) {
    if (d !== 'root' && d !== 'eth0') warn(`profile default device ${d}`, `the default profile's device ${d} is beyond root and eth0: the preseed cannot describe it`);
  }
  for (const k of Object.keys(lxd.defaultProfile.config)) warn(`profile default config ${k}`, `the default profile sets ${k}: the preseed cannot describe it`);
}

/** Every service's members against LXD's, and machines in another cluster of a service. */
function checkServices(live: LiveState, initiator: string, systems: string[], warn: (object: string, message: string) => void): void {
  const init = reachable(live, initiator)!;
  const lxdMembers = init.lxd!.clustered ? init.lxd!.members.map((m) => m.name) : [initiator];
  for (const svc of ['microceph', 'microovn', 'microcloud'] as const) {
    const own = init[svc];
    if (!own?.initialized) continue;
    const names = own.members.map((m) => m.name);
    for (const n of names.filter((x) => !lxdMembers.includes(x))) warn(n, `${n} is a ${svc} member but not an LXD member: the preseed cannot describe it`);
    for (const n of lxdMembers.filter((x) => !names.includes(x))) warn(n, `${n} is an LXD member but not a ${svc} member: plan on this file will join it`);
    const cluster = recordOf(live, initiator)![svc]!.cluster;
    for (const name of systems) {
      const theirs = recordOf(live, name)?.[svc];
      if (theirs?.initialized && theirs.cluster !== cluster) {
        warn(name, `${name}'s ${svc} is in another cluster than ${initiator}'s${svc === 'microceph' ? ' (its disks are in a second Ceph cluster)' : ''}: the preseed cannot describe it`);
      }
    }
  }
}

function render(model: Model, input: ExportInput): string {
  const doc = new Document(model.doc);
  doc.commentBefore = [
    ` Exported by microcloud-apply ${input.version} from ${input.source}: the site as it was read.`,
    ' `microcloud plan` on this file says "No changes" against that site. To build another site like it,',
    ' change the names, addresses, disks and ssh: settings (docs/export.md).',
  ].map(visible).join('\n');
  const root = doc.contents as YAMLMap;
  for (const [key, comment] of model.comments) {
    const pair = root.items.find((p: Pair) => isScalar(p.key) && (p.key as Scalar).value === key);
    if (pair && isScalar(pair.key)) (pair.key as Scalar).commentBefore = comment.split('\n').map(visible).join('\n');
  }
  const systems = root.get('systems', true);
  if (isSeq(systems)) {
    for (const item of systems.items as Node[]) {
      if (!isMap(item)) continue;
      const ssh = item.items.find((p) => isScalar(p.key) && (p.key as Scalar).value === 'ssh');
      if (ssh && isScalar(ssh.key)) (ssh.key as Scalar).commentBefore = ' How export reached it; host_key: the key it accepted.';
    }
  }
  // A value from a machine that a terminal would act on (bidi controls, C1 controls, zero-width
  // characters) is written double-quoted with the character as a \u escape: the same value to a
  // parser, nothing `cat` can do to the screen. Comments went through visible(), so these characters
  // occur only inside the double-quoted scalars.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && (TERMINAL_UNSAFE.test(node.value) || /[\u0000-\u0008\u000b-\u001f]/.test(node.value))) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 }).replace(TERMINAL_UNSAFE_ALL, (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

const UNSAFE_CLASS = '[\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]';
const TERMINAL_UNSAFE = new RegExp(UNSAFE_CLASS, 'u');
const TERMINAL_UNSAFE_ALL = new RegExp(UNSAFE_CLASS, 'gu');
