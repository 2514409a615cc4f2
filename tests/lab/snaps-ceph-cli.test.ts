// `microceph.ceph osd set|unset <flag>` and `config-key …` on the lab's machines, as Ceph's CLI
// prints them (ceph/ceph src/ceph.in at 00cb8f22: status on stderr, data on stdout, "Error <E>: …"
// and the errno as exit status), with the monitors' words from OSDMonitor.cc (00043d24) and
// KVMonitor.cc (249d143d), and OSDMAP_FLAGS as OSDMap::check_health raises it (cfb50bb3).
import { formCeph, formMicro, snapSite, type SnapSite } from './snaps-site.js';

let s: SnapSite | undefined;
afterEach(async () => { await s?.stop(); s = undefined; });

const ceph = (machine: string, args: string, user = 'root') => s!.site.exec(machine, `microceph.ceph ${args}`, user);

describe('osd set / unset', () => {
  test('noout: "noout is set" / "noout is unset" on stderr, exit 0, whether or not it was; the flag in health', async () => {
    s = await snapSite();
    const world = await formCeph(s.site);
    expect(await ceph('node1', 'osd set noout')).toEqual({ stdout: '', stderr: 'noout is set\n', exitCode: 0 });
    expect(await ceph('node2', 'osd set noout')).toEqual({ stdout: '', stderr: 'noout is set\n', exitCode: 0 });
    const health = JSON.parse((await ceph('node3', 'health --format json')).stdout);
    expect(health).toEqual({
      status: 'HEALTH_WARN',
      checks: { OSDMAP_FLAGS: { severity: 'HEALTH_WARN', summary: { message: 'noout flag(s) set', count: 5 }, muted: false } },
      mutes: [],
    });
    expect((await ceph('node3', 'health')).stdout).toBe('HEALTH_WARN noout flag(s) set\n');
    expect((await ceph('node3', 'health detail')).stdout).toBe('HEALTH_WARN noout flag(s) set\n[WRN] OSDMAP_FLAGS: noout flag(s) set\n');
    expect(await ceph('node1', 'osd set norebalance')).toMatchObject({ stderr: 'norebalance is set\n', exitCode: 0 });
    expect(world.cephHealth('node1')!.checks['OSDMAP_FLAGS']!.summary).toEqual({ message: 'noout,norebalance flag(s) set', count: 17 });
    expect(await ceph('node1', 'osd unset norebalance')).toMatchObject({ stderr: 'norebalance is unset\n', exitCode: 0 });
    expect(await ceph('node2', 'osd unset noout')).toEqual({ stdout: '', stderr: 'noout is unset\n', exitCode: 0 });
    expect(await ceph('node2', 'osd unset noout')).toEqual({ stdout: '', stderr: 'noout is unset\n', exitCode: 0 });
    expect(world.cephHealth('node1')).toEqual({ status: 'HEALTH_OK', checks: {}, mutes: [] });
  });

  test('pause sets pauserd and pausewr; a flag not in the choices is the CLI\'s EINVAL', async () => {
    s = await snapSite();
    await formMicro(s.site, 'microceph');
    expect(await ceph('node1', 'osd set pause')).toMatchObject({ stderr: 'pauserd,pausewr is set\n', exitCode: 0 });
    const bad = await ceph('node1', 'osd set nooutt');
    expect(bad.exitCode).toBe(22);
    expect(bad.stderr).toMatch(/^Invalid command: nooutt not in full\|pause\|noup\|nodown\|noout\|/);
    expect(bad.stderr).toMatch(/\nError EINVAL: invalid command\n$/);
    expect((await ceph('node1', 'osd unset')).exitCode).toBe(22);
  });

  test('as the CLI fails: not root, no cluster on the machine, no monitor quorum', async () => {
    s = await snapSite({ users: ['root', 'ubuntu'] });
    expect(await ceph('node1', 'osd set noout')).toEqual({
      stdout: '', stderr: "Error initializing cluster client: ObjectNotFound('RADOS object not found (error calling conf_read_file)')\n", exitCode: 1,
    });
    await formMicro(s.site, 'microceph');
    expect(await ceph('node1', 'osd set noout', 'ubuntu')).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/^Error initializing cluster client: PermissionDeniedError/) });
    await s.site.down('node2');
    await s.site.down('node3');
    expect(await ceph('node1', 'config-key get k')).toEqual({ stdout: '', stderr: '[errno 110] RADOS timed out (error connecting to the cluster)\n', exitCode: 1 });
  });
});

describe('config-key', () => {
  test('set, get (the value as stored, no newline), exists, ls, rm — and their misses', async () => {
    s = await snapSite();
    await formMicro(s.site, 'microceph');
    expect(await ceph('node1', 'config-key exists microcloud-apply/noout')).toEqual({
      stdout: '', stderr: "Error ENOENT: key 'microcloud-apply/noout' doesn't exist\n", exitCode: 2,
    });
    expect(await ceph('node1', 'config-key get microcloud-apply/noout')).toEqual({ stdout: '', stderr: 'Error ENOENT: \n', exitCode: 2 });
    expect(await ceph('node1', 'config-key set microcloud-apply/noout 2026-12-02T03:00:00Z')).toEqual({
      stdout: '', stderr: 'set microcloud-apply/noout\n', exitCode: 0,
    });
    // One store for the cluster: any member's CLI reads it.
    expect(await ceph('node3', 'config-key get microcloud-apply/noout')).toEqual({ stdout: '2026-12-02T03:00:00Z', stderr: '', exitCode: 0 });
    expect(await ceph('node2', 'config-key exists microcloud-apply/noout')).toEqual({
      stdout: '', stderr: "key 'microcloud-apply/noout' exists\n", exitCode: 0,
    });
    expect(await ceph('node2', 'config-key set other')).toMatchObject({ stderr: 'set other\n', exitCode: 0 });
    expect(await ceph('node2', 'config-key get other')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect((await ceph('node1', 'config-key ls')).stdout).toBe('[\n    "microcloud-apply/noout",\n    "other"\n]\n');
    expect(await ceph('node1', 'config-key rm microcloud-apply/noout')).toEqual({ stdout: '', stderr: 'key deleted\n', exitCode: 0 });
    expect(await ceph('node1', 'config-key rm microcloud-apply/noout')).toEqual({ stdout: '', stderr: 'key deleted\n', exitCode: 0 });
    expect((await ceph('node1', 'config-key get microcloud-apply/noout')).exitCode).toBe(2);
    expect((await ceph('node1', 'config-key get')).exitCode).toBe(22);
  });

});
