import { PassThrough } from 'node:stream';
import { readFileSync } from 'node:fs';
import { createLogger } from '../../src/cli/log.js';
import { SecretSet } from '../../src/secrets.js';
import { runBin, runCli } from '../helpers/cli.js';

describe('usage', () => {
  test('--help lists the commands and exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: microcloud \[global options\] <command>/);
    for (const c of ['validate', 'plan', 'apply', 'status', 'schema', 'lab']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toMatch(/64 usage error/);
  });

  test('command help', async () => {
    const r = await runCli(['validate', '--help']);
    expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: microcloud validate FILE \[--json\]/) });
  });

  test.each(['validate', 'plan', 'apply', 'status'])('%s --help describes every option the command takes', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    const flags = [...r.stdout.matchAll(/^  (--[a-z-]+)(?: [A-Z]+)?\s{2,}(\S.*)$/gm)].map((m) => m[1]);
    const usage = [...(/^Usage: .*$/m.exec(r.stdout)?.[0] ?? '').matchAll(/\[(--[a-z-]+)/g)].map((m) => m[1]);
    expect(usage.length).toBeGreaterThan(0);
    for (const f of usage) expect(flags).toContain(f);
    for (const g of ['--log-format', '--log-level', '--no-color', '--help', '--version']) expect(r.stdout).toContain(g);
  });

  test('a mistyped command gets "did you mean"', async () => {
    const r = await runCli(['aply', 'site.yaml']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^microcloud: unknown command "aply" \(did you mean "apply"\?\); commands: /);
  });

  test('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await runCli(['--version'])).toMatchObject({ code: 0, stdout: `microcloud-apply ${pkg.version}\n` });
  });

  test.each([
    [['frobnicate'], /unknown command "frobnicate"; commands: validate, plan, apply, status, export, schema, lab/],
    [['validate', '--jsn', 'x.yaml'], /Unknown option '--jsn'/],
    [['validate'], /validate takes exactly one FILE/],
    [['validate', 'a', 'b'], /validate takes exactly one FILE/],
    [['--log-format', 'xml', 'schema'], /--log-format must be one of text, json, not "xml"/],
    [[], /no command given/],
    [['schema', 'extra'], /schema takes no arguments/],
  ])('%j is a usage error (exit 64, message on stderr)', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/Usage: microcloud|microcloud --help/);
  });

  test('the real binary: usage error without stack trace', () => {
    const r = runBin(['validate', '--nope']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^microcloud: Unknown option '--nope'/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('schema', () => {
  test('prints the JSON Schema', async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema['properties'] as object)).toContain('lookup_timeout');
  });
});

describe('logging', () => {
  const logTo = (format: 'text' | 'json', secrets: SecretSet) => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    return { log: createLogger({ format, level: 'debug', secrets, stream, color: false }), text: () => chunks.join('') };
  };

  test('registered secrets and secret-named fields are masked in text and JSON', async () => {
    for (const format of ['text', 'json'] as const) {
      const secrets = new SecretSet();
      secrets.add('Orchid-Velvet-Monsoon');
      const { log, text } = logTo(format, secrets);
      log.info('joining with Orchid-Velvet-Monsoon', { session_passphrase: 'Orchid-Velvet-Monsoon', token: 'eyJzZWNyZXQiOiJ4In0=', nested: { note: 'pass Orchid-Velvet-Monsoon' }, node: 'n2' });
      await new Promise((r) => setImmediate(r));
      const out = text();
      expect(out).not.toContain('Orchid-Velvet-Monsoon');
      expect(out).not.toContain('eyJzZWNyZXQiOiJ4In0=');
      expect(out).toContain('[REDACTED]');
      expect(out).toContain('n2');
      if (format === 'json') expect(JSON.parse(out.trim())).toMatchObject({ level: 'info', node: 'n2', token: '[REDACTED]' });
      else expect(out).toMatch(/^info: joining with \[REDACTED\]/);
    }
  });
});
