// The lab's snapd (src/lab/snapd/): snapd's envelope, its reads, installs and refreshes as async
// changes that end Done or Error (with err and the task log), its refusals with their status, kind
// and words, holds, cohorts and conflicts — each as canonical/snapd's daemon answers them.
import { LabSite } from '../../src/lab/lab-site.js';
import { SnapStore, defaultStore } from '../../src/lab/snapd/index.js';
import type { SnapdWorld, SnapServiceEvent } from '../../src/lab/snapd/index.js';
import { machineServices } from '../../src/lab/machines.js';
import { labSpec } from './specs.js';
import { snapdLab } from './snapd-client.js';

const bare = (name = 'node1') => labSpec(name, { snaps: [] });
const json = { 'content-type': 'application/json' };

describe('envelope and reads', () => {
  test('GET /v2/snaps: sync, status-code and status, the installed snaps with the bases and snapd', async () => {
    const { call } = snapdLab([labSpec('node1')]);
    const r = await call('node1', 'GET', '/v2/snaps');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ type: 'sync', 'status-code': 200, status: 'OK', sources: ['local'] });
    expect(r.body.result.map((s: any) => [s.name, s.version, s.revision, s['tracking-channel'], s.type])).toEqual([
      ['core22', '20241001', '1663', 'latest/stable', 'base'],
      ['core24', '20241119', '716', 'latest/stable', 'base'],
      ['lxd', '5.21.3', '33110', '5.21/stable', 'app'],
      ['microceph', '19.2.0', '1228', 'squid/stable', 'app'],
      ['microovn', '24.03.2', '667', '24.03/stable', 'app'],
      ['snapd', '2.66.1', '23258', 'latest/stable', 'snapd'],
    ]);
    const lxd = r.body.result.find((s: any) => s.name === 'lxd');
    // canonical/lxd stable-5.21 snap/snapcraft.yaml (cfee9f27): base core24.
    expect(lxd).toMatchObject({ status: 'active', base: 'core24', confinement: 'strict', publisher: { username: 'canonical' } });
    expect(lxd).not.toHaveProperty('hold');
    expect(lxd).not.toHaveProperty('cohort-key');
    expect((await call('node1', 'GET', '/v2/snaps?snaps=lxd,%20microovn')).body.result.map((s: any) => s.name)).toEqual(['lxd', 'microovn']);
  });

  test('a machine without snaps lists none; one snap by name; unknown routes and methods', async () => {
    const { call } = snapdLab([bare(), labSpec('node2')]);
    expect((await call('node1', 'GET', '/v2/snaps')).body.result).toEqual([]);
    expect((await call('node2', 'GET', '/v2/snaps/microceph')).body.result).toMatchObject({ name: 'microceph', revision: '1228' });
    expect(await call('node1', 'GET', '/v2/snaps/lxd')).toEqual({
      status: 404, body: { type: 'error', 'status-code': 404, status: 'Not Found', result: { message: 'snap not installed', kind: 'snap-not-found', value: 'lxd' } },
    });
    expect(await call('node1', 'GET', '/v2/nope')).toMatchObject({ status: 404, body: { result: { message: 'not found' } } });
    expect(await call('node1', 'PUT', '/v2/snaps')).toMatchObject({ status: 405, body: { status: 'Method Not Allowed', result: { message: 'method "PUT" not allowed' } } });
    expect((await call('node1', 'GET', '/v2/snaps?select=some')).body.result.message).toBe("invalid select parameter: '\\x00'");
  });

  test('GET /v2/system-info: the version of snapd the machine runs', async () => {
    const spec = labSpec('node1', { snapd: { version: '2.75.2', revision: '25577' } });
    const { call } = snapdLab([spec, labSpec('node2')]);
    expect((await call('node1', 'GET', '/v2/system-info')).body.result).toMatchObject({ version: '2.75.2', series: '16', 'on-classic': true, architecture: 'amd64' });
    expect((await call('node2', 'GET', '/v2/system-info')).body.result.version).toBe('2.66.1');
  });

  test('GET /v2/find?name=: the store\'s channel map with each channel\'s revision', async () => {
    const { call } = snapdLab([bare()]);
    const r = await call('node1', 'GET', '/v2/find?name=microceph');
    expect(r.body).toMatchObject({ type: 'sync', sources: ['store'] });
    const [snap] = r.body.result;
    expect(snap).toMatchObject({ name: 'microceph', status: 'available', channel: 'squid/stable', revision: '1228', tracks: ['squid', 'tentacle'] });
    expect(Object.fromEntries(Object.entries(snap.channels).map(([k, v]: [string, any]) => [k, [v.revision, v.version]]))).toEqual({
      'squid/stable': ['1228', '19.2.0'], 'tentacle/stable': ['1550', '20.2.0'],
    });
    expect(await call('node1', 'GET', '/v2/find?name=microk8s')).toMatchObject({ status: 404, body: { result: { message: 'snap not found', kind: 'snap-not-found', value: 'microk8s' } } });
    expect(await call('node1', 'GET', '/v2/find?name=Bad_Name')).toMatchObject({ status: 400, body: { result: { message: 'invalid snap name: "Bad_Name"' } } });
    expect((await call('node1', 'GET', '/v2/find?name=lxd&q=lxd')).body.result.message).toBe("cannot use 'q' and 'name' together");
    expect((await call('node1', 'GET', '/v2/find?name=micro*')).body.result.map((s: any) => s.name)).toEqual(['microceph', 'microovn', 'microcloud']);
  });
});

describe('install: an async change from Do to Done', () => {
  test('202 with a change id; in progress until the services start; then the snap is installed everywhere the lab looks', async () => {
    const { call, world, ctx } = snapdLab([bare()]);
    let release = (): void => undefined;
    const started: SnapServiceEvent[] = [];
    world.onServices('microceph', { start: (e) => { started.push(e); return new Promise<void>((r) => { release = r; }); } });
    const r = await call('node1', 'POST', '/v2/snaps/microceph', { action: 'install', channel: 'squid/stable', 'cohort-key': '+' });
    expect(r).toEqual({ status: 202, body: { type: 'async', 'status-code': 202, status: 'Accepted', result: null, change: '1' } });
    // Wait until the change reaches start-snap-services, which the hook holds.
    while (started.length === 0) await new Promise((res) => setTimeout(res, 1));
    const running = (await call('node1', 'GET', '/v2/changes?select=in-progress')).body.result;
    expect(running.map((c: any) => [c.id, c.kind, c.summary, c.status, c.ready])).toEqual([
      ['1', 'install-snap', 'Install "microceph" snap from "squid/stable" channel from "+" cohort', 'Doing', false],
    ]);
    expect(running[0].tasks.find((t: any) => t.kind === 'start-snap-services')).toMatchObject({ status: 'Doing', summary: 'Start snap "microceph" (1228) services' });
    expect(started).toEqual([{ machine: 'node1', snap: 'microceph', from: null, to: { name: 'microceph', version: '19.2.0', revision: '1228', channel: 'squid/stable', cohortKey: '+' } }]);
    release();
    await world.settled();
    const done = (await call('node1', 'GET', '/v2/changes/1')).body.result;
    expect(done).toMatchObject({ status: 'Done', ready: true, data: { 'snap-names': ['microceph'] } });
    expect(done).not.toHaveProperty('err');
    expect(done.tasks.map((t: any) => t.status)).toEqual(done.tasks.map(() => 'Done'));
    expect(done.tasks.find((t: any) => t.kind === 'download-snap').summary).toBe('Download snap "microceph" (1228) from channel "squid/stable"');
    expect((await call('node1', 'GET', '/v2/changes')).body.result).toEqual([]);
    expect((await call('node1', 'GET', '/v2/snaps/microceph')).body.result).toMatchObject({ revision: '1228', 'tracking-channel': 'squid/stable', 'cohort-key': '+' });
    // One source of truth: the spec the lab's daemons and sockets read has the snap now.
    expect(machineServices(ctx.spec('node1'))).toContain('microceph');
  });

  test('no channel means latest/stable, which the store redirects to the default track', async () => {
    const { act, call } = snapdLab([bare()]);
    const c = await act('node1', '/v2/snaps/lxd', { action: 'install' });
    expect(c).toMatchObject({ summary: 'Install "lxd" snap', status: 'Done' });
    expect((await call('node1', 'GET', '/v2/snaps/lxd')).body.result).toMatchObject({ 'tracking-channel': '5.21/stable', revision: '33110' });
  });

  test('a pinned revision is installed and the channel tracked', async () => {
    const { act, call } = snapdLab([bare()]);
    await act('node1', '/v2/snaps/lxd', { action: 'install', channel: '6/stable', revision: '33110' });
    expect((await call('node1', 'GET', '/v2/snaps/lxd')).body.result).toMatchObject({ 'tracking-channel': '6/stable', revision: '33110', version: '5.21.3' });
  });
});

describe('refusals, with snapd\'s status, kind and words', () => {
  test.each([
    ['already installed', labSpec('node1'), '/v2/snaps/lxd', { action: 'install' }, 400, { message: 'snap "lxd" is already installed', kind: 'snap-already-installed', value: { snaps: ['lxd'] } }],
    ['not in the store', bare(), '/v2/snaps/microk8s', { action: 'install' }, 404, { message: 'snap not found', kind: 'snap-not-found', value: 'microk8s' }],
    ['a channel the store does not have', bare(), '/v2/snaps/lxd', { action: 'install', channel: '7/stable' }, 404, {
      message: 'no snap revision on specified channel', kind: 'snap-channel-not-available',
      value: { 'snap-name': 'lxd', action: 'install', channel: '7/stable', architecture: 'amd64', releases: [{ architecture: 'amd64', channel: '5.21/stable' }, { architecture: 'amd64', channel: '6/stable' }] },
    }],
    ['a revision the store does not have', bare(), '/v2/snaps/lxd', { action: 'install', revision: 1 }, 404, { message: 'no snap revision available as specified', kind: 'snap-revision-not-available', value: 'lxd' }],
    ['a cohort and a revision', bare(), '/v2/snaps/lxd', { action: 'install', revision: 33110, 'cohort-key': '+' }, 400, { message: 'cannot specify both cohort-key and revision' }],
    ['a channel snapd cannot read', bare(), '/v2/snaps/lxd', { action: 'install', channel: '5.21/stabel' }, 400, { message: 'invalid risk in channel name: 5.21/stabel' }],
    ['refreshing what is not installed', bare(), '/v2/snaps/lxd', { action: 'refresh', channel: '6/stable' }, 400, { message: 'snap "lxd" is not installed', kind: 'snap-not-installed', value: 'lxd' }],
    ['a refresh to what is there', labSpec('node1'), '/v2/snaps/lxd', { action: 'refresh', channel: '5.21/stable' }, 400, { message: 'snap has no updates available', kind: 'snap-no-update-available' }],
    ['an unknown action', bare(), '/v2/snaps/lxd', { action: 'frobnicate' }, 400, { message: 'unknown action frobnicate' }],
    ['a cohort on a hold', labSpec('node1'), '/v2/snaps/lxd', { action: 'hold', 'cohort-key': '+' }, 400, { message: 'cohort-key can only be specified for install, refresh, or switch' }],
    ['a body that is not JSON', bare(), '/v2/snaps/lxd', 'action=install', 400, { message: "cannot decode request body into snap instruction: invalid character 'a' looking for beginning of value" }],
    ['a revision that is no revision', bare(), '/v2/snaps/lxd', { action: 'install', revision: 'abc' }, 400, { message: 'cannot decode request body into snap instruction: invalid snap revision: "\\"abc\\""' }],
  ])('%s', async (_name, spec, path, body, status, result) => {
    const { call } = snapdLab([spec]);
    const r = await call('node1', 'POST', path, body);
    expect(r).toEqual({ status, body: { type: 'error', 'status-code': status, status: status === 404 ? 'Not Found' : 'Bad Request', result } });
  });

  test('changes need a root peer; reads do not', async () => {
    const { call } = snapdLab([labSpec('node1')]);
    expect(await call('node1', 'POST', '/v2/snaps/lxd', { action: 'refresh' }, { uid: 1000 })).toEqual({
      status: 401, body: { type: 'error', 'status-code': 401, status: 'Unauthorized', result: { message: 'access denied', kind: 'login-required' } },
    });
    expect((await call('node1', 'GET', '/v2/snaps', undefined, { uid: 1000 })).status).toBe(200);
  });

  test('a snap whose base needs a newer snapd than the machine runs', async () => {
    const store = defaultStore();
    store.find((s) => s.name === 'microcloud')!.channels[1]!.current.assumes = ['snapd2.75'];
    const { call } = snapdLab([bare()], { store: new SnapStore(store) });
    expect((await call('node1', 'POST', '/v2/snaps/microcloud', { action: 'install', channel: '3/stable' })).body.result).toEqual({
      message: 'cannot install "microcloud": snap "microcloud" assumes unsupported features: snapd2.75 (try to refresh snapd)',
    });
  });

  test('a change in progress for the snap: 409 snap-change-conflict naming its kind', async () => {
    const { call, world } = snapdLab([labSpec('node1')]);
    const auto = world.beginChange('node1', 'auto-refresh', ['lxd']);
    expect((await call('node1', 'GET', '/v2/changes')).body.result.map((c: any) => [c.kind, c.summary, c.status])).toEqual([['auto-refresh', 'Auto-refresh snap "lxd"', 'Doing']]);
    expect(await call('node1', 'POST', '/v2/snaps/lxd', { action: 'refresh', channel: '6/stable' })).toMatchObject({
      status: 409, body: { status: 'Conflict', result: { message: 'snap "lxd" has "auto-refresh" change in progress', kind: 'snap-change-conflict', value: { 'snap-name': 'lxd', 'change-kind': 'auto-refresh' } } },
    });
    auto.finish();
    await world.settled();
    expect((await call('node1', 'POST', '/v2/snaps/lxd', { action: 'refresh', channel: '6/stable' })).status).toBe(202);
  });
});

describe('refresh', () => {
  test('a new track: the services stop and start around the new revision, and the change ends Done', async () => {
    const { act, call, world, ctx } = snapdLab([labSpec('node1')]);
    const seen: string[] = [];
    world.onServices('lxd', {
      stop: (e) => { seen.push(`stop ${e.from?.revision}→${e.to.revision} (spec at ${ctx.spec('node1').snaps.find((s) => s.name === 'lxd')!.revision})`); },
      start: (e) => { seen.push(`start ${e.to.revision} (spec at ${ctx.spec('node1').snaps.find((s) => s.name === 'lxd')!.revision})`); },
    });
    const c = await act('node1', '/v2/snaps/lxd', { action: 'refresh', channel: '6/stable' });
    expect(c).toMatchObject({ kind: 'refresh-snap', summary: 'Refresh "lxd" snap from "6/stable" channel', status: 'Done' });
    expect(c.tasks.map((t: any) => t.kind)).toEqual(expect.arrayContaining(['stop-snap-services', 'unlink-current-snap', 'link-snap', 'start-snap-services']));
    expect(seen).toEqual(['stop 33110→36971 (spec at 33110)', 'start 36971 (spec at 36971)']);
    expect((await call('node1', 'GET', '/v2/snaps/lxd')).body.result).toMatchObject({ version: '6.8', revision: '36971', 'tracking-channel': '6/stable' });
  });

  test('a risk alone keeps the track; the same revision only switches the channel', async () => {
    const { act, call } = snapdLab([labSpec('node1')]);
    const c = await act('node1', '/v2/snaps/lxd', { action: 'refresh', channel: 'candidate' });
    expect(c.tasks.map((t: any) => [t.kind, t.summary])).toEqual([['switch-snap-channel', 'Switch snap "lxd" from channel "5.21/stable" to "5.21/candidate"']]);
    expect((await call('node1', 'GET', '/v2/snaps/lxd')).body.result).toMatchObject({ revision: '33110', 'tracking-channel': '5.21/candidate' });
  });

  test('a failing task: the change ends in Error with err and the task log; what was done is undone', async () => {
    const { call, world } = snapdLab([labSpec('node1')]);
    const starts: string[] = [];
    world.onServices('lxd', { start: (e) => { starts.push(e.to.revision); } });
    world.failTask({ snap: 'lxd', task: 'start-snap-services', message: 'lxd failed to start: exit status 1' });
    const r = await call('node1', 'POST', '/v2/snaps/lxd', { action: 'refresh', channel: '6/stable' });
    await world.settled();
    const c = (await call('node1', 'GET', `/v2/changes/${r.body.change}`)).body.result;
    expect(c).toMatchObject({
      status: 'Error', ready: true,
      err: 'cannot perform the following tasks:\n- Start snap "lxd" (36971) services (lxd failed to start: exit status 1)',
    });
    const status = Object.fromEntries(c.tasks.map((t: any) => [t.kind === 'run-hook' ? t.summary : t.kind, t.status]));
    expect(status).toMatchObject({ 'download-snap': 'Undone', 'stop-snap-services': 'Undone', 'link-snap': 'Undone', 'start-snap-services': 'Error', cleanup: 'Hold' });
    expect(c.tasks.find((t: any) => t.kind === 'start-snap-services').log).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ERROR lxd failed to start: exit status 1$/)]);
    // The old revision is back, and its services were started again.
    expect((await call('node1', 'GET', '/v2/snaps/lxd')).body.result).toMatchObject({ revision: '33110', 'tracking-channel': '5.21/stable' });
    expect(starts).toEqual(['33110']);
  });
});

describe('holds', () => {
  const holdBody = { action: 'hold', snaps: ['lxd', 'microceph'], time: 'forever', 'hold-level': 'general' };

  test('POST /v2/snaps hold: a change without tasks, Done at once; the snaps show the hold; a named refresh still goes ahead', async () => {
    const { call, act } = snapdLab([labSpec('node1')]);
    const r = await call('node1', 'POST', '/v2/snaps', holdBody);
    expect(r).toEqual({ status: 202, body: { type: 'async', 'status-code': 202, status: 'Accepted', result: null, change: '1' } });
    const c = (await call('node1', 'GET', '/v2/changes/1')).body.result;
    expect(c).toMatchObject({ kind: 'hold-snap', summary: 'Hold general refreshes for "lxd", "microceph"', status: 'Done', ready: true, data: { 'snap-names': ['lxd', 'microceph'] } });
    expect(c).not.toHaveProperty('tasks');
    const lxd = (await call('node1', 'GET', '/v2/snaps/lxd')).body.result;
    // "forever" is Go's longest duration from now: about 292 years.
    expect(new Date(lxd.hold).getUTCFullYear()).toBeGreaterThan(new Date().getUTCFullYear() + 290);
    expect((await call('node1', 'GET', '/v2/snaps/microovn')).body.result).not.toHaveProperty('hold');
    expect((await act('node1', '/v2/snaps/lxd', { action: 'refresh', channel: '6/stable' })).status).toBe('Done');
    expect((await call('node1', 'GET', '/v2/snaps/lxd')).body.result).toMatchObject({ revision: '36971', hold: lxd.hold });
    await act('node1', '/v2/snaps', { action: 'unhold', snaps: ['lxd'] });
    expect((await call('node1', 'GET', '/v2/snaps/lxd')).body.result).not.toHaveProperty('hold');
  });

  test.each([
    ['no time', { ...holdBody, time: undefined }, 'hold action requires a non-empty time value'],
    ['no hold-level', { ...holdBody, 'hold-level': undefined }, 'hold action requires a non-empty hold-level value'],
    ['an unknown hold-level', { ...holdBody, 'hold-level': 'all' }, 'hold action requires hold-level to be either "auto-refresh" or "general"'],
    ['a snap that is not installed', { ...holdBody, snaps: ['lxd', 'microk8s'] }, 'cannot hold "lxd", "microk8s": snap "microk8s" is not installed'],
    ['general holds of all snaps', { ...holdBody, snaps: [] }, 'cannot hold: holding general refreshes for all snaps is not supported'],
    ['a channel on a multi-snap call', { ...holdBody, channel: 'stable' }, 'unsupported option provided for multi-snap operation'],
    ['time on another action', { action: 'unhold', snaps: ['lxd'], time: 'forever' }, 'time can only be specified for the "hold" action'],
  ])('refused: %s', async (_name, body, message) => {
    const { call } = snapdLab([labSpec('node1')]);
    expect(await call('node1', 'POST', '/v2/snaps', body)).toMatchObject({ status: 400, body: { type: 'error', result: { message } } });
  });

  test('POST /v2/snaps needs a JSON content type', async () => {
    const { call } = snapdLab([labSpec('node1')]);
    expect((await call('node1', 'POST', '/v2/snaps', holdBody, { headers: {} })).body.result.message).toBe('cannot parse content type: mime: no media type');
    expect((await call('node1', 'POST', '/v2/snaps', holdBody, { headers: { 'content-type': 'text/plain' } })).body.result.message).toBe('unknown content type: text/plain');
    expect((await call('node1', 'POST', '/v2/snaps', holdBody, { headers: { 'content-type': 'application/json; charset=latin1' } })).body.result.message)
      .toBe('unknown charset in content type: application/json; charset=latin1');
    expect((await call('node1', 'POST', '/v2/snaps', holdBody, { headers: json })).status).toBe(202);
  });
});

describe('cohorts', () => {
  /** The store rolls 6/stable's next revision out to every machine that is in no cohort. */
  function rollingOut() {
    const store = defaultStore();
    const ch = store.find((s) => s.name === 'lxd')!.channels[1]!;
    ch.progressive = { revision: { revision: 37001, version: '6.9', base: 'core24' }, percentage: 100 };
    return new SnapStore(store);
  }

  test('outside a cohort a progressive release reaches the machine; in the cohort "+" it gets the channel\'s released revision', async () => {
    const { act, call } = snapdLab([bare('node1'), bare('node2')], { store: rollingOut() });
    await act('node1', '/v2/snaps/lxd', { action: 'install', channel: '6/stable' });
    await act('node2', '/v2/snaps/lxd', { action: 'install', channel: '6/stable', 'cohort-key': '+' });
    expect((await call('node1', 'GET', '/v2/snaps/lxd')).body.result.revision).toBe('37001');
    expect((await call('node2', 'GET', '/v2/snaps/lxd')).body.result).toMatchObject({ revision: '36971', 'cohort-key': '+' });
  });

  test('a snap stays in its cohort through refreshes that do not name one; joining a cohort is a switch', async () => {
    const { act, call } = snapdLab([labSpec('node1')], { store: rollingOut() });
    const joined = await act('node1', '/v2/snaps/lxd', { action: 'refresh', 'cohort-key': '+' });
    expect(joined.tasks.map((t: any) => t.summary)).toEqual(['Switch snap "lxd" from no cohort to "+"']);
    await act('node1', '/v2/snaps/lxd', { action: 'refresh', channel: '6/stable' });
    expect((await call('node1', 'GET', '/v2/snaps/lxd')).body.result).toMatchObject({ revision: '36971', 'cohort-key': '+' });
  });
});

describe('changes', () => {
  test('select all, ready and in-progress; for a snap; an unknown id', async () => {
    const { call, act, world } = snapdLab([labSpec('node1')]);
    await act('node1', '/v2/snaps', { action: 'hold', snaps: ['microovn'], time: 'forever', 'hold-level': 'general' });
    const auto = world.beginChange('node1', 'auto-refresh', ['lxd', 'microceph']);
    const ids = async (q: string) => (await call('node1', 'GET', `/v2/changes${q}`)).body.result.map((c: any) => c.id);
    expect(await ids('?select=all')).toEqual(['1', '2']);
    expect(await ids('?select=ready')).toEqual(['1']);
    expect(await ids('')).toEqual(['2']);
    expect(await ids('?select=all&for=microovn')).toEqual(['1']);
    expect((await call('node1', 'GET', '/v2/changes?select=some')).body.result.message).toBe('select should be one of: all,in-progress,ready');
    expect(await call('node1', 'GET', '/v2/changes/99')).toMatchObject({ status: 404, body: { result: { message: 'cannot find change with id "99"' } } });
    auto.finish();
    await world.settled();
    expect(await ids('')).toEqual([]);
  });
});

describe('on the lab\'s machines', () => {
  let site: LabSite | undefined;
  afterEach(async () => { await site?.stop(); site = undefined; });

  test('`snap list` shows what snapd lists, with its in-cohort and held notes', async () => {
    site = await LabSite.start({ nodes: 1 });
    await site.request('node1', 'snapd', { method: 'POST', path: '/v2/snaps/lxd', body: { action: 'refresh', 'cohort-key': '+' } });
    await site.request('node1', 'snapd', { method: 'POST', path: '/v2/snaps/lxd', body: { action: 'hold', time: 'forever', 'hold-level': 'general' } });
    await (site.world('snapd') as SnapdWorld).settled();
    expect((await site.exec('node1', 'snap list lxd microovn')).stdout).toBe([
      'Name      Version  Rev    Tracking      Publisher    Notes',
      'lxd       5.21.3   33110  5.21/stable   canonical**  in-cohort,held',
      'microovn  24.03.2  667    24.03/stable  canonical**  -',
      '',
    ].join('\n'));
    expect((await site.exec('node1', 'test -S /run/snapd.socket')).exitCode).toBe(0);
    // Not root: reads yes, changes no (the peer's uid, not the socket's mode, decides).
    expect((await site.request('node1', 'snapd', { method: 'GET', path: '/v2/snaps', user: 'ubuntu' })).status).toBe(200);
    expect((await site.request('node1', 'snapd', { method: 'POST', path: '/v2/snaps/lxd', body: { action: 'unhold' }, user: 'ubuntu' })).status).toBe(401);
  });

  test('a machine without snapd has no socket and no `snap`', async () => {
    site = await LabSite.start({ machines: [{ ...labSpec('node1'), snapd: null }] });
    expect((await site.exec('node1', 'test -S /run/snapd.socket')).exitCode).toBe(1);
    expect(await site.exec('node1', 'snap list')).toMatchObject({ exitCode: 127, stderr: expect.stringMatching(/snap: command not found/) });
    expect((await site.request('node1', 'snapd', { method: 'GET', path: '/v2/snaps' })).status).toBe(503);
  });
});
