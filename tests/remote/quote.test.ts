// The quoting rules, checked against a local /bin/sh (the real-sshd round trip is in exec.test.ts).
import { execFileSync } from 'node:child_process';
import { buildCommand, displayArgv, redact, secret, secretValues, shellQuote } from '../../src/remote/quote.js';
import { commandArgv } from '../../src/remote/exec.js';

// Runs `printf %s <quoted arg>` through sh and returns the bytes it printed.
const viaSh = (arg: string | Buffer): Buffer =>
  execFileSync('/bin/sh', ['-c', Buffer.concat([Buffer.from('printf %s '), shellQuote(arg)]).toString('latin1')], {
    encoding: 'buffer',
  });

describe('shellQuote', () => {
  test('wraps in single quotes and escapes only the quote', () => {
    expect(shellQuote('abc').toString()).toBe("'abc'");
    expect(shellQuote('').toString()).toBe("''");
    expect(shellQuote("it's").toString()).toBe("'it'\\''s'");
    expect(shellQuote('$(x) `y` "z" \\ ; * ~').toString()).toBe('\'$(x) `y` "z" \\ ; * ~\'');
  });

  test('keeps bytes of Buffers exactly', () => {
    const b = Buffer.from([0xff, 0x27, 0x80]);
    expect(shellQuote(b).equals(Buffer.concat([Buffer.from("'"), Buffer.from([0xff]), Buffer.from("'\\''"), Buffer.from([0x80]), Buffer.from("'")]))).toBe(true);
  });

  test('refuses NUL', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
    expect(() => shellQuote(Buffer.from([0x61, 0]))).toThrow(/NUL/);
  });

  test.each(["'", "''", "a'b'c", '\n', '$(id)', '`id`', '*', '${x:-y}', '\\', '!'])('round trip through local sh: %j', (s) => {
    // latin1 keeps the bytes when handing the script to execFile; only ASCII here.
    expect(viaSh(s).toString('utf8')).toBe(s);
  });
});

describe('buildCommand', () => {
  test('quotes every word, reserved words and assignments included', () => {
    expect(buildCommand(['if', 'A=b', 'x y']).toString()).toBe("'if' 'A=b' 'x y'");
  });

  test('reveals secrets on the wire only', () => {
    const argv = ['lxc', 'cluster', 'join', secret('tok3n')];
    expect(buildCommand(argv).toString()).toBe("'lxc' 'cluster' 'join' 'tok3n'");
    expect(displayArgv(argv)).toBe('lxc cluster join [REDACTED]');
    expect(JSON.stringify(argv)).not.toContain('tok3n');
    expect(String(argv[3])).toBe('[REDACTED]');
  });

  test('refuses an empty argv', () => {
    expect(() => buildCommand([])).toThrow(/empty/);
  });
});

describe('displayArgv', () => {
  test('readable, with control and non-UTF-8 bytes escaped', () => {
    expect(displayArgv(['echo', 'a b', "it's", 'x\ny', Buffer.from([0x41, 0xff])])).toBe("echo 'a b' 'it'\\''s' 'x\\x0ay' 'A\\xff'");
  });

  test('long arguments are shortened', () => {
    expect(displayArgv(['x'.repeat(1000)]).length).toBeLessThan(200);
  });
});

describe('secrets', () => {
  test('redact removes every occurrence', () => {
    expect(redact('token abc and abc again', secretValues([secret('abc'), 'visible']))).toBe('token [REDACTED] and [REDACTED] again');
  });
});

describe('commandArgv', () => {
  test('sudo -n prefix for non-root, timeout after sudo, env before the command', () => {
    const argv = commandArgv(['lxc', 'ls'], { sudo: true, env: { LANG: 'C', TOKEN: secret('t0k') }, remoteTimeoutMs: 1500 });
    expect(displayArgv(argv)).toBe('sudo -n -- timeout -k 5s 1.5s env LANG=C [REDACTED] lxc ls');
    expect(buildCommand(argv).toString()).toContain("'TOKEN=t0k'");
    expect(commandArgv(['id'], { sudo: false })).toEqual(['id']);
  });

  test('refuses invalid environment names', () => {
    expect(() => commandArgv(['x'], { sudo: false, env: { 'A B': '1' } })).toThrow(/invalid environment variable/);
  });
});
