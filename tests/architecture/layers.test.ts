// The architecture check (.dependency-cruiser.cjs, docs/architecture.md): the tree as it is has no
// violation, and each rule bites on a small tree that breaks it, so a rule that silently stopped
// matching (a renamed folder, a wrong regex) fails here instead of passing everything.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

interface Violation { rule: { name: string }; from: string; to: string }

function cruise(cwd: string): Violation[] {
  const r = spawnSync(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'json'], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (!r.stdout) throw new Error(`depcruise failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

test('the source tree keeps its layers', () => {
  expect(cruise(ROOT).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
}, 60_000);

describe('each rule refuses what it is for', () => {
  let dir: string;
  const file = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mca-arch-'));
    file('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] }));
    file('package.json', '{"type":"module"}');
    file('src/live/state.ts', 'export type LiveState = { machines: Record<string, unknown> };\n');
    file('src/plan/reads-files.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n");
    file('src/plan/calls-ssh.ts', "import { Client } from 'ssh2';\nexport const c = Client;\n");
    file('src/plan/gathers.ts', "import { read } from '../services/reader.js';\nexport const g = read;\n");
    file('src/preseed/knows-plans.ts', "import { plan } from '../plan/planner.js';\nexport const p = plan;\n");
    file('src/plan/planner.ts', "import type { LiveState } from '../live/state.js';\nexport const plan = (l: LiveState) => l;\n");
    file('src/services/reader.ts', "import { plan } from '../plan/planner.js';\nexport const read = plan;\n");
    file('src/remote/ssh.ts', "import type { LiveState } from '../live/state.js';\nexport type S = LiveState;\n");
    file('src/site/prints.ts', "import { cmd } from '../cli/cmd.js';\nexport const s = cmd;\n");
    file('src/cli/cmd.ts', "import { Lab } from '../lab/lab.js';\nexport const cmd = Lab;\nexport const lazy = () => import('../lab/lazy.js');\n");
    file('src/lab/lab.ts', 'export class Lab {}\n');
    file('src/lab/lazy.ts', 'export const lazy = 1;\n');
    file('src/apply/a.ts', "import { b } from './b.js';\nexport const a = () => b;\n");
    file('src/apply/b.ts', "import { a } from './a.js';\nexport const b = () => a;\n");
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('each broken rule is reported, with the import that breaks it, and nothing else', () => {
    const found = cruise(dir).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    expect(found).toEqual([
      'no-runtime-cycle: src/apply/a.ts → src/apply/b.ts',
      'preseed-is-lowest: src/preseed/knows-plans.ts → src/plan/planner.ts',
      'product-not-lab: src/cli/cmd.ts → src/lab/lab.ts',
      'pure-core-no-io: src/plan/calls-ssh.ts → ssh2',
      'pure-core-no-io: src/plan/reads-files.ts → fs',
      'pure-core-no-shell: src/plan/gathers.ts → src/services/reader.ts',
      'readers-not-planner: src/services/reader.ts → src/plan/planner.ts',
      'remote-knows-no-domain: src/remote/ssh.ts → src/live/state.ts',
      'site-below-cli: src/site/prints.ts → src/cli/cmd.ts',
    ]);
  }, 60_000);
});
