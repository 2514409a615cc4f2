// What plan, apply and status share: the preseed read from the exact bytes its digest is taken of,
// every machine gathered over one SSH connection each, and the plan from the two. Apply keeps the
// connections open to act over them; plan closes them at once. Prints nothing: the commands
// (src/cli) decide what the operator sees.
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import type { DesiredState } from '../preseed/desired.js';
import type { Diagnostic } from '../preseed/diagnostics.js';
import { diff, type Plan } from '../plan/index.js';
import type { LiveState } from '../live/state.js';
import type { ConnectOptions, RemoteLogger } from '../remote/index.js';
import { READ_RETRY } from '../services/read.js';
import { gather, gatherOver, type Gathered } from './gather.js';
import { withSiteSnaps } from './gather-snaps.js';
import { withRemovalFacts } from './gather-removal.js';
import { readPlannedPreseed } from './preseed-file.js';
import { mergeRead, recheckReads, type Reads } from './recheck.js';
import { readSshConfig } from './ssh-config.js';
import { siteTargets } from './targets.js';
import { toolVersion } from './version.js';

/** Connection settings for reading a site, and for applying over the same connections. */
export const READ_CONNECT: ConnectOptions = {
  retry: READ_RETRY,
  // Reads are short and killed locally on timeout; nothing needs timeout(1) on the machine.
  remoteTimeout: false,
};

export interface LoadedSite {
  /** Absolute path of the preseed. */
  path: string;
  desired: DesiredState;
  text: string;
  digest: string;
}

/** Reads and validates the preseed at an absolute path: the site when it is valid, and every diagnostic. */
export async function loadSite(path: string, home: string = homedir()): Promise<{ site: LoadedSite | null; diagnostics: Diagnostic[] }> {
  const loaded = await readPlannedPreseed(path, home);
  const { desired, diagnostics } = loaded.result;
  if (!desired || loaded.text === null || loaded.digest === null) return { site: null, diagnostics };
  return { site: { path, desired, text: loaded.text, digest: loaded.digest }, diagnostics };
}

export interface PlanSiteOptions {
  parallelism: number | undefined;
  trustOnFirstUse: boolean;
  logger: RemoteLogger;
  /** For `~` in the file's SSH settings; default: this user's home. */
  home?: string;
}

export interface PlannedSite {
  site: LoadedSite;
  version: string;
  gathered: Gathered;
  plan: Plan;
  /** Gathers again over the open connections and plans: what is left to do. */
  replan(): Promise<Plan>;
  /**
   * Apply's final check: reads again only the daemons `touched` names (and the rest of their
   * clusters, src/site/recheck.ts), and plans over the last read with those put in place.
   */
  recheck(touched: Reads): Promise<Plan>;
}

export async function planSite(site: LoadedSite, opts: PlanSiteOptions): Promise<PlannedSite> {
  const { desired } = site;
  const pathCtx = { baseDir: dirname(site.path), homeDir: opts.home || homedir() };
  // ~/.ssh/config as `ssh <name>` would read it, below every key the file sets (src/site/ssh-config.ts).
  const sshConfig = await readSshConfig(pathCtx.homeDir);
  for (const note of sshConfig.notes) opts.logger.debug(note);
  const targets = siteTargets(desired, { sshConfig, onNote: (machine, note) => opts.logger.debug(note, { machine }) });
  opts.logger.debug('gathering', { machines: targets.map((t) => t.key), parallelism: opts.parallelism });
  const started = Date.now();
  const gathered = await gather(targets, {
    ...(opts.parallelism !== undefined ? { parallelism: opts.parallelism } : {}),
    connect: { ...READ_CONNECT, trustOnFirstUse: opts.trustOnFirstUse, logger: opts.logger },
  });
  const unreachable = Object.entries(gathered.live.machines).filter(([, m]) => !m.reachable).map(([k]) => k);
  opts.logger.debug('gathered', { ms: Date.now() - started, unreachable });
  const version = toolVersion();
  const planFrom = (live: LiveState) => diff(desired, live, { preseedDigest: site.digest, marker: version });
  // The file's snaps: the store's channels and Ceph's noout, read once per read of the site (gather-snaps.ts).
  // The file's removals: each cluster's instances (gather-removal.ts), with the snaps' reads.
  const snapsOf = async (live: LiveState, rereadSnapd = false) =>
    withRemovalFacts(await withSiteSnaps(live, gathered.hosts, desired.snaps, rereadSnapd), gathered.hosts, desired.remove.length > 0);
  gathered.live = await snapsOf(gathered.live);
  const keys = targets.map((t) => t.key);
  // The read the last plan was made from: what a recheck leaves as it was.
  let last = gathered.live;
  return {
    site,
    version,
    gathered,
    plan: planFrom(last),
    replan: async () => planFrom(last = await snapsOf(await gatherOver(gathered.hosts, keys, opts.parallelism))),
    recheck: async (touched) => {
      // Of the machines a full gather reads, in its order (the first member keys a cluster).
      const all = recheckReads(last, touched);
      const reads = new Map(keys.flatMap((k) => (all.has(k) ? [[k, all.get(k)!] as const] : [])));
      return planFrom(await snapsOf(mergeRead(last, await gatherOver(gathered.hosts, [...reads.keys()], opts.parallelism, reads), reads), true));
    },
  };
}
