// The lab's machines as SSH servers: host keys, authentication, exec, stream-local HTTP.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateEd25519, publicKeyBlob, publicKeyOf } from '../../src/lab/keys.js';
import { LabSite } from '../../src/lab/lab-site.js';
import { SOCKET_PATHS } from '../../src/lab/types.js';
import { type SshClient, closeAll, connect, exec, httpOn, httpOverSsh, openSocket, shellQuote } from './ssh-helpers.js';
import { EchoWorld, echoWorlds } from './stub-world.js';

const run = promisify(execFile);

let site: LabSite;
let dir: string;
const clients: SshClient[] = [];
const client = async (machine = 'node1', opts?: Parameters<typeof connect>[2]): Promise<SshClient> => {
  const c = await connect(site, machine, opts);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  site = await LabSite.start({ nodes: 3, worlds: echoWorlds, users: ['root', 'ubuntu'] });
  dir = mkdtempSync(join(tmpdir(), 'lab-ssh-'));
  writeFileSync(join(dir, 'id_ed25519'), site.clientKey.privateKey, { mode: 0o600 });
  writeFileSync(join(dir, 'known_hosts'), site.endpoints()
    .map((e) => `[${e.host}]:${e.port} ${e.hostPublicKey}`).join('\n') + '\n');
  site.endpoints().forEach((e) => writeFileSync(join(dir, `${e.name}.pub`), e.hostPublicKey + '\n'));
});

afterEach(() => closeAll(clients));

afterAll(async () => {
  closeAll(clients);
  await site?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('host keys and authentication', () => {
  test('each machine has its own host key, fingerprinted like ssh-keygen -lf', async () => {
    const eps = site.endpoints();
    expect(new Set(eps.map((e) => e.hostKeyFingerprint)).size).toBe(3);
    for (const e of eps) {
      expect(e.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      const { stdout } = await run('ssh-keygen', ['-lf', join(dir, `${e.name}.pub`)]);
      expect(stdout.split(' ')[1]).toBe(e.hostKeyFingerprint);
    }
  });

  test('generated keys are always well formed (including public keys with a leading zero byte)', async () => {
    for (let k = 0; k < 1500; k++) {
      const pair = generateEd25519('c');
      expect(publicKeyOf(pair.privateKey, 'c')).toBe(pair.publicKey);
      expect(publicKeyBlob(pair.publicKey)).toHaveLength(51);
    }
    const pair = generateEd25519('lab');
    writeFileSync(join(dir, 'probe'), pair.privateKey, { mode: 0o600 });
    expect((await run('ssh-keygen', ['-y', '-f', join(dir, 'probe')])).stdout.trim()).toBe(pair.publicKey);
  });

  test('the pinned fingerprint is what the client sees', async () => {
    await expect(client('node2')).resolves.toBeDefined();
    await expect(connect(site, 'node2', { fingerprint: site.endpoint('node1').hostKeyFingerprint }))
      .rejects.toThrow(/verification failed/i);
  });

  test('an unknown client key, or an unknown user, is refused', async () => {
    const other = generateEd25519('stranger');
    await expect(connect(site, 'node1', { privateKey: other.privateKey })).rejects.toThrow(/authentication methods failed/);
    await expect(connect(site, 'node1', { user: 'mallory' })).rejects.toThrow(/authentication methods failed/);
  });

  test('OpenSSH\'s own client logs in with the lab key and a strict known_hosts', async () => {
    const ep = site.endpoint('node3');
    const { stdout } = await run('ssh', [
      '-i', join(dir, 'id_ed25519'), '-p', String(ep.port),
      '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`, '-o', 'GlobalKnownHostsFile=/dev/null',
      `root@${ep.host}`, 'hostname',
    ], { timeout: 15_000 });
    expect(stdout).toBe('node3\n');
  });

  test('OpenSSH refuses a machine whose key is not the pinned one', async () => {
    const ep = site.endpoint('node3');
    const wrong = join(dir, 'wrong_known_hosts');
    writeFileSync(wrong, `[${ep.host}]:${ep.port} ${site.endpoint('node1').hostPublicKey}\n`);
    await expect(run('ssh', [
      '-i', join(dir, 'id_ed25519'), '-p', String(ep.port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${wrong}`, '-o', 'GlobalKnownHostsFile=/dev/null', `root@${ep.host}`, 'hostname',
    ], { timeout: 15_000 })).rejects.toMatchObject({ stderr: expect.stringMatching(/HOST IDENTIFICATION HAS CHANGED/) });
  });
});

describe('exec', () => {
  test('commands run with their real output; quoted arguments arrive intact', async () => {
    const c = await client('node2');
    expect(await exec(c, 'hostname')).toEqual({ stdout: 'node2\n', stderr: '', code: 0 });
    expect(await exec(c, "'hostname'")).toEqual({ stdout: 'node2\n', stderr: '', code: 0 });
    const hostile = `it's; rm -rf / $(id) \`x\` "q" \\ | & > <`;
    const quoted = ['test', '-S', hostile].map(shellQuote).join(' ');
    expect((await exec(c, quoted)).code).toBe(1);
    const ev = site.commands('node2').at(-1)!;
    expect(ev.argv).toEqual(['test', '-S', hostile]);
    expect(ev.command).toBe(quoted);
  });

  test('unknown commands fail like bash; shell syntax is refused', async () => {
    const c = await client();
    expect(await exec(c, "'lxc' 'list'")).toEqual({ stdout: '', stderr: 'bash: line 1: lxc: command not found\n', code: 127 });
    const piped = await exec(c, 'hostname | cat');
    expect(piped.code).toBe(2);
    expect(piped.stderr).toMatch(/unsupported/);
  });

  test('sudo -n runs the command as root', async () => {
    const c = await client('node1', { user: 'ubuntu' });
    expect((await exec(c, "'id' '-un'")).stdout).toBe('ubuntu\n');
    expect((await exec(c, "'sudo' '-n' 'id' '-un'")).stdout).toBe('root\n');
    const denied = await exec(c, "'microceph.ceph' 'health' '--format' 'json'");
    expect(denied.code).toBe(1);
    const health = await exec(c, "'sudo' '-n' 'microceph.ceph' 'health' '--format' 'json'");
    expect(JSON.parse(health.stdout)).toEqual({ status: 'HEALTH_OK', checks: {}, mutes: [] });
  });

  test('a shell request is refused; several commands share one connection', async () => {
    const c = await client('node3');
    const before = site.connections('node3');
    const outs = await Promise.all([exec(c, 'hostname'), exec(c, "'uname' '-n'"), exec(c, "'id' '-u'")]);
    expect(outs.map((o) => o.stdout)).toEqual(['node3\n', 'node3\n', '0\n']);
    expect(site.connections('node3')).toBe(before);
    await expect(new Promise((resolve, reject) => c.shell((err, s) => (err ? reject(err) : resolve(s)))))
      .rejects.toThrow();
  });
});

describe('stream-local channels to the daemon sockets', () => {
  test('each socket reaches its daemon on that machine, with the request as sent', async () => {
    const c = await client('node2');
    const lxd = await httpOverSsh(c, SOCKET_PATHS.lxdSnap, 'GET', '/1.0/storage-pools/local?target=node1&recursion=1');
    expect(lxd.status).toBe(200);
    expect(lxd.headers['content-type']).toBe('application/json');
    expect(lxd.text.endsWith('}\n')).toBe(true);
    expect(lxd.json).toMatchObject({
      type: 'sync', status: 'Success', status_code: 200, error_code: 0, error: '', operation: '',
      metadata: { service: 'lxd', machine: 'node2', method: 'GET', path: '/1.0/storage-pools/local', query: 'target=node1&recursion=1' },
    });
    const ceph = await httpOverSsh(c, SOCKET_PATHS.microceph, 'PUT', '/1.0/pools-op', { pools: [''], size: 3 });
    expect(ceph.json).toMatchObject({ metadata: { service: 'microceph', machine: 'node2', method: 'PUT', body: { pools: [''], size: 3 } } });
    const ovn = await httpOverSsh(c, SOCKET_PATHS.microovn, 'POST', '/core/control', { bootstrap: true });
    expect(ovn.status).toBe(201);
    expect(ovn.headers.location).toBe('/core/control/created');
  });

  test('unknown socket paths are refused like sshd does (channel open failure)', async () => {
    const c = await client();
    await expect(openSocket(c, '/var/snap/microcloud/common/state/control.socket')).rejects.toThrow(/open failure|failed/i);
    await expect(openSocket(c, SOCKET_PATHS.lxdDeb)).rejects.toThrow();
    // The connection survives the refusal.
    expect((await exec(c, 'hostname')).stdout).toBe('node1\n');
  });

  test('a non-root login reaches LXD (group lxd) but not the root-only micro* sockets', async () => {
    const c = await client('node1', { user: 'ubuntu' });
    expect((await httpOverSsh(c, SOCKET_PATHS.lxdSnap, 'GET', '/1.0')).status).toBe(200);
    await expect(openSocket(c, SOCKET_PATHS.microceph)).rejects.toThrow();
  });

  test('one channel carries several requests (HTTP keep-alive), like a unix socket', async () => {
    const c = await client();
    const { Client: UndiciClient } = await import('undici');
    const u = new UndiciClient('http://unix.socket', {
      connect: (_opts, cb) => {
        c.openssh_forwardOutStreamLocal(SOCKET_PATHS.lxdSnap, (err, ch) => {
          if (err) cb(err, null); else cb(null, ch as unknown as import('node:net').Socket);
        });
      },
    });
    try {
      const before = site.log.length;
      for (const p of ['/1.0', '/1.0/networks', '/1.0/profiles/default']) {
        const r = await u.request({ method: 'GET', path: p });
        expect(r.statusCode).toBe(200);
        expect(await r.body.json()).toMatchObject({ metadata: { path: p } });
      }
      expect(site.log.slice(before).filter((e) => e.kind === 'http')).toHaveLength(3);
    } finally {
      await u.close();
    }
  });

  test('OpenSSH forwards a local unix socket to the daemon socket (ssh -L local.sock:remote.sock)', async () => {
    const ep = site.endpoint('node2');
    const local = join(dir, 'lxd.sock');
    let ssh: ChildProcess | undefined;
    try {
      ssh = spawn('ssh', [
        '-N', '-i', join(dir, 'id_ed25519'), '-p', String(ep.port), '-o', 'BatchMode=yes', '-o', 'ExitOnForwardFailure=yes',
        '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
        '-L', `${local}:${SOCKET_PATHS.lxdSnap}`, `root@${ep.host}`,
      ], { stdio: 'ignore' });
      for (let k = 0; k < 200 && !existsSync(local); k++) await new Promise((r) => setTimeout(r, 25));
      const body = await new Promise<string>((resolve, reject) => {
        http.get({ socketPath: local, path: '/1.0/instances?recursion=1' }, (res) => {
          let t = '';
          res.on('data', (d: Buffer) => { t += d.toString(); });
          res.on('end', () => resolve(t));
        }).on('error', reject);
      });
      expect(JSON.parse(body)).toMatchObject({ metadata: { service: 'lxd', machine: 'node2', path: '/1.0/instances', query: 'recursion=1' } });
    } finally {
      ssh?.kill();
    }
  });

  test('microcluster sync responses carry no JSON content type, like Go sniffing them', async () => {
    const c = await client();
    const ch = await openSocket(c, SOCKET_PATHS.microceph);
    const r = await httpOn(ch, 'GET', '/1.0/disks');
    ch.destroy();
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((site.world('microceph') as EchoWorld).received.at(-1)?.req.path).toBe('/1.0/disks');
  });
});

describe('growing the site', () => {
  test('a machine added to a running site gets its own sshd, host key and daemons', async () => {
    const { defaultMachineSpec } = await import('../../src/lab/machines.js');
    const ep = await site.addMachine(defaultMachineSpec(4));
    expect(ep).toMatchObject({ name: 'node4', address: '10.1.0.14', host: '127.0.0.1' });
    expect(site.machines()).toEqual(['node1', 'node2', 'node3', 'node4']);
    const c = await client('node4');
    expect((await exec(c, 'hostname')).stdout).toBe('node4\n');
    const r = await httpOverSsh(c, SOCKET_PATHS.microovn, 'GET', '/1.0/services');
    expect(r.json).toMatchObject({ metadata: { service: 'microovn', machine: 'node4' } });
    await expect(site.addMachine(defaultMachineSpec(4))).rejects.toThrow(/duplicate machine hostname "node4"/);
  });
});
