// How `export` is told where the machines are: `export --connect FILE` takes each system's name and
// `ssh:` (and the top-level `ssh:` defaults) from FILE and nothing else, so FILE may be a whole
// preseed or just names and ssh: settings. Such a short file is not a valid preseed (no
// initiator_address, no session_passphrase, no addresses), so the file is validated as usual and only
// the diagnostics about names and ssh: settings count; those keys become SSH endpoints exactly as a
// preseed's do (toDesiredState), and `export DEST` builds its endpoint through the same path. Pure.
import { parseYaml } from '../preseed/document.js';
import { toDesiredState, type PathContext, type SshEndpoint } from '../preseed/desired.js';
import type { Diagnostic } from '../preseed/diagnostics.js';
import { readAsGo } from '../preseed/go-yaml.js';
import { view, type PreseedInput, type SshSystemInput } from '../preseed/input.js';
import { loadPreseed } from '../preseed/load.js';
import { preseedSchema } from '../preseed/schema.js';

export interface ConnectSystem {
  name: string;
  ssh: SshEndpoint;
}

/** Key paths whose diagnostics matter to reaching the machines: systems, their names and ssh:, the top-level ssh:. */
const CONNECT_PATH = /^(ssh([.[].*)?|systems(\[\d+\](\.(name|ssh)([.[].*)?)?)?)$/;

/** The SSH endpoints of a systems list as a preseed's would be (only `name` and `ssh` are read). */
export function endpointsOf(p: Pick<PreseedInput, 'ssh' | 'systems'>, file: string, ctx: PathContext): ConnectSystem[] {
  const reduced: PreseedInput = {
    ...(p.ssh ? { ssh: p.ssh } : {}),
    systems: (p.systems ?? []).map((s) => ({ ...(s.name !== undefined ? { name: s.name } : {}), ...(s.ssh ? { ssh: s.ssh } : {}) })),
  };
  return toDesiredState(reduced, file, ctx).systems.map((s) => ({ name: s.name, ssh: s.ssh }));
}

/** FILE's systems and how to reach them, or the diagnostics (located, as `validate` shows them) that stop it. */
export function connectSystems(file: string, text: string, ctx: PathContext): { systems: ConnectSystem[] | null; diagnostics: Diagnostic[] } {
  const loaded = loadPreseed(file, text, ctx);
  const parsed = parseYaml(text, (doc) => readAsGo(doc, preseedSchema()));
  if (!parsed.ok) return { systems: null, diagnostics: loaded.diagnostics };
  const diagnostics = loaded.diagnostics.filter((d) => d.severity === 'error' && CONNECT_PATH.test(d.path));
  if (diagnostics.length > 0) return { systems: null, diagnostics };
  return { systems: endpointsOf(view(parsed.document.value), file, ctx), diagnostics: [] };
}

/** `[user@]host[:port]` (IPv6 in brackets) as the one system to reach first; what it leaves out comes from ~/.ssh/config, then the defaults. */
export function destinationSystem(dest: { host: string; user?: string; port?: number }, ctx: PathContext): ConnectSystem {
  const ssh: SshSystemInput = { host: dest.host, ...(dest.user !== undefined ? { user: dest.user } : {}), ...(dest.port !== undefined ? { port: dest.port } : {}) };
  return endpointsOf({ systems: [{ name: dest.host, ssh }] }, 'export', ctx)[0]!;
}
