// The one secrets module: a Secret shows the one mask however it is printed, one rule says which
// names are secret, and one set scrubs registered values (long enough to tell from words) everywhere.
import { inspect } from 'node:util';
import { isSecretName, maskValues, MIN_MASKED_LENGTH, REDACTED, Secret, SecretSet } from '../../src/secrets.js';

test('a Secret prints as the mask everywhere, and reveals its value (string or bytes) only when asked', () => {
  const s = new Secret('Orchid-Velvet-Monsoon');
  expect([String(s), `${s}`, JSON.stringify({ s }), inspect(s), inspect({ s })].join(' ')).not.toContain('Orchid');
  expect(String(s)).toBe(REDACTED);
  expect(JSON.stringify({ s })).toBe(`{"s":"${REDACTED}"}`);
  expect(inspect(s)).toBe(REDACTED);
  expect(s.reveal()).toBe('Orchid-Velvet-Monsoon');
  expect(new Secret(Buffer.from([0xff])).reveal()).toEqual(Buffer.from([0xff]));
});

test.each([
  ['session_passphrase', true], ['password', true], ['join_token', true], ['token', true], ['secret', true],
  ['private_key', true], ['privateKey', true], ['identity_contents', true], ['Token', true],
  ['core.trust_password', true], ['network.ovn.client_key', true], ['maas.api.key', true], ['oidc.client.secret', true],
  ['cluster.join_token_expiry', false], ['core.auth_secret_expiry', false], ['host_key', false], ['fingerprint', false], ['node', false],
])('%s is a secret name: %s', (name, secret) => {
  expect(isSecretName(name)).toBe(secret);
});

test('a SecretSet ignores values shorter than the minimum, and masks the rest in text and in values', () => {
  const secrets = new SecretSet();
  secrets.add('x'.repeat(MIN_MASKED_LENGTH - 1));
  secrets.add(undefined);
  secrets.add('tok-3f9a7c1e55');
  expect(secrets.size).toBe(1);
  expect(secrets.scrub('xxxxx used tok-3f9a7c1e55')).toBe(`xxxxx used ${REDACTED}`);
  expect(secrets.redact({ note: 'tok-3f9a7c1e55', token: 'anything', password: '', list: [{ secret: null }], wrapped: new Secret('s') }))
    .toEqual({ note: REDACTED, token: REDACTED, password: '', list: [{ secret: null }], wrapped: REDACTED });
});

test('provide keeps a named secret for the step that sends it, and masks it', () => {
  const secrets = new SecretSet();
  const s = new Secret('sesame-open-42');
  secrets.provide('lxd.config.core.trust_password', s);
  expect(secrets.named('lxd.config.core.trust_password')).toBe(s);
  expect(secrets.named('lxd.config.other')).toBeUndefined();
  expect(secrets.scrub("cannot set 'core.trust_password' to 'sesame-open-42'")).toBe(`cannot set 'core.trust_password' to '${REDACTED}'`);
});

test('maskValues masks exactly the values given, whatever their length', () => {
  expect(maskValues('a abc b', ['abc', Buffer.from('b'), ''])).toBe(`a ${REDACTED} ${REDACTED}`);
});
