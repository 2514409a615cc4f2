// Seeded mutations of preseed files: the ways a file goes wrong by accident (typos, truncation,
// wrong types, stray bytes) and on purpose (alias bombs, deep nesting, huge values). Each mutation
// is a pure function of the text and the random source, so a seed and an index replay a case.
import { seededRandom } from '../../src/lab/lab-site.js';

export type Random = () => number;
export interface Mutant { bytes: Uint8Array; ops: string[] }

const int = (rnd: Random, n: number) => Math.floor(rnd() * n);
const pick = <T>(rnd: Random, xs: readonly T[]): T => xs[int(rnd, xs.length)]!;
const enc = new TextEncoder();

/** Lines holding `key: value` (block style), by index. */
function valueLines(lines: string[]): number[] {
  return lines.flatMap((l, k) => (/^\s*(- )?[A-Za-z_][\w-]*:\s*\S/.test(l) ? [k] : []));
}
function keyLines(lines: string[]): number[] {
  return lines.flatMap((l, k) => (/^\s*(- )?[A-Za-z_][\w-]*:/.test(l) ? [k] : []));
}
const splice = (text: string, at: number, remove: number, insert: string) => text.slice(0, at) + insert + text.slice(at + remove);

const WRONG_TYPES = [
  '[1, 2]', '{a: 1}', 'true', 'null', '~', '123', '-1', '0', '1e999', '-.inf', '.nan', '0x1F', '0o17', '"str"', "''",
  '!!binary aGVsbG8=', '!!timestamp 2001-12-14', '2001-12-14t21:59:43.10-05:00', '!!set {a, b}', '!!omap [a: 1]',
  '!!js/function "function(){}"', '!custom x', '!!int "12"', '!!float x', '[]', '{}', '? complex key', '|\n  block', '>-\n  folded',
  '*undefined_alias', '&anchor', '@reserved', '`reserved', '%', '- item', '"\\x00\\u0000"', '"\\uD800"', '18446744073709551616',
];

const UNICODE = [
  '\u{1F600}', '\u202E', '\u200B', '\u200D', '\uFEFF', '\u0301', '\uFF41', '\u0430', '\u00A0', '\u2028', '\u2029', '\u0085',
  '\u{10FFFF}', '\uFFFD', 'ǅ', 'ß', 'İ', '\u3000', '\u{E0001}',
];

const CONTROL = ['\x00', '\x01', '\x07', '\x08', '\x0B', '\x0C', '\x1B[31m', '\x7F', '\r', '\t', '\x1F'];

/** Billion laughs: each level ten aliases of the previous one. */
function aliasBomb(levels: number): string {
  const out = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let k = 1; k < levels; k++) out.push(`a${k}: &a${k} [${Array.from({ length: 10 }, () => `*a${k - 1}`).join(', ')}]`);
  return out.join('\n');
}

type Op = (text: string, rnd: Random) => string | Uint8Array;

const OPS: Record<string, Op> = {
  wrongType(text, rnd) {
    const lines = text.split('\n');
    const at = valueLines(lines);
    if (at.length === 0) return text;
    const k = pick(rnd, at);
    lines[k] = lines[k]!.replace(/:\s*\S.*$/, `: ${pick(rnd, WRONG_TYPES)}`);
    return lines.join('\n');
  },
  hugeValue(text, rnd) {
    const lines = text.split('\n');
    const at = valueLines(lines);
    if (at.length === 0) return text;
    // Larger sizes cost the YAML parser time, not us coverage: the 1 MiB bound has its own test.
    const size = pick(rnd, [1e3, 1e4, 5e4]);
    const value = pick(rnd, [
      () => 'x'.repeat(size), () => '9'.repeat(Math.min(size, 5000)), () => `"${'\\u00e9'.repeat(size / 6)}"`,
      () => `[${Array.from({ length: size / 10 }, () => '1').join(',')}]`, () => '1e308', () => `-${'1'.repeat(400)}`,
    ])();
    const k = pick(rnd, at);
    lines[k] = lines[k]!.replace(/:\s*\S.*$/, `: ${value}`);
    return lines.join('\n');
  },
  deepNesting(text, rnd) {
    const depth = pick(rnd, [20, 100, 500, 2000]);
    const kind = int(rnd, 3);
    const nest = kind === 0 ? `${'['.repeat(depth)}${']'.repeat(depth)}`
      : kind === 1 ? `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`
      : Array.from({ length: Math.min(depth, 400) }, (_, k) => `${' '.repeat(k + 2)}k:`).join('\n') + ' 1';
    return kind === 2 ? `${text}\nnested:\n${nest}\n` : `${text}\nnested: ${nest}\n`;
  },
  unicode(text, rnd) {
    let out = text;
    for (let n = 1 + int(rnd, 3); n > 0; n--) out = splice(out, int(rnd, out.length + 1), 0, pick(rnd, UNICODE));
    return out;
  },
  homoglyphKey(text, rnd) {
    const lines = text.split('\n');
    const at = keyLines(lines);
    if (at.length === 0) return text;
    const k = pick(rnd, at);
    lines[k] = lines[k]!.replace(/a|e|o|i/, (c) => ({ a: '\u0430', e: '\u0435', o: '\u043E', i: '\u0456' })[c] ?? c);
    return lines.join('\n');
  },
  oddKeys(text, rnd) {
    // Keys that are Object.prototype's, or not plain identifiers: neither may pollute nor confuse paths.
    const lines = text.split('\n');
    const at = keyLines(lines);
    if (at.length === 0) return text;
    const k = pick(rnd, at);
    const indent = /^\s*(- )?/.exec(lines[k]!)![0].replace('- ', '  ');
    const key = pick(rnd, ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '1', 'true', 'null', '"a.b"', '"[0]"', '"a\\"b"', '? [x]', '"\\u0000"']);
    lines.splice(k + 1, 0, `${indent}${key}: ${pick(rnd, ['{polluted: 1}', '1', '[1]', 'null'])}`);
    return lines.join('\n');
  },
  badUtf8(text, rnd) {
    const bytes = enc.encode(text);
    const at = int(rnd, bytes.length + 1);
    const junk = pick(rnd, [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf], [0xfe, 0xff]]);
    return new Uint8Array([...bytes.slice(0, at), ...junk, ...bytes.slice(at)]);
  },
  anchors(text, rnd) {
    const lines = text.split('\n');
    const at = valueLines(lines);
    if (at.length < 2) return text;
    const a = pick(rnd, at);
    const b = pick(rnd, at);
    lines[a] = lines[a]!.replace(/:\s*(\S.*)$/, ': &anc $1');
    lines[b] = lines[b]!.replace(/:\s*\S.*$/, pick(rnd, [': *anc', ': *missing', ': &anc [*anc]', '']));
    if (rnd() < 0.3) lines.splice(int(rnd, lines.length), 0, pick(rnd, ['<<: *anc', '<<: {a: 1}', 'x: &r [*r]']));
    return lines.join('\n');
  },
  aliasBomb(text, rnd) {
    return `${text}\n${aliasBomb(3 + int(rnd, 7))}\n`;
  },
  keyTypo(text, rnd) {
    const lines = text.split('\n');
    const at = keyLines(lines);
    if (at.length === 0) return text;
    const k = pick(rnd, at);
    lines[k] = lines[k]!.replace(/([A-Za-z_][\w-]*):/, (_m, key: string) => {
      const i = int(rnd, key.length);
      const typo = pick(rnd, [
        () => key.slice(0, i) + key.slice(i + 1), () => key.slice(0, i) + key[i]! + key.slice(i),
        () => key.slice(0, i) + (key[i + 1] ?? '') + key[i]! + key.slice(i + 2), () => key.toUpperCase(),
        () => key.slice(0, i) + 'x' + key.slice(i + 1), () => `${key}_`, () => key.replace(/_/g, '-'),
      ])();
      return `${typo}:`;
    });
    return lines.join('\n');
  },
  truncate(text, rnd) {
    const bytes = enc.encode(text);
    return bytes.slice(0, int(rnd, bytes.length));
  },
  controlBytes(text, rnd) {
    let out = text;
    for (let n = 1 + int(rnd, 3); n > 0; n--) out = splice(out, int(rnd, out.length + 1), 0, pick(rnd, CONTROL));
    return out;
  },
  structure(text, rnd) {
    const lines = text.split('\n');
    const k = int(rnd, lines.length);
    switch (int(rnd, 8)) {
      case 0: lines.splice(k, 0, lines[k] ?? ''); break; // a duplicate key, mostly
      case 1: lines.splice(k, 1); break;
      case 2: lines[k] = `\t${lines[k] ?? ''}`; break;
      case 3: lines[k] = ` ${lines[k] ?? ''}`; break;
      case 4: lines.splice(k, 0, pick(rnd, ['---', '...', '--- !!map', '%YAML 1.1', '%TAG ! tag:x,2000:', '? ', ': x'])); break;
      case 5: { const j = int(rnd, lines.length); [lines[k], lines[j]] = [lines[j] ?? '', lines[k] ?? '']; break; }
      case 6: return lines.join('\r');
      default: lines.splice(k, 0, `${pick(rnd, ['systems', 'ovn', 'ceph', 'storage', 'ssh', 'x'])}: ${pick(rnd, WRONG_TYPES)}`);
    }
    return lines.join('\n');
  },
  oversize(text, rnd) {
    // Past the 1 MiB limit, by a little or a lot, in a comment so only the size is wrong.
    const pad = 1024 * 1024 + int(rnd, 3) * 512 * 1024 + 1;
    return `${text}\n#${'p'.repeat(pad)}\n`;
  },
};

const NAMES = Object.keys(OPS).filter((n) => n !== 'oversize');

/** Mutation `index` of `seed` over one of the texts: one to three operations, rarely an oversize. */
export function mutant(texts: readonly string[], seed: number, index: number): Mutant {
  const rnd = seededRandom((seed * 0x9e3779b1 + index) >>> 0);
  let current: string | Uint8Array = pick(rnd, texts);
  const ops: string[] = [];
  const n = 1 + int(rnd, 3);
  // Byte-level results (bad UTF-8, truncation) end the chain: the operations work on text.
  for (let k = 0; k < n && typeof current === 'string'; k++) {
    const name = rnd() < 0.005 ? 'oversize' : pick(rnd, NAMES);
    ops.push(name);
    current = OPS[name]!(current, rnd);
  }
  return { bytes: typeof current === 'string' ? enc.encode(current) : current, ops };
}
