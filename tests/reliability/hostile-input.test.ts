// Hostile input: 10,000 seeded mutations of the example preseeds go through the loader the CLI
// uses (bytes → decodePreseed → loadPreseed → the printed diagnostics). None may throw; every
// diagnostic is located (file, line:column, a well-formed key path) and printable; a result has a
// DesiredState exactly when it has no error. The loader's bounds hold: the 1 MiB limit, alias
// expansion, nesting depth. A sample also runs through the built binary (`validate`), whose exit
// code must agree with the loader and whose output holds no stack trace.
import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderDiagnostic, type Diagnostic } from '../../src/preseed/diagnostics.js';
import { MAX_NESTING } from '../../src/preseed/document.js';
import { decodePreseed, loadPreseed, MAX_PRESEED_BYTES, type LoadResult } from '../../src/preseed/load.js';
import { readPreseedFile } from '../../src/site/preseed-file.js';
import { BIN } from '../helpers/cli.js';
import { CTX } from '../helpers/preseed.js';
import { FULL, STACK_FRAME, seeds } from './helpers.js';
import { mutant, type Mutant } from './mutate.js';

const EXAMPLES_DIR = new URL('../../examples/', import.meta.url);
const EXAMPLES = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(new URL(f, EXAMPLES_DIR), 'utf8'));
const SEED = seeds([7])[0]!;
const CASES = Number(process.env['RELIABILITY_CASES'] ?? 10_000);
const CLI_SAMPLE = FULL ? 200 : 40;

/** What the CLI does with the bytes of a file (readPreseedFile minus the file system). */
function loadBytes(bytes: Uint8Array): LoadResult {
  const decoded = decodePreseed('site.yaml', bytes);
  return 'error' in decoded ? { desired: null, diagnostics: [decoded.error] } : loadPreseed('site.yaml', decoded.text, CTX);
}

// formatPath's grammar: identifiers joined by dots, [n] indices, ["…"] for other keys.
const KEY_PATH = /^(?:[A-Za-z_][\w-]*|\["(?:[^"\\]|\\.)*"\])(?:\.[A-Za-z_][\w-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*$/;
// The errors about the file as a whole: its bytes, its YAML, or MicroCloud's whole-file rules.
const WHOLE_FILE = /^(YAML syntax error|duplicate key|the file|the document|the top level|the YAML cannot be expanded|the YAML is nested|Missing initiator's name or address|Missing session passphrase)/;

function problems(m: Mutant, r: LoadResult, lineCount: number): string[] {
  const out: string[] = [];
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if ((r.desired === null) !== (errors.length > 0)) out.push(`desired is ${r.desired === null ? 'null' : 'set'} with ${errors.length} errors`);
  for (const d of r.diagnostics) {
    const tooLarge = /too large/.test(d.message);
    if (d.file !== 'site.yaml') out.push(`file ${d.file}`);
    if (tooLarge ? d.line !== null : !(Number.isInteger(d.line) && d.line! >= 1 && d.line! <= lineCount + 1)) out.push(`line ${d.line} of ${lineCount}: ${d.message}`);
    if (tooLarge ? d.column !== null : !(Number.isInteger(d.column) && d.column! >= 1)) out.push(`column ${d.column}: ${d.message}`);
    if (d.path !== '' && !KEY_PATH.test(d.path)) out.push(`key path ${JSON.stringify(d.path)}`);
    if (d.path === '' && d.severity === 'error' && !WHOLE_FILE.test(d.message)) out.push(`no key path for: ${d.message}`);
    for (const text of [d.message, d.hint ?? '', renderDiagnostic(d)]) {
      if (STACK_FRAME.test(text) || /\[object Object\]|\bundefined\b/.test(text)) out.push(`bad text: ${text.slice(0, 200)}`);
    }
    if (d.message.trim() === '') out.push('empty message');
  }
  JSON.stringify(r.diagnostics);
  return out.map((p) => `[${m.ops.join('+')}] ${p}`);
}

const lines = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8').split(/\r\n|\r|\n|\u2028|\u2029|\u0085/).length;

test(`${CASES} mutations of the examples (seed ${SEED}): no crash, every diagnostic located and printable`, () => {
  const failures: string[] = [];
  const byOp = new Map<string, number>();
  let valid = 0;
  for (let i = 0; i < CASES; i++) {
    const m = mutant(EXAMPLES, SEED, i);
    for (const op of m.ops) byOp.set(op, (byOp.get(op) ?? 0) + 1);
    let r: LoadResult;
    try {
      r = loadBytes(m.bytes);
    } catch (err) {
      failures.push(`case ${i} [${m.ops.join('+')}] threw: ${(err as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
      continue;
    }
    if (r.desired) valid++;
    for (const p of problems(m, r, lines(m.bytes))) failures.push(`case ${i} ${p}`);
  }
  if (failures.length > 0) throw new Error(`seed ${SEED} (replay: RELIABILITY_SEED=${SEED}): ${failures.length} problems, first ones:\n${failures.slice(0, 15).join('\n')}`);
  // The mix really covered the kinds of damage, and mostly broke the files.
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  for (const op of ['wrongType', 'hugeValue', 'deepNesting', 'unicode', 'anchors', 'aliasBomb', 'keyTypo', 'oddKeys', 'truncate', 'controlBytes', 'badUtf8', 'structure']) {
    expect(byOp.get(op) ?? 0).toBeGreaterThan(CASES / 40);
  }
  expect(byOp.get('oversize') ?? 0).toBeGreaterThan(0);
  expect(valid).toBeGreaterThan(0);
  expect(valid).toBeLessThan(CASES / 2);
}, 120_000);

describe('the loader bounds what a file can cost', () => {
  const base = EXAMPLES[0]!;

  test('1 MiB: a byte more is refused before parsing; a file on disk of 64 MiB is refused without reading it', async () => {
    const at = (n: number) => new TextEncoder().encode(`${base}#${'x'.repeat(n - base.length - 2)}\n`);
    expect(at(MAX_PRESEED_BYTES).length).toBe(MAX_PRESEED_BYTES);
    expect(loadBytes(at(MAX_PRESEED_BYTES)).diagnostics.filter((d) => /too large/.test(d.message))).toEqual([]);
    expect(loadBytes(at(MAX_PRESEED_BYTES + 1)).diagnostics).toEqual([expect.objectContaining({ message: expect.stringMatching(/too large .* at most 1024 KiB/), line: null })]);
    const dir = mkdtempSync(join(tmpdir(), 'reliability-'));
    try {
      const file = join(dir, 'huge.yaml');
      const fd = openSync(file, 'w');
      closeSync(fd);
      // Sparse: the size is there, the bytes are not, and reading them would show in the heap.
      const { truncateSync } = await import('node:fs');
      truncateSync(file, 64 * 1024 * 1024);
      const before = process.memoryUsage().arrayBuffers;
      const r = await readPreseedFile(file);
      expect(r.diagnostics).toEqual([expect.objectContaining({ message: expect.stringMatching(/too large \(67\.1 MB\)/) })]);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an alias bomb (10⁹ nodes once expanded) is refused at its location', () => {
    const bomb = ['systems: [{name: a}]', 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let k = 1; k < 9; k++) bomb.push(`a${k}: &a${k} [${Array.from({ length: 10 }, () => `*a${k - 1}`).join(', ')}]`);
    const r = loadBytes(new TextEncoder().encode(bomb.join('\n')));
    expect(r.diagnostics).toEqual([expect.objectContaining({ message: expect.stringMatching(/cannot be expanded/), line: 1, column: 1 })]);
  });

  test('100,000 and 500,000 levels of nesting are one friendly error at the level past the limit', () => {
    const nests: [string, number][] = [
      ['['.repeat(100_000), 1], [`${'{a: '.repeat(100_000)}1${'}'.repeat(100_000)}`, 4], ['['.repeat(500_000), 1], ['[ '.repeat(500_000), 2],
    ];
    for (const [nest, width] of nests) {
      const r = loadBytes(new TextEncoder().encode(`systems: ${nest}\n`));
      expect(r.desired).toBeNull();
      // The root mapping is the first level, so the collection past the limit is the 64th opened here.
      expect(r.diagnostics).toEqual([expect.objectContaining({
        message: `the YAML is nested more than ${MAX_NESTING} levels deep; a preseed needs at most 6`, path: '', line: 1, column: 10 + width * (MAX_NESTING - 1),
      })]);
    }
  });
});

test(`a sample of ${CLI_SAMPLE} mutations through the binary: exit 0 or 1 as the loader says, located output, no stack trace`, async () => {
  const run = promisify(execFile);
  const dir = mkdtempSync(join(tmpdir(), 'reliability-cli-'));
  const failures: string[] = [];
  try {
    const indices = Array.from({ length: CLI_SAMPLE }, (_, k) => Math.floor((k * CASES) / CLI_SAMPLE));
    const queue = [...indices];
    const worker = async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const m = mutant(EXAMPLES, SEED, i);
        const name = `case-${i}.yaml`;
        writeFileSync(join(dir, name), m.bytes);
        const json = i % 2 === 1;
        const r = await run(process.execPath, [BIN, 'validate', name, ...(json ? ['--json'] : [])], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
          .then((x) => ({ code: 0, ...x }), (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }));
        const expected = loadBytes(m.bytes).diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
        const say = (what: string) => failures.push(`case ${i} [${m.ops.join('+')}]${json ? ' --json' : ''}: ${what}`);
        if (r.code !== expected) say(`exit ${r.code}, expected ${expected}: ${r.stderr.slice(0, 300)}`);
        if (STACK_FRAME.test(r.stdout) || STACK_FRAME.test(r.stderr)) say('stack trace');
        if (json) {
          const list = JSON.parse(r.stdout) as Diagnostic[];
          for (const d of list) if (!/too large/.test(d.message) && !(d.line! >= 1 && d.column! >= 1)) say(`unlocated: ${d.message}`);
        } else {
          const errorLines = r.stdout.split('\n').filter((l) => /: error: /.test(l));
          for (const l of errorLines) if (!l.startsWith(`${name}:`) || !(/^[^:]+:\d+:\d+: error: /.test(l) || /too large/.test(l))) say(`unlocated: ${l.slice(0, 200)}`);
          if (expected === 1 && errorLines.length === 0) say('no error line');
        }
      }
    };
    await Promise.all([worker(), worker()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expect(failures).toEqual([]);
}, 300_000);
