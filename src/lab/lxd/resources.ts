// GET /1.0/resources[?target=]: the machine's hardware as api.Resources, disks from the machine spec.
import type { DiskSpec, LabResponse } from '../types.js';
import { syncResponse } from '../envelope.js';
import type { Ctx } from './context.js';
import { forwardIfTargetRemote } from './context.js';
import type { Router } from './router.js';

function partitions(d: DiskSpec, flavorV6: boolean): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const [major, minor] = d.device.split(':').map((x) => Number.parseInt(x, 10)) as [number, number];
  const each = d.partitions > 0 ? Math.floor(d.size / d.partitions) : 0;
  for (let i = 1; i <= d.partitions; i++) {
    const id = /\d$/.test(d.id) ? `${d.id}p${i}` : `${d.id}${i}`;
    const p: Record<string, unknown> = { id, device: `${major}:${(minor ?? 0) + i}`, read_only: d.read_only, size: each, partition: i };
    if (flavorV6) p.device_fs_uuid = '';
    p.mounted = false;
    out.push(p);
  }
  return out;
}

function disk(d: DiskSpec, flavorV6: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: d.id, device: d.device };
  if (d.model) out.model = d.model;
  if (d.type) out.type = d.type;
  Object.assign(out, { read_only: d.read_only, mounted: d.mounted, size: d.size, removable: d.removable });
  if (d.wwn) out.wwn = d.wwn;
  out.numa_node = d.numa_node;
  if (d.device_path) out.device_path = d.device_path;
  out.block_size = d.block_size;
  if (d.firmware_version) out.firmware_version = d.firmware_version;
  out.rpm = d.rpm;
  if (d.serial) out.serial = d.serial;
  out.device_id = d.device_id;
  out.partitions = partitions(d, flavorV6);
  if (d.pci_address) out.pci_address = d.pci_address;
  if (flavorV6) out.device_fs_uuid = '';
  return out;
}

async function getResources(c: Ctx): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const spec = c.world.lab.spec(c.d.machine);
  const v6 = c.d.flavor.name === 'snap-6.8';
  const disks = spec.disks.map((d) => disk(d, v6));
  const total = spec.disks.reduce((s, d) => s + d.size, 0);
  const nics = spec.interfaces.filter((i) => i.kind === 'physical');
  return syncResponse({
    cpu: { architecture: 'x86_64', sockets: [{ name: 'Virtual CPU', vendor: 'GenuineIntel', socket: 0, cache: [], cores: [], frequency: 0 }], total: 2 },
    memory: { nodes: [], hugepages_total: 0, hugepages_used: 0, hugepages_size: 2097152, used: 1073741824, total: 8589934592 },
    gpu: { cards: [], total: 0 },
    network: {
      cards: nics.map((i, idx) => ({
        driver: 'virtio_net', driver_version: '1.0.0', ports: [{ id: i.name, address: i.mac, port: 0, protocol: 'ethernet',
          auto_negotiation: false, link_detected: i.state === 'up' }],
        numa_node: 0, pci_address: `0000:00:0${idx + 3}.0`, vendor: 'Red Hat, Inc.', vendor_id: '1af4', product_id: '1000',
      })),
      total: nics.length,
    },
    storage: { disks, total },
    usb: { devices: [], total: 0 },
    pci: { devices: [], total: 0 },
    system: { uuid: '', vendor: 'QEMU', product: 'Standard PC (Q35 + ICH9, 2009)', family: '', version: '', sku: '', serial: '',
      type: 'virtual', firmware: { date: '04/01/2014', vendor: 'SeaBIOS', version: '1.16.3' }, chassis: { serial: '', type: 'Other',
        vendor: 'QEMU', version: '' }, motherboard: { product: '', serial: '', vendor: '', version: '' } },
  });
}

export function registerResources(r: Router): void {
  r.add('/1.0/resources', { GET: getResources });
}
