// What differs between the three LXDs the lab simulates: API extensions, which endpoints are async,
// error wording, join field, role names, config schemas. Values were read from canonical/lxd at tags
// lxd-5.0.2, lxd-5.21.x (stable-5.21) and lxd-6.8; see the report in this folder's index.ts.
import type { LxdFlavor, MachineSpec } from '../types.js';
import { SOCKET_PATHS } from '../types.js';

export interface FlavorInfo {
  name: LxdFlavor;
  serverVersion: string;
  lts: boolean;
  /** A curated subset of the real `api_extensions`, in the server's order (every name the
   *  deployer or MicroCloud branches on is included where the real server has it). */
  apiExtensions: string[];
  /** Length of the real extension list (reported by the join version check). */
  apiExtensionCount: number;
  /** Cluster DB schema version (len(updates) in lxd/db/cluster/update.go). */
  dbSchema: number;
  /** storage_and_network_operations: pool/network create/update/delete are 202 operations. */
  asyncPoolsNetworks: boolean;
  /** storage_and_profile_operations: profile PUT/PATCH and custom volume create are operations. */
  asyncProfilesVolumes: boolean;
  /** The ClusterPut field that carries the join token. */
  joinTokenField: 'cluster_token' | 'cluster_password';
  /** 'v5': leader shows ["database-leader","database"]; 'v6': leader ["database-leader"], voters "database-voter". */
  roleStyle: 'v5' | 'v6';
  /** How GET /1.0/operations/<id>/wait reports failures: 5.0 always sync; 5.21 Go error (SmartError);
   *  6.8 the stored err_code. */
  waitStyle: '5.0' | '5.21' | '6.8';
  /** Operation objects carry err_code, requestor, metadata.entity_url (6.8). */
  richOperations: boolean;
  /** GET /1.0/cluster member_config carries values (6.8) or "" (5.x). */
  memberConfigValues: boolean;
  /** ceph/cephfs pools reject `source` (storage_remote_drop_source). */
  remoteDropSource: boolean;
  socketPath: string;
  clusterConfigKeys: ReadonlySet<string>;
  /** Keys GET /1.0 shows as `true` once set (Hidden in lxd/cluster/config): a client never reads them back. */
  hiddenConfigKeys: ReadonlySet<string>;
  nodeConfigKeys: ReadonlySet<string>;
  storageDrivers: ReadonlyArray<{ Name: string; Version: string; Remote: boolean }>;
  /** db.NodeSpecificStorageConfig / db.NodeSpecificNetworkConfig of that version. */
  memberStorageKeys: readonly string[];
  memberNetworkKeys: readonly string[];
  msg: Messages;
}

export interface Messages {
  etagMismatch(cur: string, sent: string): string;
  poolAlreadyDefinedOnMember(pool: string, member: string): string;
  poolDriverMismatch(req: string, cur: string): string;
  networkTypeMismatch(req: string, cur: string): string;
  pendingNetworkTypeMismatch: string;
  singleNodePoolExists(pool: string): { code: number; message: string };
  tokenNotListening: string;
  nonTlsLink: string;
  joiningVersionSchema(version: string, schema: number): string;
  joiningVersionApi(version: string, api: number): string;
  /** Wrapping of a peer's error while notifying it (cluster.NewNotifier). */
  notifyPeer(member: string, address: string, inner: string): string;
  /** 6.8 wraps the per-member pool create error once more. */
  poolCreateOnMember(member: string, inner: string): string;
  updateTrustNotAuthorized: string;
  /** The reason of a config error for a key the server's schema lacks (lxd/config/map.go). */
  unknownConfigKey: string;
}

const EXT_5_0 = [
  'etag', 'patch', 'network', 'storage', 'storage_rsync_bwlimit', 'storage_driver_ceph', 'resources',
  'storage_api_volume_rename', 'storage_api_local_volume_handling', 'clustering', 'clustering_join',
  'network_state', 'projects', 'clustering_server_address', 'resources_cpu_socket', 'resources_disk_sata',
  'clustering_roles', 'clustering_architecture', 'resources_disk_id', 'clustering_sizing', 'projects_limits',
  'resources_usb_pci', 'api_os', 'resources_system', 'network_state_bond_bridge', 'clustering_failure_domains',
  'network_type_ovn', 'projects_networks', 'network_type_physical', 'network_ovn_nat', 'resources_disk_address',
  'network_ovn_dhcp', 'clustering_join_token', 'clustering_evacuation', 'clustering_config', 'clustering_groups',
  'certificate_token', 'cluster_join_token_expiry',
];
const EXT_5_21 = [
  ...EXT_5_0, 'storage_volumes_created_at', 'storage_pool_source_wipe', 'operation_wait', 'server_version_lts',
  'instances_migration_stateful', 'storage_volumes_all',
  // Came in 5.20 with the retry of a join that meets another (the planner batches joins on it).
  'cluster_internal_custom_volume_copy',
];
const EXT_6_8 = [
  ...EXT_5_21, 'resources_disk_used_by', 'operation_requestor', 'storage_and_profile_operations',
  'storage_remote_drop_source', 'storage_ceph_use_rbd_defaults', 'ovn_dynamic_northbound_connection',
  'storage_and_network_operations',
];

const CLUSTER_KEYS_5_0 = [
  'backups.compression_algorithm', 'cluster.offline_threshold', 'cluster.images_minimal_replica',
  'cluster.join_token_expiry', 'cluster.max_voters', 'cluster.max_standby', 'core.metrics_authentication',
  'core.bgp_asn', 'core.https_allowed_headers', 'core.https_allowed_methods', 'core.https_allowed_origin',
  'core.https_allowed_credentials', 'core.https_trusted_proxy', 'core.proxy_http', 'core.proxy_https',
  'core.proxy_ignore_hosts', 'core.remote_token_expiry', 'core.shutdown_timeout', 'core.trust_password',
  'core.trust_ca_certificates', 'candid.api.key', 'candid.api.url', 'candid.domains', 'candid.expiry',
  'images.auto_update_cached', 'images.auto_update_interval', 'images.compression_algorithm',
  'images.default_architecture', 'images.remote_cache_expiry', 'maas.api.key', 'maas.api.url',
  'rbac.agent.url', 'rbac.agent.username', 'rbac.agent.private_key', 'rbac.agent.public_key', 'rbac.api.expiry',
  'rbac.api.key', 'rbac.api.url', 'rbac.expiry', 'network.ovn.integration_bridge',
  'network.ovn.northbound_connection',
];
const CLUSTER_KEYS_5_21 = [
  'acme.ca_url', 'acme.domain', 'acme.email', 'acme.agree_tos', 'backups.compression_algorithm',
  'cluster.offline_threshold', 'cluster.images_minimal_replica', 'cluster.healing_threshold',
  'cluster.join_token_expiry', 'cluster.max_voters', 'cluster.max_standby', 'core.metrics_authentication',
  'core.bgp_asn', 'core.https_allowed_headers', 'core.https_allowed_methods', 'core.https_allowed_origin',
  'core.https_allowed_credentials', 'core.https_trusted_proxy', 'core.proxy_http', 'core.proxy_https',
  'core.proxy_ignore_hosts', 'core.remote_token_expiry', 'core.shutdown_timeout', 'core.trust_password',
  'core.trust_ca_certificates', 'images.auto_update_cached', 'images.auto_update_interval',
  'images.compression_algorithm', 'images.default_architecture', 'images.remote_cache_expiry',
  'instances.nic.host_name', 'instances.placement.scriptlet', 'instances.migration.stateful',
  'loki.auth.username', 'loki.auth.password', 'loki.api.ca_cert', 'loki.api.url', 'loki.instance', 'loki.labels',
  'loki.loglevel', 'loki.types', 'maas.api.key', 'maas.api.url', 'oidc.client.id', 'oidc.issuer', 'oidc.audience',
  'oidc.groups.claim', 'network.ovn.integration_bridge', 'network.ovn.northbound_connection',
  'network.ovn.ca_cert', 'network.ovn.client_cert', 'network.ovn.client_key',
];
/** Added in 5.21.4. */
const OIDC_KEYS_5_21_4 = ['oidc.client.secret', 'oidc.scopes'];
const CLUSTER_KEYS_6_8 = [
  ...CLUSTER_KEYS_5_21.filter((k) => !['core.trust_password', 'instances.placement.scriptlet', 'maas.api.key',
    'maas.api.url'].includes(k)),
  'core.auth_secret_expiry', ...OIDC_KEYS_5_21_4, 'oidc.session.expiry',
];
const HIDDEN_KEYS_5_0 = ['core.trust_password'];
const HIDDEN_KEYS_5_21 = [...HIDDEN_KEYS_5_0, 'loki.auth.password'];

const NODE_KEYS_5_0 = ['core.https_address', 'cluster.https_address', 'core.bgp_address', 'core.bgp_routerid',
  'core.debug_address', 'core.dns_address', 'core.metrics_address', 'maas.machine', 'storage.backups_volume',
  'storage.images_volume'];
const NODE_KEYS_5_21 = [...NODE_KEYS_5_0, 'core.storage_buckets_address', 'core.syslog_socket'];
const NODE_KEYS_6_8 = NODE_KEYS_5_21.filter((k) => !['maas.machine', 'core.storage_buckets_address'].includes(k));

const SNAP_DRIVERS = (ceph: string) => [
  { Name: 'btrfs', Version: '6.6.3', Remote: false }, { Name: 'ceph', Version: ceph, Remote: true },
  { Name: 'cephfs', Version: ceph, Remote: true }, { Name: 'cephobject', Version: ceph, Remote: true },
  { Name: 'dir', Version: '1', Remote: false }, { Name: 'lvm', Version: '2.03.11(2) (2021-01-08) / 1.02.175 (2021-01-08) / 4.48.0', Remote: false },
  { Name: 'zfs', Version: '2.2.2-0ubuntu9', Remote: false },
];
const DEB_DRIVERS = [
  { Name: 'btrfs', Version: '6.2', Remote: false }, { Name: 'ceph', Version: '16.2.15', Remote: true },
  { Name: 'cephfs', Version: '16.2.15', Remote: true }, { Name: 'cephobject', Version: '16.2.15', Remote: true },
  { Name: 'dir', Version: '1', Remote: false }, { Name: 'lvm', Version: '2.03.16(2) (2022-05-18) / 1.02.185 (2022-05-18) / 4.48.0', Remote: false },
];

const MEMBER_STORAGE_5_0 = ['size', 'source', 'volatile.initial_source', 'zfs.pool_name', 'lvm.thinpool_name', 'lvm.vg_name'];
const MEMBER_STORAGE_5_21 = ['size', 'source', 'source.wipe', 'volatile.initial_source', 'zfs.pool_name',
  'lvm.thinpool_name', 'lvm.vg_name'];
const MEMBER_STORAGE_6_8 = ['size', 'source', 'source.wipe', 'source.recover', 'volatile.initial_source',
  'zfs.pool_name', 'lvm.thinpool_name', 'lvm.vg_name'];
const MEMBER_NETWORK_5 = ['bgp.ipv4.nexthop', 'bgp.ipv6.nexthop', 'bridge.external_interfaces', 'parent'];
const MEMBER_NETWORK_6_8 = [...MEMBER_NETWORK_5, 'acceleration.parent'];

const ETAG_TAIL = '. The configuration has been modified since this change began. Please retrieve the updated configuration before proceeding.';

function versionAtLeast(v: string, want: number[]): boolean {
  const parts = v.split(/[.-]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < want.length; i++) {
    const a = Number.isFinite(parts[i]) ? (parts[i] as number) : 0;
    const b = want[i] as number;
    if (a !== b) return a > b;
  }
  return true;
}

const MSG_5: Omit<Messages, 'etagMismatch'> = {
  poolAlreadyDefinedOnMember: (_p, m) => `The storage pool already defined on member ${JSON.stringify(m)}`,
  poolDriverMismatch: (a, b) => `Requested storage pool driver ${JSON.stringify(a)} doesn't match driver in existing database record ${JSON.stringify(b)}`,
  networkTypeMismatch: (a, b) => `Requested network type ${JSON.stringify(a)} doesn't match type in existing database record ${JSON.stringify(b)}`,
  pendingNetworkTypeMismatch: "Requested network type doesn't match type in existing database record",
  singleNodePoolExists: (p) => ({ code: 409, message: `Storage pool ${JSON.stringify(p)} already exists` }),
  tokenNotListening: "Can't issue token when server isn't listening on network",
  nonTlsLink: "Can't use TLS data on non-TLS link",
  joiningVersionSchema: (v, s) => `The joining server version doesn't match (expected ${v} with DB schema ${s})`,
  joiningVersionApi: (v, a) => `The joining server version doesn't match (expected ${v} with API count ${a})`,
  notifyPeer: (m, a, inner) => `Failed to notify peer ${m} at ${a}: ${inner}`,
  poolCreateOnMember: (_m, inner) => inner,
  updateTrustNotAuthorized: 'Failed to update cluster trust: Failed getting existing certificate: not authorized',
  unknownConfigKey: 'Unknown key',
};

export function flavorFor(spec: MachineSpec): FlavorInfo {
  const snapVersion = spec.snaps.find((s) => s.name === 'lxd')?.version;
  switch (spec.lxdFlavor) {
    case 'snap-6.8': {
      const v = snapVersion ?? '6.8';
      return {
        name: 'snap-6.8', serverVersion: v, lts: false, apiExtensions: EXT_6_8, apiExtensionCount: 466, dbSchema: 84,
        asyncPoolsNetworks: true, asyncProfilesVolumes: true, joinTokenField: 'cluster_token', roleStyle: 'v6',
        waitStyle: '6.8', richOperations: true, memberConfigValues: true, remoteDropSource: true,
        socketPath: SOCKET_PATHS.lxdSnap, clusterConfigKeys: new Set(CLUSTER_KEYS_6_8), hiddenConfigKeys: new Set(), nodeConfigKeys: new Set(NODE_KEYS_6_8),
        storageDrivers: SNAP_DRIVERS('19.2.1'), memberStorageKeys: MEMBER_STORAGE_6_8, memberNetworkKeys: MEMBER_NETWORK_6_8,
        msg: {
          ...MSG_5,
          etagMismatch: (c, s) => `ETag does not match: ${c} vs ${s}${ETAG_TAIL}`,
          poolAlreadyDefinedOnMember: (p, m) => `Storage pool ${JSON.stringify(p)} already defined on member ${JSON.stringify(m)}`,
          poolDriverMismatch: (a, b) => `Requested storage pool driver ${JSON.stringify(a)} does not match driver in existing database record ${JSON.stringify(b)}`,
          networkTypeMismatch: (a, b) => `Requested network type ${JSON.stringify(a)} does not match type in existing database record ${JSON.stringify(b)}`,
          pendingNetworkTypeMismatch: 'Requested network type does not match type in existing database record',
          tokenNotListening: 'Cannot issue token when server is not listening on network',
          nonTlsLink: 'Cannot use TLS data on non-TLS link',
          joiningVersionSchema: (ver, s) => `The joining server version does not match (expected ${ver} with DB schema ${s})`,
          joiningVersionApi: (ver, a) => `The joining server version does not match (expected ${ver} with API count ${a})`,
          notifyPeer: (m, a, inner) => `Failed notifying cluster member ${JSON.stringify(m)} at ${JSON.stringify(a)}: ${inner}`,
          poolCreateOnMember: (m, inner) => `Failed creating storage pool on cluster member ${JSON.stringify(m)}: ${inner}`,
        },
      };
    }
    case 'deb-5.0': {
      const v = snapVersion ?? '5.0.2';
      return {
        name: 'deb-5.0', serverVersion: v, lts: true, apiExtensions: EXT_5_0, apiExtensionCount: 317, dbSchema: 60,
        asyncPoolsNetworks: false, asyncProfilesVolumes: false, joinTokenField: 'cluster_password', roleStyle: 'v5',
        waitStyle: '5.0', richOperations: false, memberConfigValues: false, remoteDropSource: false,
        socketPath: SOCKET_PATHS.lxdDeb, clusterConfigKeys: new Set(CLUSTER_KEYS_5_0), hiddenConfigKeys: new Set(HIDDEN_KEYS_5_0),
        nodeConfigKeys: new Set(NODE_KEYS_5_0),
        storageDrivers: DEB_DRIVERS, memberStorageKeys: MEMBER_STORAGE_5_0, memberNetworkKeys: MEMBER_NETWORK_5,
        msg: {
          ...MSG_5,
          etagMismatch: (c, s) => `ETag doesn't match: ${c} vs ${s}`,
          singleNodePoolExists: () => ({ code: 500, message: 'The storage pool already exists: The record already exists' }),
          unknownConfigKey: 'unknown key',
        },
      };
    }
    case 'snap-5.21':
    default: {
      const v = snapVersion ?? '5.21.4';
      const from5214 = versionAtLeast(v, [5, 21, 4]);
      return {
        name: 'snap-5.21', serverVersion: v, lts: true, apiExtensions: EXT_5_21, apiExtensionCount: 432, dbSchema: 73,
        asyncPoolsNetworks: false, asyncProfilesVolumes: false, joinTokenField: 'cluster_token', roleStyle: 'v5',
        waitStyle: '5.21', richOperations: false, memberConfigValues: false, remoteDropSource: false,
        socketPath: SOCKET_PATHS.lxdSnap, clusterConfigKeys: new Set([...CLUSTER_KEYS_5_21, ...(from5214 ? OIDC_KEYS_5_21_4 : [])]),
        hiddenConfigKeys: new Set(HIDDEN_KEYS_5_21), nodeConfigKeys: new Set(NODE_KEYS_5_21),
        storageDrivers: SNAP_DRIVERS('18.2.4'), memberStorageKeys: MEMBER_STORAGE_5_21, memberNetworkKeys: MEMBER_NETWORK_5,
        msg: {
          ...MSG_5,
          etagMismatch: (c, s) => `ETag doesn't match: ${c} vs ${s}${from5214 ? ETAG_TAIL : ''}`,
        },
      };
    }
  }
}

/** Where each flavor keeps its state ($LXD_DIR), used for loop files and default `dir` sources. */
export function varDir(f: FlavorInfo): string {
  return f.name === 'deb-5.0' ? '/var/lib/lxd' : '/var/snap/lxd/common/lxd';
}

