// ~/.ssh/config end to end against a real sshd: a Host alias used as a system's name is reached with
// the config's HostName, Port, User, IdentityFile and UserKnownHostsFile, and through its ProxyJump
// (here the same sshd serves as jump host, as in tests/remote/ssh.test.ts).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Host } from '../../src/remote/host.js';
import { loadPreseed } from '../../src/preseed/load.js';
import { readSshConfig } from '../../src/site/ssh-config.js';
import { siteTargets } from '../../src/site/targets.js';
import { useSshd } from '../helpers/sshd.js';

const sshd = useSshd();
const hosts: Host[] = [];
let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'mca-home-'));
  await mkdir(join(home, '.ssh'));
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  await rm(home, { recursive: true, force: true });
});

const PRESEED = `lookup_subnet: 10.0.0.0/24
initiator: lab-direct
session_passphrase: s3cret-Passphrase-42
systems:
  - name: lab-direct
  - name: lab-jumped
`;

test('system names that are Host aliases: connected with the settings from ~/.ssh/config, directly and through ProxyJump', async () => {
  const s = sshd();
  const knownHosts = await s.knownHosts('config');
  await writeFile(join(home, '.ssh', 'config'), `Host lab-*
  HostName ${s.host}
  Port ${s.port}
  User ${s.user}
  IdentityFile ${s.clientKey.path}
  UserKnownHostsFile ${knownHosts}
Host lab-jumped
  ProxyJump lab-bastion
`);
  const r = loadPreseed(join(home, 'site.yaml'), PRESEED, { baseDir: home, homeDir: home });
  const targets = siteTargets(r.desired!, { sshConfig: await readSshConfig(home) });
  expect(targets[1]!.target.jump).toMatchObject({ name: 'lab-jumped (jump host lab-bastion)', host: s.host, port: s.port, knownHostsFile: knownHosts });

  const before = (s.log().match(/Accepted publickey/g) ?? []).length;
  const direct = await connect(targets[0]!.target, { agent: false, retry: false });
  hosts.push(direct);
  expect((await direct.exec(['echo', 'direct'])).stdout.toString()).toBe('direct\n');
  const jumped = await connect(targets[1]!.target, { agent: false, retry: false });
  hosts.push(jumped);
  expect((await jumped.exec(['echo', 'jumped'])).stdout.toString()).toBe('jumped\n');
  // One login for the direct machine, two for the jumped one (the jump host's, then the machine's).
  expect((s.log().match(/Accepted publickey/g) ?? []).length - before).toBe(3);
});
