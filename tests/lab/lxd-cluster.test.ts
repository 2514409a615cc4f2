// Clustering on the LXD model: PUT /1.0/cluster validation, bootstrap, join (token, certificate,
// member_config checks), join tokens, member listing and removal, the Debian 5.0 join.
import { labSpec } from './specs.js';
import { bootstrap, cluster, failure, ipOf, join, joinBody, makeLab, nvmeById, ok, tokenFromOp } from './lxd-helpers.js';
import type { Lab } from './lxd-helpers.js';
import type { LxdFlavor } from '../../src/lab/types.js';
import type { LabDurations } from '../../src/lab/types.js';

function lab(n: number, flavor: LxdFlavor = 'snap-5.21', durations: Partial<LabDurations> = {}): Lab {
  return makeLab(Array.from({ length: n }, (_, k) => labSpec(`node${k + 1}`, { lxdFlavor: flavor })), durations);
}

const wildcardMsg = 'Cannot use wildcard core.https_address "" for cluster.https_address. Please specify a new cluster.https_address or core.https_address';

describe('PUT /1.0/cluster validation (sync 400)', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['no server name', { enabled: true }, 'ServerName is required when enabling clustering'],
    ['name while disabling', { server_name: 'node1', enabled: false }, 'ServerName must be empty when disabling clustering'],
    ['reserved name', { server_name: 'none', enabled: true }, 'ServerName cannot be "none"'],
    ['join without certificate', { server_name: 'node2', enabled: true, cluster_address: '10.1.0.11:8443' }, 'No target cluster member certificate provided'],
    ['join without server address', { server_name: 'node2', enabled: true, cluster_address: '10.1.0.11:8443', cluster_certificate: 'x' },
      'No server address provided for this member'],
  ];
  it.each(cases)('%s', async (_n, body, message) => {
    const l = lab(1);
    const r = await l.c('node1').put('/1.0/cluster', body);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ type: 'error', error_code: 400, error: message });
  });

  it('an empty body is "EOF", a type mismatch is Go\'s decode error', async () => {
    const l = lab(1);
    const r1 = await l.c('node1').call('PUT', '/1.0/cluster', undefined);
    expect(r1.body).toMatchObject({ error_code: 400, error: 'EOF' });
    const r2 = await l.c('node1').put('/1.0/cluster', { server_name: 'node1', enabled: 'yes' });
    expect(r2.body).toMatchObject({ error_code: 400, error: 'json: cannot unmarshal string into Go struct field ClusterPut.enabled of type bool' });
  });
});

describe('bootstrap', () => {
  it('creates a "Creating bootstrap node" task and copies core.https_address to cluster.https_address', async () => {
    const l = lab(1);
    const c = l.c('node1');
    ok(await c.patch('/1.0', { config: { 'core.https_address': '10.1.0.11:8443' } }));
    const r = await c.put('/1.0/cluster', { server_name: 'node1', enabled: true });
    expect(r.status).toBe(202);
    expect(r.headers.Location).toBe(r.body.operation);
    expect(r.body).toMatchObject({ type: 'async', status: 'Operation created', status_code: 100 });
    expect(r.body.metadata).toMatchObject({ class: 'task', description: 'Creating bootstrap node', status: 'Running',
      status_code: 103, resources: { cluster: null }, may_cancel: false, err: '', location: 'none' });
    const w = ok(await c.settle(r));
    expect(w.status).toBe('Success');
    const server = ok(await c.get('/1.0'));
    expect(server.config['cluster.https_address']).toBe('10.1.0.11:8443');
    expect(server.environment.server_name).toBe('node1');
    expect(ok(await c.get('/1.0/cluster'))).toEqual({ server_name: 'node1', enabled: true, member_config: [] });
    expect(ok(await c.get('/1.0/cluster/members'))).toEqual(['/1.0/cluster/members/node1']);
  });

  it('refuses a wildcard (or unset) core.https_address without cluster.https_address: 500 before any operation', async () => {
    const l = lab(1);
    const c = l.c('node1');
    let r = await c.put('/1.0/cluster', { server_name: 'node1', enabled: true });
    expect(r.status).toBe(500);
    expect(r.body.error).toBe(wildcardMsg);
    ok(await c.patch('/1.0', { config: { 'core.https_address': '[::]:8443' } }));
    r = await c.put('/1.0/cluster', { server_name: 'node1', enabled: true });
    expect(r.body).toMatchObject({ error_code: 500, error: wildcardMsg });
  });

  it('bootstrapping a clustered member fails inside the operation (leftover cluster certificate)', async () => {
    const l = lab(1);
    await bootstrap(l, 'node1');
    const r = await l.c('node1').run('PUT', '/1.0/cluster', { server_name: 'node1', enabled: true });
    expect(r.status).toBe(200);
    expect(failure(r)).toMatchObject({ code: 500, message: 'Inconsistent state: found leftover cluster certificate' });
  });

  it('a join without cluster_address silently bootstraps', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    const body = await joinBody(l, 'node2', 'node1');
    delete body.cluster_address;
    ok(await l.c('node2').patch('/1.0', { config: { 'core.https_address': `${ipOf(l.ctx.spec('node2'))}:8443` } }));
    const r = await l.c('node2').put('/1.0/cluster', body);
    expect(r.body.metadata.description).toBe('Creating bootstrap node');
    ok(await l.c('node2').settle(r));
    expect(ok(await l.c('node2').get('/1.0/cluster/members'))).toEqual(['/1.0/cluster/members/node2']);
  });
});

describe('join tokens', () => {
  it('are token operations that stay Running with camelCase metadata', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    const r = await l.c('node1').post('/1.0/cluster/members', { server_name: 'node2' });
    expect(r.status).toBe(202);
    const op = r.body.metadata;
    expect(op).toMatchObject({ class: 'token', description: 'Cluster join token', status: 'Running', may_cancel: true, location: 'node1' });
    expect(Object.keys(op.metadata).sort()).toEqual(['addresses', 'expiresAt', 'fingerprint', 'secret', 'serverName']);
    expect(op.metadata.addresses).toEqual(['10.1.0.11:8443']);
    expect(op.metadata.fingerprint).toBe(ok(await l.c('node1').get('/1.0')).environment.certificate_fingerprint);
    const again = ok(await l.c('node1').get(r.body.operation));
    expect(again.status).toBe('Running');
    const running = ok(await l.c('node1').get('/1.0/operations', { recursion: '1' })).running;
    expect(running.map((o: any) => o.metadata.serverName)).toEqual(['node2']);
  });

  it('re-issuing cancels the previous token for that name', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    const first = await l.c('node1').post('/1.0/cluster/members', { server_name: 'node2' });
    const second = await l.c('node1').post('/1.0/cluster/members', { server_name: 'node2' });
    expect(ok(await l.c('node1').get(first.body.operation)).status).toBe('Cancelled');
    expect(ok(await l.c('node1').get(second.body.operation)).status).toBe('Running');
    // The cancelled token no longer joins; the new one does.
    const stale = await join(l, 'node2', 'node1', { token: tokenFromOp(first.body.metadata.metadata) });
    expect(failure(stale)).toMatchObject({ code: 403,
      message: 'Failed to setup cluster trust: Failed to add server cert to cluster: No matching cluster join operation found' });
    ok(await join(l, 'node2', 'node1', { token: tokenFromOp(second.body.metadata.metadata) }));
  });

  it('can be revoked with DELETE /1.0/operations/<id>', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    const t = await l.c('node1').post('/1.0/cluster/members', { server_name: 'node2' });
    ok(await l.c('node1').del(t.body.operation));
    const r = await join(l, 'node2', 'node1', { token: tokenFromOp(t.body.metadata.metadata) });
    expect(failure(r).message).toBe('Failed to setup cluster trust: Failed to add server cert to cluster: No matching cluster join operation found');
  });

  it('need a clustered server: 400 "This server is not clustered"', async () => {
    const r = await lab(1).c('node1').post('/1.0/cluster/members', { server_name: 'node2' });
    expect(r.body).toMatchObject({ error_code: 400, error: 'This server is not clustered' });
    expect(r.status).toBe(400);
  });

  it('refuse the name "none"', async () => {
    const l = lab(1);
    await bootstrap(l, 'node1');
    const r = await l.c('node1').post('/1.0/cluster/members', { server_name: 'none' });
    expect(r.body).toMatchObject({ error_code: 400, error: 'Join token name cannot be "none"' });
  });

  it('500 "There are no online cluster members" when every member is offline', async () => {
    const l = lab(1);
    await bootstrap(l, 'node1');
    l.ctx.setUp('node1', false);
    const r = await l.c('node1').post('/1.0/cluster/members', { server_name: 'node2' });
    expect(r.body).toMatchObject({ error_code: 500, error: 'There are no online cluster members' });
  });

  it('expire after cluster.join_token_expiry', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    ok(await l.c('node1').patch('/1.0', { config: { 'cluster.join_token_expiry': '1S' } }));
    const body = await joinBody(l, 'node2', 'node1');
    await new Promise((r) => setTimeout(r, 1100));
    const r = await l.c('node2').run('PUT', '/1.0/cluster', body);
    expect(failure(r)).toMatchObject({ code: 500,
      message: 'Failed to setup cluster trust: Failed to add server cert to cluster: Failed during search for join token operation: Token has expired' });
  });
});

describe('join', () => {
  it('400 "This server is already clustered"', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    ok(await join(l, 'node2', 'node1'));
    const body = await joinBody(l, 'node2', 'node1', { serverName: 'node2b' });
    const r = await l.c('node2').put('/1.0/cluster', body);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error_code: 400, error: 'This server is already clustered' });
  });

  it('"The cluster already has a member with name: %s"', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    const r = await join(l, 'node2', 'node1', { serverName: 'node1' });
    expect(r.status).toBe(200);
    expect(failure(r)).toMatchObject({ code: 400, message: 'Failed request to add member: The cluster already has a member with name: node1' });
    expect(ok(await l.c('node1').get('/1.0/cluster/members'))).toEqual(['/1.0/cluster/members/node1']);
  });

  it('"The cluster already has a member with address: %s"', async () => {
    // A misconfigured joiner that carries the leader's address too.
    const l = makeLab([labSpec('node1'), labSpec('node2', { interfacePatch: { eth1: { addresses: ['10.1.0.11/24'] } } })]);
    await bootstrap(l, 'node1');
    const body = await joinBody(l, 'node2', 'node1');
    body.server_address = '10.1.0.11:8443';
    const r = await l.c('node2').run('PUT', '/1.0/cluster', body);
    expect(failure(r)).toMatchObject({ code: 400, message: 'Failed request to add member: The cluster already has a member with address: 10.1.0.11:8443' });
  });

  it('a garbage token is "not authorized"', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    const r = await join(l, 'node2', 'node1', { token: 'bm90IGEgdG9rZW4=' });
    expect(failure(r)).toMatchObject({ code: 403, message: 'Failed to setup cluster trust: Failed to add server cert to cluster: not authorized' });
  });

  it('the cluster certificate is pinned', async () => {
    const l = lab(3);
    await bootstrap(l, 'node1');
    const body = await joinBody(l, 'node2', 'node1');
    body.cluster_certificate = ok(await l.c('node3').get('/1.0')).environment.certificate;
    const r = await l.c('node2').run('PUT', '/1.0/cluster', body);
    expect(failure(r).message).toBe('Failed to setup cluster trust: Failed to connect to target cluster node "10.1.0.11:8443": Get "https://10.1.0.11:8443/1.0": tls: failed to verify certificate: x509: certificate signed by unknown authority');
  });

  it('an unreachable cluster address fails the operation', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    const body = await joinBody(l, 'node2', 'node1');
    l.ctx.setUp('node1', false);
    const r = await l.c('node2').run('PUT', '/1.0/cluster', body);
    expect(failure(r).message).toBe('Failed to setup cluster trust: Failed to connect to target cluster node "10.1.0.11:8443": Get "https://10.1.0.11:8443/1.0": Unable to connect to: 10.1.0.11:8443 ([dial tcp 10.1.0.11:8443: connect: connection refused])');
  });

  it('"Mismatching config for storage pool %s": a joiner whose own pool disagrees', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    ok(await l.c('node1').post('/1.0/storage-pools', { name: 'local', driver: 'zfs', config: { source: nvmeById(l.ctx.spec('node1')) } }));
    // node2, still standalone, made its own "local" with an extra global key.
    const mine = await l.c('node2').post('/1.0/storage-pools', { name: 'local', driver: 'zfs',
      config: { source: nvmeById(l.ctx.spec('node2')), 'volume.size': '10GiB' } });
    expect(mine.status).toBe(201);
    const r = await join(l, 'node2', 'node1');
    expect(failure(r)).toMatchObject({ code: 500,
      message: 'Failed request to add member: Mismatching config for storage pool local: different values for keys: volume.size' });
    // The joiner is left as it was.
    expect(ok(await l.c('node2').get('/1.0/storage-pools/local')).config['volume.size']).toBe('10GiB');
  });

  it('a joiner\'s own pool of another driver fails member init', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    ok(await l.c('node1').post('/1.0/storage-pools', { name: 'local', driver: 'zfs' }));
    ok(await l.c('node2').post('/1.0/storage-pools', { name: 'local', driver: 'dir' }));
    const r = await join(l, 'node2', 'node1');
    expect(failure(r).message).toBe('Failed to initialize member: Failed to initialize storage pools and networks: Storage pool "local" is of type "dir" instead of "zfs"');
  });

  it('member_config pointing at a missing disk fails the local pool create', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    ok(await l.c('node1').post('/1.0/storage-pools', { name: 'local', driver: 'zfs', config: { source: nvmeById(l.ctx.spec('node1')) } }));
    const r = await join(l, 'node2', 'node1', { memberConfig: [{ entity: 'storage-pool', name: 'local', key: 'source', value: '/dev/disk/by-id/nope' }] });
    expect(failure(r).message).toBe('Failed to initialize member: Failed to initialize storage pools and networks: Failed to create storage pool "local": Custom loop file locations are not supported');
  });

  it('"Missing storage pool %s": a pool created while the member was joining', async () => {
    const l = lab(2, 'snap-5.21', { lxdJoin: 40 });
    await bootstrap(l, 'node1');
    const n1 = l.c('node1');
    ok(await n1.post('/1.0/storage-pools', { name: 'local', driver: 'zfs' }, { target: 'node1' }));
    const body = await joinBody(l, 'node2', 'node1');
    const started = await l.c('node2').put('/1.0/cluster', body);
    await new Promise((r) => setTimeout(r, 5));
    ok(await n1.post('/1.0/storage-pools', { name: 'local', driver: 'zfs' }));
    const r = await l.c('node2').settle(started);
    expect(failure(r)).toMatchObject({ code: 500, message: 'Failed request to add member: Missing storage pool local' });
  });

  it('"Missing network %q in project %q": a network created while the member was joining', async () => {
    const l = lab(2, 'snap-5.21', { lxdJoin: 40 });
    await bootstrap(l, 'node1');
    const n1 = l.c('node1');
    ok(await n1.post('/1.0/networks', { name: 'UPLINK', type: 'physical', config: { parent: 'eth1' } }, { target: 'node1' }));
    const started = await l.c('node2').put('/1.0/cluster', await joinBody(l, 'node2', 'node1'));
    await new Promise((r) => setTimeout(r, 5));
    ok(await n1.post('/1.0/networks', { name: 'UPLINK', type: 'physical' }));
    const r = await l.c('node2').settle(started);
    expect(failure(r).message).toBe('Failed request to add member: Missing network "UPLINK" in project "default"');
  });

  it('a pool pending while a member joins cannot be finalized until that member has its pending row', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    const n1 = l.c('node1');
    ok(await n1.post('/1.0/storage-pools', { name: 'local', driver: 'zfs' }, { target: 'node1' }));
    ok(await join(l, 'node2', 'node1'));
    const r = await n1.post('/1.0/storage-pools', { name: 'local', driver: 'zfs' });
    expect(r.body).toMatchObject({ error_code: 500, error: 'Pool not defined on cluster members: node2' });
    ok(await n1.post('/1.0/storage-pools', { name: 'local', driver: 'zfs' }, { target: 'node2' }));
    ok(await n1.post('/1.0/storage-pools', { name: 'local', driver: 'zfs' }));
  });

  it('members of another LXD version are refused', async () => {
    const l = makeLab([labSpec('node1'), labSpec('node2', { lxdFlavor: 'snap-6.8', snapPatch: { lxd: { version: '6.8' } } })]);
    await bootstrap(l, 'node1');
    const r = await join(l, 'node2', 'node1');
    expect(failure(r).message).toBe("Failed request to add member: The joining server version doesn't match (expected 5.21.3 with DB schema 84)");
  });

  it('a joiner with a wildcard core.https_address listens on its server_address (snap)', async () => {
    const l = lab(2);
    await bootstrap(l, 'node1');
    ok(await l.c('node2').patch('/1.0', { config: { 'core.https_address': '[::]:8443' } }));
    ok(await join(l, 'node2', 'node1'));
    expect(ok(await l.c('node2').get('/1.0')).config).toMatchObject({ 'core.https_address': '[::]:8443', 'cluster.https_address': '10.1.0.12:8443' });
  });
});

describe('Debian LXD 5.0.2 join by REST', () => {
  it('takes the token in cluster_password', async () => {
    const l = lab(3, 'deb-5.0');
    expect(ok(await l.c('node1').get('/1.0')).api_extensions).not.toContain('storage_remote_drop_source');
    await bootstrap(l, 'node1');
    ok(await l.c('node2').patch('/1.0', { config: { 'core.https_address': '10.1.0.12:8443' } }));
    const r = await join(l, 'node2', 'node1', { tokenField: 'cluster_password' });
    expect(r.body.type).toBe('sync');
    expect(ok(r).status).toBe('Success');
    const members = ok(await l.c('node2').get('/1.0/cluster/members', { recursion: '1' }));
    expect(members.map((m: any) => [m.server_name, m.roles])).toEqual([['node1', ['database-leader', 'database']], ['node2', ['database-standby']]]);
  });

  it('ignores cluster_token: "Failed to update cluster trust: … not authorized"', async () => {
    const l = lab(2, 'deb-5.0');
    await bootstrap(l, 'node1');
    ok(await l.c('node2').patch('/1.0', { config: { 'core.https_address': '10.1.0.12:8443' } }));
    const r = await join(l, 'node2', 'node1', { tokenField: 'cluster_token' });
    // 5.0's /wait answers sync with the failed operation.
    expect(r.body.type).toBe('sync');
    expect(r.body.metadata).toMatchObject({ status: 'Failure', status_code: 400,
      err: 'Failed to update cluster trust: Failed getting existing certificate: not authorized' });
  });

  it('refuses a wildcard core.https_address on the joiner', async () => {
    const l = lab(2, 'deb-5.0');
    await bootstrap(l, 'node1');
    ok(await l.c('node2').patch('/1.0', { config: { 'core.https_address': '[::]:8443' } }));
    const r = await l.c('node2').put('/1.0/cluster', await joinBody(l, 'node2', 'node1', { tokenField: 'cluster_password' }));
    expect(r.body).toMatchObject({ error_code: 500, error: "cannot set 'cluster.https_address' to '[::]:8443': Wildcard addresses aren't allowed" });
  });

  it('with no cluster_address bootstraps its own cluster', async () => {
    const l = lab(1, 'deb-5.0');
    ok(await l.c('node1').patch('/1.0', { config: { 'core.https_address': '10.1.0.11:8443' } }));
    const r = await l.c('node1').put('/1.0/cluster', { server_name: 'node1', enabled: true, cluster_password: 'x', cluster_certificate: 'y' });
    expect(r.body.metadata.description).toBe('Creating bootstrap node');
  });
});

describe('members', () => {
  it('GET on a standalone server: 500 "Server is not clustered"', async () => {
    const l = lab(1);
    for (const path of ['/1.0/cluster/members', '/1.0/cluster/members/node1']) {
      const r = await l.c('node1').get(path);
      expect(r.body).toMatchObject({ error_code: 500, error: 'Server is not clustered' });
      expect(r.status).toBe(500);
    }
    const d = await l.c('node1').del('/1.0/cluster/members/node1');
    expect(d.body).toMatchObject({ error_code: 500, error: 'Server is not clustered' });
  });

  it('404 "Cluster member not found" for unknown members and unknown ?target=', async () => {
    const l = lab(1);
    await bootstrap(l, 'node1');
    for (const r of [await l.c('node1').get('/1.0/cluster/members/nope'), await l.c('node1').del('/1.0/cluster/members/nope'),
      await l.c('node1').get('/1.0', { target: 'nope' })]) {
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ error_code: 404, error: 'Cluster member not found' });
    }
    const standalone = await lab(1).c('node1').get('/1.0', { target: 'node9' });
    expect(standalone.body.error).toBe('Cluster member not found');
  });

  it('disabling clustering on a member makes it standalone; the cluster shows it Offline until removed', async () => {
    const l = lab(3);
    await cluster(l, 3);
    const r = await l.c('node3').put('/1.0/cluster', { server_name: '', enabled: false });
    expect(r.status).toBe(200);
    expect(ok(await l.c('node3').get('/1.0/cluster')).enabled).toBe(false);
    const m3 = ok(await l.c('node1').get('/1.0/cluster/members/node3'));
    expect(m3.status).toBe('Offline');
    const t = await l.c('node1').post('/1.0/cluster/members', { server_name: 'node4' });
    expect(t.body.metadata.metadata.addresses).toEqual(['10.1.0.11:8443', '10.1.0.12:8443']);
    ok(await l.c('node1').del('/1.0/cluster/members/node3', { force: '1' }));
  });

  it('roles: three voters, then stand-bys', async () => {
    const l = lab(5);
    await bootstrap(l, 'node1');
    for (const m of ['node2', 'node3', 'node4', 'node5']) ok(await join(l, m, 'node1'));
    const ms = ok(await l.c('node3').get('/1.0/cluster/members', { recursion: '1' }));
    expect(ms.map((m: any) => m.roles)).toEqual([['database-leader', 'database'], ['database'], ['database'],
      ['database-standby'], ['database-standby']]);
    expect(ms.every((m: any) => m.database)).toBe(true);
  });

  it('removal: volumes block it without force; force removes without contacting the member, which keeps its state', async () => {
    const l = lab(3);
    await bootstrap(l, 'node1');
    ok(await join(l, 'node2', 'node1'));
    ok(await join(l, 'node3', 'node1'));
    const n1 = l.c('node1');
    ok(await n1.post('/1.0/storage-pools', { name: 'local', driver: 'dir' }, { target: 'node1' }));
    ok(await n1.post('/1.0/storage-pools', { name: 'local', driver: 'dir' }, { target: 'node2' }));
    ok(await n1.post('/1.0/storage-pools', { name: 'local', driver: 'dir' }, { target: 'node3' }));
    ok(await n1.post('/1.0/storage-pools', { name: 'local', driver: 'dir' }));
    ok(await n1.post('/1.0/storage-pools/local/volumes/custom', { name: 'images' }, { target: 'node3' }));
    const refused = await n1.del('/1.0/cluster/members/node3');
    expect(refused.body).toMatchObject({ error_code: 500, error: 'Node still has the following custom volumes: images' });
    ok(await n1.del('/1.0/cluster/members/node3', { force: '1' }));
    expect(ok(await n1.get('/1.0/cluster/members'))).toEqual(['/1.0/cluster/members/node1', '/1.0/cluster/members/node2']);
    expect(ok(await n1.get('/1.0/storage-pools/local')).locations).toEqual(['node1', 'node2']);
    // Only a clean removal disables clustering on the member (clusterMemberDelete's `else if !force`,
    // canonical/lxd lxd/api_cluster_member.go a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05).
    expect(ok(await l.c('node3').get('/1.0/cluster')).enabled).toBe(true);
    const again = await n1.del('/1.0/cluster/members/node3', { force: '1' });
    expect(again.body).toMatchObject({ error_code: 404, error: 'Cluster member not found' });
  });
});

describe('member removal as clusterMemberDelete does it', () => {
  it('without force: instances first, and a member that is down fails; a clean removal resets the member', async () => {
    const l = lab(3);
    await bootstrap(l, 'node1');
    ok(await join(l, 'node2', 'node1'));
    ok(await join(l, 'node3', 'node1'));
    const n1 = l.c('node1');
    ok(await n1.post('/1.0/instances', { name: 'c1', source: { type: 'none' } }, { target: 'node3' }));
    expect((await n1.del('/1.0/cluster/members/node3')).body).toMatchObject({ error_code: 500, error: 'Node still has the following instances: c1' });
    ok(await n1.post('/1.0/cluster/members/node3/state', { action: 'evacuate' }));
    expect(ok(await n1.get('/1.0/instances', { recursion: '1' })).map((i: { location: string }) => i.location)).not.toContain('node3');
    expect(ok(await n1.get('/1.0/cluster/members/node3'))).toMatchObject({ status: 'Evacuated', message: 'Unavailable due to maintenance' });
    expect((await n1.post('/1.0/cluster/members/node3/state', { action: 'evacuate' })).body).toMatchObject({ error_code: 400, error: 'Cluster member is already evacuated' });
    ok(await n1.del('/1.0/cluster/members/node3'));
    expect(ok(await l.c('node3').get('/1.0/cluster')).enabled).toBe(false);
    l.ctx.setUp('node2', false);
    const down = await n1.del('/1.0/cluster/members/node2');
    expect(down.body).toMatchObject({ error_code: 500, error: expect.stringMatching(/^Unable to connect to: /) });
    ok(await n1.del('/1.0/cluster/members/node2', { force: '1' }));
  });
});
