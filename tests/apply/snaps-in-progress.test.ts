// snapd's changes in progress are read only for a file with snaps: (src/site/gather-snaps.ts), on
// every machine with snapd, and a change of a listed snap there refuses the plan; a file without
// snaps: never asks for them (tests/plan-lab/round-trips.test.ts counts the reads of such a plan).
import { gatherOver } from '../../src/site/gather.js';
import { desiredOf, preseed, startLab, type Lab } from './helpers.js';
import { bareMachines, errorsOf, planWithSnaps, snapsBlock } from './snaps-helpers.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const changeReads = (l: Lab) => l.site.requests({ service: 'snapd' }).filter((r) => r.path.startsWith('/v2/changes')).map((r) => r.machine);

test('an install still running on node2 refuses a plan that installs that snap there; a file without snaps: asks no machine for changes', async () => {
  // A slow store: the install stays in progress while the plans below are made.
  lab = await startLab({ machines: bareMachines(3), site: { durations: { snapInstall: 600_000 } } });
  const started = await lab.hosts.get('node2')!.request('snapd', 'POST', '/v2/snaps/lxd', { action: 'install', channel: '5.21/stable' });
  expect(started.type).toBe('async');

  lab.site.resetCounters();
  await gatherOver(lab.hosts, [...lab.hosts.keys()]);
  expect(changeReads(lab)).toEqual([]);

  const plan = await planWithSnaps(lab.hosts, desiredOf(`${preseed({ nodes: [1, 2, 3] })}${snapsBlock('5.21/stable')}`));
  expect(changeReads(lab).sort()).toEqual(['node1', 'node2', 'node3']);
  expect(errorsOf(plan).filter((f) => f.code === 'snap-change-in-progress').map((f) => f.machine)).toEqual(['node2']);
  expect(plan.steps).toEqual([]);
});
