// snapd's answers mapped for the tool (pure), and snapd's envelope as the remote layer reads it:
// result instead of metadata, an error's message, kind and value, a change id for async answers.
import { parseResponse } from '../../src/remote/envelope.js';
import { ApiError } from '../../src/remote/index.js';
import { mapChange, mapInstalledSnaps, mapStoreChannels } from '../../src/services/snapd-map.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const ctx = { host: 'node1', service: 'snapd' as const, method: 'GET', path: '/v2/snaps' };
const raw = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('installed snaps', () => {
  test('revision, tracking channel, a hold in force, a cohort', () => {
    expect(mapInstalledSnaps([
      { name: 'lxd', version: '5.21.3-c5ae129', revision: '33110', 'tracking-channel': '5.21/stable', hold: '2318-11-08T13:51:19.47Z', 'cohort-key': 'MSBL0b…' },
      { name: 'microceph', version: '19.2.0', revision: '1228', 'tracking-channel': 'squid/stable', hold: '2026-05-31T23:59:59Z' },
      { name: 'hello', version: '2.10', revision: 'x1' },
      { version: 'no name' },
    ], NOW)).toEqual([
      { name: 'lxd', version: '5.21.3-c5ae129', revision: '33110', channel: '5.21/stable', held: true, cohort: true },
      // A hold that ran out holds nothing (snap list's notes say "held" only before it ends).
      { name: 'microceph', version: '19.2.0', revision: '1228', channel: 'squid/stable', held: false, cohort: false },
      { name: 'hello', version: '2.10', revision: 'x1', channel: '', held: false, cohort: false },
    ]);
    expect(mapInstalledSnaps(null, NOW)).toEqual([]);
  });
});

test('the store\'s channel map, by channel', () => {
  expect(mapStoreChannels({
    name: 'microceph',
    channels: { 'tentacle/stable': { revision: '1550', version: '20.2.0', channel: 'tentacle/stable' }, 'squid/stable': { revision: '1228', version: '19.2.0' }, 'reef/edge': null },
  })).toEqual([
    { channel: 'squid/stable', revision: '1228', version: '19.2.0' },
    { channel: 'tentacle/stable', revision: '1550', version: '20.2.0' },
  ]);
  expect(mapStoreChannels(undefined)).toEqual([]);
});

test('a change: its end, its error, and the log of the tasks that logged', () => {
  expect(mapChange({
    id: '7', kind: 'refresh-snap', summary: 'Refresh "lxd" snap', status: 'Error', ready: true, err: 'cannot perform the following tasks:\n- Start snap "lxd" (36971) services (boom)',
    tasks: [{ summary: 'Download snap "lxd"', status: 'Undone' }, { summary: 'Start snap "lxd" (36971) services', status: 'Error', log: ['2026-06-01T00:00:00Z ERROR boom'] }],
    data: { 'snap-names': ['lxd'] },
  })).toEqual({
    id: '7', kind: 'refresh-snap', summary: 'Refresh "lxd" snap', status: 'Error', ready: true,
    err: 'cannot perform the following tasks:\n- Start snap "lxd" (36971) services (boom)', snapNames: ['lxd'],
    log: [{ task: 'Start snap "lxd" (36971) services', status: 'Error', lines: ['2026-06-01T00:00:00Z ERROR boom'] }],
  });
});

describe("snapd's envelope (canonical/snapd daemon/response.go)", () => {
  test('sync: the result is the metadata; async: the change id is the operation', () => {
    expect(parseResponse(ctx, raw(200, { type: 'sync', 'status-code': 200, status: 'OK', result: [{ name: 'lxd' }], sources: ['local'] })))
      .toEqual({ type: 'sync', httpStatus: 200, metadata: [{ name: 'lxd' }], operation: '' });
    expect(parseResponse(ctx, raw(202, { type: 'async', 'status-code': 202, status: 'Accepted', result: null, change: '12' })))
      .toEqual({ type: 'async', httpStatus: 202, metadata: null, operation: '12' });
  });

  test('an error: status, message, kind and value on the ApiError', () => {
    let err: unknown;
    try {
      parseResponse(ctx, raw(404, { type: 'error', 'status-code': 404, status: 'Not Found', result: { message: 'snap not installed', kind: 'snap-not-found', value: 'lxd' } }));
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, apiMessage: 'snap not installed', kind: 'snap-not-found', value: 'lxd', message: 'node1: snapd GET /v2/snaps failed with 404: snap not installed' });
    expect(() => parseResponse(ctx, raw(400, { type: 'error', 'status-code': 400, result: {} }))).toThrow('failed with 400: (no error message)');
  });

  test('what is no snapd envelope (an LXD one, or text) says so', () => {
    expect(() => parseResponse(ctx, raw(200, 'not json'))).toThrow('response is not a snapd JSON envelope (HTTP 200: not json)');
    expect(() => parseResponse(ctx, raw(500, { type: 'sync', result: null }))).toThrow('failed with 500: HTTP 500 with a sync body');
  });
});
