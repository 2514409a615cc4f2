// Conformance of the find: regexp engine with Go's regexp package (which MicroCloud's filters, via
// LXD's shared/filter, compile every string value with). These cases began as the tests of the
// hand-written Go→JS translator that re2js replaced; every expected verdict is Go's.
import { compileGoRegexp } from '../../src/preseed/disk-filter.js';

/** regexp.MatchString: compile (Perl syntax), then an unanchored search; null when Compile fails. */
function goMatch(pattern: string, text: string): boolean | null {
  const compiled = compileGoRegexp(pattern);
  return 'error' in compiled ? null : compiled.regexp.test(text);
}

const accepts = (pattern: string) => !('error' in compileGoRegexp(pattern));

describe('what regexp.Compile accepts', () => {
  // Formerly "translates %s to %s": Go accepts these and applies a repetition to whatever precedes
  // it, including an assertion (`^*`) or the atom before a flag group (`a(?i)*` is `a*`).
  test.each<[string, string, boolean]>([
    ['(?i)^*x$', 'X', true],
    ['(?i)^*x$', 'yx', true], // zero repetitions of ^ are allowed: no anchor
    ['(?i)^*x$', 'xy', false],
    ['(?i)^\\b*x$', 'x', true],
    ['(?i)^a(?i)*$', '', true],
    ['(?i)^a(?i)*$', 'AAA', true],
    ['(?i)^a(?i)*$', 'b', false],
    ['(?i)^(?P<n>x)$', 'X', true],
    ['(?i)^(?<n>x)$', 'X', true],
  ])('Go accepts %s; on %j it matches: %s', (pattern, text, expected) => {
    expect(goMatch(pattern, text)).toBe(expected);
  });

  test.each([
    '(?i)*x', '(?i)a**', '(?i)a{2}{3}', '(?i)x{1001}', '(?i)(a{100}){11}', '(?i)(?<=a)b', '(?i)\\8', '(?i)[z-a]',
    '(?i)[a', '(?i)(a', '(?i)a)', '(?i)\\p{Grek}', '(?i)[[:foo:]]', '(?i)\\C',
    // and more that Go rejects
    '(?i)a{2}*', '(?i)(?=S).*', '(?i)(a)\\1', '(?i)((a{10}){10}){11}', `${'('.repeat(1001)}${')'.repeat(1001)}`,
  ])('Go rejects %s', (pattern) => {
    expect(compileGoRegexp(pattern)).toEqual({ error: expect.any(String) });
  });

  test("rejections carry Go's error text", () => {
    expect(compileGoRegexp('(?i)^Samsung(870$')).toEqual({ error: 'missing closing ): `(?i)^Samsung(870$`' });
    expect(compileGoRegexp('(?i)a**')).toEqual({ error: 'invalid nested repetition operator: `**`' });
    expect(compileGoRegexp('(?i)x{1001}')).toEqual({ error: 'invalid repeat count: `{1001}`' });
  });

  test.each(['(?i)a{1000}', '(?i)((a{10}){10}){10}', '(?i)x{,3}', '(?i)\\Qa.b', '(?i)(?U)a+', '(?i)\\p{Greek}\\p{Han}\\p{Cham}\\p{Lisu}'])(
    'Go accepts %s',
    (pattern) => {
      expect(accepts(pattern)).toBe(true);
    },
  );
});

describe('what regexp.MatchString finds', () => {
  test('an unanchored search: anchoring is the filter\'s business', () => {
    expect(goMatch('(?i)ssd', 'Samsung SSD 870')).toBe(true);
    expect(goMatch('(?i)^ssd$', 'Samsung SSD 870')).toBe(false);
  });

  test('(?i) folding: negated classes exclude both cases, Kelvin sign folds to k', () => {
    expect(goMatch('(?i)^\\P{Lu}$', 'a')).toBe(false);
    expect(goMatch('(?i)^[^a-z]$', 'A')).toBe(false);
    expect(goMatch('(?i)^k$', '\u212a')).toBe(true);
  });

  // The translator could not reproduce these (it refused (?-i), and JS's \b and line ends differ).
  test('(?-i) turns case folding off for the rest of the group, as in Go', () => {
    expect(goMatch('(?i)(?-i)^abc$', 'abc')).toBe(true);
    expect(goMatch('(?i)(?-i)^abc$', 'ABC')).toBe(false);
    expect(goMatch('(?i)^a(?-i:b)c$', 'AbC')).toBe(true);
    expect(goMatch('(?i)^a(?-i:b)c$', 'ABC')).toBe(false);
  });

  test('\\b is an ASCII word boundary even under (?i)', () => {
    expect(goMatch('(?i)x\\b', 'x\u017f')).toBe(true); // ſ folds to s but is not an ASCII word character
    expect(goMatch('(?i)\\bk\\b', '\u212a')).toBe(false);
  });

  test('(?m) lines end only at \\n', () => {
    expect(goMatch('(?i)(?m)^b$', 'a\r\nb')).toBe(true);
    expect(goMatch('(?i)(?m)^b$', 'a\nb\r')).toBe(false);
    expect(goMatch('(?i)(?m)a$', 'a\u2028b')).toBe(false);
  });

  test('. matches \\r but not \\n unless (?s); characters beyond the BMP are single characters', () => {
    expect(goMatch('(?i)^a.b$', 'a\rb')).toBe(true);
    expect(goMatch('(?i)^a.b$', 'a\nb')).toBe(false);
    expect(goMatch('(?i)(?s)^a.b$', 'a\nb')).toBe(true);
    expect(goMatch('(?i)^.$', '\u{1f600}')).toBe(true);
    expect(goMatch('(?i)^\\x{1F600}$', '\u{1f600}')).toBe(true);
  });

  test('linear time: (.+)+! against 10,000 characters without "!"', () => {
    // No timing assertion: a backtracking engine would not finish before jest's timeout.
    expect(goMatch('(?i)^(.+)+!$', 'x'.repeat(10_000))).toBe(false);
    expect(goMatch('(?i)(.+)+!', 'x'.repeat(10_000))).toBe(false);
    expect(goMatch('(?i)^(.+)+!$', `${'x'.repeat(10_000)}!`)).toBe(true);
  });
});
