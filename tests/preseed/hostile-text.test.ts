// Values that reach a machine carry no control, bidirectional-text or zero-width character; interface
// names follow Linux's dev_valid_name() exactly; nesting past MAX_NESTING is one located error. Each
// rule is checked with its exact message and position.
import { decodePreseed, loadPreseed } from '../../src/preseed/load.js';
import { MAX_NESTING } from '../../src/preseed/document.js';
import { findUnsafeCharacter, interfaceNameProblem, visible } from '../../src/preseed/text.js';
import { CTX, errorsOf, load, unicast } from '../helpers/preseed.js';

/** Only the errors, as `path@line:column message`, so a test shows every one at a glance. */
const located = (r: ReturnType<typeof load>) => errorsOf(r).map((d) => `${d.path}@${d.line}:${d.column} ${d.message}`);
const hex = (cp: number) => cp.toString(16).padStart(4, '0');
const UPLINK_TAIL = ['ovn:', '  ipv4_gateway: 192.0.2.1/24', '  ipv4_range: 192.0.2.100-192.0.2.200'];

const BIDI = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c];
const ZERO_WIDTH = [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff];
const CONTROLS = [0x00, 0x01, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f, 0x85, 0x9f];
const NAMES: Record<number, string> = {
  0x00: 'NULL', 0x07: 'BELL', 0x09: 'CHARACTER TABULATION', 0x0a: 'LINE FEED', 0x0d: 'CARRIAGE RETURN', 0x1b: 'ESCAPE',
  0x7f: 'DELETE', 0x85: 'NEXT LINE', 0x202a: 'LEFT-TO-RIGHT EMBEDDING', 0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING', 0x202d: 'LEFT-TO-RIGHT OVERRIDE', 0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE', 0x2067: 'RIGHT-TO-LEFT ISOLATE', 0x2068: 'FIRST STRONG ISOLATE', 0x2069: 'POP DIRECTIONAL ISOLATE',
  0x200e: 'LEFT-TO-RIGHT MARK', 0x200f: 'RIGHT-TO-LEFT MARK', 0x061c: 'ARABIC LETTER MARK', 0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER', 0x200d: 'ZERO WIDTH JOINER', 0x2060: 'WORD JOINER', 0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

describe('control, bidirectional-text and zero-width characters', () => {
  const KIND = (cp: number) => (CONTROLS.includes(cp) ? 'a control character'
    : BIDI.includes(cp) ? 'a bidirectional-text control, which changes the order in which text is shown'
      : 'an invisible zero-width character');

  test.each([...CONTROLS, ...BIDI, ...ZERO_WIDTH].map((cp) => [`U+${hex(cp).toUpperCase()}`, cp] as const))(
    '%s in a local disk path, a Ceph disk path and an uplink interface: one located error each', (code, cp) => {
      const label = NAMES[cp] ? `${code} (${NAMES[cp]})` : code;
      const r = load(...unicast({
        perSystem: (i) => [
          `    ovn_uplink_interface: ${i === 3 ? `"e\\u${hex(cp)}1"` : 'eth1'}`,
          '    storage:',
          `      local: {path: ${i === 1 ? `"/dev/disk/by-id/a\\u${hex(cp)}b"` : `/dev/disk/by-id/l${i}`}}`,
          `      ceph: [{path: ${i === 2 ? `"/dev/sd\\u${hex(cp)}b"` : `/dev/disk/by-id/c${i}`}}]`,
        ],
        tail: UPLINK_TAIL,
      }));
      const errors = errorsOf(r);
      expect(errors.map((d) => [d.path, d.line, d.column])).toEqual([
        ['systems[0].storage.local.path', 8, 21],
        ['systems[1].storage.ceph[0].path', 15, 21],
        ['systems[2].ovn_uplink_interface', 18, 27],
      ]);
      expect(errors.map((d) => d.message.replace(/^the string ".*" contains/, 'contains'))).toEqual([
        `contains ${label} at position 18, ${KIND(cp)}`,
        `contains ${label} at position 8, ${KIND(cp)}`,
        `contains ${label} at position 2, ${KIND(cp)}`,
      ]);
      // The value is quoted with the character escaped (as JSON writes the common ones), never as is.
      const escaped = ({ 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' } as Record<number, string>)[cp] ?? `\\u${hex(cp)}`;
      for (const d of errors) expect(d.message).toContain(escaped);
      for (const d of errors) expect(findUnsafeCharacter(`${d.message}${d.hint}`)).toBeNull();
    });

  test('exact messages and hints', () => {
    const r = load(...unicast({
      perSystem: (i) => (i === 2 ? ['    storage:', '      local: {path: "/dev/disk/by-id/a\\0b"}', '      ceph: [{path: "/dev/disk/by-id/a\u202eb"}]'] : []),
    }));
    expect(located(r).filter((l) => l.includes('path@'))).toEqual([
      'systems[1].storage.local.path@9:21 the string "/dev/disk/by-id/a\\u0000b" contains U+0000 (NULL) at position 18, a control character',
      'systems[1].storage.ceph[0].path@10:21 the string "/dev/disk/by-id/a\\u202eb" contains U+202E (RIGHT-TO-LEFT OVERRIDE) at position 18, a bidirectional-text control, which changes the order in which text is shown',
    ]);
    const hints = errorsOf(r).filter((d) => d.path.endsWith('path')).map((d) => d.hint);
    expect(hints).toEqual([
      'delete it; in a double-quoted YAML value, escapes such as \\0, \\t, \\e or \\x01 also make control characters',
      'delete it; most editors do not show it, so retype the value rather than paste it',
    ]);
    const zw = load(...unicast({ perSystem: (i) => [`    ovn_uplink_interface: ${i === 1 ? '"eth\\u200b1"' : 'eth1'}`], tail: UPLINK_TAIL }));
    expect(located(zw)).toEqual([
      'systems[0].ovn_uplink_interface@6:27 the string "eth\\u200b1" contains U+200B (ZERO WIDTH SPACE) at position 4, an invisible zero-width character',
    ]);
  });

  test('the position counts characters, as an editor does, not UTF-16 units or bytes', () => {
    expect(findUnsafeCharacter('/dev/\u{1F600}é\u202e')).toEqual({ codePoint: 0x202e, position: 8, kind: 'bidi' });
  });

  test('SSH host, jump host and host key are held to the same rule', () => {
    const r = load(...unicast({ perSystem: (i) => (i === 1 ? ['    ssh: {host: "a\\0b", host_key: "SHA256:\\u200b"}'] : []) }), 'ssh: {jump: "a\u202eb"}');
    expect(located(r)).toEqual([
      'systems[0].ssh.host@6:17 the string "a\\u0000b" contains U+0000 (NULL) at position 2, a control character',
      'systems[0].ssh.host_key@6:35 the string "SHA256:\\u200b" contains U+200B (ZERO WIDTH SPACE) at position 8, an invisible zero-width character',
      'ssh.jump@11:13 the string "a\\u202eb" contains U+202E (RIGHT-TO-LEFT OVERRIDE) at position 2, a bidirectional-text control, which changes the order in which text is shown',
    ]);
  });

  test('an LXD config value may span lines and join emoji, but not carry other controls or bidi controls; a secret is not quoted', () => {
    const r = load(...unicast(), 'lxd:', '  config:',
      '    network.ovn.ca_cert: "-----BEGIN CERTIFICATE-----\\r\\nMIIB\\tAA==\\n-----END CERTIFICATE-----\\n"',
      '    user.family: "\u{1F468}\u200d\u{1F469}\u200d\u{1F467}"',
      '    core.proxy_https: "http://proxy\u2066:3128"',
      '    images.remote_cache_expiry: "1\\e[2J0"',
      '    core.trust_password: "s3cr\\0et-LXD"');
    expect(located(r)).toEqual([
      'lxd.config["core.proxy_https"]@14:23 the string "http://proxy\\u2066:3128" contains U+2066 (LEFT-TO-RIGHT ISOLATE) at position 13, a bidirectional-text control, which changes the order in which text is shown',
      'lxd.config["images.remote_cache_expiry"]@15:33 the string "1\\u001b[2J0" contains U+001B (ESCAPE) at position 2, a control character',
      'lxd.config["core.trust_password"]@16:26 the given text contains a control character or a bidirectional-text control (which one, and where, is not shown: the value is secret)',
    ]);
    expect(JSON.stringify(r.diagnostics)).not.toContain('s3cr');
  });

  test('other fields keep their own rules, and quote a hostile value or key escaped', () => {
    const r = load('"x\u202ey": 1', ...unicast().map((l) => l.replace('name: n2', 'name: "n\u202e2"')));
    expect(located(r)).toEqual([
      '["x\\u202ey"]@1:1 unknown key "x\\u202ey"',
      'systems[1].name@7:11 the string "n\\u202e2" is not a valid host name',
    ]);
  });

  test('visible() escapes what findUnsafeCharacter refuses, and keeps line breaks and everything else', () => {
    expect(visible('a\u202eb\u0000c\u200bd\n\u00e9\u{1F600}')).toBe('a\\u202eb\\u0000c\\u200bd\n\u00e9\u{1F600}');
  });
});

describe('interface names: Linux dev_valid_name(), byte for byte', () => {
  /** net/core/dev.c on the UTF-8 bytes; isspace() is the kernel's Latin-1 table (0xA0 is a space). */
  const devValidName = (name: string): boolean => {
    const b = Buffer.from(name, 'utf8');
    if (b.length === 0 || b.length >= 16 || name === '.' || name === '..') return false;
    return !b.some((x) => x === 0x2f || x === 0x3a || [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0].includes(x));
  };

  test('"" is no interface at all, as MicroCloud reads it: the other systems then have one it lacks', () => {
    // yaml.v3 leaves an empty string field at its zero value, which MicroCloud treats as not given.
    const r = load(...unicast({ perSystem: (i) => [`    ovn_uplink_interface: ${i === 2 ? '""' : 'eth1'}`], tail: UPLINK_TAIL }));
    expect(errorsOf(r).map((d) => [d.path, d.line, d.column, d.message])).toEqual([
      ['systems[1]', 7, 5, 'Some systems are missing an uplink interface: "n2" has no ovn_uplink_interface'],
    ]);
  });

  test.each([
    ['.', 'the string "." is not a valid interface name: Linux refuses "." and ".." (they name directories in /sys/class/net)'],
    ['..', 'the string ".." is not a valid interface name: Linux refuses "." and ".." (they name directories in /sys/class/net)'],
    ['enp2s0f0np0vf127', 'the string "enp2s0f0np0vf127" is not a valid interface name: it is 16 bytes long, and Linux allows at most 15'],
    ['üüüüüüüü', 'the string "üüüüüüüü" is not a valid interface name: it is 16 bytes long in UTF-8, and Linux allows at most 15'],
    ['br/0', 'the string "br/0" is not a valid interface name: it contains "/" at position 3, which Linux refuses'],
    ['eth0:1', 'the string "eth0:1" is not a valid interface name: it contains ":" at position 5, which Linux refuses'],
    ['eth 1', 'the string "eth 1" is not a valid interface name: it contains U+0020 (SPACE) at position 4, and Linux refuses whitespace'],
    ['eth\u00a01', 'the string "eth\u00a01" is not a valid interface name: it contains U+00A0 (NO-BREAK SPACE) at position 4, whose UTF-8 encoding has the byte 0xA0, which Linux counts as whitespace'],
    ['vlàn', 'the string "vlàn" is not a valid interface name: it contains U+00E0 at position 3, whose UTF-8 encoding has the byte 0xA0, which Linux counts as whitespace'],
  ])('%j is refused with a located error', (name, message) => {
    const r = load(...unicast({ perSystem: (i) => [`    ovn_uplink_interface: ${i === 2 ? JSON.stringify(name) : 'eth1'}`], tail: UPLINK_TAIL }));
    expect(errorsOf(r).map((d) => [d.path, d.line, d.column, d.message])).toEqual([['systems[1].ovn_uplink_interface', 9, 27, message]]);
    expect(errorsOf(r)[0]!.hint).toMatch(name === 'eth0:1' ? /address label on eth0/ : /`ip -br link`.*1 to 15 bytes, not "\." or "\.\.", without "\/", ":" or whitespace/);
    expect(devValidName(name)).toBe(false);
  });

  test.each(['eth1', 'enp2s0f0np0vf12', '...', '.a', '$(reboot)', 'a;reboot', '-oX', '*', 'a\\b', 'ünï-ø', 'br-€', 'uplink\u{1F600}'])('%j is accepted, as Linux accepts it', (name) => {
    const r = load(...unicast({ perSystem: () => [`    ovn_uplink_interface: ${JSON.stringify(name)}`], tail: UPLINK_TAIL }));
    expect(errorsOf(r)).toEqual([]);
    expect(devValidName(name)).toBe(true);
  });

  test('agrees with dev_valid_name on 20,000 generated names', () => {
    // Characters at each edge of the rule: the refused ASCII, and UTF-8 with and without a 0xA0 byte.
    const alphabet = ['a', '0', '-', '.', '/', ':', ' ', '\u00a0', 'à', 'ü', '\u0120', '\u0820', '€', '\u{1F600}', '\u{10020}'];
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const disagree: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      let name = '';
      for (let n = Math.floor(rnd() * 18); n > 0; n--) name += alphabet[Math.floor(rnd() * alphabet.length)];
      if ((interfaceNameProblem(name) === null) !== devValidName(name)) disagree.push(JSON.stringify(name));
    }
    expect(disagree).toEqual([]);
  });
});

describe('nesting', () => {
  const HINT = 'look for a `[` or `{` that is never closed, or for lists and mappings inside one another by mistake';
  const MESSAGE = `the YAML is nested more than ${MAX_NESTING} levels deep; a preseed needs at most 6`;
  const only = (text: string) => loadPreseed('site.yaml', text, CTX).diagnostics.map((d) => ({ ...d }));
  const at = (line: number, column: number) => [{ severity: 'error', file: 'site.yaml', path: '', line, column, message: MESSAGE, hint: HINT }];

  test(`${MAX_NESTING} levels are read; one more is refused at the collection that goes past`, () => {
    // The root mapping is the first level.
    expect(only(`a: ${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}\n`).map((d) => d.message)).not.toContain(MESSAGE);
    expect(only(`a: ${'['.repeat(MAX_NESTING)}${']'.repeat(MAX_NESTING)}\n`)).toEqual(at(1, 4 + MAX_NESTING - 1));
  });

  test('flow lists, flow maps, compact block lists, explicit keys and indented mappings', () => {
    expect(only(`systems: ${'['.repeat(2000)}\n`)).toEqual(at(1, 10 + 63));
    expect(only(`systems: ${'{a: '.repeat(2000)}1${'}'.repeat(2000)}\n`)).toEqual(at(1, 10 + 4 * 63));
    expect(only(`systems:\n${'- '.repeat(2000)}x\n`)).toEqual(at(2, 1 + 2 * 63));
    expect(only(`a:\n${'? '.repeat(2000)}x\n`)).toEqual(at(2, 1 + 2 * 64));
    const indented = Array.from({ length: 400 }, (_, k) => `${' '.repeat(k + 1)}k:`).join('\n');
    expect(only(`a:\n${indented} 1\n`)).toEqual(at(65, 65));
  });

  test('1 MiB of 500,000 `[` is refused at its place without building it (bounded heap)', () => {
    for (const body of ['['.repeat(500_000), '[ '.repeat(500_000)]) {
      const head = `initiator_address: 10.0.0.11\nsystems: ${body}`;
      const text = `${head}\n#${'x'.repeat(1024 * 1024 - head.length - 3)}\n`;
      expect(Buffer.byteLength(text)).toBe(1024 * 1024);
      const before = process.memoryUsage().heapUsed;
      const decoded = decodePreseed('site.yaml', new TextEncoder().encode(text));
      if ('error' in decoded) throw new Error(decoded.error.message);
      const r = loadPreseed('site.yaml', decoded.text, CTX);
      // Building the 500,000 collections took ~430 MB; refusing them takes a few.
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(32 * 1024 * 1024);
      expect(r.desired).toBeNull();
      expect(r.diagnostics).toEqual(at(2, 10 + (body[1] === ' ' ? 2 : 1) * 63));
    }
  });
});
