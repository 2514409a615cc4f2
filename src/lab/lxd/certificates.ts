// /1.0/certificates (lxd/certificates.go): trust store listing, direct add of a base64-DER client
// certificate over the unix socket, certificate add tokens.
import { randomBytes } from 'node:crypto';
import type { LabResponse } from '../types.js';
import { createdResponse, syncResponse } from '../envelope.js';
import { derToCert, strictBase64 } from './cert.js';
import { newOperation, parseExpiry, servedCert, visibleOperations } from './common.js';
import type { Ctx } from './context.js';
import { decodeBody, isRecursion, str } from './context.js';
import { badRequest, statusError } from './errors.js';
import { etagHeader } from './etag.js';
import { listenAddresses } from './net.js';
import type { Router } from './router.js';
import type { CertRecord } from './state.js';

function render(c: CertRecord): Record<string, unknown> {
  return { name: c.name, type: c.type, restricted: c.restricted, projects: [...c.projects], certificate: c.certificate,
    fingerprint: c.fingerprint };
}

function list(c: Ctx): LabResponse {
  const certs = [...c.d.db.certificates.values()];
  if (!isRecursion(c)) return syncResponse(certs.map((x) => `/1.0/certificates/${x.fingerprint}`));
  return syncResponse(certs.map(render));
}

function findCert(c: Ctx): CertRecord {
  const prefix = c.params.fingerprint ?? '';
  const matches = [...c.d.db.certificates.values()].filter((x) => x.fingerprint.startsWith(prefix));
  if (matches.length !== 1 || prefix === '') throw statusError(404, 'Certificate not found');
  return matches[0] as CertRecord;
}

function getOne(c: Ctx): LabResponse {
  const cert = findCert(c);
  return syncResponse(render(cert), 200, etagHeader([cert.name, cert.type, cert.certificate, cert.restricted, cert.projects]));
}

function deleteOne(c: Ctx): LabResponse {
  const cert = findCert(c);
  if (cert.type === 'server') throw statusError(403, 'Cannot delete a server certificate. Remove the cluster member instead');
  c.d.db.certificates.delete(cert.fingerprint);
  return syncResponse({});
}

function post(c: Ctx): LabResponse {
  const d = c.d;
  const f = d.flavor;
  const body = decodeBody(c, 'CertificatesPost', { name: 'string', type: 'string', certificate: 'string', token: 'bool',
    trust_token: 'string', restricted: 'bool', projects: 'array', password: 'string' });
  const name = str(body.name);
  if (name.startsWith('-') || name.includes('/')) {
    throw badRequest(`Invalid certificate name ${JSON.stringify(name)}, name must not start with a hyphen or contain forward slashes`);
  }
  const certificate = str(body.certificate);
  const wantsToken = body.token === true;
  const type = str(body.type) || 'client';
  if (wantsToken && certificate !== '') throw badRequest("Can't use certificate if token is requested");
  if (wantsToken) {
    if (type !== 'client') throw badRequest('Tokens can only be issued for client certificates');
    if (!d.localConfig['core.https_address']) throw badRequest(f.msg.tokenNotListening);
  }
  const trustToken = str(body.trust_token);
  if (trustToken !== '') {
    // Over the unix socket the caller is trusted: a valid token just gets consumed.
    let decoded: Record<string, unknown> | undefined;
    try { decoded = JSON.parse(Buffer.from(trustToken, 'base64').toString('utf8')) as Record<string, unknown>; } catch { decoded = undefined; }
    if (!decoded || !str(decoded.client_name)) throw statusError(403, 'not authorized');
    const op = visibleOperations(c.world, d).find((o) => o.description === 'Certificate add token' && o.status === 'Running'
      && o.metadata.secret === decoded?.secret);
    if (!op) throw statusError(403, 'No matching certificate add operation found');
    op.consume();
    throw statusError(409, 'Client is already trusted');
  }
  if (!['client', 'server', 'metrics'].includes(type)) throw badRequest(`Unknown certificate type ${JSON.stringify(type)}`);
  if (wantsToken) {
    const meta: Record<string, unknown> = {
      secret: randomBytes(32).toString('hex'),
      fingerprint: servedCert(d).fingerprint,
      addresses: listenAddresses(c.world.lab.spec(d.machine), d.localConfig['core.https_address'] ?? ''),
      request: { name, type, restricted: body.restricted === true, projects: Array.isArray(body.projects) ? body.projects : [],
        certificate: '', token: true },
    };
    const expiry = d.db.config['core.remote_token_expiry'];
    if (expiry) {
      const at = parseExpiry(expiry);
      if (at) meta.expiresAt = at.toISOString();
    }
    return newOperation(d, { class: 'token', description: 'Certificate add token', metadata: meta, project: 'default' }).response();
  }
  if (certificate === '') throw badRequest(f.msg.nonTlsLink);
  const b64 = strictBase64(certificate);
  if (!b64.ok) throw badRequest(`illegal base64 data at input byte ${b64.badIndex}`);
  const cert = derToCert(b64.data);
  if (!cert) throw badRequest('Invalid certificate material: x509: malformed certificate');
  if (d.db.certificates.has(cert.fingerprint)) throw statusError(409, 'Certificate already in trust store');
  d.db.certificates.set(cert.fingerprint, {
    name: name || cert.fingerprint.slice(0, 12), type: type as CertRecord['type'], restricted: body.restricted === true,
    projects: Array.isArray(body.projects) ? body.projects.filter((p): p is string => typeof p === 'string') : [],
    certificate: cert.pem, fingerprint: cert.fingerprint,
  });
  return createdResponse(`/1.0/certificates/${cert.fingerprint}`);
}

export function registerCertificates(r: Router): void {
  r.add('/1.0/certificates', { GET: list, POST: post });
  r.add('/1.0/certificates/{fingerprint}', { GET: getOne, DELETE: deleteOne });
}
