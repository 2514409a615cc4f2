import {
  DISK_FILTER_FIELDS,
  DiskFilterError,
  diskPath,
  matchesDisk,
  parseDiskFilter,
  type ResourcesDisk,
} from '../../src/preseed/disk-filter.js';
import { isPartitioned } from '../../src/plan/disk-paths.js';

/** MicroCloud's preseed candidates: disks without partitions (the planner's rule, src/plan/disk-paths.ts). */
const candidateDisks = <T extends ResourcesDisk>(disks: readonly T[]): T[] => disks.filter((d) => !isPartitioned(d));

const GiB = 1024 ** 3;

function disk(over: Partial<ResourcesDisk> = {}): ResourcesDisk {
  return {
    id: 'sda',
    device: '8:0',
    model: 'Samsung SSD 870',
    type: 'sata',
    read_only: false,
    mounted: false,
    size: 500 * 1000 ** 3,
    removable: false,
    wwn: 'naa.5002538f31234567',
    numa_node: 0,
    device_path: 'pci-0000:00:17.0-ata-1',
    block_size: 512,
    firmware_version: 'SVT02B6Q',
    rpm: 0,
    serial: 'S5Y1NJ0R123456',
    device_id: 'ata-Samsung_SSD_870_EVO_500GB_S5Y1NJ0R123456',
    pci_address: '0000:00:17.0',
    partitions: [],
    ...over,
  };
}

const matches = (expression: string, d: ResourcesDisk = disk()) => matchesDisk(parseDiskFilter(expression), d);

function parseError(expression: string): DiskFilterError {
  try {
    parseDiskFilter(expression);
  } catch (e) {
    expect(e).toBeInstanceOf(DiskFilterError);
    return e as DiskFilterError;
  }
  throw new Error(`expected ${JSON.stringify(expression)} to be rejected`);
}

describe('tokens and clause structure (lxd shared/filter Parse)', () => {
  test('splits on any Go whitespace, including tabs, newlines and NBSP', () => {
    const f = parseDiskFilter(' size\t>\n1GiB\u00a0&&  type == nvme ');
    expect(f.clauses.map((c) => [c.logical, c.not, c.field, c.operator, c.value.text])).toEqual([
      ['&&', false, 'size', '>', '1GiB'],
      ['&&', false, 'type', '==', 'nvme'],
    ]);
    expect(f.clauses.map((c) => c.offset)).toEqual([1, 17]);
    expect(f.expression).toBe(' size\t>\n1GiB\u00a0&&  type == nvme ');
  });

  test('U+FEFF is whitespace to JS but not to Go strings.Fields', () => {
    expect(parseError('size > 1GiB\ufeff').message).toBe('invalid size "1GiB\ufeff"');
  });

  test('records the logical operator that joins each clause to the left', () => {
    const f = parseDiskFilter('type == nvme || ! removable == true && rpm == 0');
    expect(f.clauses.map((c) => [c.logical, c.not])).toEqual([['&&', false], ['||', true], ['&&', false]]);
  });
});

describe('operators', () => {
  const d = disk({ size: 2 * GiB });
  test.each([
    ['size == 2GiB', true],
    ['size != 2GiB', false],
    ['size < 2GiB', false],
    ['size < 3GiB', true],
    ['size > 2GiB', false],
    ['size > 1GiB', true],
    ['size <= 2GiB', true],
    ['size <= 1GiB', false],
    ['size >= 2GiB', true],
    ['size >= 3GiB', false],
    ['type == sata', true],
    ['type != sata', false],
    ['removable == false', true],
    ['removable != false', false],
  ])('%s -> %s', (expression, expected) => {
    expect(matches(expression, d)).toBe(expected);
  });

  test('&& and || combine clauses', () => {
    expect(matches('type == sata && rpm == 0')).toBe(true);
    expect(matches('type == sata && rpm == 7200')).toBe(false);
    expect(matches('type == nvme || rpm == 0')).toBe(true);
    expect(matches('type == nvme || rpm == 7200')).toBe(false);
  });
});

describe('strictly left to right, no precedence', () => {
  const smallHdd = disk({ type: 'hdd', size: 500 * 1000 ** 3 });

  test('A || B && C is (A || B) && C', () => {
    // With && binding tighter this would be hdd || (nvme && big) = true.
    expect(matches('type == hdd || type == nvme && size > 1TB', smallHdd)).toBe(false);
    expect(matches('type == hdd || type == nvme && size > 100GB', smallHdd)).toBe(true);
  });

  test('A && B || C is (A && B) || C', () => {
    expect(matches('type == nvme && size > 1TB || type == hdd', smallHdd)).toBe(true);
  });

  test('every clause is evaluated; a false start can still become true', () => {
    expect(matches('type == nvme && rpm == 1 || removable == false', smallHdd)).toBe(true);
  });
});

describe('negation', () => {
  test('! negates only the clause right after it', () => {
    expect(matches('! type == nvme')).toBe(true);
    expect(matches('! type == sata')).toBe(false);
    expect(matches('! type == sata || size > 1GB')).toBe(true);
    expect(matches('! type == nvme && ! removable == true')).toBe(true);
  });

  test('! combined with != is a double negative', () => {
    expect(matches('! type != sata')).toBe(true);
  });
});

describe('quotes', () => {
  test('double and single quotes join words with single spaces', () => {
    expect(parseDiskFilter('model == "Samsung   SSD 870" && rpm == 0').clauses[0]!.value.text).toBe('Samsung SSD 870');
    expect(matches('model == "Samsung   SSD 870" && rpm == 0')).toBe(true);
    expect(matches("model == 'samsung ssd.*' && rpm == 0")).toBe(true);
  });

  test('a quoted single word swallows tokens up to the next word ending in the quote', () => {
    const f = parseDiskFilter("model == 'Samsung' && type == 'sata x'");
    expect(f.clauses).toHaveLength(1);
    expect(f.clauses[0]!.value.text).toBe("Samsung' && type == 'sata x");
    expect(f.warnings[0]).toContain('does not end its own value');
    expect(matches("model == 'Samsung' && type == 'sata x'")).toBe(false);
  });

  test("model == 'A' || model == 'B' is one clause whose || makes it match any model", () => {
    const f = parseDiskFilter("model == 'A' || model == 'B'");
    expect(f.clauses).toHaveLength(1);
    expect(f.warnings[0]).toContain('matches any value');
    expect(matchesDisk(f, disk({ model: 'Intel Optane' }))).toBe(true);
    expect(matches("model != 'A' || model == 'B'", disk({ model: 'A' }))).toBe(false);
  });

  test('a quoted single word at the end never terminates (as in the docs example model == "<vendor>")', () => {
    const e = parseError('type == nvme && model == "<vendor>"');
    expect(e.message).toBe('unterminated quote: no word after "<vendor>" ends with "');
    expect(e.offset).toBe(25);
    expect(e.hint).toBe('MicroCloud never ends a quote on the word that opened it; drop the quotes: `model == <vendor>`');
  });

  test('after a double-quoted value the closing word is tried again as a single-quote opener', () => {
    expect(parseError(`model == "a 'b" && rpm == 0`).message).toBe(`unterminated quote: no word after 'b" ends with '`);
  });

  test("the docs' 'Samsung %' is a literal percent sign, not a wildcard", () => {
    const f = parseDiskFilter("size > 10GiB && model == 'Samsung %' && rpm == 0");
    expect(f.warnings).toEqual(['"%" in "Samsung %" is a literal percent sign, not a wildcard; use .* instead']);
    expect(matchesDisk(f, disk({ size: 20 * GiB, model: 'Samsung SSD' }))).toBe(false);
    expect(matchesDisk(f, disk({ size: 20 * GiB, model: 'samsung %' }))).toBe(true);
  });
});

describe('string values are case-insensitive regexps', () => {
  test.each([
    ['model == samsung', false],
    ['model == samsung.*', true],
    ['model == SAMSUNG.*870', true],
    ['model == ssd', false],
    ['model == .*ssd.*', true],
    ['model != samsung.*', false],
    ['id == sd[a-c]', true],
    ['id == sd[d-z]', false],
  ])('anchored: %s -> %s', (expression, expected) => {
    expect(matches(expression)).toBe(expected);
  });

  test('a ^ or $ anywhere turns the automatic anchors off', () => {
    expect(matches('model == ^samsung')).toBe(true);
    expect(matches('model == 870$')).toBe(true);
    expect(matches('model == ^ssd')).toBe(false);
    // [^x] is a negated class, but the ^ still disables anchoring: this is a substring search.
    expect(matches('model == [^x]')).toBe(true);
  });

  test('alternation is not grouped by the automatic anchors: ^nvme|sata$', () => {
    expect(matches('type == nvme|sata', disk({ type: 'nvme-over-fabric' }))).toBe(true);
    expect(matches('type == nvme|sata', disk({ type: 'sata' }))).toBe(true);
    expect(matches('type == nvme|sata', disk({ type: 'hdd' }))).toBe(false);
  });

  test('a leading * repeats the ^ anchor, as Go allows: device_id == *lxd_disk1', () => {
    const f = parseDiskFilter('device_id == *lxd_disk1');
    expect(f.clauses[0]!.value).toMatchObject({ kind: 'string', literal: false });
    expect(matchesDisk(f, disk({ device_id: 'scsi-0QEMU_QEMU_HARDDISK_lxd_disk1' }))).toBe(true);
    expect(matchesDisk(f, disk({ device_id: 'scsi-0QEMU_QEMU_HARDDISK_LXD_DISK1' }))).toBe(true);
    expect(matchesDisk(f, disk({ device_id: 'scsi-0QEMU_QEMU_HARDDISK_lxd_disk12' }))).toBe(false);
  });

  test('but *lxd_disk1$ is not anchored, so * has nothing to repeat and it is compared as text', () => {
    const f = parseDiskFilter('device_id == *lxd_disk1$');
    expect(f.clauses[0]!.value).toMatchObject({ literal: true });
    expect(matchesDisk(f, disk({ device_id: 'scsi-0QEMU_lxd_disk1' }))).toBe(false);
    expect(matchesDisk(f, disk({ device_id: '*LXD_DISK1$' }))).toBe(true);
  });

  test('patterns Go rejects fall back to case-insensitive equality', () => {
    const f = parseDiskFilter('model == Samsung(870');
    expect(f.clauses[0]!.value).toMatchObject({ literal: true });
    expect(f.warnings).toEqual(['"Samsung(870" is not a valid regular expression (missing closing ): `(?i)^Samsung(870$`), so MicroCloud compares it as plain text (ignoring case)']);
    expect(matchesDisk(f, disk({ model: 'SAMSUNG(870' }))).toBe(true);
    expect(matchesDisk(f, disk({ model: 'Samsung(8700' }))).toBe(false);
    expect(matches('model != Samsung(870', disk({ model: 'samsung(870' }))).toBe(false);
  });

  test('JS-only syntax (lookahead, backreference) is invalid in Go and compared as text', () => {
    expect(matches('model == (?=S).*')).toBe(false);
    expect(matches('model == (?=S).*', disk({ model: '(?=s).*' }))).toBe(true);
    expect(matches('serial == (a)\\1', disk({ serial: 'aa' }))).toBe(false);
    expect(matches('serial == (a)\\1', disk({ serial: '(A)\\1' }))).toBe(true);
  });

  test('Go-only syntax works as in Go', () => {
    expect(matches('model == samsung\\x20ssd\\s870')).toBe(true);
    expect(matches('model == \\Qa.b\\E', disk({ model: 'A.B' }))).toBe(true);
    expect(matches('model == \\Qa.b\\E', disk({ model: 'axb' }))).toBe(false);
    expect(matches('model == [[:alpha:]]+\\s[[:upper:]]+\\s\\d+')).toBe(true);
    expect(matches('model == \\pL+.*\\z')).toBe(true);
    expect(matches('model == x{,3}', disk({ model: 'x{,3}' }))).toBe(true);
    expect(matches('model == (?s)a.b', disk({ model: 'a\nb' }))).toBe(true);
    expect(matches('model == a.b', disk({ model: 'a\nb' }))).toBe(false);
    expect(matches('model == a.b', disk({ model: 'a\rb' }))).toBe(true);
  });

  test('(?i) folding follows Go: negated classes exclude both cases, Kelvin sign folds to k', () => {
    expect(matches('model == \\P{Lu}', disk({ model: 'a' }))).toBe(false);
    expect(matches('model == [^a-z]', disk({ model: 'A' }))).toBe(false);
    expect(matches('model == k', disk({ model: '\u212a' }))).toBe(true);
    expect(matches('model == k(', disk({ model: '\u212a(' }))).toBe(true); // EqualFold fallback folds too
  });
});

describe('linear-time matching (RE2, as in Go)', () => {
  // On a backtracking engine `^(.+)+!$` against a model without "!" takes time exponential in its
  // length; RE2 is linear. No timing assertion: a hang would hit jest's timeout instead.
  test('model == (.+)+! on a 3-machine lab with 10,000-character models', () => {
    const filter = parseDiskFilter('model == (.+)+!');
    expect(filter.clauses[0]!.value).toMatchObject({ kind: 'string', literal: false });
    const long = 'Q'.repeat(10_000);
    const machines = ['micro1', 'micro2', 'micro3'].map((host) =>
      [disk({ id: `${host}-sda`, model: long }), disk({ id: `${host}-sdb`, model: `${long}!` }), disk({ id: `${host}-sdc`, model: `${long}!x` })]);
    const selected = machines.map((disks) => candidateDisks(disks).filter((d) => matchesDisk(filter, d)).map((d) => d.id));
    expect(selected).toEqual([['micro1-sdb'], ['micro2-sdb'], ['micro3-sdb']]);
  });

  test('other catastrophic patterns, unanchored and negated', () => {
    const long = 'a'.repeat(10_000);
    expect(matches('model == ^(a|aa)+$', disk({ model: `${long}b` }))).toBe(false);
    expect(matches('model == (x+x+)+y', disk({ model: 'x'.repeat(10_000) }))).toBe(false);
    expect(matches('model != (a*)*b', disk({ model: long }))).toBe(true);
  });
});

describe('size units (units.ParseByteSizeString)', () => {
  test.each([
    ['1', 1n],
    ['1B', 1n],
    ['1kB', 1000n],
    ['1KiB', 1024n],
    ['3MB', 3_000_000n],
    ['3MiB', 3n * 1024n ** 2n],
    ['10GB', 10n * 1000n ** 3n],
    ['10GiB', 10n * 1024n ** 3n],
    ['2TB', 2n * 1000n ** 4n],
    ['2TiB', 2n * 1024n ** 4n],
    ['1PB', 1000n ** 5n],
    ['1PiB', 1024n ** 5n],
    ['7EB', 7n * 1000n ** 6n],
    ['7EiB', 7n * 1024n ** 6n],
    ['007GB', 7n * 1000n ** 3n],
    ['9223372036854775807', 2n ** 63n - 1n],
  ])('%s = %s bytes', (text, bytes) => {
    expect(parseDiskFilter(`size == ${text}`).clauses[0]!.value).toMatchObject({ kind: 'uint', value: bytes });
  });

  test('the quoted " bytes" suffix is accepted too', () => {
    expect(parseDiskFilter('size == "5 bytes"').clauses[0]!.value).toMatchObject({ value: 5n });
  });

  test('base 1000 and base 1024 compare differently against the same disk', () => {
    const oneGiB = disk({ size: GiB });
    expect(matches('size == 1GiB', oneGiB)).toBe(true);
    expect(matches('size == 1GB', oneGiB)).toBe(false);
    expect(matches('size > 1GB', oneGiB)).toBe(true);
    expect(matches('size < 1074MB', oneGiB)).toBe(true);
    expect(matches('size >= 1073741824', oneGiB)).toBe(true);
  });

  test('sizes beyond 2^53 compare exactly', () => {
    expect(matches('size > 9007199254740992', disk({ size: 2 ** 53 }))).toBe(false);
    expect(matches('size < 9007199254740993', disk({ size: 2 ** 53 }))).toBe(true);
  });

  test.each([
    ['1GBB', 'write a whole number with an optional unit: B, kB, MB, GB, TB, PB, EB (powers of 1000) or KiB, MiB, GiB, TiB, PiB, EiB (powers of 1024)'],
    ['1KB', 'units are case-sensitive: did you mean 1kB?'],
    ['1gib', 'units are case-sensitive: did you mean 1GiB?'],
    ['1.5TB', 'decimals are not accepted; use a smaller unit, e.g. 1500GB instead of 1.5TB'],
    ['GiB', undefined],
    ['-1GB', undefined],
    ['+1GB', undefined],
    ['8EiB', undefined],
    ['9223372036854775808', undefined],
  ])('rejects %s', (text, hint) => {
    const e = parseError(`type == nvme && size > ${text}`);
    expect(e.message).toBe(`invalid size "${text}"`);
    expect(e.offset).toBe(23);
    if (hint) expect(e.hint).toBe(hint);
  });
});

describe('other numbers and booleans', () => {
  test('uint fields take plain integers only', () => {
    expect(matches('rpm == 7200', disk({ rpm: 7200 }))).toBe(true);
    expect(matches('block_size >= 4096', disk({ block_size: 512 }))).toBe(false);
    expect(matches('numa_node == 1', disk({ numa_node: 1 }))).toBe(true);
    expect(parseError('block_size == 4KiB').message).toBe('invalid number "4KiB" for field "block_size" (expected a whole number of at least 0)');
    expect(parseError('numa_node == -1').offset).toBe(13);
    expect(parseError('rpm == 18446744073709551616').message).toContain('invalid number');
    expect(parseDiskFilter('rpm == 18446744073709551615').clauses[0]!.value).toMatchObject({ value: 2n ** 64n - 1n });
  });

  test.each([
    ['1', true], ['t', true], ['T', true], ['TRUE', true], ['true', true], ['True', true],
    ['0', false], ['f', false], ['F', false], ['FALSE', false], ['false', false], ['False', false],
  ])('strconv.ParseBool(%s) = %s', (text, value) => {
    expect(matches(`removable == ${text}`, disk({ removable: value }))).toBe(true);
    expect(matches(`removable == ${text}`, disk({ removable: !value }))).toBe(false);
  });

  test.each(['yes', 'tRUE', 'on', '2'])('rejects boolean %s', (text) => {
    expect(parseError(`mounted == ${text}`).message).toBe(`invalid boolean "${text}" for field "mounted" (expected true or false)`);
  });
});

describe('fields', () => {
  const d = disk({ usb_address: '3:5', device_fs_uuid: '9313518c', used_by: 'bcache' });
  test.each([
    ['id == sda'],
    ['device == 8:0'],
    ['model == samsung.*'],
    ['type == sata'],
    ['read_only == false'],
    ['mounted == false'],
    ['size == 500GB'],
    ['removable == false'],
    ['wwn == naa\\..*'],
    ['numa_node == 0'],
    ['device_path == pci-.*-ata-1'],
    ['block_size == 512'],
    ['firmware_version == svt02b6q'],
    ['rpm == 0'],
    ['serial == s5y1nj0r123456'],
    ['device_id == ata-samsung.*'],
    ['pci_address == 0000:00:17\\.0'],
    ['usb_address == 3:5'],
    ['device_fs_uuid == 9313518c'],
    ['used_by == bcache'],
  ])('%s', (expression) => {
    expect(matches(expression, d)).toBe(true);
    expect(matches(`! ${expression}`, d)).toBe(false);
  });

  test('every comparable field is covered above', () => {
    expect(DISK_FILTER_FIELDS).toHaveLength(20);
  });

  test('keys LXD leaves out are Go zero values', () => {
    const sparse = { id: 'vda', device: '252:0', size: GiB } as ResourcesDisk;
    expect(matches('model == ^$', sparse)).toBe(true);
    expect(matches('used_by != .+', sparse)).toBe(true);
    expect(matches('rpm == 0 && removable == false', sparse)).toBe(true);
  });
});

describe('errors', () => {
  test.each<[string, string, number, string | undefined]>([
    ['', 'empty expression', 0, 'MicroCloud rejects an empty find: with "Received empty … disk filter"'],
    ['   ', 'blank expression', 0, 'MicroCloud would parse a blank find: as no clauses at all and select every disk'],
    ['!', 'expected a clause after "!", found end of expression', 1, undefined],
    ['size', 'expected an operator after "size", found end of expression', 4, undefined],
    ['size>1GiB', 'expected an operator after "size>1GiB", found end of expression', 9, 'separate operators with spaces: `size > 1GiB`'],
    ['size >', 'expected a value after ">", found end of expression', 6, undefined],
    ['size >1GiB', 'expected a value after ">1GiB", found end of expression', 10, 'separate operators with spaces: `size > 1GiB`'],
    ['size> 1GiB', 'expected a value after "1GiB", found end of expression', 10, 'separate operators with spaces: `size > 1GiB`'],
    ['size > 1GiB &&', 'expected a clause after "&&", found end of expression', 14, undefined],
    ['size > 1GiB and type == nvme', 'expected && or || after "size > 1GiB", found "and"', 12, 'combine clauses with && or ||'],
    ['model == Samsung SSD', 'expected && or || after "model == Samsung", found "SSD"', 17, "quote values that contain spaces: `model == 'Samsung SSD'`"],
    ['type == nvme&&size > 1GiB', 'expected && or || after "type == nvme&&size", found ">"', 19, 'separate operators with spaces: `type == nvme && size`'],
    ['size > 1GiB && sizee == 3', 'unknown field "sizee" (known fields: ' + DISK_FILTER_FIELDS.join(', ') + ')', 15, 'did you mean size?'],
    ['Size > 1GiB', 'unknown field "Size" (known fields: ' + DISK_FILTER_FIELDS.join(', ') + ')', 0, 'field names are case-sensitive: did you mean size?'],
    ['!removable == true', 'unknown field "!removable" (known fields: ' + DISK_FILTER_FIELDS.join(', ') + ')', 0, 'put a space after the negation: `! removable`'],
    ['(size > 1GiB)', 'unknown field "(size" (known fields: ' + DISK_FILTER_FIELDS.join(', ') + ')', 0, 'parentheses are not supported; clauses are evaluated strictly left to right'],
    ['partitions == []', 'field "partitions" is a list of partitions and cannot be compared', 0, 'candidate disks never have partitions, so there is nothing to filter on'],
    ['size = 1GiB', 'unknown operator "=" (expected ==, !=, <, >, <= or >=)', 5, 'write size == 1GiB'],
    ['size eq 1GiB', 'unknown operator "eq" (expected ==, !=, <, >, <= or >=)', 5, 'write size == 1GiB'],
    ['size => 1GiB', 'unknown operator "=>" (expected ==, !=, <, >, <= or >=)', 5, 'write size >= 1GiB'],
    ['model > a', 'operator ">" cannot be used with text field "model"', 6, 'only == and != work on this field'],
    ['removable <= true', 'operator "<=" cannot be used with boolean field "removable"', 10, 'only == and != work on this field'],
    ["model == 'Samsung SSD", "unterminated quote: no word after 'Samsung ends with '", 9, "close the quote: the last word of the value must end with '"],
  ])('%j', (expression, message, offset, hint) => {
    const e = parseError(expression);
    expect(e.message).toBe(message);
    expect(e.offset).toBe(offset);
    expect(e.hint).toBe(hint);
    expect(e.expression).toBe(expression);
    expect(e.name).toBe('DiskFilterError');
  });

  test('errors come in the order Go meets them: structure, then per clause field, value, operator', () => {
    expect(parseError('foo == 1 && size > 1GBB x').message).toContain('expected && or ||');
    expect(parseError('size > 1GBB && foo == 1').message).toBe('invalid size "1GBB"');
    expect(parseError('foo == 1 && size > 1GBB').message).toContain('unknown field "foo"');
    expect(parseError('removable => yes').message).toBe('invalid boolean "yes" for field "removable" (expected true or false)');
  });

  test('a pattern Go rejects is not an error even if it contains (?-i)', () => {
    expect(parseDiskFilter('model == (?-i)[').clauses[0]!.value).toMatchObject({ literal: true });
  });

  test('(?-i) is a case-sensitive section, as in Go (no longer refused)', () => {
    const f = parseDiskFilter('model == (?-i)Samsung.*');
    expect(f.warnings).toEqual([]);
    expect(matchesDisk(f, disk({ model: 'Samsung SSD' }))).toBe(true);
    expect(matchesDisk(f, disk({ model: 'SAMSUNG SSD' }))).toBe(false);
    expect(matches('model == (?-i:S)amsung.*', disk({ model: 'SAMSUNG SSD' }))).toBe(true);
    expect(matches('model == (?-i:S)amsung.*', disk({ model: 'samsung ssd' }))).toBe(false);
  });
});

describe('candidates and paths', () => {
  test('the candidates are the disks without partitions', () => {
    const disks = [disk({ id: 'sda' }), disk({ id: 'sdb', partitions: [{ id: 'sdb1' }] }), disk({ id: 'sdc', partitions: undefined }), disk({ id: 'sr0', type: 'cdrom', removable: true })];
    expect(candidateDisks(disks).map((d) => d.id)).toEqual(['sda', 'sdc', 'sr0']);
  });

  test('diskPath prefers by-id, then by-path, then /dev/<id>', () => {
    expect(diskPath(disk())).toBe('/dev/disk/by-id/ata-Samsung_SSD_870_EVO_500GB_S5Y1NJ0R123456');
    expect(diskPath(disk({ device_id: '' }))).toBe('/dev/disk/by-path/pci-0000:00:17.0-ata-1');
    expect(diskPath(disk({ device_id: '', device_path: '' }))).toBe('/dev/sda');
  });
});
