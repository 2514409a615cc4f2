// The anchor of the no-op plan: OpenSSH's own client logging in to every machine of the site at
// once and running one command. Any SSH-based tool, or a shell loop over `ssh`, pays at least this:
// process start, TCP, key exchange, host key check, public-key login, one session, one command,
// on the same lab, with the same latency, on the same cores. Measured side by side with the plans.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';

/** Debian's client (.ci/run installs openssh-client); `ssh` from PATH elsewhere. */
export const SSH_CLIENT = existsSync('/usr/bin/ssh') ? '/usr/bin/ssh' : 'ssh';

/** The one command each login runs: a shell builtin, so the command itself costs nothing. */
export const FLOOR_COMMAND = 'true';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
}

export interface SshFiles {
  identityFile: string;
  knownHostsFile: string;
}

/** A known_hosts line for a host key, as OpenSSH writes it: `[host]:port` unless the port is 22. */
export function knownHostsLine(host: string, port: number, publicKey: string): string {
  const [type, blob] = publicKey.trim().split(/\s+/);
  if (!type || !blob) throw new Error(`not an OpenSSH public key line: ${JSON.stringify(publicKey)}`);
  return `${port === 22 ? host : `[${host}]:${port}`} ${type} ${blob}`;
}

/**
 * `ssh` as a careful script runs it: no configuration but these options (-F /dev/null also skips
 * /etc/ssh/ssh_config), no agent, only the given key, the host key checked against the pinned
 * known_hosts and nothing else, never a prompt, no connection sharing, no pseudo-terminal.
 */
export function opensshArgs(target: SshTarget, files: SshFiles, command: string = FLOOR_COMMAND): string[] {
  return [
    '-F', '/dev/null',
    '-T',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${files.knownHostsFile}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'UpdateHostKeys=no',
    '-o', 'IdentityAgent=none',
    '-o', 'IdentitiesOnly=yes',
    '-i', files.identityFile,
    '-o', 'ControlMaster=no',
    '-o', 'ControlPath=none',
    '-o', 'LogLevel=ERROR',
    '-o', 'ConnectTimeout=60',
    '-p', String(target.port),
    '-l', target.user,
    '--', target.host, command,
  ];
}

export function writeKnownHosts(path: string, hosts: readonly { host: string; port: number; hostPublicKey: string }[]): void {
  writeFileSync(path, hosts.map((h) => `${knownHostsLine(h.host, h.port, h.hostPublicKey)}\n`).join(''), { mode: 0o600 });
}

export interface FloorRun {
  /** From the first `ssh` started to the last one exited. */
  wallMs: number;
  /** CPU time the bench process (the lab) spent meanwhile. */
  labCpuMs: number;
}

/** Every login at once; throws, with what ssh said, unless every one exits 0. */
export async function runOpensshFloor(targets: readonly SshTarget[], files: SshFiles): Promise<FloorRun> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const results = await Promise.all(targets.map((t) => new Promise<{ code: number; stderr: string; target: SshTarget }>((resolve, reject) => {
    // stdout is not needed (`true` prints nothing): one pipe per login, not two, at 200 machines.
    const child = spawn(SSH_CLIENT, opensshArgs(t, files), { stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stderr: Buffer.concat(err).toString('utf8'), target: t }));
  })));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const failed = results.filter((r) => r.code !== 0);
  if (failed.length > 0) {
    const f = failed[0]!;
    throw new Error(`${SSH_CLIENT} to ${f.target.user}@${f.target.host}:${f.target.port} exited with ${f.code} (${failed.length} of ${results.length} failed): ${f.stderr.trim()}`);
  }
  return { wallMs, labCpuMs: (cpu.user + cpu.system) / 1000 };
}

/** `OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026`, for the record. */
export async function opensshVersion(): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(SSH_CLIENT, ['-V'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', (e) => resolve(`unknown (${e.message})`));
    child.once('close', () => resolve(Buffer.concat(err).toString('utf8').trim()));
  });
}
