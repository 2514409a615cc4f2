// The `lxd.config` extension: which keys a file may own, how values become LXD's strings, and that
// a secret value is wrapped from the moment the file is read.
import { namedSecrets, secretsOf } from '../../src/preseed/desired.js';
import { configMatches } from '../../src/preseed/lxd-config.js';
import { isSecretName, Secret } from '../../src/secrets.js';
import { errorsOf, load, unicast } from '../helpers/preseed.js';

/** The three-system file with `lxd.config` holding these lines; the first key is on line 12. */
const withConfig = (...lines: string[]) => load(...unicast({ tail: ['lxd:', '  config:', ...lines.map((l) => `    ${l}`)] }));

const located = (r: ReturnType<typeof load>) => errorsOf(r).map((d) => ({ path: d.path, line: d.line, column: d.column, message: d.message, hint: d.hint }));

describe('valid', () => {
  test('values become the strings LXD stores; secret ones are wrapped', () => {
    const r = withConfig(
      'images.auto_update_interval: 0', 'instances.migration.stateful: true', 'core.proxy_ignore_hosts: "10.0.0.0/8"',
      'network.ovn.northbound_connection: tcp:10.99.0.1:6641', 'user.site: ""', 'core.trust_password: sesame-open-42',
    );
    expect(r.diagnostics).toEqual([]);
    const config = r.desired!.lxd.config;
    expect(Object.fromEntries(Object.entries(config).filter(([, v]) => typeof v === 'string'))).toEqual({
      'images.auto_update_interval': '0', 'instances.migration.stateful': 'true', 'core.proxy_ignore_hosts': '10.0.0.0/8',
      'network.ovn.northbound_connection': 'tcp:10.99.0.1:6641', 'user.site': '',
    });
    const secret = config['core.trust_password'];
    expect(secret).toBeInstanceOf(Secret);
    expect((secret as Secret).reveal()).toBe('sesame-open-42');
    expect(JSON.stringify(r.desired)).not.toContain('sesame-open-42');
    expect(secretsOf(r.desired!).map((s) => s.reveal())).toEqual(['s3cret-Passphrase-42', 'sesame-open-42']);
    expect([...namedSecrets(r.desired!).keys()]).toEqual(['session_passphrase', 'lxd.config.core.trust_password']);
  });

  test('without the key, nothing is owned', () => {
    expect(load(...unicast()).desired!.lxd.config).toEqual({});
    expect(load(...unicast({ tail: ['lxd: {}'] })).desired!.lxd.config).toEqual({});
  });

  test.each([
    ['core.trust_password', true], ['loki.auth.password', true], ['network.ovn.client_key', true], ['maas.api.key', true],
    ['oidc.client.secret', true], ['rbac.agent.private_key', true], ['some.token', true],
    ['cluster.join_token_expiry', false], ['core.auth_secret_expiry', false], ['images.auto_update_interval', false], ['network.ovn.client_cert', false],
  ])('%s is secret: %s', (key, secret) => {
    expect(isSecretName(key)).toBe(secret);
  });
});

describe('refused, each at its line and column with the key path', () => {
  test.each([
    ['a key LXD keeps per member', 'core.metrics_address: ":9100"', 'lxd.config["core.metrics_address"]', 5,
      /core\.metrics_address is a member-local LXD key/, /--target <member>/],
    ['the image volume (the tool sets it per member)', 'storage.images_volume: local/images', 'lxd.config["storage.images_volume"]', 5,
      /member-local/, /local\/images on every member/],
    ['a listen address', 'core.https_address: "[::]:8443"', 'lxd.config["core.https_address"]', 5, /set by microcloud-apply itself/, /address/],
    ['the cluster address', 'cluster.https_address: 10.0.0.11:8443', 'lxd.config["cluster.https_address"]', 5, /set by microcloud-apply itself/, /address/],
    ["the tool's marker", 'user.microcloud: x', 'lxd.config["user.microcloud"]', 5, /set by microcloud-apply itself/, /own state/],
    ["the tool's lock", 'user.microcloud-apply.lock: x', 'lxd.config["user.microcloud-apply.lock"]', 5, /set by microcloud-apply itself/, /own state/],
    ['an upper-case key', 'Images.Auto_Update: 1', 'lxd.config["Images.Auto_Update"]', 5, /"Images\.Auto_Update" is not a valid key name here/, /lowercase and dotted/],
    ['a key without a namespace', 'debug: true', 'lxd.config.debug', 5, /"debug" is not a valid key name here/, /images\.auto_update_interval/],
  ])('%s', (_name, line, path, column, message, hint) => {
    const r = withConfig('images.auto_update_interval: 0', line);
    expect(r.desired).toBeNull();
    expect(located(r)).toEqual([{ path, line: 13, column, message: expect.stringMatching(message), hint: expect.stringMatching(hint) }]);
  });

  test.each([
    ['a fraction', 'images.auto_update_interval: 1.5', /must be a string, true or false, or a whole number, not number 1\.5/, 34],
    ['a list', 'core.proxy_ignore_hosts: [a, b]', /not a list/, 30],
    ['nothing', 'core.proxy_https:', /not null/, 22],
    ['a number too large to be exact', 'cluster.offline_threshold: 12345678901234567890', /too large to be sent exactly/, 32],
  ])('a value that is %s', (_name, line, message, column) => {
    const r = withConfig(line);
    expect(located(r)).toEqual([{ path: expect.stringMatching(/^lxd\.config\[/), line: 12, column, message: expect.stringMatching(message), hint: expect.any(String) }]);
  });

  test('a wrong value of a secret key is described, never shown', () => {
    const r = withConfig('core.trust_password: 4711.5');
    expect(errorsOf(r).map((d) => d.message)).toEqual(['must be a string, true or false, or a whole number, not a number']);
  });

  test('lxd takes config only, and config is a mapping', () => {
    expect(located(load(...unicast({ tail: ['lxd:', '  confg: {}'] })))).toEqual([
      { path: 'lxd.confg', line: 11, column: 3, message: 'unknown key "confg"', hint: 'did you mean "config"?' },
    ]);
    expect(located(load(...unicast({ tail: ['lxd:', '  config: images.auto_update_interval=0'] })))[0]).toMatchObject({ path: 'lxd.config', line: 11, message: /must be a mapping/ });
  });
});

describe('comparing what LXD shows with what the file wants', () => {
  test('absent and "" are both unset', () => {
    expect(configMatches('user.a', undefined, '')).toBe(true);
    expect(configMatches('user.a', '', '')).toBe(true);
    expect(configMatches('user.a', 'x', '')).toBe(false);
  });

  test('a hidden secret (shown as true) counts as set, and a secret nobody holds only then', () => {
    expect(configMatches('core.trust_password', true, 'sesame')).toBe(true);
    expect(configMatches('core.trust_password', 'true', 'sesame')).toBe(true);
    expect(configMatches('core.trust_password', undefined, 'sesame')).toBe(false);
    expect(configMatches('maas.api.key', 'old-key', 'new-key')).toBe(false);
    expect(configMatches('maas.api.key', 'old-key', null)).toBe(false);
    expect(configMatches('maas.api.key', 'true', null)).toBe(true);
    expect(configMatches('images.auto_update_interval', 'true', '0')).toBe(false);
  });
});
