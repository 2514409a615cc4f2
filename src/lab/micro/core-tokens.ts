// Join tokens: POST/GET /core/control/tokens and DELETE /core/1.0/tokens/{name}, the base64 JSON
// a token string is, and the expiry rule the joining side checks too.
import { randomBytes } from 'node:crypto';
import { syncResponse } from '../envelope.js';
import type { LabRequest, LabResponse } from '../types.js';
import type { MicroclusterCore } from './core.js';
import type { CoreCluster, CoreDaemon, CoreToken } from './core-types.js';
import {
  decodeStruct, decodeValue, goTime, messageOf, parseJsonBody, plainError, quote, statusError, validateFQDN,
  wrapError, type StructSpec,
} from './go.js';

const TOKEN_REQUEST: StructSpec = { goType: 'types.TokenRequest', fields: { name: 'string', expire_after: 'int64' } };
const TOKEN: StructSpec = {
  goType: 'types.Token',
  fields: { secret: 'string', fingerprint: 'string', join_addresses: 'addrportArray' },
};

/** base64.StdEncoding.DecodeString, strict like Go's. */
function decodeBase64Std(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!/[A-Za-z0-9+/=]/.test(c)) throw plainError(`illegal base64 data at input byte ${i}`);
  }
  const pad = s.indexOf('=');
  if (pad >= 0 && !/^=+$/.test(s.slice(pad))) throw plainError(`illegal base64 data at input byte ${pad}`);
  if (s.length % 4 !== 0) throw plainError(`illegal base64 data at input byte ${s.length - (s.length % 4)}`);
  return Buffer.from(s, 'base64').toString('utf8');
}

/** A token string as the joiner reads it: base64 of {secret, fingerprint, join_addresses}. */
export function decodeToken(tokenString: string): Record<string, unknown> {
  return decodeValue(parseJsonBody(decodeBase64Std(tokenString)), TOKEN);
}

function tokenString<S>(cluster: CoreCluster<S>, secret: string): string {
  const joinAddresses = [...cluster.members]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((m) => m.address);
  const json = JSON.stringify({ secret, fingerprint: cluster.fingerprint, join_addresses: joinAddresses });
  return Buffer.from(json, 'utf8').toString('base64');
}

export function expired<S>(core: MicroclusterCore<S>, t: CoreToken): boolean {
  return t.expiresAt !== null && t.expiresAt < core.now();
}

export async function tokensPost<S>(core: MicroclusterCore<S>, d: CoreDaemon<S>, req: LabRequest): Promise<LabResponse> {
  const cluster = d.cluster!;
  let body: Record<string, unknown>;
  try {
    body = decodeStruct(req.rawBody, TOKEN_REQUEST);
  } catch (e) {
    throw statusError(400, messageOf(e));
  }
  const name = body['name'] as string;
  const expireAfter = body['expire_after'] as number;
  try {
    validateFQDN(name);
  } catch (e) {
    throw wrapError(`Token name ${quote(name)} is not a valid FQDN: `, e);
  }
  // Expired records are purged before each insert; a live one with the same name violates UNIQUE(name).
  cluster.tokens = cluster.tokens.filter((t) => !expired(core, t));
  if (cluster.tokens.some((t) => t.name === name)) {
    throw plainError('Failed to create "core_token_records" entry: UNIQUE constraint failed: core_token_records.name');
  }
  const secret = randomBytes(32).toString('hex');
  const expiresAt = expireAfter !== 0 ? core.now() + expireAfter / 1e6 : null;
  cluster.tokens.push({ name, secret, expiresAt });
  return syncResponse(tokenString(cluster, secret));
}

export async function tokensGet<S>(core: MicroclusterCore<S>, d: CoreDaemon<S>): Promise<LabResponse> {
  const cluster = d.cluster!;
  const records = [...cluster.tokens]
    .sort((a, b) => (a.secret < b.secret ? -1 : 1))
    .filter((t) => !expired(core, t))
    .map((t) => ({ name: t.name, token: tokenString(cluster, t.secret), expires_at: goTime(t.expiresAt) }));
  return syncResponse(records);
}

export async function tokenDelete<S>(d: CoreDaemon<S>, p: Record<string, string>): Promise<LabResponse> {
  const cluster = d.cluster!;
  const name = p['name'] ?? '';
  const before = cluster.tokens.length;
  cluster.tokens = cluster.tokens.filter((t) => t.name !== name);
  if (cluster.tokens.length === before) throw statusError(404, 'CoreTokenRecord not found');
  return syncResponse({});
}
