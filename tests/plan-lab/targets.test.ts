// Where gather connects (pure): every system's SSH endpoint, and an add file's initiator with the
// top-level ssh defaults; and how failures become the reason shown for a machine.
import { ApiError, HostKeyMismatch, Unreachable } from '../../src/remote/index.js';
import { failureReason } from '../../src/site/gather.js';
import pLimit from 'p-limit';
import { siteTargets, sshTarget } from '../../src/site/targets.js';
import { loadPreseed } from '../../src/preseed/load.js';
import type { DesiredState } from '../../src/preseed/desired.js';

const CTX = { baseDir: '/etc/microcloud', homeDir: '/home/op' };

function desired(text: string): DesiredState {
  const r = loadPreseed('/etc/microcloud/site.yaml', text, CTX);
  if (!r.desired) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.desired;
}

const BOOTSTRAP = `initiator_address: 10.0.0.11
session_passphrase: s3cret-Passphrase-42
ssh: {user: ubuntu, port: 2222, identity_file: keys/deploy, known_hosts: known_hosts, jump: bastion.example.org}
systems:
  - name: n1
    address: 10.0.0.11
    ssh: {host: n1.example.org, host_key: "SHA256:uCJd7Uv4yFB1VYB0wGJ5q5CNzSCaJ1Xx8cVWf2xXc3o"}
  - name: n2
    address: 10.0.0.12
    ssh: {port: 22, user: root}
`;

test('every system: host (ssh.host, else address), port, user, identity and known_hosts resolved, pinned key, jump host', () => {
  const d = desired(BOOTSTRAP);
  expect(siteTargets(d)).toEqual([
    { key: 'n1', target: {
      name: 'n1', host: 'n1.example.org', port: 2222, user: 'ubuntu', identityFile: '/etc/microcloud/keys/deploy',
      knownHostsFile: '/etc/microcloud/known_hosts', hostKey: 'SHA256:uCJd7Uv4yFB1VYB0wGJ5q5CNzSCaJ1Xx8cVWf2xXc3o',
      jump: { name: 'n1 (jump host bastion.example.org)', host: 'bastion.example.org', port: 22, user: 'ubuntu', identityFile: '/etc/microcloud/keys/deploy', knownHostsFile: '/etc/microcloud/known_hosts' },
    } },
    { key: 'n2', target: expect.objectContaining({ name: 'n2', host: '10.0.0.12', port: 22, user: 'root' }) },
  ]);
  expect(siteTargets(d)[1]!.target).not.toHaveProperty('hostKey');
});

test('defaults of a plain MicroCloud file: root, port 22, ~/.ssh/known_hosts, the agent or ~/.ssh keys', () => {
  const d = desired('lookup_subnet: 10.0.0.0/24\ninitiator: n1\nsession_passphrase: s3cret-Passphrase-42\nsystems:\n  - name: n1\n  - name: n2\n');
  expect(siteTargets(d).map((t) => t.target)).toEqual([
    { name: 'n1', host: 'n1', port: 22, user: 'root', knownHostsFile: '/home/op/.ssh/known_hosts' },
    { name: 'n2', host: 'n2', port: 22, user: 'root', knownHostsFile: '/home/op/.ssh/known_hosts' },
  ]);
});

test('an add file: the initiator (not listed) is reached at initiator_address with the top-level ssh defaults, first', () => {
  const text = BOOTSTRAP.replace('initiator_address: 10.0.0.11', 'initiator_address: 10.0.0.10');
  const d = desired(text);
  expect(d.mode).toBe('add');
  expect(d.initiator.ssh).toEqual({
    host: '10.0.0.10', port: 2222, user: 'ubuntu', identityFile: '/etc/microcloud/keys/deploy', hostKey: null,
    knownHostsFile: '/etc/microcloud/known_hosts', jump: { user: 'ubuntu', host: 'bastion.example.org', port: 22 },
    written: { port: true, user: true, identityFile: true, knownHosts: true, jump: { host: 'bastion.example.org' } },
  });
  const targets = siteTargets(d);
  expect(targets.map((t) => t.key)).toEqual(['10.0.0.10', 'n1', 'n2']);
  expect(targets[0]!.target).toMatchObject({ name: '10.0.0.10', host: '10.0.0.10', port: 2222 });
});

test('sshTarget leaves out what is not set', () => {
  const written = { port: false, user: false, identityFile: false, knownHosts: false, jump: null };
  expect(sshTarget('m', { host: 'h', port: 22, user: 'root', identityFile: null, hostKey: null, knownHostsFile: '/k', jump: null, written }))
    .toEqual({ name: 'm', host: 'h', port: 22, user: 'root', knownHostsFile: '/k' });
});

test('the reason shown for a machine: the error in its own words, without the machine name in front', () => {
  expect(failureReason('n2', new Unreachable('n2', 'n2: cannot reach 10.0.0.12:22 over SSH: connection refused'), 'connect'))
    .toBe('cannot reach 10.0.0.12:22 over SSH: connection refused');
  expect(failureReason('n2', new HostKeyMismatch('n2', 'changed', ['SHA256:a'], 'SHA256:b', 'n2: host key mismatch for 10.0.0.12:22: expected SHA256:a (pinned host_key), presented SHA256:b'), 'connect'))
    .toBe('host key mismatch for 10.0.0.12:22: expected SHA256:a (pinned host_key), presented SHA256:b');
  // Lost after connecting: still a reachability problem. A daemon that fails a read is said so.
  expect(failureReason('n2', new Unreachable('n2', 'n2: connection lost while running `hostname`'), 'read')).toBe('connection lost while running `hostname`');
  expect(failureReason('n2', new ApiError('n2', 'lxd', 'GET', '/1.0/resources', 500, 'Failed to load resources'), 'read'))
    .toBe('connected, but reading it failed: lxd GET /1.0/resources failed with 500: Failed to load resources');
});

test('p-limit, as gather bounds its reads, keeps order and never runs more than the limit at once', async () => {
  let running = 0;
  let peak = 0;
  const out = await pLimit(2).map([5, 1, 4, 2, 3], async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, n));
    running--;
    return n * 10;
  });
  expect(out).toEqual([50, 10, 40, 20, 30]);
  expect(peak).toBe(2);
  expect(await pLimit(4).map([], async () => 1)).toEqual([]);
});
