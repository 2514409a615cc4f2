// `lxd/network/<network>`: create it (finalize UPLINK or lxdfan0 once every member has its row;
// the OVN `default`, which takes no rows, in one POST), or bring the keys the file owns back to the
// file's values (UPLINK's gateways, ranges, DNS), keeping every other key.
import { reachable, type StepOf } from '../../plan/index.js';
import { recreatable } from '../../plan/steps/lxd-network.js';
import { ApiError, type Host } from '../../remote/index.js';
import { MINUTE, enc, hostOf, unlessAlreadyDone } from './common.js';
import { getNetwork, partiallyCreated, type LxdNetworkObject } from './lxd.js';
import type { StepActor } from './runner.js';

type Step = StepOf<'lxd-network'>;

/** Deletes an Errored OVN network so it can be created again; refuses if anything uses it. */
async function clearErrored(step: Step, host: Host, current: LxdNetworkObject, note: (m: string) => void): Promise<void> {
  const users = current.used_by ?? [];
  if (users.length > 0) {
    throw new Error(`network ${step.inputs.network} is Errored and used by ${users.join(', ')}: LXD cannot finish it; `
      + 'detach those users or delete the network by hand, then apply again');
  }
  note(`an earlier attempt left it Errored and LXD accepts neither a retry nor an update: deleting it (nothing uses it) to create it again`);
  await host.request('lxd', 'DELETE', `/1.0/networks/${enc(step.inputs.network)}`, undefined, { timeoutMs: 5 * MINUTE, operationTimeoutMs: 5 * MINUTE });
}

async function create(step: Step, host: Host, current: LxdNetworkObject | null, note: (m: string) => void): Promise<void> {
  const { network, type, description, config } = step.inputs;
  if (current && recreatable(current, type)) {
    await clearErrored(step, host, current, note);
    current = null;
  }
  const partial = partiallyCreated(current);
  if (partial) note('an earlier attempt created it part-way: finishing it without global config, as LXD requires');
  const body = partial ? { name: network, type, description } : { name: network, type, description, config };
  await host.request('lxd', 'POST', '/1.0/networks', body, { timeoutMs: 5 * MINUTE, operationTimeoutMs: 5 * MINUTE });
}

/**
 * Drift in the keys the file owns: PATCH with If-Match when every owned key has a value (PATCH
 * merges, so nobody else's keys are touched); when the file drops one, PATCH cannot unset it, so
 * the config is read, the key removed, and PUT back with If-Match (PUT keeps member keys).
 */
async function update(step: Step, host: Host): Promise<void> {
  const path = `/1.0/networks/${enc(step.inputs.network)}`;
  const { owned, config: want } = step.inputs;
  for (let round = 0; ; round++) {
    const r = await host.request<LxdNetworkObject>('lxd', 'GET', path);
    const ifMatch = r.etag ? { headers: { 'If-Match': r.etag } } : {};
    const current = r.metadata.config ?? {};
    const unset = owned.filter((k) => want[k] === undefined && current[k] !== undefined);
    try {
      if (unset.length === 0) {
        const changed = Object.fromEntries(owned.filter((k) => want[k] !== undefined).map((k) => [k, want[k]!]));
        await host.request('lxd', 'PATCH', path, { config: changed }, ifMatch);
      } else {
        const config = { ...current };
        for (const k of owned) {
          delete config[k];
          if (want[k] !== undefined) config[k] = want[k]!;
        }
        await host.request('lxd', 'PUT', path, { config, description: r.metadata.description ?? '' }, ifMatch);
      }
      return;
    } catch (err) {
      // Changed under us: read again and redo it (a few times, then give up).
      if (!(err instanceof ApiError && err.status === 412) || round >= 3) throw err;
    }
  }
}

export const lxdNetwork: StepActor<'lxd-network'> = {
  timeoutMs: 6 * MINUTE,
  reads: (step) => [{ machine: step.machine, services: ['lxd'] }],
  async act(step, hosts, ctx, done) {
    const host = hostOf(hosts, step.machine);
    const current = await getNetwork(host, step.inputs.network);
    if (current?.status === 'Created') {
      if (current.type !== step.inputs.type) throw new Error(`network ${step.inputs.network} is of type ${current.type}, not ${step.inputs.type}`);
      await update(step, host);
      return;
    }
    try {
      await create(step, host, current, ctx.note);
    } catch (err) {
      await unlessAlreadyDone(err, [/already created/, /already exists/], done, ctx);
    }
  },
  missing(step, live) {
    const { network, config, owned } = step.inputs;
    const n = reachable(live, step.machine)?.lxd?.networks.find((x) => x.name === network);
    if (n?.status !== 'Created') return `network ${network} is ${n?.status ?? 'missing'} after the change`;
    const differ = owned.filter((k) => n.config[k] !== config[k]);
    return `network ${network}'s ${differ.join(', ')} differ from the file after the change`;
  },
};
