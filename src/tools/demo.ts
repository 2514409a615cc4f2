// `npm run demo`: the tool's main job on the built-in lab, as a newcomer would type it: start a
// simulated 3-machine site, check the file, show the plan, apply it, apply again (nothing to do),
// and take the lab down, even when a step fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'microcloud-demo-'));
const site = join(dir, 'site.yaml');

function step(title: string, args: string[], okCodes: number[] = [0]): number {
  process.stdout.write(`\n\x1b[1m$ microcloud ${args.join(' ').replaceAll(dir, '$LAB')}\x1b[0m   # ${title}\n`);
  const r = spawnSync(process.execPath, [CLI, ...args], { stdio: 'inherit' });
  const code = r.status ?? 1;
  if (!okCodes.includes(code)) throw new Error(`"microcloud ${args[0]}" exited with ${code}`);
  return code;
}

const started = Date.now();
let failed = false;
try {
  step('a simulated 3-machine site (SSH servers with LXD, MicroCeph and MicroOVN behind them)', ['lab', 'up', '--nodes', '3', '--dir', dir, '--detach']);
  step('the preseed the lab wrote: strict validation', ['validate', site]);
  step('what apply would do (exit 2: there are changes)', ['plan', site, '--detailed-exitcode'], [2]);
  step('build the cluster', ['apply', site, '--auto-approve']);
  step('again: nothing to do', ['apply', site, '--auto-approve']);
  step('the site matches the file (exit 0: no changes)', ['plan', site, '--detailed-exitcode']);
} catch (e) {
  failed = true;
  process.stderr.write(`\ndemo: ${(e as Error).message}\n`);
} finally {
  step('stop the lab', ['lab', 'down', '--dir', dir], [0, 1]);
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`\ndemo ${failed ? 'failed' : 'done'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exitCode = failed ? 1 : 0;
