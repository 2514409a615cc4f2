// The file's lxd.config: one cluster-wide step per key that differs, after every LXD join; the file's
// northbound connection instead of MicroOVN's; secrets compared but never shown; drift corrected;
// nothing planned on a matching site, and nothing unset when a key the tool did not set leaves the file.
import { diff } from '../../src/plan/diff.js';
import type { LiveState } from '../../src/live/state.js';
import type { Step } from '../../src/plan/plan.js';
import { renderPlanText } from '../../src/plan/render.js';
import { renderPlanJson } from '../helpers/plan.js';
import { secretsOf } from '../../src/preseed/desired.js';
import { all, bareSite, desired, EXT_6_8, machine, OPTS, pick } from './fixtures.js';
import { converge, precedes, seededPicker, walk } from './walk.js';

const NB = 'network.ovn.northbound_connection';
const SECRET = 'maas-api-key-0123456789';
const config = (...lines: string[]) => ['lxd:', '  config:', ...lines.map((l) => `    ${l}`)];
const withConfig = (n: number, ...lines: string[]) => desired({ n, cephfs: true, tail: config(...lines) });

const byAddress = (steps: readonly Step[], address: string): Step => {
  const s = steps.find((x) => x.address === address);
  if (!s) throw new Error(`no step ${address} in ${steps.map((x) => x.address).join(', ')}`);
  return s;
};
const only = (steps: readonly Step[]) => steps.map((s) => ({ address: s.address, action: s.action, changes: s.changes }));

/** The live state with one server config key changed on every member (global keys show on each). */
function edited(live: LiveState, key: string, value: string | undefined): LiveState {
  const next = structuredClone(live);
  for (const name of Object.keys(next.machines)) {
    const lxd = machine(next, name).lxd!;
    if (value === undefined) delete lxd.config[key];
    else lxd.config[key] = value;
  }
  return next;
}

describe('a fresh bootstrap', () => {
  const d = withConfig(3, 'images.auto_update_interval: 0', 'instances.migration.stateful: true');
  const steps = diff(d, bareSite(3), OPTS).steps;

  test('one step per key, on the initiator, cluster-wide, from the file', () => {
    expect(byAddress(steps, 'lxd/server-config/images.auto_update_interval')).toMatchObject({
      kind: 'lxd-server-config', service: 'lxd', machine: 'node1', action: 'create', changes: [],
      reason: 'set images.auto_update_interval to "0" (lxd.config)',
      inputs: { target: null, config: { 'images.auto_update_interval': '0' }, fromFile: true },
    });
    expect(byAddress(steps, 'lxd/server-config/instances.migration.stateful').inputs).toEqual({ target: null, config: { 'instances.migration.stateful': 'true' }, fromFile: true });
    expect(renderPlanText(diff(d, bareSite(3), OPTS))).toMatch(/^cluster-wide \(through node1\):\n {2}LXD\n(?: {4}.*\n)* {4}\+ lxd\/server-config\/images\.auto_update_interval: set images\.auto_update_interval to "0" \(lxd\.config\)$/m);
  });

  test('runs after the LXD bootstrap and every join', () => {
    for (const a of ['lxd/cluster@node1', 'lxd/member/node2', 'lxd/member/node3']) {
      expect({ a, precedes: precedes(steps, a, 'lxd/server-config/images.auto_update_interval') }).toEqual({ a, precedes: true });
    }
  });

  test('the northbound connection the tool computes also waits for the LXD joins', () => {
    expect(precedes(steps, 'lxd/member/node3', `lxd/server-config/${NB}`)).toBe(true);
  });

  test('walks down to an empty plan in any order', () => {
    walk(d, bareSite(3));
    walk(d, bareSite(3), seededPicker(7));
  });
});

describe("the file's northbound connection", () => {
  const file = withConfig(3, `${NB}: tcp:10.99.0.1:6641`);

  test('is used as written instead of MicroOVN\'s, and the OVN network still waits for it', () => {
    const steps = diff(file, bareSite(3), OPTS).steps;
    expect(steps.filter((s) => s.address === `lxd/server-config/${NB}`)).toHaveLength(1);
    expect(byAddress(steps, `lxd/server-config/${NB}`).inputs).toEqual({ target: null, config: { [NB]: 'tcp:10.99.0.1:6641' }, fromFile: true });
    expect(precedes(steps, `lxd/server-config/${NB}`, 'lxd/network/default')).toBe(true);
    expect(precedes(steps, 'lxd/member/node3', `lxd/server-config/${NB}`)).toBe(true);
  });

  test('is set even where LXD finds MicroOVN by itself', () => {
    const steps = diff(file, bareSite(3, { extensions: EXT_6_8 }), OPTS).steps;
    expect(byAddress(steps, `lxd/server-config/${NB}`).inputs).toMatchObject({ config: { [NB]: 'tcp:10.99.0.1:6641' } });
  });

  test('converges, and MicroOVN\'s value on the site is drift', () => {
    const live = converge(file, bareSite(3));
    expect(machine(live, 'node3').lxd!.config[NB]).toBe('tcp:10.99.0.1:6641');
    expect(diff(file, live, OPTS).steps).toEqual([]);
    const computed = 'ssl:10.1.0.11:6641,ssl:10.1.0.12:6641,ssl:10.1.0.13:6641';
    expect(only(diff(file, edited(live, NB, computed), OPTS).steps)).toEqual([{
      address: `lxd/server-config/${NB}`, action: 'update', changes: [{ key: NB, before: computed, after: 'tcp:10.99.0.1:6641' }],
    }]);
  });
});

describe('on a built site', () => {
  const d = withConfig(3, 'images.auto_update_interval: 0', 'core.proxy_ignore_hosts: 10.0.0.0/8');
  const built = converge(d, bareSite(3));

  test('nothing is planned when the site matches', () => {
    expect(diff(d, built, OPTS).steps).toEqual([]);
  });

  test('a value changed on the site is put back, one key one step', () => {
    const live = edited(built, 'images.auto_update_interval', '12');
    expect(only(diff(d, live, OPTS).steps)).toEqual([{
      address: 'lxd/server-config/images.auto_update_interval', action: 'update',
      changes: [{ key: 'images.auto_update_interval', before: '12', after: '0' }],
    }]);
    walk(d, live);
  });

  test('a key unset on the site is set again', () => {
    expect(only(diff(d, edited(built, 'core.proxy_ignore_hosts', undefined), OPTS).steps)).toEqual([
      { address: 'lxd/server-config/core.proxy_ignore_hosts', action: 'create', changes: [] },
    ]);
  });

  test('a key that leaves the file keeps its live value unless the tool set it (tests/plan/owned-keys.test.ts)', () => {
    const byHand = edited(built, 'user.microcloud-apply.owned.core.proxy_ignore_hosts', undefined);
    expect(diff(withConfig(3, 'images.auto_update_interval: 0'), byHand, OPTS).steps).toEqual([]);
  });

  test('"" asks for the key to be unset', () => {
    const unset = withConfig(3, 'images.auto_update_interval: ""', 'core.proxy_ignore_hosts: 10.0.0.0/8');
    expect(only(diff(unset, built, OPTS).steps)).toEqual([{
      address: 'lxd/server-config/images.auto_update_interval', action: 'update',
      changes: [{ key: 'images.auto_update_interval', before: '0', after: null }],
    }]);
    walk(unset, built);
  });
});

describe('secret values', () => {
  const d = withConfig(3, `maas.api.key: ${SECRET}`, 'cluster.join_token_expiry: 3H');
  const fresh = diff(d, bareSite(3), OPTS);

  test('are left out of the plan: the step names the key, apply is given the value', () => {
    expect(byAddress(fresh.steps, 'lxd/server-config/maas.api.key')).toMatchObject({
      action: 'create', reason: 'set maas.api.key to (sensitive) (lxd.config)',
      inputs: { target: null, config: {}, fromFile: true, sensitive: ['maas.api.key'] },
    });
    expect(renderPlanText(fresh)).not.toContain(SECRET);
    const json = renderPlanJson(fresh, secretsOf(d));
    expect(json).not.toContain(SECRET);
    // A key that merely mentions a token is no secret, and the plan may carry it.
    expect(JSON.parse(json).steps.find((s: Step) => s.address === 'lxd/server-config/cluster.join_token_expiry').inputs.config)
      .toEqual({ 'cluster.join_token_expiry': '3H' });
  });

  test('drift is found by comparing values, and shown only as (sensitive)', () => {
    const built = converge(d, bareSite(3));
    const live = edited(built, 'maas.api.key', SECRET);
    expect(diff(d, live, OPTS).steps).toEqual([]);
    const drifted = diff(d, edited(built, 'maas.api.key', 'someone-elses-key'), OPTS);
    expect(only(drifted.steps)).toEqual([{
      address: 'lxd/server-config/maas.api.key', action: 'update', changes: [{ key: 'maas.api.key', before: '(sensitive)', after: '(sensitive)' }],
    }]);
    const text = renderPlanText(drifted);
    expect(text).toContain('    ~ lxd/server-config/maas.api.key: set maas.api.key to (sensitive) (lxd.config)\n        maas.api.key: (sensitive) → (sensitive)\n');
    expect(text).not.toContain('someone-elses-key');
    expect(renderPlanJson(drifted, secretsOf(d))).not.toContain('someone-elses-key');
  });

  test('a key LXD hides (shown as true once set) counts as set', () => {
    const hidden = withConfig(3, 'core.trust_password: sesame-open-42');
    const built = converge(hidden, bareSite(3));
    expect(machine(built, 'node2').lxd!.config['core.trust_password']).toBe('true');
    expect(diff(hidden, built, OPTS).steps).toEqual([]);
    expect(only(diff(hidden, edited(built, 'core.trust_password', undefined), OPTS).steps)).toEqual([
      { address: 'lxd/server-config/core.trust_password', action: 'create', changes: [] },
    ]);
  });

  test('walks down to an empty plan', () => {
    walk(d, bareSite(3), seededPicker(3));
  });
});

describe('growing the cluster', () => {
  const three = withConfig(3, 'images.auto_update_interval: 0');
  const built = converge(three, bareSite(3));
  const live: LiveState = pick({ ...all(built), node4: [bareSite(4), 'node4'] });

  test('a key already set needs nothing; one added with the new machine waits for its join', () => {
    const four = withConfig(4, 'images.auto_update_interval: 0', 'core.proxy_https: http://proxy:3128');
    const p = diff(four, live, OPTS);
    expect(p.steps.map((s) => s.address)).not.toContain('lxd/server-config/images.auto_update_interval');
    expect(precedes(p.steps, 'lxd/member/node4', 'lxd/server-config/core.proxy_https')).toBe(true);
    expect(diff(four, converge(four, live), OPTS).steps).toEqual([]);
  });

  test('an add-style file (the new machine only) sets the file\'s keys through the existing cluster', () => {
    // Gather reads the initiator too, keyed by its address in a unicast add file.
    const site: LiveState = pick({ '10.1.0.11': [built, 'node1'], node4: [bareSite(4), 'node4'] });
    const add = desired({ n: 4, listed: [4], cephfs: true, tail: config('images.auto_update_interval: 0', 'core.proxy_https: http://proxy:3128') });
    const p = diff(add, site, OPTS);
    expect(p.mode).toBe('add');
    expect(p.steps.map((s) => s.address)).not.toContain('lxd/server-config/images.auto_update_interval');
    expect(byAddress(p.steps, 'lxd/server-config/core.proxy_https')).toMatchObject({ machine: '10.1.0.11', inputs: { target: null } });
    expect(precedes(p.steps, 'lxd/member/node4', 'lxd/server-config/core.proxy_https')).toBe(true);
    walk(add, site);
  });
});

// MicroCloud's LXD Bootstrap and Join (canonical/microcloud service/lxd.go, f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741).
describe('what MicroCloud sets besides the file', () => {
  const plain = desired({ n: 3, cephfs: true });
  const built = converge(plain, bareSite(3));

  test('bootstrap turns on stateful migration where LXD has instances_migration_stateful, not on Debian 5.0.2', () => {
    const withExt = byAddress(diff(plain, bareSite(3), OPTS).steps, 'lxd/server-config/bootstrap@node1');
    expect(withExt.inputs).toMatchObject({ target: 'node1', config: { 'instances.migration.stateful': 'true', 'core.https_address': '[::]:8443' } });
    const deb = bareSite(3, { extensions: ['clustering', 'clustering_join', 'network_type_ovn', 'network_type_physical'] });
    const without = byAddress(diff(plain, deb, OPTS).steps, 'lxd/server-config/bootstrap@node1');
    expect(Object.keys((without.inputs as { config: Record<string, string> }).config)).not.toContain('instances.migration.stateful');
    expect(machine(built, 'node2').lxd!.config['instances.migration.stateful']).toBe('true');
  });

  test("the file's instances.migration.stateful wins over the bootstrap's", () => {
    const d = withConfig(3, 'instances.migration.stateful: false');
    const steps = diff(d, bareSite(3), OPTS).steps;
    expect(Object.keys((byAddress(steps, 'lxd/server-config/bootstrap@node1').inputs as { config: Record<string, string> }).config)).not.toContain('instances.migration.stateful');
    const { live } = walk(d, bareSite(3));
    expect(machine(live, 'node1').lxd!.config['instances.migration.stateful']).toBe('false');
  });

  test("each joiner listens on [::]:8443 once it has joined, on itself; the initiator's comes from the bootstrap", () => {
    const steps = diff(plain, bareSite(3), OPTS).steps;
    for (const m of ['node2', 'node3']) {
      expect(byAddress(steps, `lxd/server-config/listen@${m}`)).toMatchObject({
        machine: m, action: 'create', inputs: { target: m, config: { 'core.https_address': '[::]:8443' } },
      });
      expect(precedes(steps, `lxd/member/${m}`, `lxd/server-config/listen@${m}`)).toBe(true);
    }
    expect(steps.some((s) => s.address === 'lxd/server-config/listen@node1')).toBe(false);
    for (const m of ['node1', 'node2', 'node3']) expect(machine(built, m).lxd!.config['core.https_address']).toBe('[::]:8443');
    expect(diff(plain, built, OPTS).steps).toEqual([]);
  });

  test("a joiner's core.https_address put elsewhere is put back, as an update", () => {
    const next = structuredClone(built);
    machine(next, 'node3').lxd!.config['core.https_address'] = '10.1.0.13:9443';
    expect(only(diff(plain, next, OPTS).steps)).toEqual([{
      address: 'lxd/server-config/listen@node3', action: 'update',
      changes: [{ key: 'core.https_address', before: '10.1.0.13:9443', after: '[::]:8443' }],
    }]);
    walk(plain, next);
  });
});
