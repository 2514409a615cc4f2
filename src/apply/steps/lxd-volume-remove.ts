// `lxd/volume/<pool>/<volume>@<m>` destroyed, as MicroCloud's guide does it by hand
// (canonical/microcloud doc/how-to/member_remove.md, f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741): the
// member's storage.*_volume keys that point at the volume are unset (PATCH /1.0?target=<m>), then
// the volume goes (DELETE …/volumes/custom/<volume>?target=<m>). LXD refuses the delete while a key
// still points at it ("Storage volume is currently in use"), so the order matters. A volume already
// gone (404) is done once the cluster, read again, agrees.
import { MINUTE, enc, hostOf, isNotFound, withQuery } from './common.js';
import { lxdServer } from './lxd.js';
import type { StepActor } from './runner.js';

/** The daemon storage keys (lxd/node/config.go): the only member keys that name a volume. */
const VOLUME_KEYS = ['storage.images_volume', 'storage.backups_volume'];

export const lxdVolumeRemove: StepActor<'lxd-volume-remove'> = {
  timeoutMs: 3 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['lxd'] }],
  async act(step, hosts, ctx, done) {
    const { pool, volume, target } = step.inputs;
    const host = hostOf(hosts, step.machine);
    const { server } = await lxdServer(host, target);
    const pointing = VOLUME_KEYS.filter((k) => server.config[k] === `${pool}/${volume}`);
    if (pointing.length > 0) {
      await host.request('lxd', 'PATCH', withQuery('/1.0', { target }), { config: Object.fromEntries(pointing.map((k) => [k, ''])) });
    }
    try {
      await host.request('lxd', 'DELETE', withQuery(`/1.0/storage-pools/${enc(pool)}/volumes/custom/${enc(volume)}`, { target }));
    } catch (err) {
      if (!isNotFound(err) || !(await done())) throw err;
      ctx.note(`volume ${pool}/${volume} was already gone from ${target}`);
    }
  },
  missing: (step) => `volume ${step.inputs.pool}/${step.inputs.volume} is still on ${step.inputs.target} after deleting it`,
};
