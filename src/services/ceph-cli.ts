// Ceph's own CLI as the snaps' refresh walk needs it, through the MicroCeph snap's `ceph` app
// (`microceph.ceph`, root only): health for the gates, the `noout` flag around the MicroCeph phase,
// and a config-key marker saying this tool set the flag — so an interrupted walk is finished (the
// flag unset) by the next apply, while a noout an operator set by hand is left alone. MicroCeph's
// REST API has neither (canonical/microceph microceph/api/ at 79f99b50: no osd flag endpoint); its
// upgrade guide sets the flag with this CLI (docs/snap/how-to/major-upgrade.rst, same commit).
// The flag shows in health as OSDMAP_FLAGS, "noout flag(s) set", and `config-key exists` of a
// missing key exits ENOENT (2): as the lab's ceph model answers them (src/lab/commands/ceph.ts,
// whose author read ceph/ceph src/mon/OSDMonitor.cc and KVMonitor.cc; not re-read for this file).
// Every argument is a constant or our own key.
import { RemoteCommandFailed, type Host } from '../remote/index.js';

const CEPH = 'microceph.ceph';
/** The config-key this tool writes while it holds noout; its value says who and when. */
export const NOOUT_MARKER_KEY = 'microcloud-apply/noout';
const READ = { timeoutMs: 60_000, idempotent: true, check: false } as const;
const WRITE = { timeoutMs: 60_000, check: false } as const;
/** ENOENT: `config-key exists` of a key that is not there. */
const ENOENT = 2;

export interface CephHealthRead {
  status: string;
  checks: string[];
  /** The OSD map flags OSDMAP_FLAGS names (noout, noscrub…). */
  flags: string[];
}

function failed(host: Host, argv: readonly string[], r: { exitCode: number | null; signal: string | null; stderr: Buffer }): RemoteCommandFailed {
  return new RemoteCommandFailed(host.name, argv.join(' '), r.exitCode, r.signal, r.stderr.toString('utf8').slice(-2000));
}

/** `ceph health --format json`: the status, its checks' names, and the OSD map flags. */
export async function readCephHealth(host: Host): Promise<CephHealthRead> {
  const argv = [CEPH, 'health', '--format', 'json'];
  const r = await host.exec(argv, READ);
  if (r.exitCode !== 0) throw failed(host, argv, r);
  let j: { status?: unknown; checks?: Record<string, { summary?: { message?: unknown } }> };
  try {
    j = JSON.parse(r.stdout.toString('utf8')) as typeof j;
  } catch {
    throw new Error(`${host.name}: ${argv.join(' ')} printed no JSON`);
  }
  const checks = Object.keys(j.checks ?? {});
  const summary = j.checks?.['OSDMAP_FLAGS']?.summary?.message;
  const m = typeof summary === 'string' ? /^(\S+) flag\(s\) set/.exec(summary) : null;
  return { status: typeof j.status === 'string' ? j.status : '', checks, flags: m ? m[1]!.split(',') : [] };
}

/** Whether noout is set and whether the marker says this tool set it, with the health it was read from. */
export async function readNoout(host: Host): Promise<{ set: boolean; ours: boolean; health: CephHealthRead }> {
  const [health, marker] = await Promise.all([readCephHealth(host), markerExists(host)]);
  return { set: health.flags.includes('noout'), ours: marker, health };
}

async function markerExists(host: Host): Promise<boolean> {
  const argv = [CEPH, 'config-key', 'exists', NOOUT_MARKER_KEY];
  const r = await host.exec(argv, READ);
  if (r.exitCode === 0) return true;
  if (r.exitCode === ENOENT) return false;
  throw failed(host, argv, r);
}

async function run(host: Host, argv: string[]): Promise<void> {
  const r = await host.exec(argv, WRITE);
  if (r.exitCode !== 0) throw failed(host, argv, r);
}

/** The marker first, then the flag: a crash between the two leaves a marker without a flag, which
 *  counts as nothing (ours needs both), never a flag the next apply would think an operator's. */
export async function setNoout(host: Host, note: string): Promise<void> {
  await run(host, [CEPH, 'config-key', 'set', NOOUT_MARKER_KEY, note]);
  await run(host, [CEPH, 'osd', 'set', 'noout']);
}

/** The flag first, then the marker: a crash between the two leaves the flag unset. */
export async function unsetNoout(host: Host): Promise<void> {
  await run(host, [CEPH, 'osd', 'unset', 'noout']);
  const argv = [CEPH, 'config-key', 'rm', NOOUT_MARKER_KEY];
  const r = await host.exec(argv, WRITE);
  if (r.exitCode !== 0 && r.exitCode !== ENOENT) throw failed(host, argv, r);
}
