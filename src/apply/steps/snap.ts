// `snap/<name>@<m>`: install or refresh through snapd's REST API (POST /v2/snaps/{name} with the
// channel and either `cohort-key: "+"` or the pinned revision: daemon/api_snaps.go snapInstruction
// at bee548f7), follow the change until ready (its err and task log on Error or Undone), then hold
// the snap (POST /v2/snaps, snapHoldMany: forever, general). A change of this snap already in
// progress (an auto-refresh the plan saw, or ours from an interrupted run) is waited for first:
// snapd would refuse a second one as a conflict. The step ends once the daemon answers again: an
// install starts it, a refresh restarts it, and the steps after it talk to it.
import { ApiError, type Host } from '../../remote/index.js';
import { snapDifferences, installedSnap } from '../../plan/steps/snap.js';
import type { StepOf } from '../../plan/index.js';
import { changeFailure, holdSnaps, postSnap, readChanges, readSnapd, waitChange, type SnapdChange } from '../../services/snapd.js';
import type { StepContext } from '../types.js';
import { MINUTE, hostOf } from './common.js';
import type { StepActor } from './runner.js';

/** A download, a data copy and the daemon's restart: snapd's own default timeout for a change is far longer. */
const CHANGE_MS = 20 * MINUTE;
const DAEMON_READY_MS = 5 * MINUTE;

const waitOpts = (ctx: StepContext, timeoutMs: number) => ({ timeoutMs, sleep: (ms: number) => ctx.clock.sleep(ms, ctx.signal) });

async function finish(host: Host, id: string, ctx: StepContext): Promise<SnapdChange> {
  const c = await waitChange(host, id, waitOpts(ctx, CHANGE_MS));
  const failed = changeFailure(host.name, c);
  if (failed) throw new Error(failed);
  return c;
}

/** snapd's answers that mean there is nothing to install or refresh (daemon/errors.go kinds). */
const NOTHING_TO_DO = new Set(['snap-already-installed', 'snap-no-update-available']);

/** The daemon's own endpoint: it answers once the snap's service is up. */
async function daemonAnswers(host: Host, name: StepOf<'snap'>['inputs']['name']): Promise<boolean> {
  try {
    await host.request(name, 'GET', name === 'lxd' ? '/1.0' : '/core/1.0', undefined, { retry: false });
    return true;
  } catch (err) {
    // A microcluster daemon that is up but not initialized answers 503: it is up.
    return err instanceof ApiError && err.status === 503;
  }
}

export const snap: StepActor<'snap'> = {
  timeoutMs: 2 * CHANGE_MS + DAEMON_READY_MS,
  reads: (step) => [{ machine: step.machine, services: [], snaps: ['installed'] }],
  async act(step, hosts, ctx) {
    const host = hostOf(hosts, step.machine);
    const { name, channel, revision, cohort, hold } = step.inputs;
    for (const c of await readChanges(host, { snap: name })) {
      ctx.note(`waiting for snapd's change ${c.id} (${c.summary}) in progress`);
      await finish(host, c.id, ctx).catch(() => undefined);
    }
    const have = (await readSnapd(host))?.snaps.find((s) => s.name === name);
    const moves = snapDifferences({ ...step.inputs, hold: false }, have).length > 0;
    if (moves) {
      try {
        await finish(host, await postSnap(host, name, { action: have ? 'refresh' : 'install', channel, cohort, revision }), ctx);
      } catch (err) {
        if (!(err instanceof ApiError && NOTHING_TO_DO.has(err.kind ?? ''))) throw err;
        ctx.note(`snapd said: ${err.apiMessage}`);
      }
    }
    // A refresh keeps the hold the snap had (snapd's refresh-hold state is per snap): hold only where missing.
    const held = moves ? (await readSnapd(host))?.snaps.find((s) => s.name === name)?.held : have?.held;
    if (hold && !held) await holdSnaps(host, [name], waitOpts(ctx, MINUTE)).then((c) => {
      const failed = changeFailure(host.name, c);
      if (failed) throw new Error(failed);
    });
  },
  async settle(step, hosts, ctx) {
    const host = hostOf(hosts, step.machine);
    const deadline = ctx.clock.now() + DAEMON_READY_MS;
    while (!(await daemonAnswers(host, step.inputs.name))) {
      if (ctx.signal.aborted || ctx.clock.now() >= deadline) {
        throw new Error(`${step.inputs.name} on ${step.machine} did not answer within ${DAEMON_READY_MS / 1000} s of its snap's ${step.action === 'create' ? 'install' : 'refresh'}`);
      }
      await ctx.clock.sleep(500, ctx.signal);
    }
  },
  missing(step, live) {
    return `${step.inputs.name} on ${step.machine} ${snapDifferences(step.inputs, installedSnap(live, step.machine, step.inputs.name)).join(', ')} after snapd's change`;
  },
};
