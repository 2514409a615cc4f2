// What the file's `lxd.config` may hold and how its values travel: LXD's member-local keys and the
// keys this tool sets itself (both refused), which keys carry secrets, the text LXD stores for a
// YAML boolean or number, and how a value LXD shows compares with the one wanted. The planner, the
// step specs and apply's runner all compare through `configMatches`, so they never disagree.
import type { PathSegment } from './diagnostics.js';
import { isSecretName, Secret } from '../secrets.js';

/** Server config keys that belong to one member (lxd/node/config.go); the rest are cluster-wide. */
export const LXD_MEMBER_KEYS: readonly string[] = [
  'core.https_address', 'cluster.https_address', 'core.bgp_address', 'core.bgp_routerid', 'core.debug_address',
  'core.dns_address', 'core.metrics_address', 'core.storage_buckets_address', 'core.syslog_socket', 'maas.machine',
  'storage.backups_volume', 'storage.images_volume',
];

/** Where LXD finds OVN's northbound databases: MicroOVN's centrals, unless the file says otherwise. */
export const NORTHBOUND_KEY = 'network.ovn.northbound_connection';

/**
 * The tool's mark on an LXD it bootstrapped: its version, under its own prefix. Not MicroCloud's
 * `user.microcloud` is MicroCloud's: `microcloud init` writes its version with LXD's bootstrap
 * (canonical/microcloud service/lxd.go Bootstrap, cmd/microcloudd/main.go OnStart rewrites it on a
 * restart; f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741), and MicroCloud's commands judge a site by
 * MicroCloud's own cluster. The tool writes it (MICROCLOUD_KEY) only where it forms that cluster.
 */
export const OWNER_KEY = 'user.microcloud-apply.version';
export const MICROCLOUD_KEY = 'user.microcloud';

/** Keys the tool derives from the rest of the file, uses for its own state, or leaves to MicroCloud. */
const MANAGED_KEYS: readonly string[] = ['core.https_address', 'cluster.https_address', MICROCLOUD_KEY];
const MANAGED_PREFIX = 'user.microcloud-apply.';

/** LXD's own rendering of a set hidden key (core.trust_password, loki.auth.password on 5.21): `true`. */
export const HIDDEN_VALUE = 'true';

export type LxdConfigValue = string | Secret;

/** Whether a key path names the value of a secret `lxd.config` key. */
export function isSecretValuePath(path: readonly PathSegment[]): boolean {
  const [top, sub, key] = path;
  return path.length === 3 && top === 'lxd' && sub === 'config' && typeof key === 'string' && isSecretName(key);
}

/** Why `lxd.config` may not set `key`, or null when it may. */
export function refusedKey(key: string): { message: string; hint: string } | null {
  if (MANAGED_KEYS.includes(key) || key.startsWith(MANAGED_PREFIX)) {
    return {
      message: `${key} is set by microcloud-apply itself`,
      hint: 'remove it: the listen addresses come from each system\'s `address`, user.microcloud is MicroCloud\'s own, and user.microcloud-apply.* record the tool\'s own state',
    };
  }
  if (LXD_MEMBER_KEYS.includes(key)) {
    const storage = key.startsWith('storage.');
    return {
      message: `${key} is a member-local LXD key: every member has its own value, and lxd.config sets cluster-wide keys only`,
      hint: storage
        ? `remove it: with a local pool the tool sets ${key} to local/${key === 'storage.images_volume' ? 'images' : 'backups'} on every member`
        : `remove it, and set it on each member with \`lxc config set ${key} <value> --target <member>\``,
    };
  }
  return null;
}

/** The value as LXD stores it ("true"/"false", decimal), wrapped as a Secret when the key holds one. */
export function lxdConfigValue(key: string, value: string | number | boolean): LxdConfigValue {
  const text = String(value);
  return isSecretName(key) ? new Secret(text) : text;
}

/** The name under which apply is given a secret value the plan does not hold. */
export const secretRef = (key: string): string => `lxd.config.${key}`;

/**
 * Whether LXD's `shown` value of `key` (as GET /1.0 renders it: a hidden key as `true`) is `want`.
 * "" and an absent key both mean unset. `want` null: the value is a secret the caller does not
 * hold, so only LXD's hidden rendering can say it is set.
 */
export function configMatches(key: string, shown: unknown, want: string | null): boolean {
  const text = shown === undefined || shown === null ? '' : typeof shown === 'string' ? shown : JSON.stringify(shown);
  const hidden = isSecretName(key) && text === HIDDEN_VALUE;
  return want === null ? hidden : text === want || (hidden && want !== '');
}
