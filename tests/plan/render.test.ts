// The plan for people and for programs, and the live-state fingerprint a saved plan is checked with.
import { diff } from '../../src/plan/diff.js';
import { canonicalJson, liveFingerprint } from '../../src/plan/fingerprint.js';
import { Secret } from '../../src/secrets.js';
import { assertNoSecrets, closingLine, renderPlanText, SecretInPlanError } from '../../src/plan/render.js';
import { renderPlanJson } from '../helpers/plan.js';
import { bareSite, desired, lxdCluster, machine, OPTS } from './fixtures.js';
import { converge } from './walk.js';

const d = desired({ n: 3, cephfs: true });
const fresh = diff(d, bareSite(3), OPTS);
const built = converge(d, bareSite(3));

describe('text', () => {
  const text = renderPlanText(fresh);

  test('groups steps by machine and service with + markers, shows the disks, and closes with the summary', () => {
    expect(text).toContain('Plan (bootstrap with initiator node1)');
    expect(text).toMatch(/^Disks:\n {2}node1 {2}local {2}\/dev\/disk\/by-id\/nvme-/m);
    expect(text).toMatch(/^node2:\n {2}MicroCeph\n {4}\+ microceph\/member\/node2: join node2 to MicroCeph$/m);
    expect(text).toMatch(/^cluster-wide \(through node1\):\n {2}LXD\n {4}\+ lxd\/server-config\/network\.ovn\.northbound_connection: /m);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 43 to add, 0 to change, 0 to destroy.');
  });

  test('updates show ~ and before → after', () => {
    const live = structuredClone(built);
    for (const n of ['node1', 'node2', 'node3']) machine(live, n).lxd!.networks.find((x) => x.name === 'UPLINK')!.config['ipv4.gateway'] = '10.1.1.254/24';
    const out = renderPlanText(diff(d, live, OPTS));
    expect(out).toContain('    ~ lxd/network/UPLINK: update network UPLINK\n        ipv4.gateway: 10.1.1.254/24 → 10.1.1.1/24\n');
    expect(out.trimEnd().split('\n').at(-1)).toBe('Plan: 0 to add, 1 to change, 0 to destroy.');
  });

  test('a matching site and a failed preflight close with their own lines', () => {
    expect(closingLine(diff(d, built, OPTS))).toBe('No changes. The site matches the file.');
    const broken = structuredClone(built);
    machine(broken, 'node2').host.hostname = 'other';
    const out = renderPlanText(diff(d, broken, OPTS));
    expect(out).toContain('  error   node2: the machine reached as node2 has the hostname "other"\n          hint: ');
    expect(out.trimEnd().split('\n').at(-1)).toBe('Planning failed: 1 error. Nothing will be changed.');
  });
});

describe('JSON', () => {
  test('is a versioned document with a summary, and carries no secret', () => {
    const doc = JSON.parse(renderPlanJson(fresh, d.sessionPassphrase ? [d.sessionPassphrase] : []));
    expect(doc).toMatchObject({ kind: 'microcloud-apply/plan', format_version: 1, mode: 'bootstrap', initiator: 'node1',
      preseedDigest: 'sha256:0000', summary: { add: 43, change: 0, destroy: 0 } });
    expect(doc.liveFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(doc.steps).toHaveLength(43);
    expect(JSON.stringify(doc)).not.toContain('s3cret-Passphrase-42');
  });

  test('assertNoSecrets refuses a Secret, a secret-looking key or a secret\'s text', () => {
    const secret = new Secret('hunter2-hunter2');
    expect(() => assertNoSecrets({ steps: [{ inputs: { x: secret } }] })).toThrow(SecretInPlanError);
    expect(() => assertNoSecrets({ steps: [{ inputs: { join_token: 'abc' } }] })).toThrow('a key named like a secret at $.steps[0].inputs.join_token');
    expect(() => assertNoSecrets({ reason: 'uses hunter2-hunter2' }, [secret])).toThrow('the plan reveals a secret at $.reason');
    expect(() => assertNoSecrets(JSON.parse(JSON.stringify(fresh)), [secret])).not.toThrow();
  });
});

describe('live-state fingerprint', () => {
  test('is stable under key order and members\' momentary status', () => {
    const live = structuredClone(built);
    for (const m of machine(live, 'node1').lxd!.members) m.status = 'Offline';
    machine(live, 'node2').microceph!.members[0]!.status = 'UNREACHABLE';
    const reverse = (v: unknown): unknown => (v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)]))
      : Array.isArray(v) ? v.map(reverse) : v);
    const reordered = reverse(built) as typeof built;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(built));
    expect(canonicalJson(reordered)).toBe(canonicalJson(built));
    expect(liveFingerprint(live)).toBe(liveFingerprint(built));
    expect(liveFingerprint(reordered)).toBe(liveFingerprint(built));
  });

  test('changes when a fact the plan depends on changes', () => {
    const live = structuredClone(built);
    lxdCluster(live, 'node3').pools.find((p) => p.name === 'local')!.status = 'Errored';
    expect(liveFingerprint(live)).not.toBe(liveFingerprint(built));
    expect(diff(d, live, OPTS).liveFingerprint).toBe(liveFingerprint(live));
  });
});
