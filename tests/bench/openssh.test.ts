// The OpenSSH floor: the arguments a careful script gives `ssh`, the known_hosts it pins, and the real
// client against the lab (needs /usr/bin/ssh: .ci/run installs openssh-client).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchLab, type BenchLab } from '../../bench/lab.js';
import { FLOOR_COMMAND, knownHostsLine, opensshArgs, runOpensshFloor } from '../../bench/openssh.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM2ICaexampleexampleexampleexampleexample';

describe('known_hosts lines', () => {
  test('a port other than 22 is written [host]:port, and the comment is dropped', () => {
    expect(knownHostsLine('127.0.0.1', 40022, `${KEY} lab-node1`)).toBe(`[127.0.0.1]:40022 ${KEY}`);
  });

  test('port 22 is the bare host', () => {
    expect(knownHostsLine('node1.example', 22, KEY)).toBe(`node1.example ${KEY}`);
  });

  test('something that is not a public key line is refused', () => {
    expect(() => knownHostsLine('h', 22, 'ssh-ed25519')).toThrow(/not an OpenSSH public key line/);
  });
});

describe('the ssh command line', () => {
  const args = opensshArgs({ host: '127.0.0.1', port: 40022, user: 'root' }, { identityFile: '/d/id_ed25519', knownHostsFile: '/d/known_hosts' });
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-o') {
      const [k, v] = args[i + 1]!.split('=');
      options.set(k!, v!);
    }
  }

  test('no configuration file, no agent, only the given key, only the pinned host keys, never a prompt', () => {
    expect(args.slice(0, 2)).toEqual(['-F', '/dev/null']);
    expect(options.get('BatchMode')).toBe('yes');
    expect(options.get('StrictHostKeyChecking')).toBe('yes');
    expect(options.get('UserKnownHostsFile')).toBe('/d/known_hosts');
    expect(options.get('GlobalKnownHostsFile')).toBe('/dev/null');
    expect(options.get('IdentityAgent')).toBe('none');
    expect(options.get('IdentitiesOnly')).toBe('yes');
    expect(args[args.indexOf('-i') + 1]).toBe('/d/id_ed25519');
    expect(options.get('ControlMaster')).toBe('no');
  });

  test('port and user as options, the host after --, then the one command', () => {
    expect(args[args.indexOf('-p') + 1]).toBe('40022');
    expect(args[args.indexOf('-l') + 1]).toBe('root');
    expect(args.slice(-3)).toEqual(['--', '127.0.0.1', FLOOR_COMMAND]);
  });
});

describe('the real client against the lab', () => {
  let lab: BenchLab;
  beforeAll(async () => { lab = await startBenchLab(2, { latencyMs: 0 }); });
  afterAll(async () => { await lab?.stop(); });

  test('every machine: one login, one command', async () => {
    lab.site.resetCounters();
    await runOpensshFloor(lab.targets, lab.ssh);
    for (const e of lab.site.endpoints()) {
      expect(lab.site.connections(e.name)).toBe(1);
      expect(lab.site.commands(e.name).map((c) => c.command)).toEqual([FLOOR_COMMAND]);
    }
  });

  test('a host key other than the pinned one fails the run, naming the machine', async () => {
    const [first, second] = lab.site.endpoints();
    const wrong = join(lab.dir, 'wrong_known_hosts');
    // The first machine's port with the second machine's key.
    writeFileSync(wrong, `${knownHostsLine(first!.host, first!.port, second!.hostPublicKey)}\n`);
    await expect(runOpensshFloor([lab.targets[0]!], { ...lab.ssh, knownHostsFile: wrong }))
      .rejects.toThrow(new RegExp(`to root@127\\.0\\.0\\.1:${first!.port} exited with 255 .*Host key verification failed`, 's'));
  });
});
