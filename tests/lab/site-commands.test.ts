// What the lab's machines answer to the commands a deployer runs, in the real tools' formats.
// In-process (site.exec takes the same path as an SSH exec request, minus the transport).
import { defaultMachineSpec, defaultMachineSpecs, effectiveAddresses, linkLocalFromMac } from '../../src/lab/machines.js';
import { parseShellCommand } from '../../src/lab/shell.js';
import { LabSite } from '../../src/lab/lab-site.js';
import type { LabContext, MachineSpec } from '../../src/lab/types.js';
import { shellQuote } from './ssh-helpers.js';
import { echoWorlds } from './stub-world.js';

const q = (...argv: string[]): string => argv.map(shellQuote).join(' ');

let site: LabSite;
let warn = false;

beforeAll(async () => {
  const machines: MachineSpec[] = [
    ...defaultMachineSpecs(2),
    // A machine without the snaps, with its uplink down and an IPv6 address: a "broken" site.
    (() => {
      const s = defaultMachineSpec(3, { snaps: [] });
      s.interfaces[2]!.state = 'down';
      s.interfaces[1]!.addresses.push('2001:db8::13/64');
      return s;
    })(),
    defaultMachineSpec(4, { lxdFlavor: 'deb-5.0', snaps: [{ name: 'lxd', version: '5.0.2', revision: '-', channel: '' }] }),
  ];
  site = await LabSite.start({
    machines,
    users: ['root', 'ubuntu'],
    worlds: (ctx: LabContext) => {
      const w = echoWorlds(ctx);
      w.microceph.cephHealth = () => (warn
        ? {
          status: 'HEALTH_WARN',
          checks: {
            POOL_NO_REDUNDANCY: {
              severity: 'HEALTH_WARN', summary: { message: '1 pool(s) have no replicas configured', count: 1 }, muted: false,
              detail: [{ message: "pool '.mgr' has no replicas configured" }],
            },
          },
          mutes: [],
        }
        : { status: 'HEALTH_OK', checks: {}, mutes: [] });
      return w;
    },
  });
});

afterAll(async () => { await site?.stop(); });

const run = (cmd: string, machine = 'node1', user = 'root') => site.exec(machine, cmd, user);

describe('shell parsing', () => {
  test('single-quoted argv, including quotes and shell metacharacters, comes out intact', () => {
    const nasty = ["it's", '$(rm -rf /)', '`id`', 'a b\tc\nd', '"', '\\', '*', '', '; | & > <', '~root', 'é✓'];
    const r = parseShellCommand(q('printf', ...nasty));
    expect(r).toEqual({ ok: true, argv: ['printf', ...nasty], assignments: {} });
  });

  test('double quotes, backslashes and assignments follow POSIX rules', () => {
    expect(parseShellCommand('echo "a \\"b\\" \\$c \\x" d\\ e')).toEqual({ ok: true, argv: ['echo', 'a "b" $c \\x', 'd e'], assignments: {} });
    expect(parseShellCommand('LC_ALL=C A="x y" ip -j addr')).toEqual({ ok: true, argv: ['ip', '-j', 'addr'], assignments: { LC_ALL: 'C', A: 'x y' } });
    expect(parseShellCommand("'A=b' cmd")).toMatchObject({ argv: ['A=b', 'cmd'] });
    expect(parseShellCommand('hostname\n')).toMatchObject({ ok: true, argv: ['hostname'] });
    expect(parseShellCommand('  # nothing')).toMatchObject({ ok: true, argv: [] });
  });

  test('anything beyond one simple command is refused with status 2', () => {
    for (const bad of ['a | b', 'a; b', 'a && b', 'a > f', 'echo $HOME', 'echo `id`', 'echo $(id)', 'ls *', 'cd ~', 'echo "unterminated', "echo 'x", '(a)']) {
      const r = parseShellCommand(bad);
      expect(r).toMatchObject({ ok: false, exitCode: 2 });
    }
  });
});

describe('hostname, uname, id', () => {
  test('answer as the machine', async () => {
    expect(await run('hostname', 'node2')).toEqual({ stdout: 'node2\n', stderr: '', exitCode: 0 });
    expect((await run(q('hostname', '-I'), 'node2')).stdout).toBe('10.1.0.12 \n');
    expect((await run(q('uname', '-n'))).stdout).toBe('node1\n');
    expect((await run(q('uname', '-a'))).stdout).toMatch(/^Linux node1 6\.8\.0-\d+-generic #.* x86_64 GNU\/Linux\n$/);
    expect((await run(q('id', '-u'), 'node1', 'ubuntu')).stdout).toBe('1000\n');
    expect((await run(q('cat', '/etc/os-release'))).stdout).toMatch(/^PRETTY_NAME="Ubuntu 24\.04/);
    expect((await run(q('cat', '/etc/os-release'), 'node4')).stdout).toMatch(/Debian GNU\/Linux 12/);
  });

  test('unknown programs and paths fail like bash', async () => {
    expect(await run(q('microcloud', 'status'))).toEqual({ stdout: '', stderr: 'bash: line 1: microcloud: command not found\n', exitCode: 127 });
    expect((await run(q('/usr/bin/hostname')))).toMatchObject({ stdout: 'node1\n', exitCode: 0 });
    expect((await run(q('/opt/hostname'))).exitCode).toBe(127);
    expect((await run(q('sudo', '-n', 'nosuch'))).stderr).toBe('sudo: nosuch: command not found\n');
  });
});

describe('ip (iproute2 JSON)', () => {
  test('ip -j addr lists lo, then the spec interfaces with iproute2 fields', async () => {
    const r = await run(q('ip', '-j', 'addr'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    const links = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(links.map((l) => l['ifname'])).toEqual(['lo', 'eth0', 'eth1']);
    const eth0 = links[1]!;
    expect(Object.keys(eth0)).toEqual(['ifindex', 'ifname', 'flags', 'mtu', 'qdisc', 'operstate', 'group', 'txqlen', 'link_type', 'address', 'broadcast', 'addr_info']);
    expect(eth0).toMatchObject({
      ifindex: 2, flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, operstate: 'UP', link_type: 'ether', address: '52:54:00:01:00:01',
    });
    expect(eth0['addr_info']).toEqual([
      { family: 'inet', local: '10.1.0.11', prefixlen: 24, broadcast: '10.1.0.255', scope: 'global', label: 'eth0', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
      { family: 'inet6', local: 'fe80::5054:ff:fe01:1', prefixlen: 64, scope: 'link', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
    ]);
    // The uplink: up, no address but its link-local one.
    expect(links[2]!['addr_info']).toEqual([expect.objectContaining({ family: 'inet6', scope: 'link' })]);
    expect(links[0]).toMatchObject({ ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN', link_type: 'loopback' });
  });

  test('spellings, filters, and a down interface', async () => {
    const full = JSON.parse((await run(q('ip', '-j', 'addr'), 'node3')).stdout) as Record<string, unknown>[];
    expect(JSON.parse((await run(q('ip', '-j', 'address', 'show'), 'node3')).stdout)).toEqual(full);
    expect(JSON.parse((await run(q('ip', '-json', 'a'), 'node3')).stdout)).toEqual(full);
    expect(full[2]).toMatchObject({ ifname: 'eth1', flags: ['BROADCAST', 'MULTICAST'], operstate: 'DOWN', qdisc: 'noop', addr_info: [] });
    expect(full[1]!['addr_info']).toContainEqual(expect.objectContaining({ family: 'inet6', local: '2001:db8::13', scope: 'global' }));
    const dev = JSON.parse((await run(q('ip', '-j', 'addr', 'show', 'dev', 'eth0'), 'node3')).stdout) as unknown[];
    expect(dev).toEqual([full[1]]);
    // iproute2 prints {} for links without an address of the requested family.
    expect(JSON.parse((await run(q('ip', '-j', '-4', 'addr'), 'node3')).stdout)).toEqual([expect.objectContaining({ ifname: 'lo' }), expect.objectContaining({ ifname: 'eth0' }), {}]);
    expect(await run(q('ip', '-j', 'addr', 'show', 'dev', 'eth9'))).toEqual({ stdout: '', stderr: 'Device "eth9" does not exist.\n', exitCode: 1 });
    expect((await run(q('ip', 'addr', 'show', 'eth0'))).stdout).toMatch(/^2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000\n    link\/ether 52:54:00:01:00:01 brd ff:ff:ff:ff:ff:ff\n    inet 10\.1\.0\.11\/24 brd 10\.1\.0\.255 scope global eth0\n/);
  });

  test('ip -j route: the static default route and the connected subnet', async () => {
    expect(JSON.parse((await run(q('ip', '-j', 'route'))).stdout)).toEqual([
      { dst: 'default', gateway: '10.1.0.1', dev: 'eth0', protocol: 'static', flags: [] },
      { dst: '10.1.0.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', prefsrc: '10.1.0.11', flags: [] },
    ]);
    expect(JSON.parse((await run(q('ip', '-j', 'route', 'show', 'default'))).stdout)).toEqual([
      { dst: 'default', gateway: '10.1.0.1', dev: 'eth0', protocol: 'static', flags: [] },
    ]);
    expect(JSON.parse((await run(q('ip', '-j', '-6', 'route'), 'node3')).stdout)).toEqual([
      { dst: '2001:db8::/64', dev: 'eth0', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
      { dst: 'fe80::/64', dev: 'eth0', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
    ]);
    expect((await run(q('ip', 'route'))).stdout).toBe('default via 10.1.0.1 dev eth0 proto static \n10.1.0.0/24 dev eth0 proto kernel scope link src 10.1.0.11 \n');
    const proc = (await run(q('cat', '/proc/net/route'))).stdout.split('\n');
    expect(proc[0]).toMatch(/^Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT +$/);
    expect(proc[1]).toMatch(/^eth0\t00000000\t0100010A\t0003\t0\t0\t0\t00000000\t0\t0\t0 +$/);
    expect(proc[0]!.length).toBe(127);
  });

  test('changes are refused rather than faked', async () => {
    expect((await run(q('ip', 'addr', 'add', '10.9.9.9/24', 'dev', 'eth1'))).exitCode).toBe(2);
  });
});

describe('snap list', () => {
  test('columns as snapd aligns them, with the base snaps a real machine has', async () => {
    const r = await run(q('snap', 'list'));
    expect(r.stdout).toBe([
      'Name       Version   Rev    Tracking       Publisher    Notes',
      'core22     20241001  1663   latest/stable  canonical**  base',
      'core24     20241119  716    latest/stable  canonical**  base',
      'lxd        5.21.3    33110  5.21/stable    canonical**  -',
      'microceph  19.2.0    1228   squid/stable   canonical**  -',
      'microovn   24.03.2   667    24.03/stable   canonical**  -',
      'snapd      2.66.1    23258  latest/stable  canonical**  snapd',
      '',
    ].join('\n'));
  });

  test('named snaps, missing snaps, no snaps, Debian LXD', async () => {
    expect((await run(q('snap', 'list', 'microceph'))).stdout).toBe(
      'Name       Version  Rev   Tracking      Publisher    Notes\nmicroceph  19.2.0   1228  squid/stable  canonical**  -\n');
    expect(await run(q('snap', 'list', 'microcloud'))).toEqual({ stdout: '', stderr: 'error: no matching snaps installed\n', exitCode: 1 });
    expect(await run(q('snap', 'list'), 'node3')).toEqual({ stdout: '', stderr: "No snaps are installed yet. Try 'snap install hello-world'.\n", exitCode: 0 });
    expect((await run(q('snap', 'list', 'lxd'), 'node4')).exitCode).toBe(1);
  });
});

describe('microceph.ceph health', () => {
  test('JSON, pretty JSON and plain text, as root or through sudo', async () => {
    warn = false;
    expect(await run(q('microceph.ceph', 'health', '--format', 'json'))).toEqual({ stdout: '{"status":"HEALTH_OK","checks":{},"mutes":[]}\n', stderr: '', exitCode: 0 });
    expect((await run(q('sudo', '-n', 'microceph.ceph', 'health', '-f', 'json'), 'node1', 'ubuntu')).exitCode).toBe(0);
    expect((await run(q('microceph.ceph', 'health'))).stdout).toBe('HEALTH_OK\n');
    warn = true;
    const j = JSON.parse((await run(q('microceph.ceph', 'health', '--format=json'))).stdout) as { status: string; checks: Record<string, Record<string, unknown>> };
    expect(j.status).toBe('HEALTH_WARN');
    expect(j.checks['POOL_NO_REDUNDANCY']).toEqual({ severity: 'HEALTH_WARN', summary: { message: '1 pool(s) have no replicas configured', count: 1 }, muted: false });
    const d = JSON.parse((await run(q('microceph.ceph', 'health', 'detail', '--format', 'json'))).stdout) as typeof j;
    expect(d.checks['POOL_NO_REDUNDANCY']!['detail']).toEqual([{ message: "pool '.mgr' has no replicas configured" }]);
    expect((await run(q('microceph.ceph', 'health'))).stdout).toBe('HEALTH_WARN 1 pool(s) have no replicas configured\n');
    expect((await run(q('microceph.ceph', 'health', '--format', 'json-pretty'))).stdout).toMatch(/^\n\{\n {4}"status": "HEALTH_WARN"/);
    warn = false;
  });

  test('absent without the snap; refused without root', async () => {
    expect(await run(q('microceph.ceph', 'health', '--format', 'json'), 'node3')).toMatchObject({ exitCode: 127, stderr: 'bash: line 1: microceph.ceph: command not found\n' });
    expect((await run(q('microceph.ceph', 'health'), 'node1', 'ubuntu'))).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/PermissionDeniedError/) });
    expect((await run(q('microceph.ceph', 'osd', 'tree'))).exitCode).toBe(22);
  });

  test('a machine outside any Ceph cluster has no ceph.conf', async () => {
    const bare = await LabSite.start({ nodes: 1 });
    try {
      expect(await bare.exec('node1', q('microceph.ceph', 'health', '--format', 'json'))).toEqual({
        stdout: '', stderr: "Error initializing cluster client: ObjectNotFound('RADOS object not found (error calling conf_read_file)')\n", exitCode: 1,
      });
    } finally {
      await bare.stop();
    }
  });
});

describe('files: sockets, disks, test, readlink, ls', () => {
  test('test -S is true exactly for the sockets of the daemons that run there', async () => {
    const sockets = ['/var/snap/lxd/common/lxd/unix.socket', '/var/snap/microceph/common/state/control.socket',
      '/var/snap/microovn/common/state/control.socket', '/var/lib/lxd/unix.socket'];
    const on = async (m: string) => Promise.all(sockets.map(async (s) => (await run(q('test', '-S', s), m)).exitCode));
    expect(await on('node1')).toEqual([0, 0, 0, 1]);
    expect(await on('node3')).toEqual([1, 1, 1, 1]);
    expect(await on('node4')).toEqual([1, 1, 1, 0]);
    expect((await run(q('[', '-S', sockets[0]!, ']'))).exitCode).toBe(0);
    expect((await run(q('test', '!', '-S', sockets[0]!))).exitCode).toBe(1);
  });

  test('disks exist under /dev and their by-id / by-path links resolve', async () => {
    const spec = site.spec('node2');
    for (const d of spec.disks) {
      expect((await run(q('test', '-b', `/dev/disk/by-id/${d.device_id}`), 'node2')).exitCode).toBe(0);
      expect((await run(q('readlink', '-f', `/dev/disk/by-id/${d.device_id}`), 'node2')).stdout).toBe(`/dev/${d.id}\n`);
      expect((await run(q('readlink', '-f', `/dev/disk/by-path/${d.device_path}`), 'node2')).stdout).toBe(`/dev/${d.id}\n`);
    }
    expect((await run(q('test', '-b', '/dev/disk/by-id/wwn-0xdeadbeef'), 'node2')).exitCode).toBe(1);
    const ids = (await run(q('ls', '/dev/disk/by-id'), 'node2')).stdout.trim().split('\n');
    expect(ids).toEqual(expect.arrayContaining(spec.disks.map((d) => d.device_id)));
    expect((await run(q('ls', '/nope'))).stderr).toBe("ls: cannot access '/nope': No such file or directory\n");
  });
});

describe('sh -c scripts', () => {
  const detect = 'for p in "$@"; do if [ -S "$p" ]; then printf %s "$p"; exit 0; fi; done; exit 1';

  test('the socket detection loop the SSH client uses', async () => {
    const cands = ['/var/snap/lxd/common/lxd/unix.socket', '/var/lib/lxd/unix.socket'];
    expect(await run(q('sh', '-c', detect, 'sh', ...cands))).toEqual({ stdout: cands[0], stderr: '', exitCode: 0 });
    expect(await run(q('sh', '-c', detect, 'sh', ...cands), 'node4')).toEqual({ stdout: cands[1], stderr: '', exitCode: 0 });
    expect(await run(q('sh', '-c', detect, 'sh', ...cands), 'node3')).toEqual({ stdout: '', stderr: '', exitCode: 1 });
  });

  test('lists, conditionals, parameters, redirections to /dev/null', async () => {
    const script = [
      'x="a b"',
      'for w in $x "$x" ""; do printf "[%s]" "$w"; done; echo',
      'command -v microceph.ceph >/dev/null 2>&1 && echo has-ceph || echo no-ceph',
      'nosuch 2>/dev/null; echo "rc=$?"',
      'if ! test -S /nope; then echo "$# args: $1 ${2}"; fi',
    ].join('\n');
    expect(await run(q('sh', '-c', script, 'sh', 'one', 'two'))).toEqual({
      stdout: '[a][b][a b][]\nhas-ceph\nrc=127\n2 args: one two\n', stderr: '', exitCode: 0,
    });
    expect(await run(q('sh', '-c', 'nosuch'), 'node1')).toEqual({ stdout: '', stderr: 'sh: 1: nosuch: not found\n', exitCode: 127 });
    expect((await run(q('sh', '-c', 'echo $(id)'))).exitCode).toBe(2);
    expect((await run(q('sh', '-c', 'hostname | cat'))).exitCode).toBe(2);
  });

  test('env and sudo prefixes, as the SSH client builds them', async () => {
    expect((await run(q('sudo', '-n', '--', 'env', 'LC_ALL=C', 'hostname'), 'node1', 'ubuntu')).stdout).toBe('node1\n');
    expect((await run(q('env', 'A=1', 'sh', '-c', 'echo "$A"'))).stdout).toBe('1\n');
  });
});

describe('machine specs', () => {
  test('default machines: addresses, disks with by-id names, snaps', () => {
    const s = defaultMachineSpec(7);
    expect(s.hostname).toBe('node7');
    expect(s.interfaces.map((i) => [i.name, i.addresses])).toEqual([['lo', ['127.0.0.1/8', '::1/128']], ['eth0', ['10.1.0.17/24']], ['eth1', []]]);
    expect(s.defaultRoute).toEqual({ gateway: '10.1.0.1', dev: 'eth0' });
    expect(s.disks.map((d) => [d.id, d.type, d.device_id])).toEqual([
      ['nvme0n1', 'nvme', expect.stringMatching(/^nvme-SAMSUNG_MZVL2512HCJQ-00B00_S64ANS0T\d{6}$/)],
      ['sda', 'scsi', expect.stringMatching(/^wwn-0x5002538f4[0-9a-f]{7}$/)],
      ['sdb', 'scsi', expect.stringMatching(/^wwn-0x5002538f4[0-9a-f]{7}$/)],
    ]);
    expect(s.disks[0]!.size).toBeGreaterThan(500e9);
    expect(s.disks[1]!.size).toBeGreaterThan(3.8e12);
    expect(new Set(defaultMachineSpecs(50).flatMap((m) => m.disks.map((d) => d.device_id))).size).toBe(150);
    expect(s.snaps.map((x) => `${x.name} ${x.version} ${x.channel}`)).toEqual(['lxd 5.21.3 5.21/stable', 'microceph 19.2.0 squid/stable', 'microovn 24.03.2 24.03/stable']);
    expect(linkLocalFromMac('52:54:00:12:34:56')).toBe('fe80::5054:ff:fe12:3456');
    expect(effectiveAddresses({ name: 'eth1', kind: 'physical', state: 'down', mac: '52:54:00:00:00:01', mtu: 1500, addresses: [] })).toEqual([]);
  });
});
