// Brings src/preseed/preseed-validator.ts up to date with the schema; `npm run build` runs it after
// tsc, so a changed schema is compiled in the same build: the bundle (scripts/bundle-cli.js) reads
// the new source, and tsc's copy in dist/ is replaced by its transpilation. With --check it only
// compares and fails when the committed code is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { preseedValidatorSource, VALIDATOR_PATH } from './preseed-validator.js';

// From dist/tools/ (where this runs) to the package root.
const root = new URL('../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schemas/preseed.schema.json', root), 'utf8')) as object;
const target = new URL(VALIDATOR_PATH, root);
const source = preseedValidatorSource(schema);
let committed = '';
try { committed = readFileSync(target, 'utf8'); } catch { /* not generated yet */ }

if (committed === source) {
  // Up to date.
} else if (process.argv.includes('--check')) {
  process.stderr.write(`${VALIDATOR_PATH} is stale: it was not generated from the current schemas/preseed.schema.json (run npm run build)\n`);
  process.exitCode = 1;
} else {
  writeFileSync(target, source);
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(new URL('dist/preseed/preseed-validator.js', root), js);
  process.stderr.write(`wrote ${VALIDATOR_PATH} (it was stale) and its dist/ copy\n`);
}
