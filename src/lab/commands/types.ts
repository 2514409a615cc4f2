import type { LabService, MachineSpec } from '../types.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Set by a program that connects its stdin/stdout to a daemon socket (`nc -U`): the SSH server
   *  then pipes the exec channel to the socket, opened with root's rights or the login user's. */
  relay?: { socketPath: string; root: boolean };
}

/** What `microceph.ceph health --format json` prints: Ceph's health report. */
export interface CephHealth {
  status: string;
  checks: Record<string, unknown>;
  mutes: unknown[];
}

/** What the `ceph` CLI changes on the monitors: the OSD map's flags and the config-key store. */
export interface CephMonitors {
  osdFlags: Set<string>;
  configKeys: Map<string, string>;
}

/** What a command sees of the machine it runs on. */
export interface CommandContext {
  machine: string;
  spec: MachineSpec;
  /** The SSH login user. */
  user: string;
  /** True when the command runs as root (the login is root, or it went through sudo). */
  root: boolean;
  /** The daemons that run on this machine. */
  services: readonly LabService[];
  /** Whether `sudo` works without a password for this user. */
  sudoWithoutPassword: boolean;
  /** Environment variables set for this command (by `env NAME=value`, assignments, a script). */
  env?: Record<string, string>;
  /** Ceph's health as the cluster this machine belongs to sees it; null when it has no Ceph cluster. */
  cephHealth(): CephHealth | null | undefined;
  /** The monitors the machine's `ceph` CLI reaches, or the CLI's failure to reach them. */
  cephMonitors?(): CephMonitors | { exitCode: number; stderr: string } | undefined;
  /** MicroOVN's local Open vSwitch database: null while its ovsdb-server does not run. */
  ovnSwitch?(): { externalIds: Record<string, string> } | null;
}

export type CommandImpl = (args: string[], ctx: CommandContext) => CommandResult | Promise<CommandResult>;

export const ok = (stdout = ''): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
export const fail = (stderr: string, exitCode = 1, stdout = ''): CommandResult => ({
  stdout, stderr: stderr.endsWith('\n') || stderr === '' ? stderr : stderr + '\n', exitCode,
});
