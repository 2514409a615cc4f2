// exec over a real sshd and a real /bin/sh: exit codes, stdin, timeouts, output caps, the quoting
// round trip of hostile arguments (bytes compared exactly), secrets, and the sudo -n path.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Host } from '../../src/remote/host.js';
import { RemoteCommandFailed, RemoteTimeout } from '../../src/remote/errors.js';
import { secret, type Arg } from '../../src/remote/quote.js';
import { useSshd } from '../helpers/sshd.js';
import { createSudoUser, requireSudo, sudoTest, sudoUnavailable, type SudoUser } from '../helpers/sudo-user.js';

const sshd = useSshd();
let host: Host;

beforeAll(async () => {
  const s = sshd();
  host = await connect(
    { name: 'node1', host: s.host, port: s.port, user: s.user, identityFile: s.clientKey.path, hostKey: s.hostKey.fingerprint },
    { agent: false, retry: false },
  );
});

afterAll(async () => {
  await host?.close();
});

describe('exec basics', () => {
  test('stdout, stderr and exit code 0', async () => {
    const r = await host.exec(['sh', '-c', 'echo out; echo err >&2']);
    expect(r.exitCode).toBe(0);
    expect(r.signal).toBeNull();
    expect(Buffer.isBuffer(r.stdout)).toBe(true);
    expect(r.stdout.toString()).toBe('out\n');
    expect(r.stderr.toString()).toBe('err\n');
  });

  test('non-zero exit throws RemoteCommandFailed with argv, code and stderr excerpt', async () => {
    let err: unknown;
    try {
      await host.exec(['sh', '-c', 'echo "disk is busy" >&2; exit 3', 'x y']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RemoteCommandFailed);
    const f = err as RemoteCommandFailed;
    expect(f.exitCode).toBe(3);
    expect(f.host).toBe('node1');
    expect(f.stderrExcerpt).toContain('disk is busy');
    expect(f.argv).toContain("'x y'");
    expect(f.message).toMatch(/^node1: command `sh -c .*` exited with status 3: disk is busy/);
  });

  test('check: false returns the exit code instead of throwing', async () => {
    const r = await host.exec(['sh', '-c', 'exit 42'], { check: false });
    expect(r.exitCode).toBe(42);
  });

  test('command not found gets a hint', async () => {
    await expect(host.exec(['no-such-command-mca'])).rejects.toThrow(/status 127.*command not found on node1/s);
  });

  test('stdin is delivered, as string and as bytes', async () => {
    expect((await host.exec(['cat'], { stdin: 'hello\nworld' })).stdout.toString()).toBe('hello\nworld');
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13]);
    expect((await host.exec(['cat'], { stdin: bytes })).stdout.equals(bytes)).toBe(true);
  });

  test('without stdin the command sees EOF at once', async () => {
    const r = await host.exec(['sh', '-c', 'cat; echo done'], { timeoutMs: 5000 });
    expect(r.stdout.toString()).toBe('done\n');
  });

  test('large stdin and stdout pass through intact', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'abcdefghij');
    const r = await host.exec(['cat'], { stdin: big });
    expect(r.stdout.length).toBe(big.length);
    expect(r.stdout.equals(big)).toBe(true);
  });

  test('output beyond the cap is dropped and flagged', async () => {
    const r = await host.exec(['sh', '-c', 'head -c 100000 /dev/zero; head -c 5000 /dev/zero >&2'], { maxOutputBytes: 1000 });
    expect(r.stdout.length).toBe(1000);
    expect(r.stdoutTruncated).toBe(true);
    expect(r.stderr.length).toBe(1000);
    expect(r.stderrTruncated).toBe(true);
    const small = await host.exec(['echo', 'x'], { maxOutputBytes: 1000 });
    expect(small.stdoutTruncated).toBe(false);
  });

  test('timeout rejects with RemoteTimeout and kills the remote command', async () => {
    const marker = join(sshd().dir, 'timeout-marker');
    const started = Date.now();
    await expect(host.exec(['sh', '-c', `sleep 3; touch ${marker}`], { timeoutMs: 300 })).rejects.toBeInstanceOf(RemoteTimeout);
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 3500));
    expect(existsSync(marker)).toBe(false);
    // The connection is still usable afterwards.
    expect((await host.exec(['true'])).exitCode).toBe(0);
  });

  test('timeout message names host, command and limit', async () => {
    await expect(host.exec(['sleep', '5'], { timeoutMs: 200 })).rejects.toThrow('node1: command `sleep 5` did not finish within 0.2 s');
  });

  test('without the remote timeout(1) wrapper the local deadline still holds', async () => {
    const started = Date.now();
    await expect(host.exec(['sleep', '2'], { timeoutMs: 200, remoteTimeout: false })).rejects.toBeInstanceOf(RemoteTimeout);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test('a command exiting 124 on its own is not mistaken for a timeout', async () => {
    const r = await host.exec(['sh', '-c', 'exit 124'], { check: false, timeoutMs: 60_000 });
    expect(r.exitCode).toBe(124);
  });

  test('env is passed through env(1)', async () => {
    const r = await host.exec(['sh', '-c', 'printf %s "$GREETING"'], { env: { GREETING: "it's $(here)" } });
    expect(r.stdout.toString()).toBe("it's $(here)");
  });
});

describe('quoting round trip through /bin/sh', () => {
  const hostile: string[] = [
    '',
    ' ',
    "'",
    "''",
    "it's",
    '"',
    '\\',
    '\\\'',
    "'\\''",
    '$(touch /tmp/mca-pwned)',
    '`touch /tmp/mca-pwned`',
    '${HOME}',
    '$HOME',
    '; rm -rf /tmp/mca-nothing;',
    'a && b || c',
    '| cat',
    '> /tmp/mca-pwned',
    '< /etc/passwd',
    '*',
    '/*',
    '?',
    '[a-z]*',
    '{a,b}',
    '~',
    '~root',
    '#comment',
    '!',
    'if',
    'A=b',
    '-n',
    '--',
    'line1\nline2',
    '\n',
    '\r\n',
    '\t tab',
    'trailing newline\n',
    'ünïcödé ✓ 日本語 🚀',
    '%s %d %%',
    'a'.repeat(10_000),
  ];

  test.each(hostile.map((s) => [JSON.stringify(s).slice(0, 60), s]))('string %s', async (_label, value) => {
    const r = await host.exec(['printf', '%s', value]);
    expect(r.stdout.equals(Buffer.from(value, 'utf8'))).toBe(true);
  });

  test('many hostile arguments in one argv keep their boundaries', async () => {
    // Each argument framed by a NUL-free marker, so merged or split arguments would show.
    const r = await host.exec(['printf', '<%s>', ...hostile]);
    expect(r.stdout.toString('utf8')).toBe(hostile.map((s) => `<${s}>`).join(''));
    expect(existsSync('/tmp/mca-pwned')).toBe(false);
  });

  test('non-UTF-8 bytes travel as Buffer arguments', async () => {
    const values: Buffer[] = [
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.from([0xc3, 0x28]), // invalid UTF-8 sequence
      Buffer.from([0x80]),
      Buffer.from([0x27, 0xff, 0x27]), // quote, invalid byte, quote
      Buffer.concat([Buffer.from("$(echo x)'"), Buffer.from([0xe9]), Buffer.from('\n;`')]),
      Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1)), // every byte but NUL
    ];
    for (const v of values) {
      const r = await host.exec(['printf', '%s', v]);
      expect(r.stdout.equals(v)).toBe(true);
    }
    const all = await host.exec(['printf', '<%s>', ...values]);
    expect(all.stdout.equals(Buffer.concat(values.flatMap((v) => [Buffer.from('<'), v, Buffer.from('>')])))).toBe(true);
  });

  test('arguments reach the program verbatim (argv, not a re-parsed string)', async () => {
    const args: Arg[] = ['a b', '', '*', "x'y"];
    const r = await host.exec(['sh', '-c', 'printf "%s|" "$#" "$@"', 'sh', ...args]);
    expect(r.stdout.toString()).toBe("4|a b||*|x'y|");
  });

  test('a NUL byte is refused before anything runs', async () => {
    await expect(host.exec(['printf', '%s', 'a\0b'])).rejects.toThrow(/NUL/);
  });
});

describe('secrets', () => {
  test('secret arguments reach the command but not errors', async () => {
    const token = 'tok-3f9a2c77-very-secret';
    const ok = await host.exec(['printf', '%s', secret(token)]);
    expect(ok.stdout.toString()).toBe(token);
    let err: unknown;
    try {
      await host.exec(['sh', '-c', 'echo "bad token: $1" >&2; exit 1', 'sh', secret(token)]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RemoteCommandFailed);
    const f = err as RemoteCommandFailed;
    expect(f.message).not.toContain(token);
    expect(f.argv).toContain('[REDACTED]');
    expect(f.stderrExcerpt).toBe('bad token: [REDACTED]\n');
  });
});

// The sudo -n path, with a real system user and a real sudoers entry (tests/helpers/sudo-user.ts:
// fails when this machine cannot create them, unless MICROCLOUD_TEST_SKIP_SUDO=1 says to skip).
describe('non-root user through sudo -n', () => {
  let user: SudoUser | undefined;
  let nonRoot: Host | undefined;

  beforeAll(async () => {
    if (sudoUnavailable() !== null) return;
    user = await createSudoUser();
    const s = sshd();
    nonRoot = await connect(
      { name: 'node2', host: s.host, port: s.port, user: user.name, identityFile: s.clientKey.path, hostKey: s.hostKey.fingerprint },
      { agent: false, retry: false },
    );
  });

  afterAll(async () => {
    await nonRoot?.close();
    await user?.remove();
  });

  sudoTest()('commands run as root via sudo -n; without NOPASSWD the error says what to fix', async () => {
    requireSudo();
    const h = nonRoot as Host;
    const name = (user as SudoUser).name;
    // No sudoers entry yet: sudo -n must fail at once rather than hang on a password prompt.
    const denied = h.exec(['id', '-u'], { timeoutMs: 10_000 });
    await expect(denied).rejects.toBeInstanceOf(RemoteCommandFailed);
    await expect(denied).rejects.toThrow(new RegExp(`user ${name} needs passwordless sudo \\(NOPASSWD\\)`));

    await (user as SudoUser).allowSudo();
    expect((await h.exec(['id', '-u'])).stdout.toString()).toBe('0\n');
    expect((await h.exec(['id', '-un'], { sudo: false })).stdout.toString()).toBe(`${name}\n`);
    // Quoting holds through sudo as well.
    const hostile = Buffer.concat([Buffer.from("'$(id)`;*\n"), Buffer.from([0xff])]);
    expect((await h.exec(['printf', '%s', hostile])).stdout.equals(hostile)).toBe(true);
    expect((await h.exec(['sh', '-c', 'printf %s "$X"'], { env: { X: 'via env' } })).stdout.toString()).toBe('via env');
  });
});
