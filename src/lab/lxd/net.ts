// Listen-address helpers modelled on lxd/util/net.go.
import { isIP } from 'node:net';
import type { MachineSpec } from '../types.js';

export const HTTPS_DEFAULT_PORT = 8443;

export function splitHostPort(address: string): { host: string; port: string } | undefined {
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end < 0 || address[end + 1] !== ':') return undefined;
    return { host: address.slice(1, end), port: address.slice(end + 2) };
  }
  const i = address.lastIndexOf(':');
  if (i < 0) return undefined;
  const host = address.slice(0, i);
  if (host.includes(':')) return undefined;
  return { host, port: address.slice(i + 1) };
}

export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** util.CanonicalNetworkAddress */
export function canonicalAddress(address: string, defaultPort = HTTPS_DEFAULT_PORT): string {
  const hp = splitHostPort(address);
  if (!hp) {
    if (isIP(address)) return joinHostPort(address, defaultPort);
    return `${address}:${defaultPort}`;
  }
  if (hp.port === '') return joinHostPort(hp.host, defaultPort);
  return address;
}

export function isWildcard(address: string): boolean {
  const hp = splitHostPort(canonicalAddress(address));
  if (!hp) return false;
  return hp.host === '' || hp.host === '0.0.0.0' || hp.host === '::';
}

/** util.IsAddressCovered: does listening on address2 also listen on address1? */
export function isAddressCovered(address1: string, address2: string): boolean {
  const a1 = canonicalAddress(address1);
  const a2 = canonicalAddress(address2);
  if (a1 === a2) return true;
  const h1 = splitHostPort(a1);
  const h2 = splitHostPort(a2);
  if (!h1 || !h2 || h1.port !== h2.port) return false;
  if (h2.host === '' || h2.host === '::') return true;
  if (h2.host === '0.0.0.0') return isIP(h1.host) === 4 || h1.host === '';
  return h1.host === h2.host;
}

/** The machine's non-loopback IPs (from its interface specs), without prefix lengths. */
export function machineIPs(spec: MachineSpec): string[] {
  const out: string[] = [];
  for (const iface of spec.interfaces) {
    if (iface.kind === 'loopback') continue;
    for (const cidr of iface.addresses) {
      const ip = cidr.split('/')[0] ?? '';
      if (ip && !ip.toLowerCase().startsWith('fe80:')) out.push(ip);
    }
  }
  return out;
}

/** Can the machine bind this listen address (wildcards always, else one of its IPs)? */
export function canBind(spec: MachineSpec, address: string): boolean {
  const hp = splitHostPort(canonicalAddress(address));
  if (!hp) return false;
  if (hp.host === '' || hp.host === '0.0.0.0' || hp.host === '::') return true;
  if (hp.host === 'localhost' || hp.host === '127.0.0.1' || hp.host === '::1') return true;
  if (!isIP(hp.host)) return hp.host === spec.hostname;
  return machineIPs(spec).includes(hp.host);
}

/** util.ListenAddresses: the concrete addresses a listen address answers on. */
export function listenAddresses(spec: MachineSpec, configured: string): string[] {
  if (!configured) return [];
  const addr = canonicalAddress(configured);
  const hp = splitHostPort(addr);
  if (!hp) return [];
  if (hp.host === '' || hp.host === '::' || hp.host === '0.0.0.0') {
    return machineIPs(spec)
      .filter((ip) => hp.host !== '0.0.0.0' || isIP(ip) === 4)
      .map((ip) => joinHostPort(ip, hp.port));
  }
  return [addr];
}

/** validate.IsListenAddress(allowDNS=true, allowWildcard, requirePort=false) as a reason, or undefined. */
export function listenAddressError(value: string, allowWildcard: boolean): string | undefined {
  if (value === '') return undefined;
  const addr = canonicalAddress(value);
  const hp = splitHostPort(addr);
  if (!hp) return `Invalid address ${JSON.stringify(value)}`;
  if (!allowWildcard && (hp.host === '' || hp.host === '0.0.0.0' || hp.host === '::')) {
    return "Wildcard addresses aren't allowed";
  }
  return undefined;
}
