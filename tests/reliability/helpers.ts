// What the reliability scenarios share: the default-versus-full switch, seeds that are reported when
// a case fails, reading the lab's request log for work that must happen once, and the forms a
// secret can take in output.
import type { HttpEvent, LabSite } from '../../src/lab/lab-site.js';
import type { Host } from '../../src/remote/index.js';

/** RELIABILITY_FULL=1 runs every case of each matrix; the default is a fixed, spread-out subset. */
export const FULL = process.env['RELIABILITY_FULL'] === '1';

/** A seed from the environment (to replay a failure), else the given ones. */
export function seeds(defaults: readonly number[], full: readonly number[] = defaults): number[] {
  const given = process.env['RELIABILITY_SEED'];
  if (given !== undefined && given !== '') return given.split(',').map((s) => Number.parseInt(s, 10));
  return [...(FULL ? full : defaults)];
}

/** Runs fn, and on failure says which seed to replay it with. */
export async function withSeed<T>(seed: number, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    e.message = `${what} failed with seed ${seed} (replay: RELIABILITY_SEED=${seed})\n${e.message}`;
    throw e;
  }
}

/** Indices 1..n: all of them with RELIABILITY_FULL, else the first three, every `step`-th, and the last two. */
export function spread(n: number, step: number): number[] {
  if (FULL) return Array.from({ length: n }, (_, k) => k + 1);
  const out = new Set([1, 2, 3, n - 1, n]);
  for (let k = step; k < n; k += step) out.add(k);
  return [...out].filter((k) => k >= 1 && k <= n).sort((a, b) => a - b);
}

/** A Node stack frame line ("    at fn (file.js:1:2)"): never meant for an operator. */
export const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$/m;

// ---- work that must happen once -----------------------------------------------------------------

/**
 * Mutating requests the daemon may have carried out: accepted (below 400), or answered but the
 * answer lost. Not those a fault answered instead of the daemon, nor those the daemon refused:
 * the lab's daemons, like the real ones, check before they act (LXD refuses a cluster-wide pool
 * while a member is down before touching any disk).
 */
export function reached(site: LabSite): HttpEvent[] {
  return site.requests({ mutating: true }).filter((e) => e.injected === 'drop-after'
    || (e.injected === undefined && (e.status === undefined || e.status < 400)));
}

const bodyOf = (e: HttpEvent): Record<string, unknown> => (e.body ?? {}) as Record<string, unknown>;
const targetOf = (e: HttpEvent): string => new URLSearchParams(e.query).get('target') ?? '(cluster)';

/**
 * The creations that must reach a daemon once over any number of runs, keyed by what they create:
 * bootstraps and joins, OSDs (a disk add wipes the disk), pools and networks on each member and
 * cluster-wide (finalizing a local pool wipes its disks), volumes. Needs a site with logBodies.
 */
export function onceOnlyCreations(site: LabSite): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const e of reached(site)) {
    const b = bodyOf(e);
    if (e.method === 'POST' && e.path === '/core/control') add(`${e.service} member ${e.machine}`);
    else if (e.service === 'lxd' && e.method === 'PUT' && e.path === '/1.0/cluster') add(`lxd member ${e.machine}`);
    else if (e.service === 'microceph' && e.method === 'POST' && e.path === '/1.0/disks') add(`osd ${targetOf(e)} ${String((b['path'] as string[] | undefined)?.[0])}`);
    else if (e.service === 'lxd' && e.method === 'POST' && (e.path === '/1.0/storage-pools' || e.path === '/1.0/networks')) {
      add(`${e.path.slice(5)} ${String(b['name'])}@${targetOf(e)}`);
    } else if (e.service === 'lxd' && e.method === 'POST' && /^\/1\.0\/storage-pools\/[^/]+\/volumes\/custom$/.test(e.path)) {
      add(`volume ${e.path.split('/')[3]}/${String(b['name'])}@${targetOf(e)}`);
    }
  }
  return counts;
}

/** The keys of onceOnlyCreations that happened more than once. */
export function duplicated(site: LabSite): string[] {
  return [...onceOnlyCreations(site)].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}

// ---- secrets -----------------------------------------------------------------------------------

/** The ways a secret could leak into text: as is, JSON-escaped, base64 (std and url), URL-encoded. */
export function secretForms(secret: string): string[] {
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  return [...new Set([
    secret,
    JSON.stringify(secret).slice(1, -1),
    b64,
    b64.replace(/=+$/, ''),
    Buffer.from(secret, 'utf8').toString('base64url'),
    encodeURIComponent(secret),
  ])];
}

/** Where any form of any secret appears in the named texts: "<text name>: <form>". */
export function leaks(texts: Record<string, string>, secrets: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of secrets) {
    for (const form of secretForms(s)) {
      for (const [name, text] of Object.entries(texts)) if (text.includes(form)) out.push(`${name}: ${form}`);
    }
  }
  return out;
}

/**
 * Kills the run after the site's k-th mutating request, as a dead process would: that request is
 * applied, then every connection drops before its answer and the returned signal aborts the run.
 */
export function killAfterMutations(l: { site: LabSite; hosts: ReadonlyMap<string, Host> }, k: number): AbortSignal {
  const killed = new AbortController();
  l.site.dropConnectionsAfterMutations(k, {
    onDrop: () => {
      killed.abort();
      for (const h of l.hosts.values()) void h.close();
    },
  });
  return killed.signal;
}
