// A joiner whose daemon is already initialized is refused before anything is sent to it, and the
// refusal says which cluster it is in: another one, or the anchor's own that does not list it yet
// (the old wording said "a cluster that node1 is not part of" in both cases).
import { describe, expect, test } from '@jest/globals';
import { alreadyClustered } from '../../src/apply/steps/micro.js';
import { FakeHost } from '../services/fake-host.js';

function initializedJoiner(service: 'microceph' | 'microcloud', members: string[]): FakeHost {
  const h = new FakeHost('node2');
  h.answers.set(`${service} /core/1.0`, { ready: true, name: 'node2', version: '19.2.0' });
  h.answers.set(`${service} /core/1.0/cluster`, members.map((name) => ({ name, address: `${name}:7443`, status: 'ONLINE' })));
  return h;
}

describe('an initialized joiner', () => {
  test('in another cluster: names its members and says the anchor is not part of it', async () => {
    const err = await alreadyClustered(initializedJoiner('microceph', ['node2', 'other1']), 'microceph', 'node1');
    expect(err.message).toBe('MicroCeph on node2 already belongs to another cluster (its members: node2, other1), which node1 is not part of: ' +
      "remove it from that cluster (or reinstall the snap) before joining it to node1's");
  });

  test("in the anchor's own cluster that does not list it: an unfinished join, not another cluster", async () => {
    const err = await alreadyClustered(initializedJoiner('microcloud', ['node1', 'node2']), 'microcloud', 'node1');
    expect(err.message).toContain("MicroCloud on node2 is already initialized in node1's cluster (its members: node1, node2), but node1 does not list it");
    expect(err.message).not.toContain('not part of');
  });
});
