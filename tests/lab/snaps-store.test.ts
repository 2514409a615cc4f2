// The lab store's two tracks per snap with the bases and `assumes` each project's snapcraft.yaml
// gives (src/lab/snapd/store.ts names the branches and commits), and snapd refusing a revision
// whose `assumes` its version does not meet (overlord/snapstate validateInfoAndFlags at bee548f7).
import { labSpec } from './specs.js';
import { snapdLab } from './snapd-client.js';

const bare = (name: string, snapd?: { version: string; revision: string }) => labSpec(name, { snaps: [], ...(snapd ? { snapd } : {}) });

test('each channel\'s revision, version and base as installed', async () => {
  const { act, call } = snapdLab([bare('node1', { version: '2.75.1', revision: '25390' })]);
  const wanted: [string, string, string, string, string][] = [
    ['lxd', '5.21/stable', '33110', '5.21.3', 'core24'], ['lxd', '6/stable', '36971', '6.8', 'core24'],
    ['microceph', 'squid/stable', '1228', '19.2.0', 'core24'], ['microceph', 'tentacle/stable', '1550', '20.2.0', 'core24'],
    ['microovn', '24.03/stable', '667', '24.03.2', 'core24'], ['microovn', '26.03/stable', '1012', '26.03.0', 'core26'],
    ['microcloud', '2/stable', '1144', '2.1.3', 'core24'], ['microcloud', '3/stable', '1921', '3.4', 'core24'],
  ];
  const seen: string[][] = [];
  for (const [name, channel] of wanted) {
    const installed = (await call('node1', 'GET', `/v2/snaps/${name}`)).status === 200;
    const c = await act('node1', `/v2/snaps/${name}`, { action: installed ? 'refresh' : 'install', channel });
    expect(c.status).toBe('Done');
    const s = (await call('node1', 'GET', `/v2/snaps/${name}`)).body.result;
    seen.push([s.name, s['tracking-channel'], s.revision, s.version, s.base]);
  }
  expect(seen).toEqual(wanted);
});

test('microovn 26.03 assumes snapd 2.73: refused on the lab\'s default snapd (2.66.1), taken on a newer one', async () => {
  const { call, act } = snapdLab([bare('node1'), bare('node2', { version: '2.73', revision: '24900' })]);
  expect(await call('node1', 'POST', '/v2/snaps/microovn', { action: 'install', channel: '26.03/stable' })).toMatchObject({
    status: 400,
    body: { result: { message: 'cannot install "microovn": snap "microovn" assumes unsupported features: snapd2.73 (try to refresh snapd)' } },
  });
  expect((await act('node2', '/v2/snaps/microovn', { action: 'install', channel: '26.03/stable' })).status).toBe('Done');
  // 24.03 assumes only snapd 2.59.
  expect((await act('node1', '/v2/snaps/microovn', { action: 'install', channel: '24.03/stable' })).status).toBe('Done');
  expect(await call('node1', 'POST', '/v2/snaps/microovn', { action: 'refresh', channel: '26.03/stable' })).toMatchObject({
    status: 400, body: { result: { message: expect.stringContaining('assumes unsupported features: snapd2.73') } },
  });
});
