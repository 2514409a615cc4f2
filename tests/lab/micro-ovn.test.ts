// MicroOVN on the lab: bootstrap/join with central placement, service enable/disable with the real
// messages and warnings, ovn-encap-ip, the config endpoint, and the northbound connection LXD needs
// (rest-apis.md §4, §6).
import { MicroOvnWorld } from '../../src/lab/micro/ovn.js';
import { call, expectError, formCluster, ok } from './micro-client.js';
import { labContext, labSpecs } from './specs.js';

function site(n: number) {
  const ctx = labContext(labSpecs(n), { microBootstrap: 1, microJoin: 1 });
  return { ctx, world: new MicroOvnWorld(ctx) };
}

/** MicroCloud passes the underlay address as ovn-encap-ip (here a made-up 10.2.0.x per member). */
const encap = (m: string) => ({ 'ovn-encap-ip': `10.2.0.${10 + Number(m.replace('node', ''))}` });

async function cluster(n: number) {
  const s = site(n);
  const names = Array.from({ length: n }, (_, k) => `node${k + 1}`);
  await formCluster(s.world, 'node1', names.slice(1), { bootstrapConfig: encap('node1'), joinConfig: encap });
  return s;
}

describe('MicroOVN: bootstrap and join', () => {
  test('central on the first 3 of 5 members; switch and chassis everywhere; encap IPs recorded', async () => {
    const { world } = await cluster(5);
    const services = ok(await call(world, 'node4', 'GET', '/1.0/services')) as { service: string; location: string }[];
    expect(services).toEqual([
      { service: 'central', location: 'node1' }, { service: 'chassis', location: 'node1' }, { service: 'switch', location: 'node1' },
      { service: 'central', location: 'node2' }, { service: 'chassis', location: 'node2' }, { service: 'switch', location: 'node2' },
      { service: 'central', location: 'node3' }, { service: 'chassis', location: 'node3' }, { service: 'switch', location: 'node3' },
      { service: 'chassis', location: 'node4' }, { service: 'switch', location: 'node4' },
      { service: 'chassis', location: 'node5' }, { service: 'switch', location: 'node5' },
    ]);
    expect(['node1', 'node2', 'node3', 'node4', 'node5'].map((m) => world.encapIp(m))).toEqual(['10.2.0.11', '10.2.0.12', '10.2.0.13', '10.2.0.14', '10.2.0.15']);
    expect(world.centralAddresses()).toEqual(['10.1.0.11', '10.1.0.12', '10.1.0.13']);
    expect(world.northboundConnection()).toBe('ssl:10.1.0.11:6641,ssl:10.1.0.12:6641,ssl:10.1.0.13:6641');
    expect(world.southboundConnection('node5')).toBe('ssl:10.1.0.11:6642,ssl:10.1.0.12:6642,ssl:10.1.0.13:6642');
  });

  test('central placement grows one member at a time up to 3', async () => {
    const { world } = site(4);
    await formCluster(world, 'node1', []);
    expect(world.centralAddresses()).toEqual(['10.1.0.11']);
    for (const [m, expected] of [['node2', 2], ['node3', 3], ['node4', 3]] as const) {
      const token = ok(await call(world, 'node1', 'POST', '/core/control/tokens', { name: m, expire_after: 0 })) as string;
      ok(await call(world, m, 'POST', '/core/control', { bootstrap: false, name: m, address: world.defaultAddress(m), join_token: token }));
      expect(world.centralAddresses()).toHaveLength(expected);
    }
    // Without ovn-encap-ip the chassis uses the daemon address.
    expect(world.encapIp('node4')).toBe('10.1.0.14');
  });

  test('ovn-services picks the services; an unknown one fails the post-bootstrap hook', async () => {
    const { world } = site(2);
    expectError(await call(world, 'node1', 'POST', '/core/control', { bootstrap: true, name: 'node1', address: '10.1.0.11:6443', config: { 'ovn-services': 'central,router' } }), 500,
      'Failed to run post-bootstrap actions: failed to parse requested services: invalid service requested: router');
    expect(ok(await call(world, 'node1', 'GET', '/core/1.0'))).toMatchObject({ ready: false });
    ok(await call(world, 'node1', 'POST', '/core/control', { bootstrap: true, name: 'node1', address: '10.1.0.11:6443', config: { 'ovn-services': 'switch,chassis' } }));
    expect(world.services().map((s) => s.service)).toEqual(['chassis', 'switch']);
    expect(world.northboundConnection()).toBe('');
  });
});

describe('MicroOVN: PUT/DELETE /1.0/service/<svc>', () => {
  test('enable central on a 4th member: "central enabled" with warnings', async () => {
    const { world } = await cluster(4);
    const md = ok(await call(world, 'node1', 'PUT', '/1.0/service/central?target=node4', {}));
    expect(md).toEqual({ message: 'central enabled', warnings: { EvenCentral: true, FewCentral: false } });
    expect(world.centralAddresses()).toHaveLength(4);
  });

  test('enabling what is enabled: 500 "this service is already enabled"', async () => {
    const { world } = await cluster(2);
    expectError(await call(world, 'node2', 'PUT', '/1.0/service/chassis', {}), 500, 'this service is already enabled');
  });

  test('disabling what is not enabled: 500 "this service is not enabled"', async () => {
    const { world } = await cluster(4);
    expectError(await call(world, 'node4', 'DELETE', '/1.0/service/central', {}), 500, 'this service is not enabled');
  });

  test('an unknown service: 500 "service does not exist" (singular /service/, checked before the body)', async () => {
    const { world } = await cluster(1);
    expectError(await call(world, 'node1', 'PUT', '/1.0/service/northd', {}), 500, 'service does not exist');
    expectError(await call(world, 'node1', 'DELETE', '/1.0/service/northd'), 500, 'service does not exist');
    expectError(await call(world, 'node1', 'PUT', '/1.0/services/central', {}), 404, 'not found');
  });

  test('the last central: 500 "cannot disable last central node without explicit confirmation"', async () => {
    const { world } = await cluster(1);
    expectError(await call(world, 'node1', 'DELETE', '/1.0/service/central', { allowDisableLastCentral: false }), 500,
      'cannot disable last central node without explicit confirmation');
    expect(ok(await call(world, 'node1', 'DELETE', '/1.0/service/central', { allowDisableLastCentral: true })))
      .toEqual({ message: 'central disabled', warnings: { EvenCentral: false, FewCentral: false } });
  });

  test('disabling a central of three: FewCentral and EvenCentral', async () => {
    const { world } = await cluster(3);
    expect(ok(await call(world, 'node1', 'DELETE', '/1.0/service/central?target=node3', {})))
      .toEqual({ message: 'central disabled', warnings: { EvenCentral: true, FewCentral: true } });
    expect(world.northboundConnection()).toBe('ssl:10.1.0.11:6641,ssl:10.1.0.12:6641');
  });

  test('bodies: PUT without one is 400 "failed to decode request"; DELETE without one is 500', async () => {
    const { world } = await cluster(1);
    expectError(await call(world, 'node1', 'PUT', '/1.0/service/bgp'), 400, 'failed to decode request');
    expectError(await call(world, 'node1', 'DELETE', '/1.0/service/switch'), 500, 'failed to decode request: EOF');
  });

  test('bgp with an invalid config is refused and not left enabled', async () => {
    const { world } = await cluster(1);
    expectError(await call(world, 'node1', 'PUT', '/1.0/service/bgp', { bgpConfig: { ext_iface: 'eth1', vrf: 'ten' } }), 500,
      "failed to validate BGP config. Services won't be started: option 'vrf' is not a number: ten");
    expect(world.services().map((s) => s.service)).not.toContain('bgp');
    expect(ok(await call(world, 'node1', 'PUT', '/1.0/service/bgp', {})).message).toBe('bgp enabled');
  });
});

describe('MicroOVN: /1.0/config', () => {
  test('ovn.central-ips: set, get, delete; it replaces the central list and stops central auto-placement', async () => {
    const { world } = await cluster(2);
    expect(ok(await call(world, 'node1', 'GET', '/1.0/config', { key: 'ovn.central-ips' }))).toEqual({ value: '', isSet: false, error: '' });
    expect(ok(await call(world, 'node1', 'POST', '/1.0/config', { key: 'ovn.central-ips', value: '10.9.0.1,10.9.0.2' }))).toEqual({ error: '' });
    expect(ok(await call(world, 'node2', 'GET', '/1.0/config', { key: 'ovn.central-ips' }))).toEqual({ value: '10.9.0.1,10.9.0.2', isSet: true, error: '' });
    expect(world.northboundConnection()).toBe('ssl:10.9.0.1:6641,ssl:10.9.0.2:6641');
    expect(ok(await call(world, 'node1', 'DELETE', '/1.0/config', { key: 'ovn.central-ips' }))).toEqual({ error: '' });
    expect(world.northboundConnection()).toBe('ssl:10.1.0.11:6641,ssl:10.1.0.12:6641');
  });

  test('with an external central configured, joiners get no central', async () => {
    const { world } = site(2);
    await formCluster(world, 'node1', []);
    ok(await call(world, 'node1', 'POST', '/1.0/config', { key: 'ovn.central-ips', value: '10.9.0.1' }));
    const token = ok(await call(world, 'node1', 'POST', '/core/control/tokens', { name: 'node2', expire_after: 0 })) as string;
    ok(await call(world, 'node2', 'POST', '/core/control', { bootstrap: false, name: 'node2', address: '10.1.0.12:6443', join_token: token }));
    expect(world.services().filter((s) => s.location === 'node2').map((s) => s.service)).toEqual(['chassis', 'switch']);
  });

  test('errors come back in a "Failure" sync response under HTTP 200', async () => {
    const { world } = await cluster(1);
    const bad = await call(world, 'node1', 'POST', '/1.0/config', { key: 'ovn.northd', value: 'x' });
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ type: 'sync', status: 'Failure', status_code: 400, metadata: { error: "config key 'ovn.northd' is not a recognized config option" } });
    const invalid = await call(world, 'node1', 'POST', '/1.0/config', { key: 'ovn.central-ips', value: '10.9.0.1,nope' });
    expect(invalid.body.metadata).toEqual({ error: "configuration for key 'ovn.central-ips' not valid: cannot parse IP address 'nope'" });
    const empty = await call(world, 'node1', 'GET', '/1.0/config');
    expect(empty.body).toMatchObject({ status: 'Failure', metadata: { value: '', isSet: false, error: 'failed to decode config request: EOF' } });
  });
});

describe('MicroOVN: membership', () => {
  test('a removed member leaves no services behind; the NB connection shrinks', async () => {
    const { world } = await cluster(3);
    ok(await call(world, 'node1', 'DELETE', '/core/1.0/cluster/node2'));
    expect(world.services().map((s) => s.location)).not.toContain('node2');
    expect(world.northboundConnection()).toBe('ssl:10.1.0.11:6641,ssl:10.1.0.13:6641');
  });

  test('POST /1.0/env reports members it cannot reach', async () => {
    const { ctx, world } = await cluster(3);
    ctx.setUp('node3', false);
    const md = ok(await call(world, 'node1', 'POST', '/1.0/env'));
    expect(md.success).toBe(true);
    expect(md.error).toHaveLength(1);
  });
});
