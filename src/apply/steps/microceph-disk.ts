// `microceph/disk/<machine>/<by-id name>`: one OSD, POST /1.0/disks?target=<member> as MicroCloud
// sends it. Not idempotent (it may wipe), so it runs only when no OSD of that member has the disk
// (the plan's `satisfied`, over MicroCeph's OSDs and LXD's view of the machine's disks, which gives
// every name a disk has), and every per-disk report is read: MicroCeph answers HTTP 200 even when
// the disk failed.
import { MINUTE, hostOf, withQuery } from './common.js';
import type { StepActor } from './runner.js';

interface DiskAddResponse {
  validation_error?: string;
  report?: { path: string; report: string; error: string }[] | null;
}

/** MicroCeph's own client allows 15 min for a disk add (MicroCloud 5): wiping and preparing take time. */
const DISK_ADD_MS = 15 * MINUTE;
const ALREADY_RECORDED = /This "disks" entry already exists/;

export const microcephDisk: StepActor<'microceph-disk'> = {
  timeoutMs: DISK_ADD_MS + 2 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['microceph', 'lxd'] }],
  async act(step, hosts, ctx, done) {
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
    if (errors.every((e) => ALREADY_RECORDED.test(e)) && (await done())) {
      ctx.note(`already an OSD (MicroCeph said: ${errors.join('; ')})`);
      return;
    }
    throw new Error(`MicroCeph could not add ${path} on ${step.machine}: ${errors.join('; ')}`);
  },
  missing: (step) => `MicroCeph reported ${step.inputs.path} added on ${step.machine}, but GET /1.0/disks does not list it`,
};
