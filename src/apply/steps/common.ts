// What every step runner shares: the hosts by machine name, the "already done" rule (design §4: an
// "already exists" answer counts as success only once state, read again, says so) and polling.
import type { StepKind, StepOf } from '../../plan/index.js';
import { ApiError, type Host } from '../../remote/index.js';
import type { StepContext, StepRunner } from '../types.js';

/** One connected Host per machine, keyed by the machine's name in the plan. */
export type Hosts = ReadonlyMap<string, Host>;

export type PlanStepRunner<K extends StepKind> = StepRunner<StepOf<K>, Hosts>;

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

export function hostOf(hosts: Hosts, name: string): Host {
  const h = hosts.get(name);
  if (!h) throw new Error(`no connection to ${name}: it is not among the machines this apply connected to`);
  return h;
}

export const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.status === 404;

/** Whether the daemon refused with one of these messages. */
export function refusedWith(err: unknown, ...patterns: RegExp[]): boolean {
  return err instanceof ApiError && patterns.some((p) => p.test(err.apiMessage));
}

/**
 * For an act that failed with `err`: when the daemon's answer says the work is already done
 * (`patterns`) and reading the state again (`check`) confirms it, the step succeeded and a note
 * says so; otherwise the original error stands.
 */
export async function unlessAlreadyDone(err: unknown, patterns: RegExp[], check: () => Promise<boolean>, ctx: StepContext): Promise<void> {
  if (!refusedWith(err, ...patterns) || !(await check())) throw err;
  ctx.note(`already done (the daemon said: ${(err as ApiError).apiMessage})`);
}

/** GET that answers null for 404 (the object does not exist yet). */
export async function getOrNull<T>(host: Host, service: 'lxd' | 'microceph' | 'microovn', path: string): Promise<T | null> {
  try {
    return (await host.request<T>(service, 'GET', path)).metadata;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Polls `ready` until it says true; throws naming `what` when `timeoutMs` or the step's own deadline runs out. */
export async function waitUntil(ctx: StepContext, what: string, timeoutMs: number, ready: () => Promise<boolean>, intervalMs = SECOND): Promise<void> {
  const deadline = ctx.clock.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, intervalMs)) {
    if (await ready()) return;
    if (ctx.signal.aborted || ctx.clock.now() >= deadline) throw new Error(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s`);
    await ctx.clock.sleep(Math.min(delay, Math.max(0, deadline - ctx.clock.now())), ctx.signal);
  }
}

/** `path?k=v&…`, leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const enc = encodeURIComponent;
