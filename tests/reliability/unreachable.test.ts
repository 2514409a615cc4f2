// A machine goes down partway through an apply run through the CLI: the run fails cleanly (exit 1,
// the machine named, no stack trace), and once the machine is back the next apply resumes and
// converges with nothing created twice; a plan afterwards is empty. When the machine is the
// initiator, which holds the site lock, the failed run cannot release the lock: it warns, and the
// operator's --force-unlock comes first. Down means refused or reset connections; a black hole
// (packets dropped) would only add the SSH and request timeouts (15 s, 2 min) to the wait.
import type { DownMode } from '../../src/lab/lab-site.js';
import { runCli } from '../helpers/cli.js';
import { startLab, type PlanLab } from '../plan-lab/lab.js';
import { FULL, STACK_FRAME, duplicated } from './helpers.js';

let lab: PlanLab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

interface Case { machine: string; after: number; mode: DownMode }
const CASES: Case[] = [
  { machine: 'node3', after: 8, mode: 'refuse' },
  { machine: 'node2', after: 30, mode: 'reset' },
  ...(FULL ? [
    { machine: 'node1', after: 3, mode: 'refuse' },
    { machine: 'node2', after: 12, mode: 'refuse' },
    { machine: 'node3', after: 24, mode: 'reset' },
    { machine: 'node1', after: 40, mode: 'refuse' },
    { machine: 'node3', after: 48, mode: 'reset' },
  ] as Case[] : []),
];

test.each(CASES)('$machine down ($mode) after mutating request $after: exit 1 naming it; after up, apply converges', async ({ machine, after, mode }) => {
  lab = await startLab({ nodes: 3, logBodies: true });
  const site = lab.site;
  let mutations = 0;
  const stop = site.onEvent((e) => {
    if (e.kind === 'http' && e.mutating && ++mutations === after) void site.down(machine, mode);
  });
  const failed = await runCli(['apply', 'site.yaml', '--auto-approve'], { cwd: lab.dir });
  stop();
  expect(site.isUp(machine)).toBe(false);
  const out = `${failed.stdout}\n${failed.stderr}`;
  expect(failed.code).toBe(1);
  expect(out).toMatch(new RegExp(`(Error|Failed): .*\\b${machine}\\b`));
  expect(out).not.toMatch(STACK_FRAME);

  await site.up(machine);
  if (machine === 'node1') {
    // The lock lives on the initiator: a run that lost it cannot release it, and says so.
    expect(out).toMatch(/Warning: the lock could not be released/);
    const unlocked = await runCli(['apply', 'site.yaml', '--force-unlock'], { cwd: lab.dir });
    expect(unlocked).toMatchObject({ code: 0, stdout: expect.stringMatching(/Released the lock held by .*"apply site\.yaml"/) });
  }
  const resumed = await runCli(['apply', 'site.yaml', '--auto-approve'], { cwd: lab.dir });
  expect(resumed.stderr).not.toMatch(STACK_FRAME);
  expect({ code: resumed.code, stdout: resumed.stdout }).toMatchObject({ code: 0, stdout: expect.stringMatching(/Apply complete! \d+ added, \d+ changed\. The site matches the file\.\n$/) });
  expect(duplicated(site)).toEqual([]);
  const plan = await runCli(['plan', 'site.yaml', '--detailed-exitcode'], { cwd: lab.dir });
  expect({ code: plan.code, stdout: plan.stdout }).toMatchObject({ code: 0, stdout: expect.stringMatching(/No changes\. The site matches the file\./) });
}, 120_000);
