// A machine whose host key changes between `plan --out` and `apply` (a reinstall, or someone in
// the middle) is refused: apply names the host and both fingerprints and changes nothing. Pinned
// host_key and known_hosts alike; --trust-on-first-use never accepts a changed key.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startLab, systemsOf, type PlanLab } from '../plan-lab/lab.js';
import { STACK_FRAME } from './helpers.js';

let lab: PlanLab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

async function refusedAfterRotation(l: PlanLab, extraArgs: string[] = []): Promise<void> {
  const planned = await runCli(['plan', 'site.yaml', '--out', 'site.plan'], { cwd: l.dir });
  expect(planned.code).toBe(0);
  const before = l.site.endpoint('node2').hostKeyFingerprint;
  const after = l.site.rotateHostKey('node2').hostKeyFingerprint;
  expect(after).not.toBe(before);
  for (const target of ['site.plan', 'site.yaml']) {
    const r = await runCli(['apply', target, '--auto-approve', ...extraArgs], { cwd: l.dir });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.code).toBe(1);
    expect(out).toMatch(new RegExp(`node2\\b.*${esc(before)}.*${esc(after)}`));
    expect(out).not.toMatch(STACK_FRAME);
    expect(l.site.mutations()).toBe(0);
  }
}

test('pinned host_key: the changed key is refused with both fingerprints, nothing mutated', async () => {
  lab = await startLab({ nodes: 3 });
  await refusedAfterRotation(lab);
}, 60_000);

test('known_hosts, even with --trust-on-first-use: the changed key is refused, nothing mutated', async () => {
  lab = await startLab({ nodes: 3 });
  const l = lab;
  const lines = l.site.endpoints().map((e) => `[${e.host}]:${e.port} ${e.hostPublicKey.split(' ').slice(0, 2).join(' ')}`);
  writeFileSync(join(l.dir, 'known_hosts'), `${lines.join('\n')}\n`);
  for (const s of systemsOf(l)) delete (s.ssh as Partial<typeof s.ssh>).host_key;
  (l.preseed['ssh'] as Record<string, unknown>)['known_hosts'] = 'known_hosts';
  l.write();
  await refusedAfterRotation(l, ['--trust-on-first-use']);
  expect(readFileSync(join(l.dir, 'known_hosts'), 'utf8')).toBe(`${lines.join('\n')}\n`);
}, 60_000);
