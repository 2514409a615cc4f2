// `microcloud apply` on a lab started as `lab up --without-snaps` does: machines with snapd and none
// of the snaps, a site.yaml with the lab's snaps: block. The site lock lives in the initiator's LXD,
// so the installs run first (src/apply/lock-first.ts), then the rest under the lock; a second apply
// changes nothing; lxd → 6/stable refreshes every member and converges.
import { labSnapsBlock } from '../../src/lab/machines.js';
import { runCli } from '../helpers/cli.js';
import { startLab, type PlanLab } from '../plan-lab/lab.js';

let lab: PlanLab | undefined;
afterAll(async () => {
  await lab?.stop();
});

test('lab --without-snaps: one apply installs and builds, the next changes nothing, a channel change refreshes', async () => {
  lab = await startLab({ nodes: 3, withoutSnaps: true });
  lab.preseed['snaps'] = labSnapsBlock({ microcloud: false });
  lab.write();
  const apply = () => runCli(['apply', 'site.yaml', '--auto-approve'], { cwd: lab!.dir });

  // A saved plan cannot run its installs before the lock and then be the plan read under it.
  expect((await runCli(['plan', 'site.yaml', '--out', 'install.plan'], { cwd: lab.dir })).code).toBe(0);
  const saved = await runCli(['apply', 'install.plan', '--auto-approve'], { cwd: lab.dir });
  expect(saved.code).toBe(1);
  expect(saved.stderr).toMatch(/the saved plan install\.plan installs LXD on the initiator node1, where the site lock lives: apply .*site\.yaml instead/);
  expect(lab.site.snapHistory()).toEqual([]);

  const first = await apply();
  expect(first.code).toBe(0);
  // Progress (stderr): the installs as a run of their own, then the rest under the lock.
  expect(first.stderr).toMatch(/Applying 9 steps[^]*Finished: 9 done[^]*Applying \d+ steps/);
  expect(first.stdout).toMatch(/The site lock lives in LXD, which this plan installs on node1: its 9 snap installs run first/);
  expect(first.stdout).toMatch(/Apply complete! .* The site matches the file\.\n$/);
  expect((await apply()).stdout).toMatch(/No changes\. The site matches the file\./);

  (lab.preseed['snaps'] as Record<string, { channel: string }>)['lxd'] = { channel: '6/stable' };
  lab.write();
  const plan = await runCli(['plan', 'site.yaml'], { cwd: lab.dir });
  expect(plan.stdout).toMatch(/~ snap\/lxd@node1/);
  expect(plan.stdout).toMatch(/gate\/lxd-online/);
  const third = await apply();
  expect(third.code).toBe(0);
  const refreshes = lab.site.snapHistory().filter((e) => e.kind === 'refresh');
  expect(refreshes.map((e) => [e.machine, e.snap, e.to.channel, e.status]).sort()).toEqual([
    ['node1', 'lxd', '6/stable', 'Done'], ['node2', 'lxd', '6/stable', 'Done'], ['node3', 'lxd', '6/stable', 'Done'],
  ]);
  expect((await apply()).stdout).toMatch(/No changes\./);
}, 240_000);
