// The microcluster-based services of the lab: MicroCeph, MicroOVN and the MicroCloud daemon on a shared
// microcluster core.
export {
  MicroclusterCore, DB_NOT_READY, DB_STARTING, DB_ONLINE, firstGlobalIPv4,
  type CoreCluster, type CoreDaemon, type CoreMember, type CoreToken, type MemberRole, type MicroOptions,
} from './core.js';
export {
  MicroCephWorld, CephTimeoutError, resolveBlockDevice, storageResources,
  type CephClusterState, type CephDiskView, type CephHealthCheck, type CephHealthReport, type CephMemberView,
  type CephPoolView, type CephServiceView, type CrushRule, type DiskRuntime, type MicroCephOptions,
} from './ceph.js';
export {
  MicroOvnWorld, type OvnClusterState, type OvnMemberView, type OvnService, type OvnServiceView,
} from './ovn.js';
export {
  MicroCloudWorld, type CloudClusterState, type CloudSibling, type MicroCloudPeers,
} from './microcloud.js';
export { CloudSession, type SessionRole, type SessionStage } from './microcloud-session.js';
export type { MemberStatus } from './microcloud-status.js';
export { ApiError } from './go.js';
