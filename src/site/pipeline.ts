// What plan and apply share: the preseed read from the exact bytes its digest is taken of, every
// machine gathered over one SSH connection each, and the plan from the two. Apply keeps the
// connections open to act over them; plan closes them at once.
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { renderDiagnostic } from '../preseed/diagnostics.js';
import { secretsOf, type DesiredState } from '../preseed/desired.js';
import { gather, gatherOver, type Gathered } from './gather.js';
import { diff, type LiveState, type Plan } from '../plan/index.js';
import { readPlannedPreseed } from './preseed-file.js';
import { initiatorEndpoint, siteTargets } from './targets.js';
import { READ_RETRY } from '../services/read.js';
import type { ConnectOptions } from '../remote/index.js';
import type { CommandContext } from '../cli/io.js';
import { printDiagnostics } from '../cli/validate.js';
import { toolVersion } from '../cli/version.js';

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

/** Reads and validates the preseed; on errors prints them like `validate` and returns null. */
export async function loadSite(ctx: CommandContext, file: string, json: boolean): Promise<LoadedSite | null> {
  const { io } = ctx;
  const path = resolve(io.cwd, file);
  const loaded = await readPlannedPreseed(path, io.env['HOME'] || undefined);
  const diagnostics = loaded.result.diagnostics.map((d) => ({ ...d, file }));
  const desired = loaded.result.desired;
  for (const secret of desired ? secretsOf(desired) : []) ctx.secrets.add(secret.reveal());
  if (!desired || loaded.text === null || loaded.digest === null) {
    printDiagnostics(io.stdout, file, diagnostics, json);
    return null;
  }
  // Warnings only (errors stopped us above); stdout stays the command's result.
  for (const d of diagnostics) io.stderr.write(`${renderDiagnostic(d)}\n`);
  return { path, desired, text: loaded.text, digest: loaded.digest };
}

export interface PlannedSite {
  site: LoadedSite;
  version: string;
  gathered: Gathered;
  plan: Plan;
  /** Gathers again over the open connections and plans: what is left to do. */
  replan(): Promise<Plan>;
}

export async function planSite(ctx: CommandContext, site: LoadedSite, opts: { parallelism: number | undefined; trustOnFirstUse: boolean }): Promise<PlannedSite> {
  const { desired } = site;
  const pathCtx = { baseDir: dirname(site.path), homeDir: ctx.io.env['HOME'] || homedir() };
  const targets = siteTargets(desired, desired.mode === 'add' ? initiatorEndpoint(site.text, desired, pathCtx) : null);
  ctx.log.debug('gathering', { machines: targets.map((t) => t.key), parallelism: opts.parallelism });
  const started = Date.now();
  const gathered = await gather(targets, {
    ...(opts.parallelism !== undefined ? { parallelism: opts.parallelism } : {}),
    connect: { ...READ_CONNECT, trustOnFirstUse: opts.trustOnFirstUse, logger: ctx.log },
  });
  const unreachable = Object.entries(gathered.live.machines).filter(([, m]) => !m.reachable).map(([k]) => k);
  ctx.log.debug('gathered', { ms: Date.now() - started, unreachable });
  const version = toolVersion();
  const planFrom = (live: LiveState) => diff(desired, live, { preseedDigest: site.digest, marker: version });
  const keys = targets.map((t) => t.key);
  return {
    site,
    version,
    gathered,
    plan: planFrom(gathered.live),
    replan: async () => planFrom(await gatherOver(gathered.hosts, keys, opts.parallelism)),
  };
}
