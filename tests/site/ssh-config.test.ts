// ~/.ssh/config: Host aliases with HostName, User, Port, IdentityFile, UserKnownHostsFile and
// ProxyJump honoured, the preseed's own ssh keys (either level) winning, tokens expanded, and
// nothing ever executed (Match blocks are dropped, `Match exec` above all).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { loadPreseed } from '../../src/preseed/load.js';
import type { DesiredState } from '../../src/preseed/desired.js';
import { expandSshPath, lookupSshConfig, parseProxyJump, parseSshConfig, readSshConfig, type SshConfigFile } from '../../src/site/ssh-config.js';
import { siteTargets } from '../../src/site/targets.js';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'mca-home-'));
  await mkdir(join(home, '.ssh'));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const CTX = () => ({ baseDir: '/etc/microcloud', homeDir: home });

function desired(text: string): DesiredState {
  const r = loadPreseed('/etc/microcloud/site.yaml', text, CTX());
  if (!r.desired) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.desired;
}

async function config(text: string): Promise<SshConfigFile> {
  await writeFile(join(home, '.ssh', 'config'), text);
  return readSshConfig(home, { localUser: 'op', cwd: '/work' });
}

const CONFIG = `# the operator's own settings
Host n1
  HostName 10.1.0.11
  User admin
  Port 2201
  IdentityFile ~/.ssh/id_%h_%r_%p
  UserKnownHostsFile ~/.ssh/known_hosts.d/%n %d/second

Host N2
  HostName n2.internal
  User second-wins-not
Host n2 n3
  User ops
  Port 2202
  IdentityFile keys/relative

Host *
  User fallback
  IdentityFile ~/.ssh/id_default
`;

const PLAIN = `lookup_subnet: 10.0.0.0/24
initiator: n1
session_passphrase: s3cret-Passphrase-42
systems:
  - name: n1
  - name: n2
  - name: n3
  - name: n4
`;

test('a Host alias as the system name: HostName, User, Port, IdentityFile, UserKnownHostsFile from ~/.ssh/config', async () => {
  const cfg = await config(CONFIG);
  const d = desired(PLAIN);
  const targets = siteTargets(d, { sshConfig: cfg }).map((t) => t.target);
  expect(targets[0]).toEqual({
    name: 'n1', host: '10.1.0.11', port: 2201, user: 'admin',
    // %h is the host after HostName, %r the remote user, %p the port; %n the name as given, %d home.
    identityFile: join(home, '.ssh', 'id_10.1.0.11_admin_2201'),
    knownHostsFile: join(home, '.ssh', 'known_hosts.d', 'n1'),
  });
  // Host patterns match case-insensitively, as in OpenSSH; the first value of each setting wins.
  expect(targets[1]).toEqual({ name: 'n2', host: 'n2.internal', port: 2202, user: 'second-wins-not',
    identityFile: '/work/keys/relative', knownHostsFile: join(home, '.ssh', 'known_hosts') });
  expect(targets[2]).toEqual({ name: 'n3', host: 'n3', port: 2202, user: 'ops',
    identityFile: '/work/keys/relative', knownHostsFile: join(home, '.ssh', 'known_hosts') });
  // Only `Host *` applies: its user and key; port 22 and ~/.ssh/known_hosts stay the built-in defaults.
  expect(targets[3]).toEqual({ name: 'n4', host: 'n4', port: 22, user: 'fallback',
    identityFile: join(home, '.ssh', 'id_default'), knownHostsFile: join(home, '.ssh', 'known_hosts') });
});

test('the preseed wins: per-system ssh keys and the top-level ssh defaults beat ~/.ssh/config; ssh.host is the name looked up', async () => {
  const cfg = await config(`${CONFIG}
Host alias-of-n4
  HostName 10.1.0.14
  Port 2204
`);
  const text = `lookup_subnet: 10.0.0.0/24
initiator: n1
session_passphrase: s3cret-Passphrase-42
ssh: {user: root, known_hosts: /etc/microcloud/known_hosts}
systems:
  - name: n1
    ssh: {port: 22, identity_file: keys/n1}
  - name: n2
    ssh: {host: 10.0.0.12}
  - name: n4
    ssh: {host: alias-of-n4}
`;
  const targets = siteTargets(desired(text), { sshConfig: cfg }).map((t) => t.target);
  // Explicit port 22 and user root (the built-in defaults' values) still win over the config.
  expect(targets[0]).toEqual({ name: 'n1', host: '10.1.0.11', port: 22, user: 'root',
    identityFile: '/etc/microcloud/keys/n1', knownHostsFile: '/etc/microcloud/known_hosts' });
  // n2 is reached at its ssh.host: that is the name looked up, so `Host n2` does not apply; `Host *` does.
  expect(targets[1]).toEqual({ name: 'n2', host: '10.0.0.12', port: 22, user: 'root',
    identityFile: join(home, '.ssh', 'id_default'), knownHostsFile: '/etc/microcloud/known_hosts' });
  expect(targets[2]).toMatchObject({ name: 'n4', host: '10.1.0.14', port: 2204, user: 'root' });
});

test('without the preseed text, the built-in defaults count as not set; without a config nothing changes', async () => {
  const cfg = await config(CONFIG);
  const d = desired(PLAIN);
  expect(siteTargets(d, { sshConfig: cfg })[0]!.target).toMatchObject({ host: '10.1.0.11', port: 2201, user: 'admin' });
  const without = siteTargets(d).map((t) => t.target);
  expect(siteTargets(d, { sshConfig: await readSshConfig(join(home, 'nowhere')) }).map((t) => t.target)).toEqual(without);
  expect(without[0]).toEqual({ name: 'n1', host: 'n1', port: 22, user: 'root', knownHostsFile: join(home, '.ssh', 'known_hosts') });
});

test('an add file: the initiator (not listed) gets the config for its address, the top-level defaults still winning', async () => {
  const cfg = await config('Host 10.0.0.10\n  User init-user\n  Port 2210\n  IdentityFile ~/.ssh/init\n');
  const text = `initiator_address: 10.0.0.10
session_passphrase: s3cret-Passphrase-42
ssh: {port: 2222}
systems:
  - name: n5
    address: 10.0.0.15
`;
  const d = desired(text);
  const [first] = siteTargets(d, { sshConfig: cfg });
  expect(first).toEqual({ key: '10.0.0.10', target: { name: '10.0.0.10', host: '10.0.0.10', port: 2222, user: 'init-user',
    identityFile: join(home, '.ssh', 'init'), knownHostsFile: join(home, '.ssh', 'known_hosts') } });
});

test('ProxyJump: one hop or a chain, each hop looked up in the config too; `none` and the preseed jump win', async () => {
  const cfg = await config(`Host bastion
  HostName 192.0.2.1
  User jumper
  Port 2022
  IdentityFile ~/.ssh/bastion_key
Host n1
  ProxyJump bastion
Host n2
  ProxyJump ssh://outer@edge:2200,bastion
Host n3
  ProxyJump none
Host *
  ProxyJump bastion
`);
  const text = PLAIN.replace('  - name: n4\n', '  - name: n4\n    ssh: {jump: "gw"}\n');
  const targets = siteTargets(desired(text), { sshConfig: cfg }).map((t) => t.target);
  const bastion = { name: 'n1 (jump host bastion)', host: '192.0.2.1', port: 2022, user: 'jumper',
    identityFile: join(home, '.ssh', 'bastion_key'), knownHostsFile: join(home, '.ssh', 'known_hosts') };
  expect(targets[0]).toEqual({ name: 'n1', host: 'n1', port: 22, user: 'root', knownHostsFile: join(home, '.ssh', 'known_hosts'), jump: bastion });
  // First hop first: n2 is reached from bastion, which is reached from edge.
  expect(targets[1]!.jump).toEqual({ ...bastion, name: 'n2 (jump host bastion)',
    jump: { name: 'n2 (jump host edge)', host: 'edge', port: 2200, user: 'outer', knownHostsFile: join(home, '.ssh', 'known_hosts') } });
  expect(targets[2]).not.toHaveProperty('jump');
  // The preseed's jump wins over `Host *`'s ProxyJump; its user defaults to the machine's user.
  expect(targets[3]!.jump).toEqual({ name: 'n4 (jump host gw)', host: 'gw', port: 22, user: 'root', knownHostsFile: join(home, '.ssh', 'known_hosts') });
});

test('the preseed jump host is looked up in the config for what it leaves out', async () => {
  const cfg = await config('Host gw\n  HostName 192.0.2.9\n  User gwuser\n  Port 2299\n');
  const text = PLAIN.replace('  - name: n4\n', '  - name: n4\n    ssh: {jump: "gw"}\n  - name: n5\n    ssh: {jump: "me@gw:22"}\n');
  const targets = siteTargets(desired(text), { sshConfig: cfg }).map((t) => t.target);
  expect(targets[3]!.jump).toMatchObject({ host: '192.0.2.9', port: 2299, user: 'gwuser' });
  expect(targets[4]!.jump).toMatchObject({ host: '192.0.2.9', port: 22, user: 'me' });
});

test('Match exec is never run (nor any Match block applied); Canonicalize* dropped; what is ignored is said', async () => {
  const marker = join(home, 'match-exec-ran');
  const text = `Host n1
  HostName 10.1.0.11
  CanonicalizeHostname yes
  CanonicalDomains example.org
Match exec "touch ${marker}"
  User from-match
Match all
  Port 2999
Host *
  Include ~/.ssh/conf.d/*
  ProxyCommand nc %h %p
`;
  const cfg = await config(text);
  const notes: string[] = [];
  const [t] = siteTargets(desired(PLAIN), { sshConfig: cfg, onNote: (k, n) => notes.push(`${k}: ${n}`) });
  expect(t!.target).toMatchObject({ host: '10.1.0.11', port: 22, user: 'root' });
  expect(existsSync(marker)).toBe(false);
  const where = join(home, '.ssh', 'config');
  expect(cfg.notes).toEqual([
    `${where}: CanonicalizeHostname is ignored`,
    `${where}: CanonicalDomains is ignored`,
    `${where}: a Match block (exec touch ${marker}) is ignored: Match is never evaluated`,
    `${where}: a Match block (all) is ignored: Match is never evaluated`,
    `${where}: Include ~/.ssh/conf.d/* is not followed`,
  ]);
  expect(notes).toContain(`n1: ${where}: ProxyCommand for n1 is not run: the tool connects directly (use ProxyJump or the preseed's ssh.jump)`);
  // The guard matters: ssh-config's own compute() runs `Match exec` by default.
  SSHConfig.parse(`Match exec "touch ${marker}"\n  User x\n`).compute('n1');
  expect(existsSync(marker)).toBe(true);
});

test('tokens: %% and ${HOME} expand; others (%C, %L, ${VAR}, ~user) are refused and the next IdentityFile used', async () => {
  const cfg = parseSshConfig('Host x\n  IdentityFile ~/.ssh/%C\n  IdentityFile ${HOME}/.ssh/100%%\n', { path: '/c', home: '/h', localUser: 'op', cwd: '/w' });
  const t = { host: 'x', originalHost: 'x', port: 22, user: 'root' };
  expect(expandSshPath(cfg, '~/.ssh/%C', t)).toEqual(new Error('%C in ~/.ssh/%C is not expanded by this tool'));
  expect(expandSshPath(cfg, '${SOME}/k', t)).toEqual(new Error('${SOME} in ${SOME}/k is not expanded by this tool'));
  expect(expandSshPath(cfg, '~other/k', t)).toEqual(new Error('~other/k: ~user paths are not expanded by this tool'));
  expect(expandSshPath(cfg, '%u-%d', t)).toBe('/w/op-/h');
  const notes: string[] = [];
  const text = PLAIN.replace('name: n1', 'name: x');
  const [first] = siteTargets(desired(text.replace('initiator: n1', 'initiator: x')), { sshConfig: cfg, onNote: (_k, n) => notes.push(n) });
  expect(first!.target.identityFile).toBe('/h/.ssh/100%');
  expect(notes).toEqual(['/c: IdentityFile ~/.ssh/%C for x ignored: %C in ~/.ssh/%C is not expanded by this tool']);
});

test('lookup and ProxyJump parsing', () => {
  const cfg = parseSshConfig('Host a\n  Port nope\n  UserKnownHostsFile none\n', { path: '/c', home: '/h', localUser: '', cwd: '/' });
  expect(lookupSshConfig(cfg, 'A')).toEqual({ identityFiles: [], knownHostsFiles: ['none'], notes: ['/c: Port nope for A is not a port number: ignored'] });
  expect(parseProxyJump('none')).toEqual([]);
  expect(parseProxyJump('u@h1:2200, [2001:db8::1]:22,h3,ssh://v@h4')).toEqual([
    { host: 'h1', user: 'u', port: 2200 }, { host: '2001:db8::1', port: 22 }, { host: 'h3' }, { host: 'h4', user: 'v' },
  ]);
  expect(() => parseProxyJump('h:port')).toThrow('bad port in h:port');
  expect(() => parseProxyJump('a,,b')).toThrow('bad hop (empty)');
});

test('a missing ~/.ssh/config is an empty one; an unreadable one is an error naming it', async () => {
  expect((await readSshConfig(join(home, 'none'))).lines).toEqual([]);
  await mkdir(join(home, '.ssh', 'config'));
  await expect(readSshConfig(home)).rejects.toThrow(`cannot read ${join(home, '.ssh', 'config')} (EISDIR)`);
});
