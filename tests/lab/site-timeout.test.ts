// The lab's machines have coreutils' timeout(1), which the remote layer puts in front of every command.
import { runArgv, effectiveArgv } from '../../src/lab/commands/index.js';
import { parseDuration } from '../../src/lab/commands/timeout.js';
import { defaultMachineSpec } from '../../src/lab/machines.js';
import type { CommandContext } from '../../src/lab/commands/types.js';

const ctx: CommandContext = {
  machine: 'node1', spec: defaultMachineSpec(1), user: 'root', root: true, services: ['lxd'],
  sudoWithoutPassword: true, cephHealth: () => null,
};

test('durations as coreutils reads them', () => {
  expect([parseDuration('5'), parseDuration('5s'), parseDuration('1.5m'), parseDuration('2h'), parseDuration('0')]).toEqual([5, 5, 90, 7200, 0]);
  expect(parseDuration('-1')).toBeUndefined();
  expect(parseDuration('5x')).toBeUndefined();
});

test('timeout -k runs the command and keeps its exit code and output', async () => {
  expect(await runArgv(['sudo', '-n', '--', 'timeout', '-k', '5s', '600s', 'hostname'], ctx)).toEqual({ stdout: 'node1\n', stderr: '', exitCode: 0 });
  expect((await runArgv(['timeout', '10', 'false'], ctx)).exitCode).toBe(1);
});

test('errors are the real ones', async () => {
  expect(await runArgv(['timeout', '5s', 'nosuchcmd'], ctx)).toMatchObject({ exitCode: 127, stderr: "timeout: failed to run command ‘nosuchcmd’: No such file or directory\n" });
  expect(await runArgv(['timeout', 'soon', 'hostname'], ctx)).toMatchObject({ exitCode: 125, stderr: expect.stringMatching(/^timeout: invalid time interval ‘soon’/) });
  expect(await runArgv(['timeout'], ctx)).toMatchObject({ exitCode: 125, stderr: expect.stringMatching(/^timeout: missing operand/) });
});

test('fault patterns see the command behind sudo and timeout', () => {
  expect(effectiveArgv(['sudo', '-n', '--', 'timeout', '-k', '5s', '60s', 'snap', 'list'])).toEqual(['snap', 'list']);
});
