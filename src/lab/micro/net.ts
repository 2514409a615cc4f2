// What the daemons see of their machine's network: its global unicast addresses, and MicroCeph's
// helpers over them (common/network.go), with their error texts.
import type { MachineSpec } from '../types.js';
import {
  cidrContains, formatIP, isGlobalUnicast, parseCIDR, parseIP, plainError, messageOf, type IpAddr, type IpNet,
} from './go.js';

export interface HostCidr {
  ip: IpAddr;
  /** net.IPNet.String() of the interface address, e.g. "10.1.0.11/24". */
  cidr: string;
}

/** The machine's interface addresses as net.Interfaces would list them, global unicast only. */
export function globalCidrs(spec: MachineSpec): HostCidr[] {
  const out: HostCidr[] = [];
  for (const iface of spec.interfaces) {
    for (const a of iface.addresses) {
      const [ipText = '', len] = a.split('/');
      const ip = parseIP(ipText);
      if (!ip || !isGlobalUnicast(ip)) continue;
      const prefix = len === undefined ? (ip.family === 4 ? 32 : 128) : Number(len);
      out.push({ ip, cidr: `${formatIP(ip)}/${prefix}` });
    }
  }
  return out;
}

/** common.ParseSubnetList. */
export function parseSubnetList(s: string): IpNet[] {
  const trimmed = s.trim();
  if (trimmed === '') throw plainError('empty subnet list');
  return trimmed.split(',').map((part) => {
    const p = part.trim();
    if (p === '') throw plainError(`empty entry in subnet list ${JSON.stringify(trimmed)}`);
    try {
      return parseCIDR(p);
    } catch (e) {
      throw plainError(`invalid CIDR ${JSON.stringify(p)} in subnet list: ${messageOf(e)}`);
    }
  });
}

/** Network.FindIpOnSubnet: the first local address inside any of the listed subnets. */
export function findIpOnSubnet(spec: MachineSpec, subnets: string): string {
  const nets = parseSubnetList(subnets);
  const cidrs = globalCidrs(spec);
  for (const n of nets) {
    for (const c of cidrs) if (cidrContains(n, c.ip)) return formatIP(c.ip);
  }
  throw plainError(`no local IP belongs to any of the listed subnets [${subnets}]`);
}

/** Network.FindNetworkAddress: the local CIDR that owns an address. */
export function findNetworkAddress(spec: MachineSpec, address: string): string {
  const ip = parseIP(address.trim());
  if (!ip) throw plainError(`provided address ${address.trim()} is invalid`);
  const cidrs = globalCidrs(spec);
  for (const c of cidrs) {
    if (c.ip.family === ip.family && c.ip.value === ip.value) return c.cidr;
  }
  throw plainError(`provided mon-ip (${formatIP(ip)}) does not belong to any suitable network: [${cidrs.map((c) => c.cidr).join(' ')}]`);
}

/** Network.IsIpOnSubnet. */
export function isIpOnSubnet(address: string, subnets: string): boolean {
  const ip = parseIP(address.trim());
  if (!ip) return false;
  try {
    return parseSubnetList(subnets).some((n) => cidrContains(n, ip));
  } catch {
    return false;
  }
}
