import { readFileSync } from 'node:fs';

/** The package version: printed by --version and written as the user.microcloud-apply.version marker. */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
