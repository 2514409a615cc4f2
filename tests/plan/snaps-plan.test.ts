// The snap steps the planner writes (src/plan/plan-snaps.ts) and what snaps-preflight refuses:
// installs before every other step, the rest of a bare site planned as if the daemons were there,
// the refresh walk in MicroCloud's order with its gates and noout, downgrades and track jumps refused.
import type { LiveState, StoreChannel } from '../../src/live/state.js';
import { lockMachine } from '../../src/apply/lock-first.js';
import type { Plan, StepOf } from '../../src/plan/plan.js';
import { gateBlockers } from '../../src/plan/steps/gate.js';
import { expectedEffect } from '../model/effects/index.js';
import { bareSite, desired, record, type PreseedOptions } from './fixtures.js';
import { converge, errorsOf, normalized, plan, precedes } from './walk.js';

/** The lab's store (src/lab/snapd/store.ts defaultStore). */
const STORE: Record<string, StoreChannel[]> = {
  lxd: [{ channel: '5.21/stable', revision: '33110', version: '5.21.3' }, { channel: '6/stable', revision: '36971', version: '6.8' }],
  microceph: [{ channel: 'squid/stable', revision: '1228', version: '19.2.0' }, { channel: 'tentacle/stable', revision: '1550', version: '20.2.0' }],
  microovn: [{ channel: '24.03/stable', revision: '667', version: '24.03.2' }, { channel: '26.03/stable', revision: '1012', version: '26.03.0' }],
};

const withStore = (live: LiveState, noout: { set: boolean; ours: boolean } | null = null): LiveState => ({ ...live, snaps: { store: STORE, noout } });

/** Machines with snapd and none of the snaps: no daemons at all. */
function noSnaps(n: number): LiveState {
  const live = bareSite(n);
  for (let i = 1; i <= n; i++) {
    const m = record(live, `node${i}`);
    Object.assign(m, { lxd: null, microceph: null, microovn: null, microcloud: null });
    m.host.snaps = [];
  }
  live.clusters.lxd = {};
  return withStore(live);
}

const snapsBlock = (lxd = '5.21/stable', ceph = 'squid/stable', extra = '') => ['snaps:', `  lxd: {channel: ${lxd}${extra}}`, `  microceph: {channel: ${ceph}}`, '  microovn: {channel: 24.03/stable}'];
const file = (o: Partial<PreseedOptions> & { tail?: string[] } = {}) => desired({ n: 3, ...o });
const addresses = (p: Plan) => p.steps.map((s) => s.address);

describe('installs on machines without the snaps', () => {
  const d = file({ tail: snapsBlock() });
  const p = plan(d, noSnaps(3));

  test('one install per snap and machine, in a cohort and held, and the site built after them', () => {
    expect(errorsOf(p)).toEqual([]);
    const snaps = p.steps.filter((s) => s.kind === 'snap');
    expect(snaps.map((s) => s.address).sort()).toEqual(['lxd', 'microceph', 'microovn'].flatMap((n) => [1, 2, 3].map((i) => `snap/${n}@node${i}`)).sort());
    expect(snaps.find((s) => s.address === 'snap/lxd@node2')).toMatchObject({
      action: 'create', reason: 'install lxd 5.21/stable (revision 33110, in a cohort), then hold it',
      inputs: { name: 'lxd', channel: '5.21/stable', revision: null, expect: '33110', cohort: true, hold: true },
    });
    // The rest of the site (bootstraps, joins, OSDs, pools…) is planned, each step after every install.
    const rest = p.steps.filter((s) => s.kind !== 'snap');
    expect(rest.map((s) => s.address)).toEqual(expect.arrayContaining(['microceph/cluster@node1', 'lxd/cluster@node1', 'lxd/member/node3', 'lxd/storage-pool/remote']));
    for (const s of rest) for (const x of snaps) expect(s.dependsOn).toContain(x.address);
  });

  test('machines install side by side, the snaps of one machine one after another', () => {
    expect(precedes(p.steps, 'snap/microceph@node1', 'snap/lxd@node1')).toBe(true);
    expect(precedes(p.steps, 'snap/microceph@node1', 'snap/microceph@node2')).toBe(false);
    expect(precedes(p.steps, 'snap/lxd@node2', 'snap/lxd@node1')).toBe(false);
  });

  test('without LXD its disks are unknown: paths are taken as written, filters refused with the way out', () => {
    expect(p.findings.filter((f) => f.code === 'disk-missing')).toEqual([]);
    const filtered = plan(file({ ceph: 'filter', tail: snapsBlock() }), noSnaps(3));
    expect(errorsOf(filtered).map((f) => [f.code, f.hint])).toContainEqual(['disk-filter-before-lxd',
      'name the disks by path (systems[].storage), or apply once without the filters (LXD gets installed) and add them back']);
  });

  test('a channel the store does not have, and a machine without snapd, are refused', () => {
    const bad = plan(file({ tail: snapsBlock('7/stable') }), noSnaps(3));
    expect(errorsOf(bad).map((f) => [f.code, f.message, f.hint])).toContainEqual(['snap-channel-missing', 'the store has no channel 7/stable for lxd', 'channels there: 5.21/stable, 6/stable']);
    const live = noSnaps(3);
    record(live, 'node2').host.snapd = null;
    expect(errorsOf(plan(d, live)).map((f) => [f.code, f.machine])).toEqual([['snapd-missing', 'node2']]);
  });
});

/** A built site whose snaps are as the file's snaps block with `hold`/`cohort` as the fixture has them. */
function built(): LiveState {
  const d = file({ tail: snapsBlock() });
  let live = withStore(bareSite(3), { set: false, ours: false });
  for (let i = 1; i <= 3; i++) for (const s of record(live, `node${i}`).host.snaps) Object.assign(s, { held: true, cohort: true });
  live = converge(d, live);
  for (let i = 1; i <= 3; i++) expect(record(live, `node${i}`).lxd?.clustered).toBe(true);
  return live;
}

describe('the refresh walk on a built site', () => {
  const live = built();

  test('the site matching its snaps plans nothing', () => {
    expect(plan(file({ tail: snapsBlock() }), live).steps).toEqual([]);
  });

  test('lxd → 6/stable: every member at once, then a gate until all are Online', () => {
    const p = plan(file({ tail: snapsBlock('6/stable') }), live);
    expect(errorsOf(p)).toEqual([]);
    expect(addresses(p)).toEqual(['snap/lxd@node1', 'snap/lxd@node2', 'snap/lxd@node3', 'gate/lxd-online']);
    expect(p.steps.slice(0, 3).map((s) => s.dependsOn)).toEqual([[], [], []]);
    expect(p.steps[0]!.changes).toEqual([{ key: 'channel', before: '5.21/stable', after: '6/stable' }, { key: 'revision', before: '33110', after: '36971' }]);
    expect(p.steps[3]!.dependsOn.sort()).toEqual(['snap/lxd@node1', 'snap/lxd@node2', 'snap/lxd@node3']);
  });

  test('microceph and lxd: noout, MicroCeph member by member with a health gate after each, then LXD', () => {
    const p = plan(file({ tail: snapsBlock('6/stable', 'tentacle/stable') }), live);
    expect(errorsOf(p)).toEqual([]);
    expect(addresses(p)).toEqual([
      'microceph/noout', 'gate/ceph-health',
      'snap/microceph@node1', 'gate/ceph-health@node1', 'snap/microceph@node2', 'gate/ceph-health@node2', 'snap/microceph@node3', 'gate/ceph-health@node3',
      'microceph/noout/unset', 'snap/lxd@node1', 'snap/lxd@node2', 'snap/lxd@node3', 'gate/lxd-online',
    ]);
    expect(precedes(p.steps, 'gate/ceph-health@node1', 'snap/microceph@node2')).toBe(true);
    expect(precedes(p.steps, 'microceph/noout/unset', 'snap/lxd@node1')).toBe(true);
    expect(p.steps.find((s) => s.address === 'gate/ceph-health@node2')!.inputs).toEqual({
      check: 'ceph-health', service: 'microceph', after: [{ machine: 'node2', snap: 'microceph', revision: '1550' }], allow: ['OSDMAP_FLAGS'], timeoutMs: 1_800_000,
    });
  });

  test('walked through the daemons\' model, each plan is the last one without what ran, down to nothing', () => {
    const d = file({ tail: snapsBlock('6/stable', 'tentacle/stable') });
    let now = live;
    let p = plan(d, now);
    const ran: string[] = [];
    while (p.steps.length > 0) {
      const step = p.steps.find((s) => s.dependsOn.length === 0)!;
      now = expectedEffect(step, now);
      ran.push(step.address);
      const next = plan(d, now);
      expect(errorsOf(next)).toEqual([]);
      // Gates are planned with the refreshes they follow or open (so one may come and go with the
      // health the model shows); every other step stays until it runs, and nothing new appears.
      const left = new Set(addresses(next));
      expect(addresses(p).filter((a) => a !== step.address && !left.has(a)).filter((a) => !a.startsWith('gate/'))).toEqual([]);
      for (const a of left) if (!a.startsWith('gate/')) expect(addresses(p)).toContain(a);
      p = next;
      if (ran.length > 40) throw new Error('the walk does not end');
    }
    expect(ran.filter((a) => a.startsWith('snap/'))).toEqual(['snap/microceph@node1', 'snap/microceph@node2', 'snap/microceph@node3', 'snap/lxd@node1', 'snap/lxd@node2', 'snap/lxd@node3']);
    expect(now.snaps?.noout).toEqual({ set: false, ours: false });
  });

  test('noout left set by an interrupted walk is unset by the next plan; an operator\'s noout is left alone', () => {
    const d = file({ tail: snapsBlock() });
    expect(addresses(plan(d, { ...live, snaps: { store: STORE, noout: { set: true, ours: true } } }))).toEqual(['microceph/noout/unset']);
    expect(addresses(plan(d, { ...live, snaps: { store: STORE, noout: { set: true, ours: false } } }))).toEqual([]);
  });

  test('a downgrade is refused unless the file allows it', () => {
    const at6 = structuredClone(live);
    for (let i = 1; i <= 3; i++) Object.assign(record(at6, `node${i}`).host.snaps.find((s) => s.name === 'lxd')!, { channel: '6/stable', revision: '36971' });
    const refused = plan(file({ tail: snapsBlock('5.21/stable') }), at6);
    expect(refused.steps).toEqual([]);
    expect(errorsOf(refused).map((f) => [f.code, f.machine, f.message])).toContainEqual(['snap-downgrade', 'node1', 'the file moves lxd on node1 back to the older track 5.21/stable (it tracks 6/stable)']);
    const allowed = plan(file({ tail: snapsBlock('5.21/stable', 'squid/stable', ', allow_downgrade: true') }), at6);
    expect(errorsOf(allowed).filter((f) => f.code === 'snap-downgrade')).toEqual([]);
  });

  test('MicroCeph quincy → tentacle is refused with the path through squid', () => {
    const old = structuredClone(live);
    for (let i = 1; i <= 3; i++) Object.assign(record(old, `node${i}`).host.snaps.find((s) => s.name === 'microceph')!, { channel: 'quincy/stable', revision: '900' });
    const p = plan(file({ tail: snapsBlock('5.21/stable', 'tentacle/stable') }), old);
    expect(errorsOf(p).map((f) => [f.code, f.message, f.hint])).toContainEqual(['snap-track-jump', 'MicroCeph does not upgrade from quincy straight to tentacle (on node1)',
      'apply with snaps.microceph.channel: squid/stable first, then tentacle/stable']);
  });

  test('a change of a listed snap in progress is refused until it ends', () => {
    const busy = structuredClone(live);
    record(busy, 'node3').host.snapChanges = [{ id: '42', kind: 'auto-refresh', summary: 'Auto-refresh snap "lxd"', snaps: ['lxd'] }];
    expect(errorsOf(plan(file({ tail: snapsBlock('6/stable') }), busy)).map((f) => [f.code, f.machine, f.hint])).toEqual([
      ['snap-change-in-progress', 'node3', 'wait for it to finish (on node3: snap watch 42), then plan again'],
    ]);
    expect(normalized(plan(file({ tail: snapsBlock() }), busy).steps)).toEqual([]);
  });
});

describe('an LXD refresh walk stopped part-way', () => {
  test('a member at the new LXD that does not answer: the plan finishes the LXD refreshes alone, the lock on a member that answers', () => {
    const live = built();
    const m1 = record(live, 'node1');
    Object.assign(m1.host.snaps.find((s) => s.name === 'lxd')!, { channel: '6/stable', revision: '36971' });
    m1.lxd = null;
    const p = plan(file({ tail: snapsBlock('6/stable') }), live);
    expect(errorsOf(p)).toEqual([]);
    expect(p.findings.map((f) => [f.code, f.machine])).toEqual([['lxd-waiting-for-members', 'node1']]);
    expect(addresses(p)).toEqual(['snap/lxd@node2', 'snap/lxd@node3', 'gate/lxd-online']);
    expect(p.steps[2]!.machine).toBe('node2');
    expect(lockMachine(p)).toBe('node2');
    // Without the walk (every member at the file's LXD) an LXD that does not answer is what it always was.
    for (const i of [2, 3]) Object.assign(record(live, `node${i}`).host.snaps.find((s) => s.name === 'lxd')!, { channel: '6/stable', revision: '36971' });
    expect(errorsOf(plan(file({ tail: snapsBlock('6/stable') }), live)).map((f) => f.code)).toContain('lxd-missing');
  });
});

describe('a Ceph gate', () => {
  const gateStep = (): StepOf<'gate'> => ({
    address: 'gate/ceph-health@node1', kind: 'gate', service: 'microceph', machine: 'node1', dependsOn: [], action: 'update', reason: '', changes: [],
    inputs: { check: 'ceph-health', service: 'microceph', after: [], allow: ['OSDMAP_FLAGS'], timeoutMs: 1 },
  });
  const withHealth = (status: string, checks: string[]): LiveState => ({ ...bareSite(1), snaps: { store: {}, noout: null, cephHealth: { status, checks } } });

  test('opens on HEALTH_OK or the allowed noout warning alone; stays closed on anything else, or unread', () => {
    expect(gateBlockers(gateStep(), withHealth('HEALTH_OK', []))).toEqual([]);
    expect(gateBlockers(gateStep(), withHealth('HEALTH_WARN', ['OSDMAP_FLAGS']))).toEqual([]);
    expect(gateBlockers(gateStep(), withHealth('HEALTH_WARN', ['OSDMAP_FLAGS', 'OSD_DOWN']))).toEqual(['Ceph is HEALTH_WARN: OSD_DOWN']);
    expect(gateBlockers(gateStep(), bareSite(1))).toEqual(['Ceph\'s health was not read']);
  });
});
