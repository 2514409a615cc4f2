// gather without a network: scripted hosts through connectFn. Failing machines become reasons, the
// others are read; connections are kept in target order and closed once.
import { DEFAULT_READ_PARALLELISM, gather } from '../../src/site/gather.js';
import { HostKeyMismatch, type Host, type SshTarget } from '../../src/remote/index.js';
import { FakeHost } from '../services/fake-host.js';

function bareHost(name: string): FakeHost {
  const h = new FakeHost(name);
  h.commands.set('hostname', `${name}\n`);
  h.commands.set('ip -d -j address show', '[{"ifname":"eth0","flags":["UP"],"link_type":"ether","addr_info":[]},{"ifname":"br0","flags":["UP"],"link_type":"ether","addr_info":[]}]');
  h.commands.set('ip -4 -j route show default', '[]');
  h.answers.set('snapd /v2/snaps', [{ name: 'lxd', version: '5.21.3', revision: '1', 'tracking-channel': '5.21/stable' }]);
  h.answers.set('snapd /v2/system-info', { version: '2.66.1' });
  h.answers.set('lxd /1.0', { api_extensions: [], config: {}, environment: { server_clustered: false, server_name: name, server_version: '5.21.3' } });
  h.answers.set('lxd /1.0/storage-pools?recursion=1', []);
  h.answers.set('lxd /1.0/networks?recursion=1', [{ name: 'br0', type: 'bridge', managed: false }]);
  h.answers.set('lxd /1.0/profiles/default', { config: {}, devices: {} });
  h.answers.set('lxd /1.0/resources', { storage: { disks: [] } });
  h.missing.add('microceph');
  h.missing.add('microovn');
  return h;
}

test('connect failures and read failures become reasons; the rest is read; hosts in target order', async () => {
  const hosts = new Map<string, FakeHost>([['a', bareHost('a')], ['c', bareHost('c')]]);
  hosts.get('c')!.commands.delete('ip -d -j address show');
  const closed: string[] = [];
  for (const [k, h] of hosts) h.close = async () => { closed.push(k); };
  const connectFn = async (t: SshTarget): Promise<Host> => {
    if (t.name === 'b') throw new HostKeyMismatch('b', 'changed', ['SHA256:old'], 'SHA256:new', 'b: host key mismatch for b:22: expected SHA256:old (pinned host_key), presented SHA256:new');
    await new Promise((r) => setTimeout(r, t.name === 'a' ? 20 : 0));
    return hosts.get(t.name)!;
  };
  const targets = ['a', 'b', 'c'].map((key) => ({ key, target: { name: key, host: key } }));
  const g = await gather(targets, { connectFn });
  expect(Object.keys(g.live.machines)).toEqual(['a', 'b', 'c']);
  const a = g.live.machines['a'];
  expect(a).toMatchObject({ reachable: true, host: { hostname: 'a', snaps: [{ name: 'lxd', version: '5.21.3' }] }, microceph: null, microovn: null });
  // LXD knows br0 is a bridge, which `ip` without link details could not tell.
  expect(a?.reachable && a.host.interfaces.map((i) => [i.name, i.kind])).toEqual([['eth0', 'physical'], ['br0', 'bridge']]);
  expect(g.live.machines['b']).toEqual({ reachable: false, reason: 'host key mismatch for b:22: expected SHA256:old (pinned host_key), presented SHA256:new' });
  expect(g.live.machines['c']).toEqual({ reachable: false, reason: expect.stringMatching(/^connected, but reading it failed: command `ip -d -j address show` exited with status 127: bash: ip: command not found/) });
  expect([...g.hosts.keys()]).toEqual(['a', 'c']);
  await g.close();
  await g.close();
  expect(closed.sort()).toEqual(['a', 'c']);
});

/** Gathers `machines` that all refuse, 10 ms each; the most connects at once, and the reasons. */
async function peakConnects(machines: number, parallelism?: number): Promise<{ peak: number; reasons: unknown[] }> {
  let running = 0;
  let peak = 0;
  const connectFn = async (t: SshTarget): Promise<Host> => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 10));
    running--;
    throw new Error(`${t.name}: refused`);
  };
  const targets = Array.from({ length: machines }, (_, i) => ({ key: `m${i}`, target: { name: `m${i}`, host: `m${i}` } }));
  const g = await gather(targets, { connectFn, ...(parallelism !== undefined ? { parallelism } : {}) });
  return { peak, reasons: Object.values(g.live.machines).map((m) => (m.reachable ? 'read' : m.reason)) };
}

test('without --parallelism, up to 64 machines are read at once: a 50-machine site in one wave', async () => {
  expect(DEFAULT_READ_PARALLELISM).toBe(64);
  expect((await peakConnects(50)).peak).toBe(50);
  expect((await peakConnects(70)).peak).toBe(64);
});

test('--parallelism bounds how many machines are connected and read at once', async () => {
  expect((await peakConnects(7, 1)).peak).toBe(1);
  const { peak, reasons } = await peakConnects(7, 3);
  expect(peak).toBe(3);
  expect(reasons).toEqual(Array(7).fill('refused'));
});
