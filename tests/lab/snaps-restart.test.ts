// The lab's snaps bring their daemons with them: an install's daemon answers only once its services
// started (fresh, uninitialized, the store's version), a refresh stops it — its socket refuses, its
// peers see it gone — and starts the new version. Peers' views as upstream computes them: LXD's
// member status (canonical/lxd lxd/db/node.go NodeInfo.ToAPI at a83edf2a), microcluster's member
// list (canonical/microcluster internal/rest/resources/cluster.go clusterGet at e950e52e: a member
// is UNREACHABLE unless its ready check answers), Ceph's health checks.
import { defaultMachineSpecs } from '../../src/lab/machines.js';
import { SOCKET_PATHS } from '../../src/lab/types.js';
import { call as microCall, ok as microOk } from './micro-client.js';
import { formCeph, formLxd, formMicro, snapSite, type SnapSite } from './snaps-site.js';
import { closeAll, connect, httpOverSsh, openSocket, type SshClient } from './ssh-helpers.js';

let s: SnapSite | undefined;
const clients: SshClient[] = [];
afterEach(async () => {
  closeAll(clients.splice(0));
  await s?.stop();
  s = undefined;
});

const statuses = (members: any[]): string[][] => members.map((m) => [m.server_name ?? m.name, m.status]);

describe('install', () => {
  test('no socket before; after the change is Done the daemon still starts (refused), then answers fresh with the store version', async () => {
    s = await snapSite({ nodes: 1, withoutSnaps: true, durations: { daemonStart: 200 } });
    const c = await connect(s.site, 'node1');
    clients.push(c);
    await expect(openSocket(c, SOCKET_PATHS.lxdSnap)).rejects.toThrow();

    const change = await s.act('node1', 'lxd', { action: 'install', channel: '5.21/stable' });
    expect(change).toMatchObject({ kind: 'install-snap', status: 'Done', ready: true });
    // Listed by snapd, but its daemon is still starting: nothing listens on the socket yet.
    expect((await s.req('node1', 'snapd', 'GET', '/v2/snaps/lxd')).body.result).toMatchObject({ version: '5.21.3' });
    expect(s.site.daemonUp('node1', 'lxd')).toBe(false);
    await expect(openSocket(c, SOCKET_PATHS.lxdSnap)).rejects.toThrow();

    await s.site.snapsSettled();
    expect(s.site.daemonUp('node1', 'lxd')).toBe(true);
    const server = (await httpOverSsh(c, SOCKET_PATHS.lxdSnap, 'GET', '/1.0')).json as any;
    expect(server.metadata.environment).toMatchObject({ server_version: '5.21.3', server_clustered: false });
    expect(s.site.daemonOutages()).toEqual([
      expect.objectContaining({ machine: 'node1', daemon: 'lxd', reason: 'install', toSeq: expect.any(Number) }),
    ]);
    const [entry] = s.site.snapHistory();
    // The daemon answered only after the change had ended.
    expect(s.site.daemonOutages()[0]!.toSeq!).toBeGreaterThan(entry!.endSeq!);
  });

  test('MicroCeph installed: its control socket answers uninitialized (no cluster yet)', async () => {
    s = await snapSite({ nodes: 1, withoutSnaps: true });
    await s.act('node1', 'microceph', { action: 'install', channel: 'squid/stable', 'cohort-key': '+' });
    await s.site.snapsSettled();
    const core = (await s.req('node1', 'microceph', 'GET', '/core/1.0')).body.metadata;
    expect(core).toMatchObject({ ready: false });
    expect(core.version).toMatch(/^ceph-version: 19\.2\.0/);
  });
});

describe('refresh: LXD', () => {
  test('stopped while refreshing (peers see it Offline, its socket drops); then it waits, Blocked, until every member runs 6/stable', async () => {
    s = await snapSite({ durations: { daemonStart: 20 } });
    await formLxd(s.site);
    const site = s;
    let during: { members: any; self: number } | undefined;
    s.snapd.onServices('lxd', {
      stop: async (e) => {
        if (e.machine !== 'node1') return;
        const members = (await site.req('node2', 'lxd', 'GET', '/1.0/cluster/members?recursion=1')).body.metadata;
        during = { members, self: (await site.req('node1', 'lxd', 'GET', '/1.0')).status };
      },
    });
    const members = async (via: string) => (await site.req(via, 'lxd', 'GET', '/1.0/cluster/members?recursion=1')).body.metadata;
    expect((await s.act('node1', 'lxd', { action: 'refresh', channel: '6/stable' })).status).toBe('Done');
    expect(statuses(during!.members)).toEqual([['node1', 'Offline'], ['node2', 'Online'], ['node3', 'Online']]);
    expect(during!.members[0].message).toMatch(/^No heartbeat for /);
    expect(during!.self).toBe(503);

    // Started on a newer schema than the others: it waits for them (lxd/db/cluster/open.go).
    await s.site.snapsSettled();
    expect(s.site.daemonUp('node1', 'lxd')).toBe(false);
    const blocked = await members('node2');
    expect(blocked.map((m: any) => [m.server_name, m.status, m.message])).toEqual([
      ['node1', 'Blocked', 'LXD version is newer than other members'],
      ['node2', 'Blocked', 'LXD version is older than other members'],
      ['node3', 'Blocked', 'LXD version is older than other members'],
    ]);
    expect((await s.act('node2', 'lxd', { action: 'refresh', channel: '6/stable' })).status).toBe('Done');
    await s.site.snapsSettled();
    expect([s.site.daemonUp('node1', 'lxd'), s.site.daemonUp('node2', 'lxd')]).toEqual([false, false]);
    expect(statuses(await members('node3'))).toEqual([['node1', 'Blocked'], ['node2', 'Blocked'], ['node3', 'Blocked']]);

    // The last member at 6.8: everyone's database opens.
    expect((await s.act('node3', 'lxd', { action: 'refresh', channel: '6/stable' })).status).toBe('Done');
    await s.site.snapsSettled();
    for (const m of ['node1', 'node2', 'node3']) {
      const server = (await s.req(m, 'lxd', 'GET', '/1.0')).body.metadata;
      expect([server.environment.server_version, server.api_extensions.includes('storage_and_network_operations')]).toEqual(['6.8', true]);
    }
    expect(s.site.spec('node1').lxdFlavor).toBe('snap-6.8');
    expect(statuses(await members('node1'))).toEqual([['node1', 'Online'], ['node2', 'Online'], ['node3', 'Online']]);
    const waits = s.site.daemonOutages().filter((o) => o.reason === 'version-wait');
    expect(waits.map((o) => o.machine)).toEqual(['node1', 'node2']);
    // Both waits ended as node3's refresh started its daemon.
    const node3 = s.site.snapHistory().find((e) => e.machine === 'node3')!;
    for (const w of waits) expect(w.toSeq!).toBeGreaterThan(node3.startSeq);
  });

  test('all members at once: each waits only until the last one is refreshed, then all are Online', async () => {
    s = await snapSite();
    await formLxd(s.site);
    const site = s;
    await Promise.all(['node1', 'node2', 'node3'].map((m) => site.act(m, 'lxd', { action: 'refresh', channel: '6/stable' })));
    await s.site.snapsSettled();
    expect(['node1', 'node2', 'node3'].map((m) => s!.site.daemonUp(m, 'lxd'))).toEqual([true, true, true]);
    expect(statuses((await s.req('node2', 'lxd', 'GET', '/1.0/cluster/members?recursion=1')).body.metadata))
      .toEqual([['node1', 'Online'], ['node2', 'Online'], ['node3', 'Online']]);
  });

  test('a refresh within one version (same schema and API) does not wait for the others', async () => {
    s = await snapSite();
    await formLxd(s.site);
    // The lab store's 5.21/stable again, pinned: same LXD, restarted.
    s.snapd.store.find('lxd')!.channels.push({ name: '5.21/candidate', current: { revision: 33200, version: '5.21.3', base: 'core24' } });
    expect((await s.act('node1', 'lxd', { action: 'refresh', channel: '5.21/candidate' })).status).toBe('Done');
    await s.site.snapsSettled();
    expect(s.site.daemonUp('node1', 'lxd')).toBe(true);
    expect(s.site.daemonOutages().map((o) => o.reason)).toEqual(['refresh']);
  });

  test('server_version follows the installed snap (the bug: the lab\'s LXD kept the version it first reported)', async () => {
    s = await snapSite({ nodes: 1 });
    expect((await s.req('node1', 'lxd', 'GET', '/1.0')).body.metadata.environment.server_version).toBe('5.21.3');
    expect((await s.act('node1', 'lxd', { action: 'refresh', channel: '6/stable' })).status).toBe('Done');
    await s.snapd.settled();
    expect((await s.req('node1', 'lxd', 'GET', '/1.0')).body.metadata.environment.server_version).toBe('6.8');
  });

  test('a refresh that only moves the cohort restarts nothing', async () => {
    s = await snapSite({ nodes: 1 });
    const change = await s.act('node1', 'lxd', { action: 'refresh', 'cohort-key': '+' });
    expect(change.tasks.map((t: any) => t.kind)).toEqual(['switch-snap-channel']);
    expect(s.site.daemonOutages()).toEqual([]);
  });
});

describe('refresh: MicroOVN', () => {
  test('UNREACHABLE in the peers\' member list while it restarts; ONLINE with the new version after', async () => {
    // 26.03 assumes snapd 2.73 (canonical/microovn branch-26.03 snap/snapcraft.yaml): a newer snapd.
    const machines = defaultMachineSpecs(3).map((m) => ({ ...m, snapd: { version: '2.75.1', revision: '25390' } }));
    s = await snapSite({ machines });
    const world = await formMicro(s.site, 'microovn');
    const site = s;
    let during: any[] | undefined;
    s.snapd.onServices('microovn', {
      stop: async (e) => {
        if (e.machine === 'node2') during = (await site.req('node1', 'microovn', 'GET', '/core/1.0/cluster')).body.metadata;
      },
    });
    expect((await s.act('node2', 'microovn', { action: 'refresh', channel: '26.03/stable' })).status).toBe('Done');
    expect(during!.map((m) => [m.name, m.status])).toEqual([['node1', 'ONLINE'], ['node2', 'UNREACHABLE'], ['node3', 'ONLINE']]);
    await s.site.snapsSettled();
    expect(microOk(await microCall(world, 'node3', 'GET', '/core/1.0/cluster')).map((m: any) => m.status)).toEqual(['ONLINE', 'ONLINE', 'ONLINE']);
    expect((await s.req('node2', 'microovn', 'GET', '/core/1.0')).body.metadata.version).toBe('26.03.0');
  });
});

describe('refresh: MicroCloud', () => {
  test('its daemon restarts onto 3/stable: gone meanwhile, then GET /core/1.0 reports 3.4', async () => {
    s = await snapSite({ nodes: 1, withoutSnaps: true });
    await s.act('node1', 'microcloud', { action: 'install', channel: '2/stable', 'cohort-key': '+' });
    await s.site.snapsSettled();
    expect((await s.req('node1', 'microcloud', 'GET', '/core/1.0')).body.metadata.version).toBe('2.1.3');
    const site = s;
    let during: number | undefined;
    s.snapd.onServices('microcloud', { stop: async () => { during = (await site.req('node1', 'microcloud', 'GET', '/core/1.0')).status; } });
    expect((await s.act('node1', 'microcloud', { action: 'refresh', channel: '3/stable' })).status).toBe('Done');
    await s.site.snapsSettled();
    expect(during).toBe(503);
    expect((await s.req('node1', 'microcloud', 'GET', '/core/1.0')).body.metadata.version).toBe('3.4');
    expect(s.site.daemonOutages().map((o) => [o.daemon, o.reason])).toEqual([['microcloud', 'install'], ['microcloud', 'refresh']]);
  });
});

describe('refresh: MicroCeph', () => {
  test('its mon and OSDs go down with it; noout shows as OSDMAP_FLAGS; the OSDs come back osdRestart after the daemon', async () => {
    s = await snapSite({ durations: { daemonStart: 5, osdRestart: 1000 } });
    const world = await formCeph(s.site);
    expect(world.cephHealth('node2')).toEqual({ status: 'HEALTH_OK', checks: {}, mutes: [] });
    expect(await s.site.exec('node2', 'microceph.ceph osd set noout')).toEqual({ stdout: '', stderr: 'noout is set\n', exitCode: 0 });
    const site = s;
    let during: any;
    s.snapd.onServices('microceph', {
      stop: async (e) => {
        if (e.machine === 'node1') during = JSON.parse((await site.site.exec('node2', 'microceph.ceph health --format json')).stdout);
      },
    });
    expect((await s.act('node1', 'microceph', { action: 'refresh', channel: 'tentacle/stable' })).status).toBe('Done');
    expect(during.status).toBe('HEALTH_WARN');
    expect(Object.keys(during.checks)).toEqual(['MON_DOWN', 'OSDMAP_FLAGS', 'OSD_DOWN', 'OSD_HOST_DOWN', 'PG_DEGRADED']);
    expect(during.checks.OSD_DOWN.summary).toEqual({ message: '1 osds down', count: 1 });
    expect(during.checks.OSDMAP_FLAGS.summary).toEqual({ message: 'noout flag(s) set', count: 5 });

    // The daemon (and its mon) answer first; the OSDs are still on their way up.
    while (!s.site.daemonUp('node1', 'microceph')) await new Promise((r) => setTimeout(r, 2));
    expect(s.site.daemonUp('node1', 'ceph-osd')).toBe(false);
    expect(Object.keys(world.cephHealth('node2')!.checks)).toEqual(['OSDMAP_FLAGS', 'OSD_DOWN', 'OSD_HOST_DOWN', 'PG_DEGRADED']);

    await s.site.snapsSettled();
    expect(world.cephHealth('node2')).toMatchObject({ status: 'HEALTH_WARN', checks: { OSDMAP_FLAGS: expect.anything() } });
    expect(Object.keys(world.cephHealth('node2')!.checks)).toEqual(['OSDMAP_FLAGS']);
    expect(await s.site.exec('node3', 'microceph.ceph osd unset noout')).toEqual({ stdout: '', stderr: 'noout is unset\n', exitCode: 0 });
    expect(world.cephHealth('node2')).toEqual({ status: 'HEALTH_OK', checks: {}, mutes: [] });
    expect((await s.req('node1', 'microceph', 'GET', '/core/1.0')).body.metadata.version).toMatch(/^ceph-version: 20\.2\.0/);
    const outages = s.site.daemonOutages().map((o) => [o.machine, o.daemon, o.reason]);
    expect(outages).toEqual([['node1', 'microceph', 'refresh'], ['node1', 'ceph-osd', 'refresh']]);
    const [daemon, osds] = s.site.daemonOutages();
    expect(osds!.toSeq!).toBeGreaterThan(daemon!.toSeq!);
  });
});
