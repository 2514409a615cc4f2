// The site.yaml `microcloud lab up` writes: a MicroCloud preseed (unicast) for the lab's machines,
// plus the tool's `ssh:` keys that say how to reach each one (127.0.0.1:<port>, pinned host key).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { LAB_NETWORK, parseCidr } from './machines.js';
import type { DiskSpec, MachineSpec } from './types.js';

/** Where the preseed JSON Schema lives in this package (same relative place from src/ and dist/). */
export const PRESEED_SCHEMA_PATH = fileURLToPath(new URL('../../schemas/preseed.schema.json', import.meta.url));

export interface LabMachineInfo {
  spec: MachineSpec;
  /** The machine's own address (its MicroCloud address). */
  address: string | undefined;
  host: string;
  port: number;
  hostKeyFingerprint: string;
}

export interface SitePreseedOptions {
  /** `ssh.identity_file`, relative to the site.yaml's directory or absolute. */
  identityFile: string;
  /** The login user (default root). */
  user?: string;
  /** Default: a random one. */
  sessionPassphrase?: string;
}

/** MicroCloud's disk path rule: /dev/disk/by-id/<device_id>, else by-path, else /dev/<id>. */
export function diskPath(d: DiskSpec): string {
  if (d.device_id) return `/dev/disk/by-id/${d.device_id}`;
  if (d.device_path) return `/dev/disk/by-path/${d.device_path}`;
  return `/dev/${d.id}`;
}

/** An interface MicroCloud can use as OVN uplink: up, not loopback, and without a global address. */
function uplinkOf(spec: MachineSpec): string | undefined {
  return spec.interfaces.find((i) => i.kind !== 'loopback' && i.state === 'up'
    && !i.addresses.some((a) => !parseCidr(a).ip.startsWith('fe80:')))?.name;
}

/** The preseed as a plain object: the smallest usable disk for `local`, the other disks for Ceph,
 *  the free interface as OVN uplink (all systems or none, as MicroCloud requires). */
export function sitePreseed(machines: readonly LabMachineInfo[], opts: SitePreseedOptions): Record<string, unknown> {
  const first = machines[0];
  if (!first?.address) throw new Error('the first lab machine has no IPv4 address to act as the initiator');
  const uplinks = machines.map((m) => uplinkOf(m.spec));
  const useUplinks = uplinks.every((u) => u !== undefined);
  const systems = machines.map((m, k) => {
    if (!m.address) throw new Error(`lab machine ${m.spec.hostname} has no IPv4 address`);
    const disks = m.spec.disks
      .filter((d) => d.partitions === 0 && !d.mounted && !d.read_only && d.type !== 'cdrom')
      .sort((a, b) => a.size - b.size);
    const [local, ...ceph] = disks;
    const storage: Record<string, unknown> = {};
    if (local) storage['local'] = { path: diskPath(local), wipe: true };
    if (ceph.length) storage['ceph'] = ceph.map((d) => ({ path: diskPath(d), wipe: true }));
    return {
      name: m.spec.hostname,
      address: m.address,
      ...(useUplinks ? { ovn_uplink_interface: uplinks[k] } : {}),
      ...(Object.keys(storage).length ? { storage } : {}),
      ssh: { host: m.host, port: m.port, host_key: m.hostKeyFingerprint },
    };
  });
  return {
    initiator_address: first.address,
    session_passphrase: opts.sessionPassphrase ?? `lab-${randomBytes(9).toString('base64url')}`,
    lookup_timeout: 300,
    systems,
    ...(useUplinks ? {
      ovn: { ipv4_gateway: LAB_NETWORK.uplinkGateway, ipv4_range: LAB_NETWORK.uplinkRange, dns_servers: LAB_NETWORK.dnsServers },
    } : {}),
    ssh: { user: opts.user ?? 'root', identity_file: opts.identityFile },
  };
}

/** The file text: the yaml-language-server modeline, a short header, the preseed. */
export function renderSiteYaml(preseed: Record<string, unknown>, schemaRef: string, header: string[] = []): string {
  return [
    `# yaml-language-server: $schema=${schemaRef}`,
    ...header.map((h) => `# ${h}`),
    stringify(preseed, { lineWidth: 0 }),
  ].join('\n');
}
