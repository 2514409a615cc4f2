// `lxd/volume/<pool>/<volume>@<member>`: a custom volume on the member's local pool (images,
// backups), POST …/volumes/custom?target=<member>. An operation from LXD 6.6, sync before.
import { MINUTE, enc, hostOf, unlessAlreadyDone, withQuery } from './common.js';
import type { StepActor } from './runner.js';

export const lxdVolume: StepActor<'lxd-volume'> = {
  timeoutMs: 3 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['lxd'] }],
  async act(step, hosts, ctx, done) {
    const { pool, volume, target } = step.inputs;
    const path = withQuery(`/1.0/storage-pools/${enc(pool)}/volumes/custom`, { target });
    try {
      await hostOf(hosts, step.machine).request('lxd', 'POST', path, { name: volume, type: 'custom', content_type: 'filesystem', config: {} });
    } catch (err) {
      await unlessAlreadyDone(err, [/already exists/], done, ctx);
    }
  },
  missing: (step) => `volume ${step.inputs.pool}/${step.inputs.volume} is not on ${step.inputs.target} after creating it`,
};
