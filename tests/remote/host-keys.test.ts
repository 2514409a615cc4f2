// known_hosts and fingerprints, checked against what OpenSSH's own tools produce.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkKnownHosts,
  fingerprint,
  hostMatches,
  keyType,
  knownHostsLine,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  parsePin,
} from '../../src/remote/host-keys.js';

let dir: string;
const keys: { blob: Buffer; line: string; fp: string }[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mca-hk-'));
  for (const [i, type] of ['ed25519', 'ecdsa', 'rsa'].entries()) {
    const path = join(dir, `k${i}`);
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path]);
    const line = readFileSync(`${path}.pub`, 'utf8').trim();
    const fp = execFileSync('ssh-keygen', ['-lf', `${path}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '';
    keys.push({ blob: Buffer.from(line.split(' ')[1] ?? '', 'base64'), line, fp });
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const k = (i: number): { blob: Buffer; line: string; fp: string } => keys[i] as { blob: Buffer; line: string; fp: string };
const typeAndKey = (i: number): string => k(i).line.split(' ').slice(0, 2).join(' ');

describe('fingerprints', () => {
  test('match ssh-keygen -lf exactly, for every key type', () => {
    for (const key of keys) expect(fingerprint(key.blob)).toBe(key.fp);
    expect(keyType(k(0).blob)).toBe('ssh-ed25519');
    expect(keyType(k(1).blob)).toBe('ecdsa-sha2-nistp256');
    expect(keyType(k(2).blob)).toBe('ssh-rsa');
  });

  test('pins: fingerprint or public key line; garbage is refused', () => {
    expect(parsePin(k(0).fp)).toEqual({ fingerprint: k(0).fp });
    expect(parsePin(`${k(0).fp}=`)).toEqual({ fingerprint: k(0).fp });
    expect(parsePin(k(1).line)).toEqual({ fingerprint: k(1).fp, keyType: 'ecdsa-sha2-nistp256' });
    expect(() => parsePin('MD5:aa:bb')).toThrow(/SHA256/);
    expect(() => parsePin('SHA256:short')).toThrow(/SHA256/);
  });
});

describe('known_hosts parsing and matching', () => {
  test('names: bare host on port 22, [host]:port otherwise, lower-cased', () => {
    expect(knownHostsName('Node1.Example', 22)).toBe('node1.example');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
    expect(knownHostsName('::1', 2222)).toBe('[::1]:2222');
  });

  test('skips comments, blanks, malformed lines, unknown markers and mismatched key types', () => {
    const text = [
      '# comment',
      '',
      '   ',
      'onlyhost',
      `bad ${'ssh-ed25519'} !!!notbase64`,
      `wrongtype ssh-rsa ${k(0).line.split(' ')[1]}`,
      `@weird host ${typeAndKey(0)}`,
      `good ${typeAndKey(0)} a comment here`,
    ].join('\n');
    const entries = parseKnownHosts(text);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ line: 8, hosts: 'good', marker: null, keyType: 'ssh-ed25519' });
  });

  test('comma lists, wildcards and negation', () => {
    expect(hostMatches('a,b,c', 'b')).toBe(true);
    expect(hostMatches('*.example.com', 'node1.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostMatches('node?', 'node1')).toBe(true);
    expect(hostMatches('10.0.0.*,!10.0.0.5', '10.0.0.4')).toBe(true);
    expect(hostMatches('10.0.0.*,!10.0.0.5', '10.0.0.5')).toBe(false);
    expect(hostMatches('[10.0.0.1]:2222', '[10.0.0.1]:2222')).toBe(true);
    expect(hostMatches('10.0.0.1', '[10.0.0.1]:2222')).toBe(false);
    expect(hostMatches('NODE1', 'node1')).toBe(true);
  });

  test('hashed entries written by ssh-keygen -H match, for plain and [host]:port names', () => {
    const file = join(dir, 'kh');
    writeFileSync(file, `node1.example ${typeAndKey(0)}\n[10.0.0.7]:2222 ${typeAndKey(1)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const entries = parseKnownHosts(readFileSync(file, 'utf8'));
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true);
    expect(checkKnownHosts(entries, 'node1.example', k(0).blob).status).toBe('ok');
    expect(checkKnownHosts(entries, '[10.0.0.7]:2222', k(1).blob).status).toBe('ok');
    expect(checkKnownHosts(entries, '10.0.0.7', k(1).blob).status).toBe('unknown');
    expect(checkKnownHosts(entries, 'node1.example', k(1).blob)).toMatchObject({ status: 'changed' });
  });

  test('our hashed lines are found by ssh-keygen -F', () => {
    const file = join(dir, 'kh2');
    writeFileSync(file, knownHostsLine('[10.0.0.9]:2200', k(0).blob, { hash: true }));
    expect(() => execFileSync('ssh-keygen', ['-F', '[10.0.0.9]:2200', '-f', file], { stdio: 'ignore' })).not.toThrow();
    expect(() => execFileSync('ssh-keygen', ['-F', '10.0.0.9', '-f', file], { stdio: 'ignore' })).toThrow();
  });
});

describe('checkKnownHosts verdicts', () => {
  test('ok, unknown, changed (with the expected entries), and key type mismatch counts as changed', () => {
    const entries = parseKnownHosts(`node1 ${typeAndKey(0)}\nnode2,node3 ${typeAndKey(1)}\n`);
    expect(checkKnownHosts(entries, 'node1', k(0).blob).status).toBe('ok');
    expect(checkKnownHosts(entries, 'node3', k(1).blob).status).toBe('ok');
    expect(checkKnownHosts(entries, 'node9', k(0).blob)).toEqual({ status: 'unknown', certAuthorityOnly: false });
    const changed = checkKnownHosts(entries, 'node1', k(2).blob);
    expect(changed.status).toBe('changed');
    expect(changed.status === 'changed' && changed.expected.map((e) => fingerprint(e.key))).toEqual([k(0).fp]);
  });

  test('any matching line accepts (several keys per host)', () => {
    const entries = parseKnownHosts(`node1 ${typeAndKey(0)}\nnode1 ${typeAndKey(2)}\n`);
    expect(checkKnownHosts(entries, 'node1', k(2).blob).status).toBe('ok');
    expect(knownKeyTypes(entries, 'node1')).toEqual(['ssh-ed25519', 'ssh-rsa']);
  });

  test('@revoked wins over a plain entry', () => {
    const entries = parseKnownHosts(`node1 ${typeAndKey(0)}\n@revoked * ${typeAndKey(0)}\n`);
    expect(checkKnownHosts(entries, 'node1', k(0).blob)).toMatchObject({ status: 'revoked', entry: { line: 2 } });
  });

  test('@cert-authority lines neither accept nor count as a known key', () => {
    const entries = parseKnownHosts(`@cert-authority *.example ${typeAndKey(0)}\n`);
    expect(checkKnownHosts(entries, 'node1.example', k(0).blob)).toEqual({ status: 'unknown', certAuthorityOnly: true });
    expect(knownKeyTypes(entries, 'node1.example')).toEqual([]);
  });

  test('a negated pattern excludes the host from a line', () => {
    const entries = parseKnownHosts(`node*,!node2 ${typeAndKey(0)}\n`);
    expect(checkKnownHosts(entries, 'node1', k(0).blob).status).toBe('ok');
    expect(checkKnownHosts(entries, 'node2', k(0).blob).status).toBe('unknown');
  });

  test('knownHostsLine writes "name type base64" and parses back', () => {
    const line = knownHostsLine('[127.0.0.1]:2222', k(0).blob);
    expect(line).toBe(`[127.0.0.1]:2222 ${typeAndKey(0)}\n`);
    expect(checkKnownHosts(parseKnownHosts(line), '[127.0.0.1]:2222', k(0).blob).status).toBe('ok');
  });
});
