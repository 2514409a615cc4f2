// Owned config keys: the tool records each lxd.config key it sets (user.microcloud-apply.owned.<key>,
// in the same PATCH), and a recorded key that leaves the file is unset; a key set by hand, or at the
// file's value before the tool ever had to set it, is left alone. The same for UPLINK's ovn keys.
import { diff } from '../../src/plan/diff.js';
import type { LiveState } from '../../src/live/state.js';
import type { Step } from '../../src/plan/plan.js';
import { renderPlanText } from '../../src/plan/render.js';
import { secretsOf } from '../../src/preseed/desired.js';
import { renderPlanJson } from '../helpers/plan.js';
import { all, bareSite, desired, lxdCluster, machine, OPTS, pick } from './fixtures.js';
import { converge, walk } from './walk.js';

const MARK = 'user.microcloud-apply.owned.';
const NB = 'network.ovn.northbound_connection';
const SECRET = 'maas-api-key-0123456789';
const config = (...lines: string[]) => (lines.length ? ['lxd:', '  config:', ...lines.map((l) => `    ${l}`)] : []);
const withConfig = (...lines: string[]) => desired({ n: 3, cephfs: true, tail: config(...lines) });
const only = (steps: readonly Step[]) => steps.map((s) => ({ address: s.address, action: s.action, changes: s.changes }));

/** Every member's server config (global keys show on each member), changed by hand. */
function byHand(live: LiveState, changes: Record<string, string | undefined>): LiveState {
  const next = structuredClone(live);
  for (const name of Object.keys(next.machines)) {
    const lxd = machine(next, name).lxd!;
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) delete lxd.config[k];
      else lxd.config[k] = v;
    }
  }
  return next;
}

const serverConfig = (live: LiveState) => machine(live, 'node2').lxd!.config;

describe('lxd.config keys the tool sets', () => {
  const file = withConfig('images.auto_update_interval: 0', 'core.proxy_ignore_hosts: 10.0.0.0/8', `maas.api.key: ${SECRET}`);
  const built = byHand(converge(file, bareSite(3)), { 'core.proxy_https': 'http://hand:3128' });

  test('are recorded by name, one user key each; a secret value is never part of the record', () => {
    const cfg = serverConfig(built);
    expect(Object.keys(cfg).filter((k) => k.startsWith(MARK)).sort()).toEqual(
      ['core.proxy_ignore_hosts', 'images.auto_update_interval', 'maas.api.key'].map((k) => MARK + k));
    expect(new Set(Object.entries(cfg).filter(([k]) => k.startsWith(MARK)).map(([, v]) => v))).toEqual(new Set(['true']));
    expect(diff(file, built, OPTS).steps).toEqual([]);
  });

  test('one that leaves the file is unset: ~ update, a → (unset); a key set by hand is not touched', () => {
    const next = withConfig('images.auto_update_interval: 0', `maas.api.key: ${SECRET}`);
    const p = diff(next, built, OPTS);
    expect(only(p.steps)).toEqual([{
      address: 'lxd/server-config/core.proxy_ignore_hosts', action: 'update',
      changes: [{ key: 'core.proxy_ignore_hosts', before: '10.0.0.0/8', after: null }],
    }]);
    expect(p.steps[0]!.inputs).toEqual({ target: null, config: {}, fromFile: true, unset: ['core.proxy_ignore_hosts'] });
    expect(renderPlanText(p)).toContain('    ~ lxd/server-config/core.proxy_ignore_hosts: unset core.proxy_ignore_hosts: no longer in lxd.config, and microcloud-apply set it\n'
      + '        core.proxy_ignore_hosts: 10.0.0.0/8 → (unset)\n');
    const { live } = walk(next, built);
    expect(serverConfig(live)['core.proxy_ignore_hosts']).toBeUndefined();
    expect(serverConfig(live)[`${MARK}core.proxy_ignore_hosts`]).toBeUndefined();
    expect(serverConfig(live)['core.proxy_https']).toBe('http://hand:3128');
    expect(diff(next, live, OPTS).steps).toEqual([]);
  });

  test('an lxd: section taken out whole unsets every recorded key, and only those', () => {
    const { live } = walk(withConfig(), built);
    const cfg = serverConfig(live);
    for (const k of ['images.auto_update_interval', 'core.proxy_ignore_hosts', 'maas.api.key']) expect({ k, v: cfg[k], mark: cfg[MARK + k] }).toEqual({ k, v: undefined, mark: undefined });
    expect(cfg['core.proxy_https']).toBe('http://hand:3128');
  });

  test('a secret one is unset by name: (sensitive) → (unset), its value nowhere in the plan', () => {
    const next = withConfig('images.auto_update_interval: 0', 'core.proxy_ignore_hosts: 10.0.0.0/8');
    const p = diff(next, built, OPTS);
    expect(only(p.steps)).toEqual([{
      address: 'lxd/server-config/maas.api.key', action: 'update', changes: [{ key: 'maas.api.key', before: '(sensitive)', after: null }],
    }]);
    expect(p.steps[0]!.inputs).toEqual({ target: null, config: {}, fromFile: true, unset: ['maas.api.key'] });
    expect(renderPlanText(p)).not.toContain(SECRET);
    expect(renderPlanJson(p, secretsOf(file))).not.toContain(SECRET);
    expect(serverConfig(walk(next, built).live)['maas.api.key']).toBeUndefined();
  });

  test('`key: ""` unsets it and drops the record, so it is nobody\'s afterwards', () => {
    const emptied = withConfig('images.auto_update_interval: ""', 'core.proxy_ignore_hosts: 10.0.0.0/8', `maas.api.key: ${SECRET}`);
    const { live } = walk(emptied, built);
    expect(serverConfig(live)[`${MARK}images.auto_update_interval`]).toBeUndefined();
    const later = byHand(live, { 'images.auto_update_interval': '6' });
    expect(diff(withConfig('core.proxy_ignore_hosts: 10.0.0.0/8', `maas.api.key: ${SECRET}`), later, OPTS).steps).toEqual([]);
  });

  test('one unset by hand needs no step; its record stays until the tool sets the key again', () => {
    const unsetByHand = byHand(built, { 'core.proxy_ignore_hosts': undefined });
    expect(diff(withConfig('images.auto_update_interval: 0', `maas.api.key: ${SECRET}`), unsetByHand, OPTS).steps).toEqual([]);
  });

  test('an add-style file (the new machine only) sets its keys but unsets nothing', () => {
    const site: LiveState = pick({ '10.1.0.11': [built, 'node1'], node4: [bareSite(4), 'node4'] });
    const add = desired({ n: 4, listed: [4], cephfs: true, tail: config('images.auto_update_interval: 0') });
    const p = diff(add, site, OPTS);
    expect(p.mode).toBe('add');
    expect(p.steps.filter((s) => s.kind === 'lxd-server-config' && s.inputs.target === null)).toEqual([]);
  });

  test("the file's northbound connection, once dropped, goes back to MicroOVN's, not unset", () => {
    const nb = withConfig(`${NB}: tcp:10.99.0.1:6641`);
    const live = converge(nb, bareSite(3));
    expect(serverConfig(live)[MARK + NB]).toBe('true');
    const back = diff(withConfig(), live, OPTS).steps.filter((s) => s.address === `lxd/server-config/${NB}`);
    expect(only(back)).toEqual([{
      address: `lxd/server-config/${NB}`, action: 'update',
      changes: [{ key: NB, before: 'tcp:10.99.0.1:6641', after: 'ssl:10.1.0.11:6641,ssl:10.1.0.12:6641,ssl:10.1.0.13:6641' }],
    }]);
  });
});

describe('a key the file carries at its live value (an exported file)', () => {
  const before = converge(withConfig(), bareSite(3));
  const site = byHand(before, { 'images.auto_update_interval': '0' });
  const file = withConfig('images.auto_update_interval: 0');

  test('plans nothing: no step only to record ownership', () => {
    expect(diff(file, site, OPTS).steps).toEqual([]);
  });

  test('is not the tool\'s: taken out of the file, it keeps its value', () => {
    expect(diff(withConfig(), site, OPTS).steps).toEqual([]);
  });

  test('becomes the tool\'s once the tool sets it (drift put back), and is then unset when taken out', () => {
    const { live } = walk(file, byHand(site, { 'images.auto_update_interval': '12' }));
    expect(serverConfig(live)[`${MARK}images.auto_update_interval`]).toBe('true');
    expect(only(diff(withConfig(), live, OPTS).steps)).toEqual([{
      address: 'lxd/server-config/images.auto_update_interval', action: 'update',
      changes: [{ key: 'images.auto_update_interval', before: '0', after: null }],
    }]);
  });

  test('a record naming a key the file may not hold (written by hand) is ignored', () => {
    const forged = byHand(site, { [`${MARK}core.https_address`]: 'true', [`${MARK}user.microcloud`]: 'true' });
    expect(diff(withConfig(), forged, OPTS).steps).toEqual([]);
  });
});

describe("UPLINK's ovn keys", () => {
  const file = desired({ n: 3, cephfs: true });
  const built = converge(file, bareSite(3));
  const uplink = (live: LiveState) => lxdCluster(live, 'node1').networks.find((n) => n.name === 'UPLINK')!;

  test('the tool records the keys it created UPLINK with', () => {
    expect(Object.keys(uplink(built).config).filter((k) => k.startsWith(MARK)).sort())
      .toEqual(['dns.nameservers', 'ipv4.gateway', 'ipv4.ovn.ranges'].map((k) => MARK + k));
  });

  test('one the tool set and the file drops is unset; one set by hand is not touched', () => {
    const site = structuredClone(built);
    uplink(site).config['ipv6.gateway'] = '2001:db8::1/64';
    const dropped = { ...file, ovn: { ...file.ovn, dnsServers: [] } };
    const p = diff(dropped, site, OPTS);
    expect(only(p.steps)).toEqual([{
      address: 'lxd/network/UPLINK', action: 'update', changes: [{ key: 'dns.nameservers', before: '10.1.1.1', after: null }],
    }]);
    const { live } = walk(dropped, site);
    expect(uplink(live).config['dns.nameservers']).toBeUndefined();
    expect(uplink(live).config[`${MARK}dns.nameservers`]).toBeUndefined();
    expect(uplink(live).config['ipv6.gateway']).toBe('2001:db8::1/64');
    expect(uplink(live).config['ipv4.gateway']).toBe('10.1.1.1/24');
  });

  test('keys at the file\'s value but never set by the tool plan nothing, and are not unset when dropped', () => {
    const site = structuredClone(built);
    for (const k of Object.keys(uplink(site).config)) if (k.startsWith(MARK)) delete uplink(site).config[k];
    expect(diff(file, site, OPTS).steps).toEqual([]);
    const dropped = { ...file, ovn: { ...file.ovn, dnsServers: [] } };
    expect(diff(dropped, site, OPTS).steps).toEqual([]);
  });

  test('drift in a key the file gives is put back, and the key recorded', () => {
    const site = structuredClone(built);
    for (const k of Object.keys(uplink(site).config)) if (k.startsWith(MARK)) delete uplink(site).config[k];
    uplink(site).config['ipv4.ovn.ranges'] = '10.1.1.150-10.1.1.160';
    const p = diff(file, site, OPTS);
    expect(only(p.steps)).toEqual([{
      address: 'lxd/network/UPLINK', action: 'update',
      changes: [{ key: 'ipv4.ovn.ranges', before: '10.1.1.150-10.1.1.160', after: '10.1.1.100-10.1.1.254' }],
    }]);
    const { live } = walk(file, site);
    expect(uplink(live).config[`${MARK}ipv4.ovn.ranges`]).toBe('true');
    expect(uplink(live).config[`${MARK}ipv4.gateway`]).toBeUndefined();
  });

  test('growing the site keeps the record and plans nothing for UPLINK', () => {
    const four = desired({ n: 4, cephfs: true });
    const grown = converge(four, pick({ ...all(built), node4: [bareSite(4), 'node4'] }));
    expect(diff(four, grown, OPTS).steps).toEqual([]);
    expect(uplink(grown).config[`${MARK}ipv4.gateway`]).toBe('true');
  });
});
