// The file's `snaps:` is checked against what snapd reports on every machine: this version does not
// install or refresh snaps yet (issue 17), so a difference is an error with the command to run,
// never a block the plan passes over in silence.
import { preflight } from '../../src/plan/preflight.js';
import { bareSite, desired } from './fixtures.js';

const withSnaps = (...lines: string[]) => desired({ n: 2, tail: ['snaps:', ...lines] });
const errors = (d: ReturnType<typeof desired>) =>
  preflight(d, bareSite(2)).filter((f) => f.severity === 'error' && f.code.startsWith('snap-')).map((f) => [f.code, f.machine, f.message, f.hint]);

test('snaps that match the file (the bare site: lxd 5.21/stable, not held, in no cohort) raise nothing', () => {
  expect(errors(withSnaps('  lxd: {channel: 5.21/stable, hold: false, cohort: false}'))).toEqual([]);
});

test('another channel, no hold, no cohort: an error per machine naming the difference and the command', () => {
  const found = errors(withSnaps('  lxd: {channel: 6/stable}'));
  expect(found.map(([c, m]) => [c, m])).toEqual([['snap-differs', 'node1'], ['snap-differs', 'node2']]);
  expect(found[0]![2]).toBe("lxd on node1 tracks 5.21/stable, not 6/stable, is in no cohort, is not held: this version of microcloud-apply checks the file's snaps: but does not install or refresh them yet");
  expect(found[0]![3]).toBe('on node1: snap refresh lxd --channel 6/stable --cohort="+"; snap refresh --hold lxd');
});

test('a snap the machines do not have: not installed, with the install command; a pinned revision is named', () => {
  const found = errors(withSnaps('  microcloud: {channel: 2/stable, revision: 1144, hold: false}'));
  expect(found).toEqual([
    ['snap-not-installed', 'node1', "microcloud is not installed on node1; the file asks for 2/stable: this version of microcloud-apply checks the file's snaps: but does not install or refresh them yet", 'on node1: snap install microcloud --channel 2/stable --revision 1144'],
    ['snap-not-installed', 'node2', expect.any(String), 'on node2: snap install microcloud --channel 2/stable --revision 1144'],
  ]);
});
