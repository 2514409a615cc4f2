// Small pure parts of the step runners: the join token field, certificate pinning, partial creation.
import { createHash } from 'node:crypto';
import { partiallyCreated } from '../../src/apply/steps/lxd.js';
import { tokenFields } from '../../src/apply/steps/lxd-join.js';
import { certFingerprint } from '../../src/apply/steps/lxd-token.js';
import type { LxdServer } from '../../src/apply/steps/lxd.js';

const server = (api_extensions: string[]): LxdServer =>
  ({ config: {}, api_extensions, environment: { server_clustered: false, server_name: 'n', certificate: '', certificate_fingerprint: '' } });

test('the join token field follows the API extensions, not the version', () => {
  expect(tokenFields(server(['clustering', 'explicit_trust_token']), 'T0KEN')).toEqual({ cluster_token: 'T0KEN' });
  // Without the extension (Debian's 5.0): cluster_password, and cluster_token for servers whose list is short.
  expect(tokenFields(server(['clustering', 'clustering_join_token']), 'T0KEN')).toEqual({ cluster_password: 'T0KEN', cluster_token: 'T0KEN' });
});

test('the certificate fingerprint is the sha256 of the DER bytes', () => {
  const der = Buffer.from('not really a certificate, but bytes all the same');
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
  expect(certFingerprint(pem)).toBe(createHash('sha256').update(der).digest('hex'));
});

test('partially created: not Created, and Errored or carrying global config', () => {
  const o = (status: string, config: Record<string, string> = {}) => ({ name: 'p', description: '', status, config, locations: [] });
  expect(partiallyCreated(null)).toBe(false);
  expect(partiallyCreated(o('Pending'))).toBe(false);
  expect(partiallyCreated(o('Errored'))).toBe(true);
  expect(partiallyCreated(o('Pending', { 'ceph.osd.pool_name': 'lxd_remote' }))).toBe(true);
  expect(partiallyCreated(o('Created', { a: 'b' }))).toBe(false);
});
