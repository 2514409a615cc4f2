// `lxd/volume/<pool>/<volume>@<member>`: a custom volume on the member's local pool (images,
// backups), POST …/volumes/custom?target=<member>. An operation from LXD 6.6, sync before.
import { MINUTE, enc, getOrNull, hostOf, unlessAlreadyDone, withQuery, type PlanStepRunner } from './common.js';

export const lxdVolume: PlanStepRunner<'lxd-volume'> = {
  timeoutMs: 3 * MINUTE,
  async check(step, hosts) {
    const { pool, volume, target } = step.inputs;
    const path = withQuery(`/1.0/storage-pools/${enc(pool)}/volumes/custom/${enc(volume)}`, { target });
    // A member without it may answer with another member's volume of that name: compare the location.
    const v = await getOrNull<{ location?: string }>(hostOf(hosts, step.machine), 'lxd', path);
    return v !== null && (v.location ?? '') === target;
  },
  async act(step, hosts, ctx) {
    const { pool, volume, target } = step.inputs;
    const path = withQuery(`/1.0/storage-pools/${enc(pool)}/volumes/custom`, { target });
    try {
      await hostOf(hosts, step.machine).request('lxd', 'POST', path, { name: volume, type: 'custom', content_type: 'filesystem', config: {} });
    } catch (err) {
      await unlessAlreadyDone(err, [/already exists/], () => lxdVolume.check(step, hosts, ctx), ctx);
    }
  },
  async verify(step, hosts, ctx) {
    if (!(await lxdVolume.check(step, hosts, ctx))) throw new Error(`volume ${step.inputs.pool}/${step.inputs.volume} is not on ${step.inputs.target} after creating it`);
  },
};
