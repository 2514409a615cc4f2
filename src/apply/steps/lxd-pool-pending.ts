// `lxd/storage-pool/<pool>@<member>`: POST /1.0/storage-pools?target=<member> with only that
// member's keys (source, source.wipe; source for ceph on LXD without storage_remote_drop_source).
// Nothing touches a disk yet. Sync on 5.21, an operation on ≥ 6.8: the remote layer awaits either.
import { MINUTE, hostOf, unlessAlreadyDone, withQuery } from './common.js';
import type { StepActor } from './runner.js';

const ALREADY = [/already defined on member/, /not in pending state/];

export const lxdPoolPending: StepActor<'lxd-pool-pending'> = {
  timeoutMs: 3 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['lxd'] }],
  async act(step, hosts, ctx, done) {
    const { pool, target, driver, config } = step.inputs;
    try {
      await hostOf(hosts, step.machine).request('lxd', 'POST', withQuery('/1.0/storage-pools', { target }), { name: pool, driver, config });
    } catch (err) {
      await unlessAlreadyDone(err, ALREADY, done, ctx);
    }
  },
  missing: (step) => `storage pool ${step.inputs.pool} is not defined on ${step.inputs.target} after creating it there`,
};
