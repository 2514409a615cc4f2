// `microceph/disk/<machine>/<by-id name>`: one OSD, POST /1.0/disks?target=<member> as MicroCloud
// sends it. Not idempotent (it may wipe), so it runs only when no OSD of that member has the disk,
// and every per-disk report is read: MicroCeph answers HTTP 200 even when the disk failed.
import { samePath } from '../../plan/disk-paths.js';
import type { ResourcesDisk } from '../../preseed/disk-filter.js';
import type { Host } from '../../remote/index.js';
import { MINUTE, hostOf, withQuery, type PlanStepRunner } from './common.js';
import { microReady } from './micro.js';

interface DiskAddResponse {
  validation_error?: string;
  report?: { path: string; report: string; error: string }[] | null;
}

/** MicroCeph's own client allows 15 min for a disk add (MicroCloud 5): wiping and preparing take time. */
const DISK_ADD_MS = 15 * MINUTE;
const ALREADY_RECORDED = /This "disks" entry already exists/;

/** The machine's disks as LXD sees them: every name a disk has, to compare paths. */
async function resourceDisks(host: Host): Promise<ResourcesDisk[]> {
  const r = await host.request<{ storage?: { disks?: ResourcesDisk[] | null } }>('lxd', 'GET', '/1.0/resources');
  return (r.metadata.storage?.disks ?? []).map((d) => ({ ...d, wwn: d.wwn ?? '', device_id: d.device_id ?? '', device_path: d.device_path ?? '' }));
}

async function hasOsd(host: Host, member: string, path: string): Promise<boolean> {
  if (!(await microReady(host, 'microceph'))) return false;
  const osds = ((await host.request<{ path: string; location: string }[] | null>('microceph', 'GET', '/1.0/disks')).metadata ?? [])
    .filter((d) => d.location === member);
  if (osds.some((d) => d.path === path)) return true;
  if (osds.length === 0) return false;
  const disks = await resourceDisks(host);
  return osds.some((d) => samePath(path, d.path, disks));
}

export const microcephDisk: PlanStepRunner<'microceph-disk'> = {
  timeoutMs: DISK_ADD_MS + 2 * MINUTE,
  check: (step, hosts) => hasOsd(hostOf(hosts, step.machine), step.machine, step.inputs.path),
  async act(step, hosts, ctx) {
    const host = hostOf(hosts, step.machine);
    const { path, wipe, encrypt } = step.inputs;
    const body = { path: [path], wipe, encrypt, waldev: null, walwipe: false, walencrypt: false, dbdev: null, dbwipe: false, dbencrypt: false };
    const res = (await host.request<DiskAddResponse>('microceph', 'POST', withQuery('/1.0/disks', { target: step.machine }), body, { timeoutMs: DISK_ADD_MS })).metadata ?? {};
    const errors = [
      ...(res.validation_error ? [res.validation_error] : []),
      ...(res.report ?? []).filter((r) => r.report !== 'Success' || r.error).map((r) => `${r.path}: ${r.error || r.report}`),
    ];
    if ((res.report ?? []).length === 0 && errors.length === 0) errors.push('MicroCeph answered without a report for the disk');
    if (errors.length === 0) return;
    if (errors.every((e) => ALREADY_RECORDED.test(e)) && (await hasOsd(host, step.machine, path))) {
      ctx.note(`already an OSD (MicroCeph said: ${errors.join('; ')})`);
      return;
    }
    throw new Error(`MicroCeph could not add ${path} on ${step.machine}: ${errors.join('; ')}`);
  },
  async verify(step, hosts) {
    if (!(await hasOsd(hostOf(hosts, step.machine), step.machine, step.inputs.path))) {
      throw new Error(`MicroCeph reported ${step.inputs.path} added on ${step.machine}, but GET /1.0/disks does not list it`);
    }
  },
};
