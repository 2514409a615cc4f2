// The lab's model of LXD state. A Database is what LXD keeps in dqlite: one per cluster, shared by its
// members, or a standalone daemon's own. Member-specific rows are keyed by member name; a standalone
// daemon's single member is called "none", as in LXD's nodes table before clustering.
import type { CertInfo } from './cert.js';
import type { FlavorInfo } from './flavor.js';
import type { Operation } from './operations.js';

export type ObjectState = 'Pending' | 'Created' | 'Errored';

export interface MemberRow {
  state: ObjectState;
  /** Member-specific config (source, parent, …) plus, once created, what the driver filled in. */
  config: Record<string, string>;
}

export interface PoolRecord {
  name: string;
  driver: string;
  description: string;
  /** Global config (node_id NULL rows). */
  config: Record<string, string>;
  state: ObjectState;
  nodes: Map<string, MemberRow>;
}

export interface NetworkRecord {
  name: string;
  project: string;
  type: string;
  description: string;
  config: Record<string, string>;
  state: ObjectState;
  nodes: Map<string, MemberRow>;
}

export interface ProfileRecord {
  name: string;
  project: string;
  description: string;
  config: Record<string, string>;
  devices: Record<string, Record<string, string>>;
}

export interface VolumeRecord {
  pool: string;
  project: string;
  name: string;
  type: 'custom';
  /** Member name for local pools ("none" when standalone); "" for remote (ceph/cephfs) pools. */
  location: string;
  description: string;
  config: Record<string, string>;
  contentType: string;
  createdAt: string;
}

export interface CertRecord {
  name: string;
  type: 'client' | 'server' | 'metrics';
  restricted: boolean;
  projects: string[];
  certificate: string;
  fingerprint: string;
}

/** An instance (container or VM) as the cluster database records it: where it runs is all the lab keeps. */
export interface InstanceRecord {
  name: string;
  project: string;
  type: 'container' | 'virtual-machine';
  /** The member it is on ("none" when standalone). */
  location: string;
}

export interface MemberRecord {
  name: string;
  /** cluster.https_address of the member. */
  address: string;
  machine: string;
  architecture: string;
  description: string;
  failureDomain: string;
  groups: string[];
  config: Record<string, string>;
  joinedAt: number;
  lastHeartbeat: number;
  flavor: FlavorInfo;
  /** `lxc cluster evacuate` left it so: instances moved off, none placed on it until restored. */
  evacuated?: boolean;
}

export interface Database {
  id: string;
  clustered: boolean;
  /** Global (cluster-wide) server config. */
  config: Record<string, string>;
  /** Members in join order; a standalone database has none (its pseudo-member is "none"). */
  members: MemberRecord[];
  pools: Map<string, PoolRecord>;
  networks: Map<string, NetworkRecord>;
  profiles: Map<string, ProfileRecord>;
  volumes: VolumeRecord[];
  instances: InstanceRecord[];
  certificates: Map<string, CertRecord>;
  /** The certificate every member serves once clustered (the bootstrap member's). */
  clusterCert?: CertInfo;
}

export interface DaemonState {
  machine: string;
  flavor: FlavorInfo;
  pid: number;
  /** Member-local config (lxd/node/config.go keys). */
  localConfig: Record<string, string>;
  serverCert: CertInfo;
  db: Database;
  /** "none" while standalone, the member name once clustered. */
  memberName: string;
  operations: Map<string, Operation>;
  /** A bootstrap or join operation is in flight. */
  clusterChangeInFlight: boolean;
}

let dbCounter = 0;

export function newDatabase(): Database {
  dbCounter += 1;
  const db: Database = {
    id: `db${dbCounter}`,
    clustered: false,
    config: {},
    members: [],
    pools: new Map(),
    networks: new Map(),
    profiles: new Map(),
    volumes: [],
    instances: [],
    certificates: new Map(),
  };
  db.profiles.set('default', {
    name: 'default', project: 'default', description: 'Default LXD profile', config: {}, devices: {},
  });
  return db;
}

/** The member names rows are keyed by: the cluster members, or ["none"] when standalone. */
export function memberNames(db: Database): string[] {
  return db.clustered ? db.members.map((m) => m.name) : ['none'];
}

export function cloneConfig(c: Record<string, string>): Record<string, string> {
  return { ...c };
}
