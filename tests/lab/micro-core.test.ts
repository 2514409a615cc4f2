// The microcluster core shared by MicroCeph and MicroOVN: /core/1.0, /core/control, tokens, the
// member list, member removal, ?target= forwarding, and the 503 before init (rest-apis.md §2, §6).
import { MicroCephWorld } from '../../src/lab/micro/ceph.js';
import { MicroOvnWorld } from '../../src/lab/micro/ovn.js';
import { call, decodeToken, expectError, formCluster, ok } from './micro-client.js';
import { labContext, labSpec, labSpecs } from './specs.js';

const HOUR_NS = 3_600_000_000_000;

function ovnSite(n = 3, opts: ConstructorParameters<typeof MicroOvnWorld>[1] = {}) {
  const ctx = labContext(labSpecs(n), { microBootstrap: 3, microJoin: 2 });
  return { ctx, world: new MicroOvnWorld(ctx, opts) };
}

const bootstrapBody = (world: MicroOvnWorld | MicroCephWorld, m: string) =>
  ({ bootstrap: true, name: m, address: world.defaultAddress(m), config: {} });

describe('GET /core/1.0 and readiness', () => {
  test('before init: ready false, hostname as name, no address', async () => {
    const { world } = ovnSite(1);
    const md = ok(await call(world, 'node1', 'GET', '/core/1.0'));
    expect(md).toEqual({
      name: 'node1', address: '', version: '24.03.2', ready: false,
      extensions: ['internal:runtime_extension_v1', 'internal:rename_core_endpoints', 'custom_encapsulation_ip'],
    });
    expect(ok(await call(world, 'node1', 'GET', '/core/1.0/ready'))).toEqual({});
  });

  test('after bootstrap: ready true, name and address as given', async () => {
    const { world } = ovnSite(1);
    ok(await call(world, 'node1', 'POST', '/core/control', bootstrapBody(world, 'node1')));
    const md = ok(await call(world, 'node1', 'GET', '/core/1.0'));
    expect(md).toMatchObject({ name: 'node1', address: '10.1.0.11:6443', ready: true });
  });

  test('every endpoint that is not AllowedBeforeInit answers 503 "Database is not yet initialized"', async () => {
    const { world } = ovnSite(1);
    for (const [method, path] of [
      ['GET', '/core/control/tokens'], ['POST', '/core/control/tokens'], ['DELETE', '/core/1.0/tokens/x'],
      ['DELETE', '/core/1.0/cluster/node1'], ['GET', '/1.0/services'], ['PUT', '/1.0/service/central'], ['GET', '/1.0/config'],
    ] as const) {
      expectError(await call(world, 'node1', method, path, {}), 503, 'Database is not yet initialized');
    }
    // GET /core/1.0/cluster is AllowedBeforeInit but refuses by itself, with the same status.
    expectError(await call(world, 'node1', 'GET', '/core/1.0/cluster'), 503, 'Database is not yet initialized');
    const ceph = new MicroCephWorld(labContext([labSpec('node1')]));
    expectError(await call(ceph, 'node1', 'GET', '/1.0/disks'), 503, 'Database is not yet initialized');
  });

  test('unknown paths are 404 "not found"; unknown methods 404; missing methods 501', async () => {
    const { world } = ovnSite(1);
    expectError(await call(world, 'node1', 'GET', '/core/1.0/nope'), 404, 'not found');
    expectError(await call(world, 'node1', 'OPTIONS', '/core/1.0'), 404, "Method 'OPTIONS' not found");
    expectError(await call(world, 'node1', 'PUT', '/core/1.0'), 501, 'not implemented');
    expect(ok(await call(world, 'node1', 'GET', '/'))).toEqual(['/1.0']);
  });

  test('a machine without the snap has no daemon', () => {
    const ctx = labContext([labSpec('node1', { snapPatch: { microovn: false } })]);
    const world = new MicroOvnWorld(ctx);
    expect(world.installed('node1')).toBe(false);
    expect(() => world.handler('node1')).toThrow(/no microovn snap/);
  });
});

describe('POST /core/control (bootstrap)', () => {
  test('bootstrap takes durations.microBootstrap', async () => {
    const { ctx, world } = ovnSite(1);
    ok(await call(world, 'node1', 'POST', '/core/control', bootstrapBody(world, 'node1')));
    expect(ctx.sleeps).toContain(3);
  });

  test('already initialized: 500 "Unable to initialize cluster: Database is online"', async () => {
    const { world } = ovnSite(1);
    ok(await call(world, 'node1', 'POST', '/core/control', bootstrapBody(world, 'node1')));
    expectError(await call(world, 'node1', 'POST', '/core/control', bootstrapBody(world, 'node1')), 500,
      'Unable to initialize cluster: Database is online');
  });

  test('while a bootstrap runs: "Unable to initialize cluster: Database is still starting"', async () => {
    const { world } = ovnSite(1);
    const first = call(world, 'node1', 'POST', '/core/control', bootstrapBody(world, 'node1'));
    expectError(await call(world, 'node1', 'POST', '/core/control', bootstrapBody(world, 'node1')), 500,
      'Unable to initialize cluster: Database is still starting');
    ok(await first);
  });

  test('join token and bootstrap flag: 500 "Invalid options - received join token and bootstrap flag"', async () => {
    const { world } = ovnSite(1);
    expectError(await call(world, 'node1', 'POST', '/core/control', { ...bootstrapBody(world, 'node1'), join_token: 'abc' }), 500,
      'Invalid options - received join token and bootstrap flag');
  });

  test('address must be a literal IP:port (netip.ParseAddrPort), 400', async () => {
    const { world } = ovnSite(1);
    const body = (address: unknown) => ({ bootstrap: true, name: 'node1', address });
    expectError(await call(world, 'node1', 'POST', '/core/control', body('node1:6443')), 400, 'ParseAddr("node1"): unable to parse IP');
    expectError(await call(world, 'node1', 'POST', '/core/control', body('node1.lab.example:6443')), 400,
      'ParseAddr("node1.lab.example"): unexpected character (at "node1.lab.example")');
    expectError(await call(world, 'node1', 'POST', '/core/control', body('10.1.0.11')), 400, 'not an ip:port');
    expectError(await call(world, 'node1', 'POST', '/core/control', body('10.1.0.11:https')), 400, 'invalid port "https" parsing "10.1.0.11:https"');
    expectError(await call(world, 'node1', 'POST', '/core/control', body('2001:db8::11:6443')), 400,
      'invalid ip:port "2001:db8::11:6443", IPv6 addresses must be surrounded by square brackets');
    expectError(await call(world, 'node1', 'POST', '/core/control', body(6443)), 400, 'json: cannot unmarshal number into Go value of type string');
  });

  test('name must be FQDN-valid, 400', async () => {
    const { world } = ovnSite(1);
    const body = (name: string) => ({ bootstrap: true, name, address: '10.1.0.11:6443' });
    expectError(await call(world, 'node1', 'POST', '/core/control', body('node_1')), 400,
      'Cluster member name "node_1" is not a valid FQDN: Name can only contain alphanumeric and hyphen characters');
    expectError(await call(world, 'node1', 'POST', '/core/control', body('')), 400,
      'Cluster member name "" is not a valid FQDN: Name must be 1-255 characters long');
    expectError(await call(world, 'node1', 'POST', '/core/control', body('-node1')), 400,
      'Cluster member name "-node1" is not a valid FQDN: Name must not start with "-" character');
  });

  test('a body that is missing or not JSON is 400 with the decoder error', async () => {
    const { world } = ovnSite(1);
    expectError(await call(world, 'node1', 'POST', '/core/control'), 400, 'EOF');
    expectError(await call(world, 'node1', 'POST', '/core/control', 'bootstrap'), 400, "invalid character 'b' looking for beginning of value");
    expectError(await call(world, 'node1', 'POST', '/core/control', [1]), 400, 'json: cannot unmarshal array into Go value of type types.Control');
  });

  test('an address that is not the machine\'s: the listener cannot bind, and the daemon resets', async () => {
    const { world } = ovnSite(1);
    expectError(await call(world, 'node1', 'POST', '/core/control', { bootstrap: true, name: 'node1', address: '10.9.9.9:6443' }), 500,
      'Failed to listen on https socket: listen tcp 10.9.9.9:6443: bind: cannot assign requested address');
    expect(ok(await call(world, 'node1', 'GET', '/core/1.0'))).toMatchObject({ name: 'node1', address: '', ready: false });
    ok(await call(world, 'node1', 'POST', '/core/control', bootstrapBody(world, 'node1')));
  });
});

describe('tokens', () => {
  test('POST /core/control/tokens returns base64 JSON {secret, fingerprint, join_addresses}', async () => {
    const { world } = ovnSite(3);
    await formCluster(world, 'node1', ['node2']);
    const token = ok(await call(world, 'node2', 'POST', '/core/control/tokens', { name: 'node3', expire_after: HOUR_NS })) as string;
    const t = decodeToken(token);
    expect(Object.keys(t)).toEqual(['secret', 'fingerprint', 'join_addresses']);
    expect(t.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(t.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(t.join_addresses).toEqual(['10.1.0.11:6443', '10.1.0.12:6443']);
  });

  test('a second live token for the same name violates UNIQUE(name): 500', async () => {
    const { world } = ovnSite(2);
    await formCluster(world, 'node1', []);
    ok(await call(world, 'node1', 'POST', '/core/control/tokens', { name: 'node2', expire_after: HOUR_NS }));
    expectError(await call(world, 'node1', 'POST', '/core/control/tokens', { name: 'node2', expire_after: HOUR_NS }), 500,
      'Failed to create "core_token_records" entry: UNIQUE constraint failed: core_token_records.name');
  });

  test('token name must be FQDN-valid: 400 "Token name %q is not a valid FQDN: …"', async () => {
    const { world } = ovnSite(1);
    await formCluster(world, 'node1', []);
    expectError(await call(world, 'node1', 'POST', '/core/control/tokens', { name: 'node_2', expire_after: 0 }), 400,
      'Token name "node_2" is not a valid FQDN: Name can only contain alphanumeric and hyphen characters');
  });

  test('GET /core/control/tokens lists live tokens; expired ones are hidden and purged on the next insert', async () => {
    let now = 1_750_000_000_000;
    const { world } = ovnSite(3, { now: () => now });
    await formCluster(world, 'node1', []);
    ok(await call(world, 'node1', 'POST', '/core/control/tokens', { name: 'node2', expire_after: 60_000_000_000 }));
    ok(await call(world, 'node1', 'POST', '/core/control/tokens', { name: 'node3', expire_after: 0 }));
    const list = ok(await call(world, 'node1', 'GET', '/core/control/tokens')) as { name: string; token: string; expires_at: string }[];
    expect(list.map((t) => t.name).sort()).toEqual(['node2', 'node3']);
    expect(list.find((t) => t.name === 'node2')!.expires_at).toBe(new Date(now + 60_000).toISOString().replace('.000Z', 'Z'));
    expect(list.find((t) => t.name === 'node3')!.expires_at).toBe('0001-01-01T00:00:00Z');
    now += 61_000;
    expect((ok(await call(world, 'node1', 'GET', '/core/control/tokens')) as { name: string }[]).map((t) => t.name)).toEqual(['node3']);
    ok(await call(world, 'node1', 'POST', '/core/control/tokens', { name: 'node2', expire_after: HOUR_NS }));
  });

  test('DELETE /core/1.0/tokens/<name>: 200, then 404 "CoreTokenRecord not found"', async () => {
    const { world } = ovnSite(2);
    await formCluster(world, 'node1', []);
    ok(await call(world, 'node1', 'POST', '/core/control/tokens', { name: 'node2', expire_after: HOUR_NS }));
    expect(ok(await call(world, 'node1', 'DELETE', '/core/1.0/tokens/node2'))).toEqual({});
    expectError(await call(world, 'node1', 'DELETE', '/core/1.0/tokens/node2'), 404, 'CoreTokenRecord not found');
  });
});

describe('POST /core/control (join)', () => {
  async function tokenFor(world: MicroOvnWorld, issuer: string, name: string, expireAfter = HOUR_NS): Promise<string> {
    return ok(await call(world, issuer, 'POST', '/core/control/tokens', { name, expire_after: expireAfter })) as string;
  }
  const joinBody = (world: MicroOvnWorld, m: string, token: string) =>
    ({ bootstrap: false, name: m, address: world.defaultAddress(m), join_token: token, config: {} });

  test('join takes durations.microJoin and the joiner becomes ready', async () => {
    const { ctx, world } = ovnSite(2);
    await formCluster(world, 'node1', []);
    ok(await call(world, 'node2', 'POST', '/core/control', joinBody(world, 'node2', await tokenFor(world, 'node1', 'node2'))));
    expect(ctx.sleeps).toContain(2);
    expect(ok(await call(world, 'node2', 'GET', '/core/1.0'))).toMatchObject({ ready: true, name: 'node2' });
  });

  test('joining an initialized daemon: 500 "Unable to initialize cluster: Database is online"', async () => {
    const { world } = ovnSite(2);
    await formCluster(world, 'node1', ['node2']);
    const token = await tokenFor(world, 'node1', 'node2');
    expectError(await call(world, 'node2', 'POST', '/core/control', joinBody(world, 'node2', token)), 500,
      'Unable to initialize cluster: Database is online');
  });

  test('a token bound to another name: SAN error, wrapped as the joiner reports it', async () => {
    const { world } = ovnSite(4);
    await formCluster(world, 'node1', ['node2']);
    const token = await tokenFor(world, 'node1', 'node3');
    expectError(await call(world, 'node4', 'POST', '/core/control', joinBody(world, 'node4', token)), 500,
      '2 join attempts were unsuccessful. Last error: Joining server certificate SAN does not contain join token name');
    // Never authorised: nothing changed in the cluster, and the token is still there for node3.
    expect(world.members().map((m) => m.name)).toEqual(['node1', 'node2']);
    ok(await call(world, 'node3', 'POST', '/core/control', joinBody(world, 'node3', token)));
  });

  test('an expired token: "… Last error: Token expired"', async () => {
    let now = 1_750_000_000_000;
    const { world } = ovnSite(2, { now: () => now });
    await formCluster(world, 'node1', []);
    const token = await tokenFor(world, 'node1', 'node2', 1_000_000_000);
    now += 2_000;
    expectError(await call(world, 'node2', 'POST', '/core/control', joinBody(world, 'node2', token)), 500,
      '1 join attempts were unsuccessful. Last error: Token expired');
  });

  test('a used token: 404 "… Last error: CoreTokenRecord not found"', async () => {
    const ctx = labContext([labSpec('node1'), labSpec('node2'), labSpec('spare', { index: 3 })]);
    const world = new MicroOvnWorld(ctx);
    await formCluster(world, 'node1', []);
    const token = await tokenFor(world, 'node1', 'node2');
    ok(await call(world, 'node2', 'POST', '/core/control', joinBody(world, 'node2', token)));
    // Another machine presents the same token under the name it was issued for.
    expectError(await call(world, 'spare', 'POST', '/core/control',
      { bootstrap: false, name: 'node2', address: world.defaultAddress('spare'), join_token: token }), 404,
    '1 join attempts were unsuccessful. Last error: CoreTokenRecord not found');
  });

  test('a revoked token: 404 "… Last error: CoreTokenRecord not found"', async () => {
    const { world } = ovnSite(2);
    await formCluster(world, 'node1', []);
    const token = await tokenFor(world, 'node1', 'node2');
    ok(await call(world, 'node1', 'DELETE', '/core/1.0/tokens/node2'));
    expectError(await call(world, 'node2', 'POST', '/core/control', joinBody(world, 'node2', token)), 404,
      '1 join attempts were unsuccessful. Last error: CoreTokenRecord not found');
  });

  test('no join address reachable: "… Last error: %!w(<nil>)"', async () => {
    const { ctx, world } = ovnSite(2);
    await formCluster(world, 'node1', []);
    const token = await tokenFor(world, 'node1', 'node2');
    ctx.setUp('node1', false);
    expectError(await call(world, 'node2', 'POST', '/core/control', joinBody(world, 'node2', token)), 500,
      '1 join attempts were unsuccessful. Last error: %!w(<nil>)');
  });

  test('a token from another cluster (fingerprint mismatch) is skipped like an unreachable address', async () => {
    const { world } = ovnSite(3);
    await formCluster(world, 'node1', []);
    ok(await call(world, 'node3', 'POST', '/core/control', bootstrapBody(world, 'node3')));
    const t = decodeToken(await tokenFor(world, 'node1', 'node2'));
    const forged = Buffer.from(JSON.stringify({ ...t, join_addresses: ['10.1.0.13:6443'] })).toString('base64');
    expectError(await call(world, 'node2', 'POST', '/core/control', joinBody(world, 'node2', forged)), 500,
      '1 join attempts were unsuccessful. Last error: %!w(<nil>)');
  });

  test('a token that is not base64: 500 with the decoder error', async () => {
    const { world } = ovnSite(2);
    await formCluster(world, 'node1', []);
    expectError(await call(world, 'node2', 'POST', '/core/control', joinBody(world, 'node2', 'not a token!')), 500,
      'illegal base64 data at input byte 3');
  });

  test('a joiner whose address is already a member: "Remote with address %q exists"', async () => {
    const { world } = ovnSite(2);
    await formCluster(world, 'node1', []);
    const token = await tokenFor(world, 'node1', 'node2');
    expectError(await call(world, 'node2', 'POST', '/core/control', { ...joinBody(world, 'node2', token), address: '10.1.0.11:6443' }), 500,
      '1 join attempts were unsuccessful. Last error: Remote with address "10.1.0.11:6443" exists');
  });

  // canonical/microcluster internal/rest/resources/cluster.go clusterPost + cluster_members.mapper.go
  // (e950e52e06d8801a422006ae5f5de4f8f471d787): the leader answers 409, and the joiner's wrapper keeps it;
  // the token lists both members' addresses, and each refuses the name.
  test('a joiner whose name is already a member: 409 "This \"core_cluster_members\" entry already exists"', async () => {
    const { world } = ovnSite(3);
    await formCluster(world, 'node1', ['node2']);
    const token = await tokenFor(world, 'node1', 'node2');
    expectError(await call(world, 'node3', 'POST', '/core/control', { ...joinBody(world, 'node3', token), name: 'node2' }), 409,
      '2 join attempts were unsuccessful. Last error: This "core_cluster_members" entry already exists');
  });
});

describe('GET /core/1.0/cluster', () => {
  test('members sorted by name with roles and status; UNREACHABLE when a machine is down', async () => {
    const { ctx, world } = ovnSite(5);
    await formCluster(world, 'node1', ['node2', 'node3', 'node4', 'node5']);
    const list = ok(await call(world, 'node1', 'GET', '/core/1.0/cluster')) as Record<string, unknown>[];
    expect(list.map((m) => [m['name'], m['address'], m['role'], m['status']])).toEqual([
      ['node1', '10.1.0.11:6443', 'voter', 'ONLINE'],
      ['node2', '10.1.0.12:6443', 'voter', 'ONLINE'],
      ['node3', '10.1.0.13:6443', 'voter', 'ONLINE'],
      ['node4', '10.1.0.14:6443', 'stand-by', 'ONLINE'],
      ['node5', '10.1.0.15:6443', 'stand-by', 'ONLINE'],
    ]);
    expect(Object.keys(list[0]!)).toEqual([
      'name', 'address', 'certificate', 'role', 'schema_internal_version', 'schema_external_version',
      'last_heartbeat', 'status', 'extensions', 'secret',
    ]);
    expect(list[0]!['certificate']).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    ctx.setUp('node3', false);
    const after = ok(await call(world, 'node1', 'GET', '/core/1.0/cluster')) as Record<string, unknown>[];
    expect(after.find((m) => m['name'] === 'node3')!['status']).toBe('UNREACHABLE');
    // The heartbeat promotes a stand-by to replace the voter that is gone.
    expect(after.filter((m) => m['role'] === 'voter').map((m) => m['name'])).toEqual(['node1', 'node2', 'node4']);
  });

  test('dqlite keeps 3 voters and 3 stand-bys; the rest are spares', async () => {
    const { world } = ovnSite(7);
    await formCluster(world, 'node1', ['node2', 'node3', 'node4', 'node5', 'node6', 'node7']);
    const list = ok(await call(world, 'node7', 'GET', '/core/1.0/cluster')) as { name: string; role: string }[];
    expect(list.map((m) => m.role)).toEqual(['voter', 'voter', 'voter', 'stand-by', 'stand-by', 'stand-by', 'spare']);
  });

  test('PENDING until the leader\'s heartbeat assigns a role', async () => {
    let now = 1_750_000_000_000;
    const { world } = ovnSite(2, { heartbeatMs: 10_000, now: () => now });
    await formCluster(world, 'node1', ['node2']);
    const before = ok(await call(world, 'node1', 'GET', '/core/1.0/cluster')) as Record<string, unknown>[];
    expect(before.map((m) => [m['role'], m['last_heartbeat']])).toEqual([
      ['PENDING', '0001-01-01T00:00:00Z'], ['PENDING', '0001-01-01T00:00:00Z'],
    ]);
    now += 10_000;
    const after = ok(await call(world, 'node1', 'GET', '/core/1.0/cluster')) as Record<string, unknown>[];
    expect(after.map((m) => m['role'])).toEqual(['voter', 'voter']);
    expect(after[0]!['last_heartbeat']).toBe(new Date(now).toISOString().replace('.000Z', 'Z'));
  });
});

describe('DELETE /core/1.0/cluster/<name>', () => {
  test('unknown member: 500 "No remote exists with the given name %q"', async () => {
    const { world } = ovnSite(2);
    await formCluster(world, 'node1', ['node2']);
    expectError(await call(world, 'node1', 'DELETE', '/core/1.0/cluster/node9'), 500, 'No remote exists with the given name "node9"');
  });

  test('the last member: 500 "Cannot leave a cluster with 1 members"', async () => {
    const { world } = ovnSite(1);
    await formCluster(world, 'node1', []);
    expectError(await call(world, 'node1', 'DELETE', '/core/1.0/cluster/node1'), 500, 'Cannot leave a cluster with 1 members');
  });

  test('removing a member resets its daemon; removing it again says it is gone', async () => {
    const { world } = ovnSite(3);
    await formCluster(world, 'node1', ['node2', 'node3']);
    expect(ok(await call(world, 'node1', 'DELETE', '/core/1.0/cluster/node3'))).toEqual({});
    expect(world.members().map((m) => m.name)).toEqual(['node1', 'node2']);
    expect(ok(await call(world, 'node3', 'GET', '/core/1.0'))).toMatchObject({ name: 'node3', address: '', ready: false });
    expectError(await call(world, 'node1', 'DELETE', '/core/1.0/cluster/node3'), 500, 'No remote exists with the given name "node3"');
  });

  test('a member that is down cannot run its pre-remove hook unless forced', async () => {
    const { ctx, world } = ovnSite(3);
    await formCluster(world, 'node1', ['node2', 'node3']);
    ctx.setUp('node3', false);
    expectError(await call(world, 'node1', 'DELETE', '/core/1.0/cluster/node3'), 500,
      'Post "https://10.1.0.13:6443/core/internal/hooks/pre-remove?target=node3": dial tcp 10.1.0.13:6443: connect: no route to host');
    ok(await call(world, 'node1', 'DELETE', '/core/1.0/cluster/node3?force=1'));
  });
});

describe('?target= forwarding and quorum', () => {
  test('unknown target: 400; target down: 500 "Failed to send request to target …"', async () => {
    // Three members, so that one being down leaves dqlite its quorum.
    const { ctx, world } = ovnSite(3);
    await formCluster(world, 'node1', ['node2', 'node3']);
    expectError(await call(world, 'node1', 'GET', '/1.0/services?target=node7'), 400,
      'Failed to get cluster member for request target name "node7": CoreClusterMember not found');
    ctx.setUp('node2', false);
    expectError(await call(world, 'node1', 'PUT', '/1.0/service/bgp?target=node2', {}), 500,
      'Failed to send request to target "node2": Put "https://10.1.0.12:6443/1.0/service/bgp?target=node2": dial tcp 10.1.0.12:6443: connect: no route to host');
  });

  test('errors from the target keep their status and gain the prefix', async () => {
    const { world } = ovnSite(2);
    await formCluster(world, 'node1', ['node2']);
    expectError(await call(world, 'node1', 'PUT', '/1.0/service/central?target=node2', {}), 500,
      'Failed to send request to target "node2": this service is already enabled');
  });

  test('without dqlite quorum, database requests hang and then fail', async () => {
    const { ctx, world } = ovnSite(3, { quorumLossDelayMs: 5 });
    await formCluster(world, 'node1', ['node2', 'node3']);
    ok(await call(world, 'node1', 'GET', '/core/1.0/cluster'));
    ctx.setUp('node2', false);
    ok(await call(world, 'node1', 'GET', '/core/1.0/cluster'));
    ctx.setUp('node3', false);
    expectError(await call(world, 'node1', 'GET', '/core/1.0/cluster'), 500, 'Failed to begin transaction: context deadline exceeded');
    expect(ctx.sleeps).toContain(5);
    ok(await call(world, 'node1', 'GET', '/core/1.0'));
  });
});
