// Server endpoints of the LXD model: GET/PUT/PATCH /1.0 with ETag and ?target=, routing errors,
// certificates, readiness, resources, and the certificates the daemons serve.
import { X509Certificate } from 'node:crypto';
import { generateServerCert } from '../../src/lab/lxd/index.js';
import { labSpec } from './specs.js';
import { bootstrap, cluster, expectErr, join, makeLab, ok } from './lxd-helpers.js';
import type { Lab } from './lxd-helpers.js';
import type { LxdFlavor } from '../../src/lab/types.js';

function lab(n: number, flavor: LxdFlavor = 'snap-5.21', lxdVersion?: string): Lab {
  return makeLab(Array.from({ length: n }, (_, k) => labSpec(`node${k + 1}`, { lxdFlavor: flavor,
    ...(lxdVersion ? { snapPatch: { lxd: { version: lxdVersion } } } : {}) })));
}

describe('GET /1.0', () => {
  it.each<[LxdFlavor, string, boolean]>([['snap-5.21', '5.21.3', true], ['snap-6.8', '6.8', false], ['deb-5.0', '5.0.2', true]])(
    '%s reports its version, extensions and a pinned certificate', async (flavor, version, lts) => {
      const l = lab(1, flavor, flavor === 'snap-6.8' ? '6.8' : flavor === 'deb-5.0' ? '5.0.2' : undefined);
      const r = await l.c('node1').get('/1.0');
      expect(r.status).toBe(200);
      expect(r.headers.ETag).toMatch(/^"[0-9a-f]{64}"$/);
      const s = r.body.metadata;
      expect(s).toMatchObject({ api_status: 'stable', api_version: '1.0', auth: 'trusted', public: false, auth_methods: ['tls'], config: {} });
      expect(s.environment).toMatchObject({ server: 'lxd', server_version: version, server_name: 'node1', server_clustered: false, addresses: [] });
      if (flavor !== 'deb-5.0') expect(s.environment.server_lts).toBe(lts);
      expect(s.auth_user_method).toBe(flavor === 'deb-5.0' ? undefined : 'unix');
      expect(s.environment.storage_supported_drivers[0]).toEqual(expect.objectContaining({ Name: expect.any(String), Version: expect.any(String), Remote: expect.any(Boolean) }));
      const x = new X509Certificate(s.environment.certificate);
      expect(x.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(s.environment.certificate_fingerprint);
      const ext: string[] = s.api_extensions;
      for (const name of ['clustering', 'clustering_join', 'clustering_join_token', 'network_state', 'resources_disk_id']) expect(ext).toContain(name);
      const v6 = flavor === 'snap-6.8';
      for (const name of ['storage_and_network_operations', 'storage_and_profile_operations', 'storage_remote_drop_source',
        'ovn_dynamic_northbound_connection']) expect(ext.includes(name)).toBe(v6);
      expect(ext.includes('instances_migration_stateful')).toBe(flavor !== 'deb-5.0');
    });

  it('lists the wildcard listener on every address of the machine', async () => {
    const l = lab(1);
    ok(await l.c('node1').patch('/1.0', { config: { 'core.https_address': '[::]:8443' } }));
    expect(ok(await l.c('node1').get('/1.0')).environment.addresses).toEqual(['10.1.0.11:8443']);
  });

  it('after a join every member serves the cluster certificate', async () => {
    const l = lab(2);
    const before = ok(await l.c('node2').get('/1.0')).environment.certificate_fingerprint;
    await bootstrap(l, 'node1');
    const leader = ok(await l.c('node1').get('/1.0')).environment.certificate_fingerprint;
    ok(await join(l, 'node2', 'node1'));
    const after = ok(await l.c('node2').get('/1.0')).environment.certificate_fingerprint;
    expect(after).toBe(leader);
    expect(after).not.toBe(before);
  });
});

describe('PATCH / PUT /1.0', () => {
  it.each<[LxdFlavor, string | undefined, (cur: string, sent: string) => string]>([
    ['snap-5.21', '5.21.3', (c, s) => `ETag doesn't match: ${c} vs ${s}`],
    ['snap-5.21', '5.21.4', (c, s) => `ETag doesn't match: ${c} vs ${s}. The configuration has been modified since this change began. Please retrieve the updated configuration before proceeding.`],
    ['snap-6.8', '6.8', (c, s) => `ETag does not match: ${c} vs ${s}. The configuration has been modified since this change began. Please retrieve the updated configuration before proceeding.`],
    ['deb-5.0', '5.0.2', (c, s) => `ETag doesn't match: ${c} vs ${s}`],
  ])('%s %s: 412 on a stale If-Match, quotes optional', async (flavor, version, msg) => {
    const l = lab(1, flavor, version);
    const c = l.c('node1');
    const etag = (await c.get('/1.0')).headers.ETag as string;
    ok(await c.patch('/1.0', { config: { 'user.a': '1' } }, undefined, { 'If-Match': etag }));
    const fresh = ((await c.get('/1.0')).headers.ETag as string).replace(/"/g, '');
    ok(await c.patch('/1.0', { config: { 'user.b': '2' } }, undefined, { 'If-Match': fresh }));
    const cur = ((await c.get('/1.0')).headers.ETag as string).replace(/"/g, '');
    const stale = etag.replace(/"/g, '');
    const r = await c.patch('/1.0', { config: { 'user.c': '3' } }, undefined, { 'If-Match': etag });
    expectErr(r, 412, msg(cur, stale));
    const p = await c.put('/1.0', { config: {} }, undefined, { 'If-Match': etag });
    expectErr(p, 412, msg(cur, stale));
  });

  it('PATCH merges, PUT replaces', async () => {
    const c = lab(1).c('node1');
    ok(await c.patch('/1.0', { config: { 'user.a': '1', 'core.https_address': '10.1.0.11:8443' } }));
    ok(await c.patch('/1.0', { config: { 'user.b': '2' } }));
    expect(ok(await c.get('/1.0')).config).toEqual({ 'user.a': '1', 'user.b': '2', 'core.https_address': '10.1.0.11:8443' });
    ok(await c.put('/1.0', { config: { 'user.c': '3' } }));
    expect(ok(await c.get('/1.0')).config).toEqual({ 'user.c': '3' });
  });

  it('unknown keys and wildcards are config errors (400)', async () => {
    const c = lab(1).c('node1');
    expectErr(await c.patch('/1.0', { config: { 'core.nope': 'x' } }), 400, "cannot set 'core.nope' to 'x': Unknown key");
    expectErr(await c.patch('/1.0', { config: { 'cluster.https_address': '[::]:8443' } }), 400,
      "cannot set 'cluster.https_address' to '[::]:8443': Wildcard addresses aren't allowed");
    const deb = lab(1, 'deb-5.0').c('node1');
    expectErr(await deb.patch('/1.0', { config: { 'instances.migration.stateful': 'true' } }), 400,
      "cannot set 'instances.migration.stateful' to 'true': unknown key");
  });

  it('keys follow the version: 5.0 says "unknown key", OIDC secrets arrive in 5.21.4, 6.8 drops the trust password', async () => {
    const deb = lab(1, 'deb-5.0').c('node1');
    ok(await deb.patch('/1.0', { config: { 'images.auto_update_interval': '0', 'network.ovn.northbound_connection': 'tcp:10.99.0.1:6641' } }));
    expectErr(await deb.patch('/1.0', { config: { 'loki.api.url': 'http://loki:3100' } }), 400, "cannot set 'loki.api.url' to 'http://loki:3100': unknown key");
    expectErr(await lab(1, 'snap-5.21', '5.21.3').c('node1').patch('/1.0', { config: { 'oidc.scopes': 'openid' } }), 400,
      "cannot set 'oidc.scopes' to 'openid': Unknown key");
    ok(await lab(1, 'snap-5.21', '5.21.4').c('node1').patch('/1.0', { config: { 'oidc.scopes': 'openid', 'oidc.client.secret': 's' } }));
    expectErr(await lab(1, 'snap-6.8', '6.8').c('node1').patch('/1.0', { config: { 'core.trust_password': 'x' } }), 400,
      "cannot set 'core.trust_password' to 'x': Unknown key");
  });

  it.each<[LxdFlavor, Record<string, unknown>]>([
    ['snap-5.21', { 'core.trust_password': true, 'loki.auth.password': true, 'maas.api.key': 'k-1' }],
    ['snap-6.8', { 'loki.auth.password': 'pw-1', 'oidc.client.secret': 'c-1' }],
  ])('%s shows its hidden keys as true once set, and true sent back keeps them', async (flavor, shown) => {
    const l = lab(1, flavor, flavor === 'snap-6.8' ? '6.8' : undefined);
    const c = l.c('node1');
    const set = Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, v === true ? `${k}-value` : v]));
    ok(await c.patch('/1.0', { config: set }));
    expect(ok(await c.get('/1.0')).config).toEqual(shown);
    ok(await c.put('/1.0', { config: shown }));
    const db = l.world.snapshot().databases;
    expect(Object.values(db)[0]!.config).toEqual(set);
  });

  it('an address the machine does not have cannot be listened on', async () => {
    const c = lab(1).c('node1');
    expectErr(await c.patch('/1.0', { config: { 'core.https_address': '10.9.9.9:8443' } }), 500,
      'Cannot listen on network HTTPS socket "10.9.9.9:8443": listen tcp 10.9.9.9:8443: bind: cannot assign requested address');
  });

  it('member-local keys go per ?target=; cluster.https_address cannot change once clustered', async () => {
    const l = lab(2);
    await cluster(l, 2);
    const n1 = l.c('node1');
    ok(await n1.patch('/1.0', { config: { 'network.ovn.northbound_connection': 'ssl:10.1.0.11:6641', 'core.https_address': '10.1.0.12:8443' } }, { target: 'node2' }));
    expect(ok(await l.c('node2').get('/1.0')).config['core.https_address']).toBe('10.1.0.12:8443');
    expect(ok(await n1.get('/1.0')).config['core.https_address']).toBe('[::]:8443');
    expect(ok(await n1.get('/1.0')).config['network.ovn.northbound_connection']).toBe('ssl:10.1.0.11:6641');
    expect(ok(await n1.get('/1.0', { target: 'node2' })).environment.server_name).toBe('node2');
    expectErr(await n1.patch('/1.0', { config: { 'cluster.https_address': '10.1.0.11:9443' } }), 500,
      'Changing cluster.https_address is currently not supported');
    expectErr(await n1.put('/1.0', { config: {} }), 500, 'Changing cluster.https_address is currently not supported');
  });

  it('storage.images_volume must name an existing volume on that member', async () => {
    const l = lab(1);
    const c = l.c('node1');
    expectErr(await c.patch('/1.0', { config: { 'storage.images_volume': 'local' } }), 500,
      'Failed validation of "storage.images_volume": Invalid syntax for volume, must be <pool>/<volume>');
    expectErr(await c.patch('/1.0', { config: { 'storage.images_volume': 'local/images' } }), 404,
      'Failed validation of "storage.images_volume": Unable to load storage pool "local": Storage pool not found');
    ok(await c.post('/1.0/storage-pools', { name: 'local', driver: 'dir' }));
    expectErr(await c.patch('/1.0', { config: { 'storage.images_volume': 'local/images' } }), 404,
      'Failed validation of "storage.images_volume": Failed loading storage volume "local/images" in "default" project: Storage volume not found');
    ok(await c.post('/1.0/storage-pools/local/volumes/custom', { name: 'images' }));
    ok(await c.patch('/1.0', { config: { 'storage.images_volume': 'local/images' } }));
  });
});

describe('routing', () => {
  it('unknown paths are 404 "not found"; known paths without the method 501 "not implemented"', async () => {
    const c = lab(1).c('node1');
    expectErr(await c.get('/1.0/nope'), 404, 'not found');
    expectErr(await c.get('/2.0'), 404, 'not found');
    expectErr(await c.call('DELETE', '/1.0'), 501, 'not implemented');
    expectErr(await c.call('BREW', '/1.0'), 404, 'Method "BREW" not found');
    expect(ok(await c.get('/'))).toEqual(['/1.0']);
    const e = await c.get('/1.0/nope');
    expect(e.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(e.body).toEqual({ type: 'error', status: '', status_code: 0, operation: '', error_code: 404, error: 'not found', metadata: null });
  });

  it('GET /internal/ready is an empty sync response', async () => {
    const r = await lab(1).c('node1').get('/internal/ready');
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({});
  });
});

describe('certificates', () => {
  it('a base64 DER client certificate is added once: 201 + Location, then 409', async () => {
    const c = lab(1).c('node1');
    const cert = generateServerCert('deployer');
    const body = { name: 'deployer', type: 'client', certificate: cert.der.toString('base64'), restricted: false, projects: [] };
    const r = await c.post('/1.0/certificates', body);
    expect(r.status).toBe(201);
    expect(r.headers.Location).toBe(`/1.0/certificates/${cert.fingerprint}`);
    expectErr(await c.post('/1.0/certificates', body), 409, 'Certificate already in trust store');
    const list = ok(await c.get('/1.0/certificates', { recursion: '1' }));
    expect(list).toEqual([expect.objectContaining({ name: 'deployer', type: 'client', fingerprint: cert.fingerprint })]);
  });

  it('bad material is 400', async () => {
    const c = lab(1).c('node1');
    expectErr(await c.post('/1.0/certificates', { type: 'client', certificate: 'not base64!' }), 400, 'illegal base64 data at input byte 3');
    expectErr(await c.post('/1.0/certificates', { type: 'client', certificate: Buffer.from('hello').toString('base64') }), 400,
      'Invalid certificate material: x509: malformed certificate');
    expectErr(await c.post('/1.0/certificates', { type: 'client' }), 400, "Can't use TLS data on non-TLS link");
  });

  it('tokens: need a listener, only for clients, and a trusted caller gets 409 "Client is already trusted"', async () => {
    const l = lab(1);
    const c = l.c('node1');
    expectErr(await c.post('/1.0/certificates', { name: 'x', type: 'client', token: true }), 400, "Can't issue token when server isn't listening on network");
    ok(await c.patch('/1.0', { config: { 'core.https_address': '10.1.0.11:8443' } }));
    expectErr(await c.post('/1.0/certificates', { name: 'x', type: 'metrics', token: true }), 400, 'Tokens can only be issued for client certificates');
    const t = await c.post('/1.0/certificates', { name: 'x', type: 'client', token: true });
    expect(t.status).toBe(202);
    expect(t.body.metadata).toMatchObject({ class: 'token', description: 'Certificate add token', status: 'Running',
      metadata: { addresses: ['10.1.0.11:8443'] } });
    const md = t.body.metadata.metadata;
    const token = Buffer.from(JSON.stringify({ client_name: 'x', fingerprint: md.fingerprint, addresses: md.addresses, secret: md.secret })).toString('base64');
    expectErr(await c.post('/1.0/certificates', { trust_token: token }), 409, 'Client is already trusted');
    expectErr(await c.post('/1.0/certificates', { trust_token: token }), 403, 'No matching certificate add operation found');
    const v6 = lab(1, 'snap-6.8', '6.8').c('node1');
    expectErr(await v6.post('/1.0/certificates', { name: 'x', type: 'client', token: true }), 400, 'Cannot issue token when server is not listening on network');
  });

  it('server certificates cannot be deleted', async () => {
    const l = lab(1);
    await bootstrap(l, 'node1');
    const [url] = ok(await l.c('node1').get('/1.0/certificates'));
    expectErr(await l.c('node1').del(url), 403, 'Cannot delete a server certificate. Remove the cluster member instead');
  });

  it('generated certificates are always valid DER', () => {
    for (let i = 0; i < 200; i++) {
      const c = generateServerCert(`h${i}`);
      expect(() => new X509Certificate(c.der)).not.toThrow();
      expect(new X509Certificate(c.pem).subject).toBe(`O=LXD\nCN=root@h${i}`);
    }
  });
});

describe('GET /1.0/resources', () => {
  it('describes the machine disks, partitions as arrays, ?target= for other members', async () => {
    const l = makeLab([labSpec('node1', { diskPatch: { sda: { partitions: 2 } } }), labSpec('node2')]);
    await cluster(l, 2);
    const r = ok(await l.c('node1').get('/1.0/resources'));
    const disks = r.storage.disks;
    expect(disks.map((d: any) => d.id)).toEqual(['nvme0n1', 'sda', 'sdb']);
    const nvme = disks[0];
    expect(nvme).toMatchObject({ id: 'nvme0n1', device: '259:0', type: 'nvme', partitions: [], read_only: false, mounted: false,
      device_id: l.ctx.spec('node1').disks[0]?.device_id, device_path: 'pci-0000:03:00.0-nvme-1' });
    expect(disks[1].partitions.map((p: any) => [p.id, p.device, p.partition])).toEqual([['sda1', '8:1', 1], ['sda2', '8:2', 2]]);
    expect(r.storage.total).toBe(l.ctx.spec('node1').disks.reduce((s, d) => s + d.size, 0));
    const other = ok(await l.c('node1').get('/1.0/resources', { target: 'node2' }));
    expect(other.storage.disks[1].partitions).toEqual([]);
    expect(other.storage.disks[0].device_id).toBe(l.ctx.spec('node2').disks[0]?.device_id);
  });
});
