// GET /1.0/instances?recursion=1&all-projects=true as the removal reads it: where each instance is.
import { mapInstances } from '../../src/services/lxd-map.js';

test('name, project and member of each instance; missing fields get their zero value, the project its default', () => {
  expect(mapInstances([
    { name: 'web1', project: 'default', location: 'node4' },
    { name: 'db', project: 'prod', location: 'node2' },
    { name: 'odd' },
  ])).toEqual([
    { name: 'web1', project: 'default', location: 'node4' },
    { name: 'db', project: 'prod', location: 'node2' },
    { name: 'odd', project: 'default', location: '' },
  ]);
  expect(mapInstances(null)).toEqual([]);
});
