// The `remove:` key as the file writes it: names or mappings, defaults, and the rules a shape cannot
// say, each located at file:line:column with a hint.
import { loadPreseed } from '../../src/preseed/load.js';
import { CTX } from '../helpers/preseed.js';

const BASE = 'initiator_address: 10.0.0.11\nsession_passphrase: a-long-passphrase\nsystems:\n  - {name: node1, address: 10.0.0.11}\n  - {name: node2, address: 10.0.0.12}\n';
const load = (extra: string) => loadPreseed('site.yaml', BASE + extra, CTX);
const errorsOf = (extra: string) => load(extra).diagnostics.filter((d) => d.severity === 'error')
  .map((d) => ({ path: d.path, line: d.line, column: d.column, message: d.message, hint: d.hint }));

test('names and mappings, in the file\'s order, with force and evacuate defaulting to false', () => {
  const r = load('remove:\n  - node4\n  - {name: node5, force: true}\n');
  expect(r.diagnostics).toEqual([]);
  expect(r.desired?.remove).toEqual([
    { name: 'node4', force: false, evacuate: false },
    { name: 'node5', force: true, evacuate: false },
  ]);
});

test('without remove: nothing is removed', () => {
  expect(load('').desired?.remove).toEqual([]);
});

test('a name both in systems and in remove is an error at the entry', () => {
  expect(errorsOf('remove:\n  - node3\n  - node2\n')).toEqual([{
    path: 'remove[1]', line: 8, column: 5,
    message: 'node2 is both in systems and in remove: a member cannot be kept and removed at once',
    hint: 'delete node2 from systems to remove it, or from remove to keep it',
  }]);
  expect(errorsOf('remove:\n  - {name: node1, force: true}\n')).toMatchObject([{ path: 'remove[0].name', line: 7, message: expect.stringMatching(/^node1 is both in systems and in remove/) }]);
});

test('a member named twice is an error at the second', () => {
  expect(errorsOf('remove: [node4, {name: node4}]\n')).toMatchObject([{ path: 'remove[1].name', message: 'node4 is listed in remove twice (also remove[0])' }]);
});

test('shape: a mapping needs its name, takes no unknown key, and force is a boolean', () => {
  const paths = (extra: string) => errorsOf(extra).map((e) => e.path);
  expect(paths('remove:\n  - {force: true}\n')).toEqual(['remove[0]']);
  expect(paths('remove:\n  - {name: node4, purge: true}\n')).toEqual(['remove[0].purge']);
  expect(paths('remove:\n  - {name: node4, force: yes}\n')).toEqual(['remove[0].force']);
  expect(paths('remove:\n  - 42\n')).toEqual(['remove[0]']);
  expect(paths('remove: node4\n')).toEqual(['remove']);
});
