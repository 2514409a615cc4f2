// The validator is ajv's code for the schema, generated ahead of time: it must be the code for the
// schema as it is now, or the files would be checked against another schema than the one shipped.
import { readFileSync } from 'node:fs';
import { preseedValidatorSource, VALIDATOR_PATH } from '../../src/tools/preseed-validator.js';

const root = new URL('../../', import.meta.url);

test('src/preseed/preseed-validator.ts is generated from the current schema (npm run build regenerates it)', () => {
  const schema = JSON.parse(readFileSync(new URL('schemas/preseed.schema.json', root), 'utf8')) as object;
  expect(readFileSync(new URL(VALIDATOR_PATH, root), 'utf8')).toBe(preseedValidatorSource(schema));
});

test('the generated code imports, never requires: it runs as an ES module', () => {
  const code = preseedValidatorSource({ type: 'object', properties: { name: { type: 'string', format: 'hostname', minLength: 1 } } });
  expect(code).not.toMatch(/\brequire\(/);
  expect(code).toMatch(/^import \w+ from 'ajv\/dist\/runtime\/ucs2length\.js';$/m);
});
