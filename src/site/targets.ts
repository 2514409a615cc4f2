// Where each machine of a preseed is reached: the SSH endpoint of every listed system and, for a
// file that adds machines to an existing cluster, of its initiator (not listed in `systems`), which
// gets the top-level `ssh:` defaults with host = initiator_address, else the initiator's name.
// Pure: the file's text and the DesiredState in, remote-layer targets out.
import { toDesiredState, type DesiredState, type PathContext, type SshEndpoint } from '../preseed/desired.js';
import { parseYaml } from '../preseed/document.js';
import { view } from '../preseed/input.js';
import type { SshTarget } from '../remote/index.js';
import { initiatorKey } from '../plan/topology.js';

export interface MachineTarget {
  /** The machine's key in LiveState: the system's name, or initiatorKey(desired). */
  key: string;
  target: SshTarget;
}

export function sshTarget(key: string, ep: SshEndpoint): SshTarget {
  const common = {
    ...(ep.identityFile !== null ? { identityFile: ep.identityFile } : {}),
    knownHostsFile: ep.knownHostsFile,
  };
  return {
    name: key,
    host: ep.host,
    port: ep.port,
    user: ep.user,
    ...common,
    ...(ep.hostKey !== null ? { hostKey: ep.hostKey } : {}),
    ...(ep.jump ? { jump: { name: `${key} (jump host ${ep.jump.host})`, host: ep.jump.host, port: ep.jump.port, user: ep.jump.user, ...common } } : {}),
  };
}

/** The add-mode initiator's endpoint: the top-level ssh defaults applied to it as if it were listed. */
export function initiatorEndpoint(text: string, desired: DesiredState, ctx: PathContext): SshEndpoint {
  const key = initiatorKey(desired);
  const parsed = parseYaml(text);
  const input = parsed.ok ? view(parsed.document.value) : {};
  const system = { name: desired.initiator.name ?? key, ...(desired.initiator.address ? { address: desired.initiator.address } : {}) };
  const [own] = toDesiredState({ ...input, systems: [system] }, desired.file, ctx).systems;
  return own!.ssh;
}

/** Every machine gather reads: the systems in file order, and in add mode the initiator first. */
export function siteTargets(desired: DesiredState, initiator: SshEndpoint | null): MachineTarget[] {
  const out = desired.systems.map((s) => ({ key: s.name, target: sshTarget(s.name, s.ssh) }));
  const key = initiatorKey(desired);
  if (desired.systems.some((s) => s.name === key)) return out;
  if (!initiator) throw new Error(`the initiator ${key} is not listed in systems: its SSH endpoint is needed`);
  return [{ key, target: sshTarget(key, initiator) }, ...out];
}
