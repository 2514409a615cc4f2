// Who a daemon is and where it can listen: the stand-in certificates (server and cluster), and the
// machine addresses the listener and MicroCloud's address choice look at.
import { createHash } from 'node:crypto';
import type { MachineSpec } from '../types.js';
import { formatIP, parseIP } from './go.js';

/** A deterministic stand-in for a DER certificate and its PEM armour. */
export function fakeCertificate(seed: string): { pem: string; fingerprint: string } {
  const chunks: Buffer[] = [];
  let h = seed;
  for (let k = 0; k < 14; k++) {
    h = createHash('sha256').update(h).digest('hex');
    chunks.push(Buffer.from(h, 'hex'));
  }
  const der = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0xbc]), ...chunks]);
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return {
    pem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}

/** The machine's interface addresses (any scope), for "can the daemon listen there?". */
export function machineIPs(spec: MachineSpec): string[] {
  const out: string[] = [];
  for (const iface of spec.interfaces) {
    for (const cidr of iface.addresses) {
      const ip = parseIP(cidr.split('/')[0] ?? '');
      if (ip) out.push(formatIP(ip));
    }
  }
  return out;
}

/** The machine's first global IPv4 address, as MicroCloud picks it. */
export function firstGlobalIPv4(spec: MachineSpec): string | undefined {
  for (const iface of spec.interfaces) {
    if (iface.kind === 'loopback') continue;
    for (const cidr of iface.addresses) {
      const ip = parseIP(cidr.split('/')[0] ?? '');
      if (ip && ip.family === 4 && !formatIP(ip).startsWith('127.') && !formatIP(ip).startsWith('169.254.')) {
        return formatIP(ip);
      }
    }
  }
  return undefined;
}
