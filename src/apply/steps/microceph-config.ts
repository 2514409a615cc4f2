// `microceph/config/<key>`: PUT /1.0/configs (cluster_network drift). `wait: true` so the OSD
// restarts the key triggers are over when the step ends. GET /1.0/configs needs a JSON body.
import { sameNetwork } from '../../plan/topology.js';
import type { Host } from '../../remote/index.js';
import { MINUTE, hostOf, type PlanStepRunner } from './common.js';
import { microReady } from './micro.js';

async function value(host: Host, key: string): Promise<string | null> {
  if (!(await microReady(host, 'microceph'))) return null;
  const items = (await host.request<{ key: string; value: string }[] | null>('microceph', 'GET', '/1.0/configs', { key })).metadata ?? [];
  // Values are `ceph config get` output, newline included.
  return items.find((i) => i.key === key)?.value.trim() ?? null;
}

export const microcephConfig: PlanStepRunner<'microceph-config'> = {
  // MicroCeph's client waits up to 200 s for the restarts.
  timeoutMs: 5 * MINUTE,
  check: async (step, hosts) => sameNetwork(await value(hostOf(hosts, step.machine), step.inputs.key), step.inputs.value),
  async act(step, hosts) {
    const { key, value: v } = step.inputs;
    await hostOf(hosts, step.machine).request('microceph', 'PUT', '/1.0/configs', { key, value: v, wait: true, skip_restart: false }, { timeoutMs: 4 * MINUTE });
  },
  async verify(step, hosts) {
    const now = await value(hostOf(hosts, step.machine), step.inputs.key);
    if (!sameNetwork(now, step.inputs.value)) throw new Error(`MicroCeph's ${step.inputs.key} is ${now ?? 'unset'} after setting it to ${step.inputs.value}`);
  },
};
