// `microceph/config/<key>`: PUT /1.0/configs (cluster_network drift). `wait: true` so the OSD
// restarts the key triggers are over when the step ends.
import { reachable } from '../../plan/index.js';
import { MINUTE, hostOf } from './common.js';
import type { StepActor } from './runner.js';

export const microcephConfig: StepActor<'microceph-config'> = {
  // MicroCeph's client waits up to 200 s for the restarts.
  timeoutMs: 5 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['microceph'] }],
  async act(step, hosts) {
    const { key, value } = step.inputs;
    await hostOf(hosts, step.machine).request('microceph', 'PUT', '/1.0/configs', { key, value, wait: true, skip_restart: false }, { timeoutMs: 4 * MINUTE });
  },
  missing(step, live) {
    const now = reachable(live, step.machine)?.microceph?.config[step.inputs.key];
    return `MicroCeph's ${step.inputs.key} is ${now ?? 'unset'} after setting it to ${step.inputs.value}`;
  },
};
