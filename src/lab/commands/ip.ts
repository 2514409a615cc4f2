// `ip` (iproute2): `ip [-j] [-p] [-4|-6] {address|link|route} [show …]`, in iproute2's JSON
// (field names and order as iproute2 6.x prints them) and text formats.
import {
  effectiveAddresses, ipv4Network, ipv6Network, parseCidr,
} from '../machines.js';
import type { InterfaceSpec, MachineSpec } from '../types.js';
import { type CommandImpl, type CommandResult, fail, ok } from './types.js';

const FOREVER = 4294967295;
type Family = 'inet' | 'inet6' | undefined;

interface AddrInfo {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  broadcast?: string;
  scope: string;
  noprefixroute?: boolean;
  label?: string;
  valid_life_time: number;
  preferred_life_time: number;
}

export interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  qdisc: string;
  operstate: string;
  group: string;
  txqlen: number;
  link_type: string;
  address: string;
  broadcast: string;
}

/** The machine's interfaces in kernel order: lo first (always present), then the spec's order. */
function interfaces(spec: MachineSpec): InterfaceSpec[] {
  const lo = spec.interfaces.find((i) => i.kind === 'loopback');
  const rest = spec.interfaces.filter((i) => i !== lo);
  return [
    lo ?? { name: 'lo', kind: 'loopback', state: 'up', mac: '00:00:00:00:00:00', mtu: 65536, addresses: ['127.0.0.1/8', '::1/128'] },
    ...rest,
  ];
}

function linkOf(iface: InterfaceSpec, ifindex: number): IpLink {
  const loop = iface.kind === 'loopback';
  const up = iface.state === 'up';
  const flags = loop
    ? (up ? ['LOOPBACK', 'UP', 'LOWER_UP'] : ['LOOPBACK'])
    : ['BROADCAST', 'MULTICAST', ...(iface.kind === 'bond' ? ['MASTER'] : []), ...(up ? ['UP', 'LOWER_UP'] : [])];
  return {
    ifindex,
    ifname: iface.name,
    flags,
    mtu: iface.mtu,
    qdisc: !up ? 'noop' : iface.kind === 'physical' ? 'mq' : 'noqueue',
    operstate: loop ? 'UNKNOWN' : up ? 'UP' : 'DOWN',
    group: 'default',
    txqlen: 1000,
    link_type: loop ? 'loopback' : 'ether',
    address: iface.mac.toLowerCase(),
    broadcast: loop ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff',
  };
}

function addrInfo(iface: InterfaceSpec): AddrInfo[] {
  const out: AddrInfo[] = [];
  for (const cidr of effectiveAddresses(iface)) {
    const { ip, prefix, family } = parseCidr(cidr);
    if (family === 'inet') {
      const loop = ip.startsWith('127.');
      out.push({
        family, local: ip, prefixlen: prefix,
        ...(!loop && prefix < 31 ? { broadcast: ipv4Network(cidr).broadcast } : {}),
        scope: loop ? 'host' : 'global', label: iface.name,
        valid_life_time: FOREVER, preferred_life_time: FOREVER,
      });
    } else {
      const scope = ip === '::1' ? 'host' : ip.startsWith('fe80:') ? 'link' : 'global';
      out.push({
        family, local: ip, prefixlen: prefix, scope,
        ...(ip === '::1' ? { noprefixroute: true } : {}),
        valid_life_time: FOREVER, preferred_life_time: FOREVER,
      });
    }
  }
  // The kernel lists IPv4 addresses before IPv6 ones.
  return [...out.filter((a) => a.family === 'inet'), ...out.filter((a) => a.family === 'inet6')];
}

export interface IpRoute {
  dst: string;
  gateway?: string;
  dev: string;
  protocol: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags: string[];
  pref?: string;
}

/** The main routing table of one family, as the kernel would hold it for this spec. */
export function routes(spec: MachineSpec, family: 'inet' | 'inet6'): IpRoute[] {
  const up = new Map(spec.interfaces.filter((i) => i.state === 'up').map((i) => [i.name, i]));
  const out: IpRoute[] = [];
  const gw = spec.defaultRoute;
  if (gw && up.has(gw.dev) && parseCidr(gw.gateway).family === family) {
    out.push(family === 'inet'
      ? { dst: 'default', gateway: gw.gateway, dev: gw.dev, protocol: 'static', flags: [] }
      : { dst: 'default', gateway: gw.gateway, dev: gw.dev, protocol: 'static', metric: 1024, flags: [], pref: 'medium' });
  }
  const seen = new Set<string>();
  for (const iface of interfaces(spec)) {
    if (iface.kind === 'loopback' || iface.state !== 'up') continue;
    for (const cidr of effectiveAddresses(iface)) {
      const a = parseCidr(cidr);
      if (a.family !== family) continue;
      if (family === 'inet') {
        if (a.prefix >= 32) continue;
        const dst = ipv4Network(cidr).network;
        if (seen.has(`${dst} ${iface.name}`)) continue;
        seen.add(`${dst} ${iface.name}`);
        out.push({ dst, dev: iface.name, protocol: 'kernel', scope: 'link', prefsrc: a.ip, flags: [] });
      } else {
        if (a.prefix >= 128) continue;
        const dst = ipv6Network(cidr);
        if (seen.has(`${dst} ${iface.name}`)) continue;
        seen.add(`${dst} ${iface.name}`);
        out.push({ dst, dev: iface.name, protocol: 'kernel', metric: 256, flags: [], pref: 'medium' });
      }
    }
  }
  // Kernel order: global prefixes before link-local ones for IPv6; IPv4 as added.
  if (family === 'inet6') out.sort((x, y) => Number(x.dst.startsWith('fe80:')) - Number(y.dst.startsWith('fe80:')));
  return out;
}

const matches = (arg: string, word: string): boolean => arg.length > 0 && word.startsWith(arg);

interface IpOptions { json: boolean; pretty: boolean; family: Family }

function render(value: unknown, o: IpOptions): string {
  return (o.pretty ? JSON.stringify(value, null, 4) : JSON.stringify(value)) + '\n';
}

function linkText(l: IpLink): string {
  const state = l.operstate;
  return `${l.ifindex}: ${l.ifname}: <${l.flags.join(',')}> mtu ${l.mtu} qdisc ${l.qdisc} state ${state} group ${l.group} qlen ${l.txqlen}\n`
    + `    link/${l.link_type} ${l.address} brd ${l.broadcast}\n`;
}

function addrText(a: AddrInfo): string {
  const head = a.family === 'inet'
    ? `    inet ${a.local}/${a.prefixlen}${a.broadcast ? ` brd ${a.broadcast}` : ''} scope ${a.scope} ${a.label ?? ''}\n`
    : `    inet6 ${a.local}/${a.prefixlen} scope ${a.scope} ${a.noprefixroute ? 'noprefixroute ' : ''}\n`;
  return head + '       valid_lft forever preferred_lft forever\n';
}

function routeText(r: IpRoute): string {
  let s = r.dst;
  if (r.gateway) s += ` via ${r.gateway}`;
  s += ` dev ${r.dev} proto ${r.protocol}`;
  if (r.scope) s += ` scope ${r.scope}`;
  if (r.prefsrc) s += ` src ${r.prefsrc}`;
  if (r.metric !== undefined) s += ` metric ${r.metric}`;
  if (r.pref) s += ` pref ${r.pref}`;
  return s + (r.pref ? '\n' : ' \n');
}

function linkOrAddr(args: string[], spec: MachineSpec, o: IpOptions, withAddrs: boolean, object: string): CommandResult {
  let rest = args;
  if (rest[0] !== undefined && (matches(rest[0], 'show') || rest[0] === 'list' || rest[0] === 'lst')) rest = rest.slice(1);
  else if (rest[0] !== undefined && ['add', 'delete', 'del', 'change', 'replace', 'set', 'flush'].some((w) => matches(rest[0]!, w))) {
    return fail(`lab: "ip ${object} ${rest[0]}" is not simulated (the lab's network is fixed by the machine spec)`, 2);
  }
  let dev: string | undefined;
  let onlyUp = false;
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k]!;
    if (a === 'dev') { dev = rest[++k]; if (dev === undefined) return fail('Command line is not complete. Try option "help"', 255); }
    else if (a === 'up') onlyUp = true;
    else if (dev === undefined) dev = a;
    else return fail(`Error: either "dev" is duplicate, or "${a}" is a garbage.`, 1);
  }
  const all = interfaces(spec).map((iface, k) => ({ iface, link: linkOf(iface, k + 1) }));
  if (dev !== undefined && !all.some((x) => x.iface.name === dev)) return fail(`Device "${dev}" does not exist.`, 1);
  const chosen = all.filter((x) => (dev === undefined || x.iface.name === dev) && (!onlyUp || x.iface.state === 'up'));

  if (o.json) {
    const items = chosen.map(({ iface, link }) => {
      if (!withAddrs) return link;
      const infos = addrInfo(iface).filter((a) => !o.family || a.family === o.family);
      // iproute2 prints an empty object for a link that has no address of the requested family.
      if (o.family && infos.length === 0) return {};
      return { ...link, addr_info: infos };
    });
    return ok(render(items, o));
  }
  let text = '';
  for (const { iface, link } of chosen) {
    const infos = withAddrs ? addrInfo(iface).filter((a) => !o.family || a.family === o.family) : [];
    if (withAddrs && o.family && infos.length === 0) continue;
    // With -4/-6, `ip address` leaves out the link/ether line.
    text += withAddrs && o.family ? linkText(link).split('\n')[0] + '\n' : linkText(link);
    text += infos.map(addrText).join('');
  }
  return ok(text);
}

function route(args: string[], spec: MachineSpec, o: IpOptions): CommandResult {
  let rest = args;
  if (rest[0] !== undefined && (matches(rest[0], 'show') || rest[0] === 'list' || rest[0] === 'lst')) rest = rest.slice(1);
  else if (rest[0] !== undefined && ['add', 'delete', 'del', 'change', 'replace', 'append', 'flush', 'get'].some((w) => matches(rest[0]!, w))) {
    return fail(`lab: "ip route ${rest[0]}" is not simulated (the lab's routes are fixed by the machine spec)`, 2);
  }
  const family = o.family ?? 'inet';
  let list = routes(spec, family);
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k]!;
    if (a === 'dev' || a === 'oif') {
      const d = rest[++k];
      if (d === undefined) return fail('Command line is not complete. Try option "help"', 255);
      if (!spec.interfaces.some((i) => i.name === d)) return fail(`Cannot find device "${d}"`, 1);
      list = list.filter((r) => r.dev === d);
    } else if (a === 'table') {
      const t = rest[++k];
      if (t !== 'main' && t !== 'all' && t !== '254') list = [];
    } else if (a === 'proto' || a === 'protocol') {
      const p = rest[++k];
      list = list.filter((r) => r.protocol === p);
    } else if (a === 'scope') {
      const s = rest[++k];
      list = list.filter((r) => (r.scope ?? 'global') === s);
    } else {
      const to = a === 'to' || a === 'exact' || a === 'root' || a === 'match' ? rest[++k] : a;
      if (to === undefined) return fail('Command line is not complete. Try option "help"', 255);
      if (to === 'default' || to === 'all') { if (to === 'default') list = list.filter((r) => r.dst === 'default'); continue; }
      if (!/^[0-9a-fA-F:.]+(\/\d+)?$/.test(to)) return fail(`Error: either "to" is duplicate, or "${to}" is a garbage.`, 1);
      const want = to.includes('/') ? to.toLowerCase() : `${to.toLowerCase()}/${to.includes(':') ? 128 : 32}`;
      list = list.filter((r) => r.dst === want);
    }
  }
  return ok(o.json ? render(list, o) : list.map(routeText).join(''));
}

export const ip: CommandImpl = (args, ctx) => {
  const o: IpOptions = { json: false, pretty: false, family: undefined };
  let k = 0;
  for (; k < args.length && args[k]!.startsWith('-'); k++) {
    const a = args[k]!.replace(/^--?/, '-');
    if (a === '-j' || a === '-json') o.json = true;
    else if (a === '-p' || a === '-pretty') o.pretty = true;
    else if (a === '-4') o.family = 'inet';
    else if (a === '-6') o.family = 'inet6';
    else if (a === '-d' || a === '-details' || a === '-s' || a === '-stats') { /* no extra detail simulated */ }
    else if (a === '-f' || a === '-family') {
      const f = args[++k];
      if (f === 'inet') o.family = 'inet'; else if (f === 'inet6') o.family = 'inet6';
      else return fail(`Error: argument "${f ?? ''}" is wrong: invalid address family.`, 255);
    } else return fail(`Option "${args[k]}" is unknown, try "ip -help".`, 255);
  }
  const object = args[k];
  const rest = args.slice(k + 1);
  if (object === undefined) {
    return fail('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip [ -force ] -batch filename\nwhere  OBJECT := { address | link | route | … }', 255);
  }
  if (matches(object, 'address')) return linkOrAddr(rest, ctx.spec, o, true, 'address');
  if (matches(object, 'link')) return linkOrAddr(rest, ctx.spec, o, false, 'link');
  if (matches(object, 'route')) return route(rest, ctx.spec, o);
  return fail(`Object "${object}" is unknown, try "ip help".`, 1);
};
