// The simulated LXD. `new LxdWorld(ctx)` models every machine's LXD daemon and the clusters they form;
// `world.handler(machine)` answers that machine's unix socket (snap or Debian path, per lxdFlavor);
// `world.snapshot()` is a read-only copy of the model for tests and fault injection.
//
// Behaviour follows canonical/lxd at lxd-5.0.2 ('deb-5.0'), stable-5.21 ('snap-5.21', wording by
// the snap's reported version) and lxd-6.8 ('snap-6.8'): sync vs async pool/network/profile/volume
// endpoints, error texts and status codes, operation rendering and /wait semantics, join by
// cluster_token (cluster_password on 5.0), member-specific key lists, server config keys (hidden ones
// shown as `true`), role names. Note that real 5.21 does NOT have storage_remote_drop_source,
// ovn_dynamic_northbound_connection or storage_and_network_operations; only the 6.8 flavor
// advertises them.
export { LxdWorld } from './world.js';
export type { LxdSnapshot } from './world.js';
export { flavorFor } from './flavor.js';
export type { FlavorInfo } from './flavor.js';
export { decodeJoinToken } from './join.js';
export { generateServerCert, fingerprintOf, pemToDer } from './cert.js';
export type { CertInfo } from './cert.js';
