// Operations (list, get, cancel, wait with each flavor's error-under-200), profiles and custom volumes.
import { jest } from '@jest/globals';
import { labSpec } from './specs.js';
import { bootstrap, cluster, expectErr, failure, join, makeLab, ok } from './lxd-helpers.js';
import type { Lab } from './lxd-helpers.js';
import type { LabDurations, LxdFlavor } from '../../src/lab/types.js';

function lab(n: number, flavor: LxdFlavor = 'snap-5.21', durations: Partial<LabDurations> = {}): Lab {
  return makeLab(Array.from({ length: n }, (_, k) => labSpec(`node${k + 1}`, { lxdFlavor: flavor })), durations);
}

const flavors: LxdFlavor[] = ['snap-5.21', 'snap-6.8', 'deb-5.0'];

describe.each(flavors)('operations on %s', (flavor) => {
  const v6 = flavor === 'snap-6.8';

  it('GET /1.0/operations is a map keyed by lower-case status; unknown ids are 404', async () => {
    const l = lab(1, flavor);
    await bootstrap(l, 'node1');
    const c = l.c('node1');
    const t = await c.post('/1.0/cluster/members', { server_name: 'node2' });
    const ops = ok(await c.get('/1.0/operations'));
    expect(ops.running).toEqual([t.body.operation]);
    expect(ops.success).toHaveLength(1);
    const rec = ok(await c.get('/1.0/operations', { recursion: '1' }));
    expect(rec.running[0]).toMatchObject({ id: t.body.metadata.id, class: 'token' });
    expect(rec.success[0]).toMatchObject({ description: 'Creating bootstrap node', status: 'Success', status_code: 200 });
    if (v6) {
      expect(rec.success[0]).toMatchObject({ err_code: 0, requestor: { protocol: 'unix' }, resources: {}, metadata: {} });
      expect(rec.running[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } else {
      expect(rec.success[0]).toMatchObject({ resources: { cluster: null } });
      expect(rec.success[0].err_code).toBeUndefined();
    }
    expectErr(await c.get('/1.0/operations/00000000-0000-0000-0000-000000000000'), 404, 'Operation not found');
  });

  it('finished operations vanish after 5 seconds', async () => {
    const l = lab(1, flavor);
    const c = l.c('node1');
    ok(await c.patch('/1.0', { config: { 'core.https_address': '10.1.0.11:8443' } }));
    const r = await c.put('/1.0/cluster', { server_name: 'node1', enabled: true });
    ok(await c.settle(r));
    ok(await c.get(r.body.operation));
    const now = Date.now();
    const spy = jest.spyOn(Date, 'now').mockReturnValue(now + 6000);
    try {
      expectErr(await c.get(r.body.operation), 404, 'Operation not found');
    } finally {
      spy.mockRestore();
    }
  });

  it('wait with a timeout on a running token', async () => {
    const l = lab(1, flavor);
    await bootstrap(l, 'node1');
    const c = l.c('node1');
    const t = await c.post('/1.0/cluster/members', { server_name: 'node2' });
    const w = await c.get(`${t.body.operation}/wait`, { timeout: '0' });
    expect(w.status).toBe(200);
    if (flavor === 'deb-5.0') {
      expect(w.body).toMatchObject({ type: 'sync', metadata: { status: 'Running', status_code: 103 } });
    } else {
      expectErr(w, 500, 'context deadline exceeded', true);
    }
    expectErr(await c.get(`${t.body.operation}/wait`, { timeout: 'x' }), 500, 'strconv.Atoi: parsing "x": invalid syntax');
  });

  it('cancelling a token, then waiting on it', async () => {
    const l = lab(1, flavor);
    await bootstrap(l, 'node1');
    const c = l.c('node1');
    const t = await c.post('/1.0/cluster/members', { server_name: 'node2' });
    const d = await c.del(t.body.operation);
    expect(d.status).toBe(200);
    expect(d.body.metadata).toEqual({});
    const got = ok(await c.get(t.body.operation));
    expect(got).toMatchObject({ status: 'Cancelled', status_code: 401, err: v6 ? 'context canceled' : '' });
    const w = await c.get(`${t.body.operation}/wait`);
    if (v6) expectErr(w, 500, 'context canceled', true);
    else expect(w.body).toMatchObject({ type: 'sync', metadata: { status: 'Cancelled' } });
    const again = await c.del(t.body.operation);
    if (v6) expect(again.status).toBe(200);
    else expectErr(again, 400, 'Only running operations can be cancelled');
  });

  it('a running task cannot be cancelled on 5.x; on 6.8 it ends Cancelled', async () => {
    const l = lab(1, flavor, { lxdBootstrap: 30 });
    const c = l.c('node1');
    ok(await c.patch('/1.0', { config: { 'core.https_address': '10.1.0.11:8443' } }));
    const r = await c.put('/1.0/cluster', { server_name: 'node1', enabled: true });
    const d = await c.del(r.body.operation);
    if (v6) {
      expect(d.status).toBe(200);
      expect(ok(await c.get(r.body.operation)).status).toBe('Cancelling');
      expectErr(await c.get(`${r.body.operation}/wait`), 500, 'context canceled', true);
    } else {
      expectErr(d, 400, "This operation can't be cancelled");
      expect(ok(await c.settle(r)).status).toBe('Success');
    }
  });

  it('a failed operation: GET shows Failure; wait reports it the flavor\'s way', async () => {
    const l = lab(2, flavor);
    await bootstrap(l, 'node1');
    const r = await join(l, 'node2', 'node1', { serverName: 'node1' });
    const msg = 'Failed request to add member: The cluster already has a member with name: node1';
    if (flavor === 'deb-5.0') {
      expect(r.body).toMatchObject({ type: 'sync', metadata: { status: 'Failure', status_code: 400, err: msg } });
    } else {
      expectErr(r, 400, msg, true);
    }
    const ops = ok(await l.c('node2').get('/1.0/operations', { recursion: '1' }));
    expect(ops.failure[0]).toMatchObject({ description: 'Joining cluster', status: 'Failure', err: msg });
    if (v6) expect(ops.failure[0].err_code).toBe(400);
  });

  it('an operation on another member is visible through any member', async () => {
    const l = lab(2, flavor);
    await cluster(l, 2);
    const t = await l.c('node1').post('/1.0/cluster/members', { server_name: 'node3' });
    expect(ok(await l.c('node2').get(t.body.operation))).toMatchObject({ location: 'node1', status: 'Running' });
    ok(await l.c('node2').del(t.body.operation));
    expect(ok(await l.c('node1').get(t.body.operation)).status).toBe('Cancelled');
  });
});

describe.each(flavors)('profiles on %s', (flavor) => {
  const v6 = flavor === 'snap-6.8';
  const retrieve = v6 ? 'Failed retrieving' : 'Failed to retrieve';

  it('default exists with an ETag; PUT is async on 6.8; stale ETags are 412', async () => {
    const l = lab(1, flavor);
    const c = l.c('node1');
    const g = await c.get('/1.0/profiles/default');
    expect(g.body.metadata).toMatchObject({ name: 'default', description: 'Default LXD profile', config: {}, devices: {}, used_by: [] });
    const etag = g.headers.ETag as string;
    ok(await c.run('POST', '/1.0/storage-pools', { name: 'local', driver: 'dir' }));
    const put = await c.put('/1.0/profiles/default', { config: {}, description: 'x', devices: { root: { type: 'disk', path: '/', pool: 'local' } } },
      undefined, { 'If-Match': etag });
    expect(put.status).toBe(v6 ? 202 : 200);
    if (v6) expect(put.body.metadata).toMatchObject({ description: 'Updating profile', metadata: { entity_url: '/1.0/profiles/default' } });
    ok(await c.settle(put));
    const stale = await c.put('/1.0/profiles/default', { config: {}, description: 'y', devices: {} }, undefined, { 'If-Match': etag });
    expect(stale.status).toBe(412);
    const p = await c.patch('/1.0/profiles/default', { config: { 'user.k': 'v' } });
    ok(await c.settle(p));
    expect(ok(await c.get('/1.0/profiles/default'))).toMatchObject({ description: 'x', config: { 'user.k': 'v' }, devices: { root: { pool: 'local' } } });
  });

  it('creating an existing profile: 500 "Error inserting … The profile already exists"; missing profiles are 404', async () => {
    const c = lab(1, flavor).c('node1');
    expectErr(await c.post('/1.0/profiles', { name: 'default' }), 500, 'Error inserting "default" into database: The profile already exists');
    const r = await c.post('/1.0/profiles', { name: 'web', description: 'w' });
    expect(r.status).toBe(201);
    expect(r.headers.Location).toBe('/1.0/profiles/web');
    expect(ok(await c.get('/1.0/profiles'))).toEqual(['/1.0/profiles/default', '/1.0/profiles/web']);
    expectErr(await c.get('/1.0/profiles/nope'), 404, 'Fetch profile: Profile not found');
    expectErr(await c.put('/1.0/profiles/nope', { config: {}, devices: {} }), 404, `${retrieve} profile "nope": Profile not found`);
    expectErr(await c.patch('/1.0/profiles/nope', { config: {} }), 404, `${retrieve} profile="nope": Profile not found`);
    expectErr(await c.post('/1.0/profiles', {}), 400, 'No name provided');
  });

  it('invalid devices are refused', async () => {
    const c = lab(1, flavor).c('node1');
    const bad = { config: {}, description: '', devices: { root: { type: 'disk', path: '/', pool: 'remote' } } };
    expectErr(await c.run('PUT', '/1.0/profiles/default', bad), 404,
      'Device validation failed for "root": Failed to get storage pool "remote": Storage pool not found', v6);
    expectErr(await c.run('PUT', '/1.0/profiles/default', { config: {}, devices: { root: { type: 'disk', path: '/' } } }), 500,
      'Device validation failed for "root": Root disk entry must have a "pool" property set', v6);
    expectErr(await c.run('PUT', '/1.0/profiles/default', { config: {}, devices: { eth0: { type: 'nic', network: 'default' } } }), 404,
      'Device validation failed for "eth0": Failed loading device "eth0": Failed to load network "default" for project "default": Network not found', v6);
    expectErr(await c.post('/1.0/profiles', { name: 'p', devices: { root: { type: 'disk', path: '/', pool: 'remote' } } }), 400,
      'Device validation failed for "root": Failed to get storage pool "remote": Storage pool not found');
  });
});

describe.each(flavors)('custom volumes on %s', (flavor) => {
  const v6 = flavor === 'snap-6.8';

  it('per member on a local pool; duplicates are 409; missing things are 404', async () => {
    const l = lab(2, flavor);
    await cluster(l, 2);
    const c = l.c('node1');
    for (const m of ['node1', 'node2']) ok(await c.run('POST', '/1.0/storage-pools', { name: 'local', driver: 'dir' }, { target: m }));
    ok(await c.run('POST', '/1.0/storage-pools', { name: 'local', driver: 'dir' }));
    const r = await c.post('/1.0/storage-pools/local/volumes/custom', { name: 'images' }, { target: 'node2' });
    expect(r.status).toBe(v6 ? 202 : 200);
    if (v6) expect(r.body.metadata.description).toBe('Creating storage volume');
    ok(await c.settle(r));
    ok(await c.run('POST', '/1.0/storage-pools/local/volumes', { name: 'images', type: 'custom' }, { target: 'node1' }));
    expectErr(await c.post('/1.0/storage-pools/local/volumes/custom', { name: 'images' }, { target: 'node2' }), 409, 'Volume by that name already exists');
    expectErr(await c.post('/1.0/storage-pools/nope/volumes/custom', { name: 'images' }), 404, 'Storage pool not found');
    expectErr(await c.post('/1.0/storage-pools/local/volumes/custom', { name: '' }), 400, 'Invalid volume name: Cannot be empty');
    const one = await c.get('/1.0/storage-pools/local/volumes/custom/images', { target: 'node2' });
    expect(one.headers.ETag).toBeDefined();
    expect(one.body.metadata).toMatchObject({ name: 'images', type: 'custom', content_type: 'filesystem', location: 'node2', project: 'default' });
    expect(ok(await c.get('/1.0/storage-pools/local/volumes/custom')).sort()).toEqual([
      '/1.0/storage-pools/local/volumes/custom/images?target=node1', '/1.0/storage-pools/local/volumes/custom/images?target=node2']);
    expectErr(await c.get('/1.0/storage-pools/local/volumes/custom/nope'), 404, 'Storage volume not found');
    expect(ok(await c.get('/1.0/storage-pools/local', { target: 'node2' })).used_by).toEqual(['/1.0/storage-pools/local/volumes/custom/images?target=node2']);
  });

  it('a volume on a pending pool fails', async () => {
    const l = lab(1, flavor);
    await bootstrap(l, 'node1');
    const c = l.c('node1');
    ok(await c.post('/1.0/storage-pools', { name: 'local', driver: 'dir' }, { target: 'node1' }));
    const r = await c.run('POST', '/1.0/storage-pools/local/volumes/custom', { name: 'images' });
    expect(failure(r)).toMatchObject({ code: 500, message: 'Specified pool is not fully created' });
  });
});
