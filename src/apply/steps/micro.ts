// microcluster, as MicroCeph, MicroOVN and MicroCloud's daemon share it (rest-apis.md §2): whether a
// daemon is initialized, its cluster's members, bootstrap, join, and join tokens issued for the
// joiner's name.
// Whether a bootstrap or join is done is the plan's `satisfied` (src/apply/steps/runner.ts).
import { SERVICE_LABEL } from '../../plan/index.js';
import type { Host } from '../../remote/index.js';
import type { StepContext } from '../types.js';
import { MINUTE, enc, isNotFound, unlessAlreadyDone, waitUntil } from './common.js';

export type Micro = 'microceph' | 'microovn';
/** A microcluster daemon these calls work on: the services, and MicroCloud's own (./microcloud.ts). */
export type MicroDaemon = Micro | 'microcloud';

const labelOf = (svc: MicroDaemon): string => (svc === 'microcloud' ? 'MicroCloud' : SERVICE_LABEL[svc]);

/** microcluster's join token lifetime in MicroCloud (ServiceJoinTokenLifetime), as Go nanoseconds. */
const TOKEN_LIFETIME_NS = 3600 * 1e9;
/** MicroCloud's budgets: 2 min bootstrap, 5 min join, then up to 1 min for the member to show. */
export const MICRO_BOOTSTRAP_MS = 2 * MINUTE;
export const MICRO_JOIN_MS = 5 * MINUTE;
export const MEMBER_SHOWS_MS = MINUTE;

export const ALREADY_INITIALIZED = [/Database is online/];

/**
 * GET /core/1.0, allowed before init: `ready` is false until bootstrap or join. Asking this first
 * keeps other calls off daemons that would answer 503 "not yet initialized" (which the remote layer
 * would treat as transient and retry for seconds).
 */
export async function microReady(host: Host, svc: MicroDaemon): Promise<boolean> {
  return (await host.request<{ ready?: boolean }>(svc, 'GET', '/core/1.0')).metadata?.ready === true;
}

export async function microMemberNames(host: Host, svc: MicroDaemon): Promise<string[]> {
  if (!(await microReady(host, svc))) return [];
  const members = (await host.request<{ name: string }[] | null>(svc, 'GET', '/core/1.0/cluster')).metadata ?? [];
  return members.map((m) => m.name);
}

/**
 * The refusal for a joiner whose daemon is already initialized, naming the cluster it is in by its
 * members: another cluster, or the anchor's own that does not list it (a join that did not finish).
 */
export async function alreadyClustered(joiner: Host, svc: MicroDaemon, anchor: string): Promise<Error> {
  const label = labelOf(svc);
  const members = await microMemberNames(joiner, svc).catch(() => [] as string[]);
  const shown = members.length > 0 ? ` (its members: ${members.join(', ')})` : '';
  if (members.includes(anchor)) {
    return new Error(`${label} on ${joiner.name} is already initialized in ${anchor}'s cluster${shown}, but ${anchor} does not list it: ` +
      `a join that did not finish; remove ${joiner.name} from that cluster and reinstall the snap on it, then apply again`);
  }
  return new Error(`${label} on ${joiner.name} already belongs to another cluster${shown}, which ${anchor} is not part of: ` +
    `remove it from that cluster (or reinstall the snap) before joining it to ${anchor}'s`);
}

export interface MicroInit {
  name: string;
  address: string;
  config: Record<string, string>;
}

/** POST /core/control {bootstrap:true}; "Database is online" counts only if the step is now done (`done`). */
export async function bootstrapMicro(host: Host, svc: MicroDaemon, init: MicroInit, ctx: StepContext, done: () => Promise<boolean>): Promise<void> {
  const body = { bootstrap: true, config: init.config, join_token: '', address: init.address, name: init.name };
  try {
    await host.request(svc, 'POST', '/core/control', body, { timeoutMs: MICRO_BOOTSTRAP_MS });
  } catch (err) {
    await unlessAlreadyDone(err, ALREADY_INITIALIZED, done, ctx);
  }
}

export async function waitForMember(host: Host, svc: MicroDaemon, name: string, ctx: StepContext): Promise<void> {
  await waitUntil(ctx, `${name} showing as a ${labelOf(svc)} member`, MEMBER_SHOWS_MS,
    async () => (await microMemberNames(host, svc)).includes(name));
}

/**
 * A join token for `name` on the anchor: a live token for that name would make the insert fail
 * (UNIQUE(name)) and may have leaked with an earlier failed run, so it is revoked first. The token
 * and its embedded secret are registered as secrets before anything else can see them.
 */
export async function issueToken(anchor: Host, svc: MicroDaemon, name: string, ctx: StepContext): Promise<string> {
  const records = (await anchor.request<{ name: string; token: string }[] | null>(svc, 'GET', '/core/control/tokens')).metadata ?? [];
  for (const r of records) registerToken(r.token, ctx);
  if (records.some((r) => r.name === name)) {
    await revokeToken(anchor, svc, name);
    ctx.note(`revoked a stale ${labelOf(svc)} join token for ${name}`);
  }
  const token = (await anchor.request<string>(svc, 'POST', '/core/control/tokens', { name, expire_after: TOKEN_LIFETIME_NS })).metadata;
  registerToken(token, ctx);
  return token;
}

/** DELETE /core/1.0/tokens/<name>; a token already gone is fine. */
export async function revokeToken(anchor: Host, svc: MicroDaemon, name: string): Promise<void> {
  try {
    await anchor.request(svc, 'DELETE', `/core/1.0/tokens/${enc(name)}`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

function registerToken(token: string, ctx: StepContext): void {
  ctx.secrets.add(token);
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { secret?: string };
    ctx.secrets.add(decoded.secret);
  } catch { /* not the documented shape: the token itself is registered */ }
}

/**
 * POST /core/control on the joiner with a fresh token. A token left unused by a failed join is
 * revoked, so a failed run leaves no live token behind; "Database is online" counts only if the
 * step is now done (`done`).
 */
export async function joinMicro(anchor: Host, joiner: Host, svc: Micro, init: MicroInit, ctx: StepContext, done: () => Promise<boolean>): Promise<void> {
  const token = await issueToken(anchor, svc, init.name, ctx);
  const body = { bootstrap: false, config: init.config, join_token: token, address: init.address, name: init.name };
  try {
    await joiner.request(svc, 'POST', '/core/control', body, { timeoutMs: MICRO_JOIN_MS });
  } catch (err) {
    await revokeToken(anchor, svc, init.name).catch(() => undefined);
    await unlessAlreadyDone(err, ALREADY_INITIALIZED, done, ctx);
  }
}
