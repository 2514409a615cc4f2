// MicroCloud's reader, case by case: a file MicroCloud accepts is accepted, one it refuses is refused,
// in its words where the corpus holds us to them (always where an upstream test asserts them). Each
// test is named after the upstream file its case comes from; the summary line counts agreement.
import { loadPreseed, type LoadResult } from '../../src/preseed/load.js';
import { Secret } from '../../src/secrets.js';
import { CTX } from '../helpers/preseed.js';
import { DECODING_CASES } from './cases-decoding.js';
import { MAIN_INIT_TEST_CASES } from './cases-main-init-test.js';
import { PRESEED_TEST_CASES } from './cases-preseed-test.js';
import { SUITE_CASES } from './cases-suites.js';
import type { UpstreamCase } from './upstream.js';

export const CORPUS: UpstreamCase[] = [...PRESEED_TEST_CASES, ...MAIN_INIT_TEST_CASES, ...SUITE_CASES, ...DECODING_CASES];

/** `systems[0].localDisk.wipe` in the DesiredState; a Secret is compared by what it holds. */
function valueAt(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const seg of path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '')) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  }
  return node instanceof Secret ? node.reveal() : node;
}

interface Judgement {
  verdictAgrees: boolean;
  /** null when the case holds no words to compare. */
  wordingAgrees: boolean | null;
  problems: string[];
}

function judge(c: UpstreamCase, r: LoadResult): Judgement {
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning');
  const problems: string[] = [];
  const u = c.upstream;
  let verdictAgrees: boolean;
  let wordingAgrees: boolean | null = null;
  if (u.verdict === 'accepts') {
    verdictAgrees = errors.length === 0 && r.desired !== null;
    if (!verdictAgrees) problems.push('MicroCloud accepts this file; we refuse it');
    if (c.mode && r.desired && r.desired.mode !== c.mode) problems.push(`mode: MicroCloud ${c.mode}, we ${r.desired.mode}`);
    if (u.warns !== undefined) {
      wordingAgrees = warnings.some((w) => w.message === u.warns);
      if (!wordingAgrees) problems.push(`MicroCloud warns ${JSON.stringify(u.warns)}; we do not, in these words`);
    }
    if (u.silent) {
      for (const w of warnings.filter((d) => u.silent!.test(d.message))) problems.push(`MicroCloud prints no such warning; we do: ${w.message}`);
    }
    for (const [path, want] of Object.entries(c.decoded ?? {})) {
      const got = valueAt(r.desired, path);
      if (got !== want) problems.push(`${path}: MicroCloud reads ${JSON.stringify(want)}, we ${JSON.stringify(got)}`);
    }
  } else {
    verdictAgrees = errors.length > 0 && r.desired === null;
    if (!verdictAgrees) problems.push(`MicroCloud refuses this file (${u.stage})${u.message ? `: ${u.message}` : ''}; we accept it`);
    const worded = u.message !== undefined ? errors.filter((e) => e.message.includes(u.message!)) : errors;
    if (u.message !== undefined) {
      wordingAgrees = worded.length > 0;
      if (verdictAgrees && !wordingAgrees) problems.push(`MicroCloud says ${JSON.stringify(u.message)}; we do not`);
    }
    if (u.path !== undefined && worded.length > 0 && !worded.some((e) => e.path === u.path)) {
      problems.push(`reported at ${worded.map((e) => e.path || '(file)').join(', ')}, not at ${u.path}`);
    }
  }
  if (problems.length > 0) {
    problems.push(`our diagnostics:\n${r.diagnostics.map((d) => `  ${d.severity} ${d.line}:${d.column} ${d.path || '(file)'}: ${d.message}`).join('\n')}`);
  }
  return { verdictAgrees, wordingAgrees, problems };
}

const results = new Map<UpstreamCase, Judgement>();

describe('MicroCloud conformance corpus', () => {
  test('every case names its upstream file and commit, and ids are unique', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(80);
    for (const c of CORPUS) {
      expect(c.sources.length).toBeGreaterThan(0);
      for (const s of c.sources) expect(s).toEqual({ repo: expect.stringMatching(/^[\w-]+\/[\w-]+$/), commit: expect.stringMatching(/^[0-9a-f]{40}$/), path: expect.any(String), at: expect.any(String) });
    }
    expect(new Set(CORPUS.map((c) => c.id)).size).toBe(CORPUS.length);
  });

  const run = (c: UpstreamCase): void => {
    const r = loadPreseed('preseed.yaml', c.yaml, CTX);
    const j = judge(c, r);
    results.set(c, j);
    const where = c.sources.map((s) => `${s.repo}@${s.commit.slice(0, 12)}:${s.path} ${s.at}`).join('\n  ');
    if (j.problems.length > 0) throw new Error(`${c.id}\n  ${where}\n${j.problems.join('\n')}`);
  };
  const name = (c: UpstreamCase) => `[${c.sources[0]!.repo} ${c.sources[0]!.path}] ${c.id}`;
  test.each(CORPUS.filter((c) => !c.knownDisagreement).map((c) => [name(c), c] as const))('%s', (_name, c) => run(c));
  // Each with its reason in the case; see knownDisagreement.
  const known = CORPUS.filter((c) => c.knownDisagreement);
  if (known.length > 0) test.failing.each(known.map((c) => [`${name(c)} (known disagreement: ${c.knownDisagreement})`, c] as const))('%s', (_name, c) => run(c));

  afterAll(() => {
    const all = [...results.entries()];
    const count = (pred: (c: UpstreamCase, j: Judgement) => boolean) => all.filter(([c, j]) => pred(c, j)).length;
    const accepts = all.filter(([c]) => c.upstream.verdict === 'accepts');
    const rejects = all.filter(([c]) => c.upstream.verdict === 'rejects');
    const worded = all.filter(([, j]) => j.wordingAgrees !== null);
    const asserted = worded.filter(([c]) => c.upstream.verdict === 'rejects' && c.upstream.asserted);
    console.log([
      `MicroCloud conformance corpus: ${all.length} cases`,
      `  upstream accepts: ${count((c, j) => c.upstream.verdict === 'accepts' && j.verdictAgrees && j.problems.length === 0)}/${accepts.length} agree`,
      `  upstream rejects: ${count((c, j) => c.upstream.verdict === 'rejects' && j.verdictAgrees)}/${rejects.length} agree`,
      `  exact wording: ${worded.filter(([, j]) => j.wordingAgrees).length}/${worded.length} agree (asserted by upstream tests: ${asserted.filter(([, j]) => j.wordingAgrees).length}/${asserted.length})`,
      ...all.filter(([, j]) => j.problems.length > 0).map(([c]) => `  disagrees: ${c.id}${c.knownDisagreement ? ` (${c.knownDisagreement})` : ''}`),
    ].join('\n'));
  });
});
