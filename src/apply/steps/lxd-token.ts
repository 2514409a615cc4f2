// LXD join tokens (rest-apis.md §1.6): issued on the cluster for the joiner's name, as an operation
// that stays Running until used; the token string is base64 of the JSON the Go client builds
// (api.ClusterMemberJoinToken). The secret and the token are registered as secrets at once.
import { createHash } from 'node:crypto';
import type { Host, Operation } from '../../remote/index.js';
import type { StepContext } from '../types.js';
import { enc, isNotFound } from './common.js';
import { lxdServer } from './lxd.js';

export interface JoinToken {
  /** base64 token string: secret. */
  token: string;
  fingerprint: string;
  addresses: string[];
  /** The token operation, to cancel it when the join fails. */
  operation: string;
}

interface TokenMetadata {
  serverName?: string;
  secret?: string;
  fingerprint?: string;
  addresses?: string[];
  expiresAt?: string;
}

/** Running token operations for `name` anywhere in the cluster. */
async function tokenOperations(host: Host, name: string): Promise<Operation[]> {
  const ops = (await host.request<Record<string, Operation[] | null>>('lxd', 'GET', '/1.0/operations?recursion=1')).metadata ?? {};
  return (ops['running'] ?? []).filter((op) => op.class === 'token' && (op.metadata as TokenMetadata | null)?.serverName === name);
}

/** DELETE /1.0/operations/<id>: revokes a token; one already gone is fine. */
export async function cancelOperation(host: Host, url: string): Promise<void> {
  const id = url.replace(/^.*\/operations\//, '').replace(/[?#].*$/, '');
  try {
    await host.request('lxd', 'DELETE', `/1.0/operations/${enc(id)}`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Cancels a stale token for `name` (a failed earlier run may have left one), then issues a new one. */
export async function issueJoinToken(anchor: Host, name: string, ctx: StepContext): Promise<JoinToken> {
  for (const op of await tokenOperations(anchor, name)) {
    ctx.secrets.add((op.metadata as TokenMetadata | null)?.secret);
    await cancelOperation(anchor, `/1.0/operations/${op.id}`);
    ctx.note(`cancelled a stale LXD join token for ${name}`);
  }
  const r = await anchor.request<Operation>('lxd', 'POST', '/1.0/cluster/members', { server_name: name }, { wait: false });
  const md = (r.metadata?.metadata ?? {}) as TokenMetadata;
  ctx.secrets.add(md.secret);
  if (!md.secret || !md.fingerprint || !md.addresses?.length) throw new Error(`LXD on ${anchor.name} issued a join token for ${name} without secret, fingerprint or addresses`);
  // Field order of api.ClusterMemberJoinToken, so the string is the one `lxc cluster add` prints.
  const json = { server_name: md.serverName ?? name, fingerprint: md.fingerprint, addresses: md.addresses, secret: md.secret, expires_at: md.expiresAt ?? '' };
  const token = Buffer.from(JSON.stringify(json), 'utf8').toString('base64');
  ctx.secrets.add(token);
  return { token, fingerprint: md.fingerprint, addresses: md.addresses, operation: r.operation || `/1.0/operations/${r.metadata.id}` };
}

export function certFingerprint(pem: string): string {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return createHash('sha256').update(Buffer.from(body, 'base64')).digest('hex');
}

/**
 * The cluster certificate, pinned by the token: MicroCloud fetches it from a token address and
 * requires its SHA-256 to equal the token's fingerprint. Here the anchor's LXD is read over its
 * unix socket (SSH is the trust root) and the same comparison is made.
 */
export async function clusterCertificate(anchor: Host, token: JoinToken): Promise<string> {
  const pem = (await lxdServer(anchor)).server.environment.certificate;
  const got = pem ? certFingerprint(pem) : '';
  if (got !== token.fingerprint.toLowerCase()) {
    throw new Error(`the certificate LXD on ${anchor.name} serves (sha256 ${got || 'none'}) is not the one the join token names ` +
      `(${token.fingerprint}); refusing to join`);
  }
  return pem;
}
