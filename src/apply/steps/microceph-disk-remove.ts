// `microceph/disk/<m>/osd.<n>` destroyed: DELETE /1.0/disks/<n>?target=<m>, as `microceph disk
// remove` sends it (canonical/microceph microceph/cmd/microceph/disk_remove.go and api/disks.go
// cmdDisksDelete, 79f99b50a1abf05ca8abb463b0fcb3f749f13c89). MicroCeph drains the OSD (reweight to
// 0), waits for Ceph's ok-to-stop and safe-to-destroy, then purges it; `force` sets bypass_safety
// and confirm_downgrade, nothing else does. `timeout` is MicroCeph's own wait, in seconds. An OSD
// already gone answers 404 ("osd.<n> not found"): done once the OSD list, read again, agrees.
import { MINUTE, SECOND, hostOf, isNotFound, withQuery } from './common.js';
import type { StepActor } from './runner.js';

/** What `microceph disk remove` waits by default (--timeout=300): the drain, the safety checks, the purge. */
const OSD_WAIT_S = 300;
/** MicroCeph's own client waits `timeout` + 5 s, then hangs up, which ends the removal on the
 *  server (canonical/microceph microceph/client/disks.go RemoveDisk, 79f99b50). */
const DISK_REMOVE_MS = (OSD_WAIT_S + 5) * SECOND;

export const microcephDiskRemove: StepActor<'microceph-disk-remove'> = {
  timeoutMs: DISK_REMOVE_MS + MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['microceph'] }],
  async act(step, hosts, ctx, done) {
    const { member, osd, force } = step.inputs;
    const body = { osdid: osd, bypass_safety: force, confirm_downgrade: force, prohibit_crush_scaledown: false, timeout: OSD_WAIT_S };
    try {
      await hostOf(hosts, step.machine).request('microceph', 'DELETE', withQuery(`/1.0/disks/${osd}`, { target: member }), body, { timeoutMs: DISK_REMOVE_MS });
    } catch (err) {
      if (!isNotFound(err) || !(await done())) throw err;
      ctx.note(`osd.${osd} was already gone`);
    }
  },
  missing: (step) => `MicroCeph reported osd.${step.inputs.osd} of ${step.inputs.member} removed, but GET /1.0/disks still lists it`,
};
