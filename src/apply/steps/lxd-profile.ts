// `lxd/profile/<name>`: GET, merge the devices the tool owns (root, eth0) into the profile, PUT with
// If-Match; every other device and the profile's config stay. Sync before LXD 6.6, an operation after.
import { ApiError, type Host } from '../../remote/index.js';
import { MINUTE, enc, hostOf } from './common.js';
import type { StepActor } from './runner.js';

interface Profile {
  config: Record<string, string> | null;
  description: string;
  devices: Record<string, Record<string, string>> | null;
}

async function profile(host: Host, name: string): Promise<{ p: Profile; etag: string | undefined }> {
  const r = await host.request<Profile>('lxd', 'GET', `/1.0/profiles/${enc(name)}`);
  return { p: r.metadata, etag: r.etag };
}

export const lxdProfile: StepActor<'lxd-profile'> = {
  timeoutMs: 3 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['lxd'] }],
  async act(step, hosts) {
    const host = hostOf(hosts, step.machine);
    const path = `/1.0/profiles/${enc(step.inputs.profile)}`;
    for (let round = 0; ; round++) {
      const { p, etag } = await profile(host, step.inputs.profile);
      const devices = { ...(p.devices ?? {}), ...step.inputs.devices };
      try {
        await host.request('lxd', 'PUT', path, { config: p.config ?? {}, description: p.description ?? '', devices }, etag ? { headers: { 'If-Match': etag } } : {});
        return;
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 412) || round >= 3) throw err;
      }
    }
  },
  missing: (step) => `profile ${step.inputs.profile} does not show the devices ${Object.keys(step.inputs.devices).join(', ')} after the update`,
};
