// The snap kinds' effects. A snap's install or refresh leaves it as the step wants it; an install
// brings its daemon up fresh, a refresh restarts it at the target's version, which takes its member
// off-line (and Ceph's health to a warning) until the gate after it has waited. Noout sets or
// clears Ceph's flag with the tool's marker.
import type { LiveState, ServiceName } from '../../../src/live/state.js';
import type { StepOf } from '../../../src/plan/plan.js';
import { gateBlockers } from '../../../src/plan/steps/gate.js';
import { need, recordAt, type Effect } from './model.js';

/** The version each lab store revision runs (src/lab/snapd/store.ts). */
const VERSION_OF: Record<string, string> = { 33110: '5.21.3', 36971: '6.8', 1228: '19.2.0', 1550: '20.2.0', 667: '24.03.2', 1012: '26.03.0', 1144: '2.1.3', 1921: '3.4' };

function setMembers(live: LiveState, svc: ServiceName, name: string, status: (online: string) => string): void {
  const online = svc === 'lxd' ? 'Online' : 'ONLINE';
  for (const c of Object.values(live.clusters[svc])) for (const m of c.members) if (m.name === name) m.status = status(online);
}

export const snap: Effect<'snap'> = (step, live) => {
  const m = recordAt(live, step.machine);
  need(m.host.snapd !== null, `${step.machine} has no snapd`);
  const { name, channel, revision, expect, cohort, hold } = step.inputs;
  const rev = revision !== null ? String(revision) : expect;
  const before = m.host.snaps.find((s) => s.name === name);
  const version = VERSION_OF[rev] ?? before?.version ?? '';
  m.host.snaps = [...m.host.snaps.filter((s) => s.name !== name), { name, version, revision: rev, channel, held: hold, cohort }];
  if (!before) {
    need(m[name] === null, `${name}'s daemon is on ${step.machine} without its snap`);
    if (name === 'lxd') {
      m.lxd = { version, apiExtensions: [], config: {}, clustered: false, serverName: m.host.hostname, disks: [], cluster: step.machine, rows: { pools: {}, networks: {} } };
      live.clusters.lxd[step.machine] = { members: [], pools: [], networks: [], defaultProfile: { config: {}, devices: {} }, volumes: [] };
    } else m[name] = { version, initialized: false, cluster: null };
    return;
  }
  if (before.revision === rev) return;
  const daemon = m[name];
  if (daemon) m[name] = { ...daemon, version } as never;
  setMembers(live, name, step.machine, () => (name === 'lxd' ? 'Offline' : 'UNREACHABLE'));
  if (name === 'microceph' && live.snaps) live.snaps.cephHealth = { status: 'HEALTH_WARN', checks: ['OSD_DOWN'] };
};

/** A gate runs once what it follows is done; waiting is what brings the members back. */
export const gate: Effect<'gate'> = (step, live) => {
  for (const a of step.inputs.after) {
    need(recordAt(live, a.machine).host.snaps.some((s) => s.name === a.snap && (a.revision === '' || s.revision === a.revision)),
      `${step.address} before ${a.snap} on ${a.machine} was refreshed`);
  }
  for (const key of Object.keys(live.machines)) setMembers(live, step.inputs.service, key, (online) => online);
  live.snaps = { store: {}, noout: null, ...live.snaps, cephHealth: { status: live.snaps?.noout?.set ? 'HEALTH_WARN' : 'HEALTH_OK', checks: live.snaps?.noout?.set ? ['OSDMAP_FLAGS'] : [] } };
  need(gateBlockers(step as StepOf<'gate'>, live).length === 0, `${step.address} does not open`);
};

export const microcephNoout: Effect<'microceph-noout'> = (step, live) => {
  need(live.snaps?.noout !== null && live.snaps?.noout !== undefined, 'noout without an initialized MicroCeph');
  live.snaps.noout = step.inputs.set ? { set: true, ours: true } : { set: false, ours: false };
};
