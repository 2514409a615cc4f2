// The plan is a value: printed, saved, compared and applied. It holds everything apply needs except
// secrets, which apply mints (join tokens) or reads from the file (secret lxd.config values) at run time.
import type { DiskResolution } from './disks.js';
import type { PlanFinding } from './findings.js';
import type { ServiceName } from '../live/state.js';

export const PLAN_FORMAT_VERSION = 1;

/** One LXD `member_config` entry a joiner supplies for a pool or network that already exists. */
export interface MemberConfigKey {
  entity: 'storage-pool' | 'network';
  name: string;
  key: string;
  value: string;
}

/** What each kind of step needs to act, keyed by kind. Machine names, paths and config; never a secret. */
export interface StepInputs {
  /** microcluster bootstrap with MicroCeph's PublicNet/ClusterNet. */
  'microceph-bootstrap': { name: string; address: string; publicNetwork: string | null; clusterNetwork: string | null };
  /** microcluster join of `name` into the cluster anchored at machine `cluster` (the token is issued there, at apply time). */
  'microceph-join': { name: string; address: string; cluster: string };
  'microceph-disk': { path: string; device: string | null; wipe: boolean; encrypt: boolean };
  /** pools-op: the default size and every pool MicroCloud sizes (.mgr, lxd_remote, lxd_cephfs_*) that exists when it runs. */
  'microceph-replication': { size: number };
  'microceph-config': { key: string; value: string };
  'microovn-bootstrap': { name: string; address: string; encapIp: string | null };
  'microovn-join': { name: string; address: string; encapIp: string | null; cluster: string };
  /** MicroCloud's own microcluster: `name` is the hostname (the daemon's name), `address` <ip>:9443. */
  'microcloud-bootstrap': { name: string; address: string };
  /**
   * `ip`/`initiatorIp`: what the two trust sessions and the joiner's PUT /1.0/services announce;
   * `interfaces`: the interface holding each of them (the session names it). The passphrase is the
   * file's session_passphrase, given to apply by name (SESSION_PASSPHRASE_REF), never in the plan.
   */
  'microcloud-join': { name: string; address: string; ip: string; initiatorIp: string; cluster: string; interfaces: { joiner: string; initiator: string } };

  /**
   * PATCH /1.0 on the step's machine; `target` is the member for member-local keys, null for global ones.
   * `fromFile`: the values are the file's (`lxd.config`), set as written, and each key's ownership
   * record (ownedMark) written in the same PATCH: set with a value, dropped with "". `sensitive`: keys
   * whose secret values the plan leaves out; apply is given them by name (secretRef). `unset`: keys
   * the tool set that left the file, by name only (a secret-named key may not be a key of the plan).
   */
  'lxd-server-config': { target: string | null; config: Record<string, string>; fromFile?: boolean; sensitive?: string[]; unset?: string[] };
  'lxd-bootstrap': { serverName: string };
  'lxd-join': { serverName: string; serverAddress: string; clusterAddress: string; cluster: string; memberConfig: MemberConfigKey[] };
  'lxd-pool-pending': { pool: string; target: string; driver: string; config: Record<string, string> };
  'lxd-pool': { pool: string; driver: string; description: string; config: Record<string, string> };
  'lxd-network-pending': { network: string; target: string; type: string; config: Record<string, string> };
  /** Create (finalize), or update the `owned` keys: an owned key missing from `config` is to be unset. */
  'lxd-network': { network: string; type: string; description: string; config: Record<string, string>; owned: string[] };
  /** The devices the tool owns in the profile; other devices are left as they are. */
  'lxd-profile': { profile: string; devices: Record<string, Record<string, string>> };
  'lxd-volume': { pool: string; volume: string; target: string };

  // Removal (src/plan/plan-remove.ts): each runs on a surviving member (the step's machine) and
  // names the member it removes; `force` as the file's entry says.
  /** DELETE /1.0/disks/<osd>?target=<member>; `force`: MicroCeph's bypass_safety and confirm_downgrade. */
  'microceph-disk-remove': { member: string; osd: number; path: string; force: boolean };
  /** Unset the member's storage.*_volume key that points at the volume, then delete the volume. */
  'lxd-volume-remove': { pool: string; volume: string; target: string };
  /** POST /1.0/cluster/members/<name>/state {action: evacuate}: its instances move to the other members. */
  'lxd-member-evacuate': { name: string };
  'lxd-member-remove': { name: string; force: boolean };
  'microovn-member-remove': { name: string; force: boolean };
  'microceph-member-remove': { name: string; force: boolean };
  'microcloud-member-remove': { name: string; force: boolean };

  /**
   * Install (create) or refresh (update) one of MicroCloud's snaps on the step's machine, then hold
   * it. `revision`: the file's pin; `expect`: the revision the store's channel gave at plan time
   * (what every machine ends on), "" when the store did not say.
   */
  'snap': { name: ServiceName; channel: string; revision: number | null; expect: string; cohort: boolean; hold: boolean };
  /**
   * Wait, bounded, until the site is healthy after the refreshes in `after` (each machine's snap at
   * that revision): Ceph's health OK but for `allow`ed checks, or every member of `service` online.
   */
  'gate': { check: 'ceph-health' | 'members-online'; service: ServiceName; after: { machine: string; snap: ServiceName; revision: string }[]; allow: string[]; timeoutMs: number };
  /** Ceph's noout flag around the MicroCeph refreshes: set (with this tool's marker), or unset (only
   *  when ours) once the refreshes in `after` show. */
  'microceph-noout': { set: boolean; after: { machine: string; snap: ServiceName; revision: string }[] };
}

export type StepKind = keyof StepInputs;

export type StepAction = 'create' | 'update' | 'destroy';

/** A before → after of one key; null means unset. */
export interface Change {
  key: string;
  before: string | null;
  after: string | null;
}

export interface StepOf<K extends StepKind> {
  /** Stable across runs: the same intent always gets the same address (see steps/index.ts). */
  address: string;
  kind: K;
  service: ServiceName;
  /** The machine whose daemon the step talks to. */
  machine: string;
  /** Addresses of steps in this plan that must finish first. */
  dependsOn: string[];
  action: StepAction;
  reason: string;
  /** For updates: the live values the step was planned from and what it sets. */
  changes: Change[];
  inputs: StepInputs[K];
}

export type Step = { [K in StepKind]: StepOf<K> }[StepKind];

/** A member of one of the site's clusters that the file does not list: reported, never touched. */
export interface UnmanagedMember {
  name: string;
  services: ServiceName[];
}

export interface Plan {
  /** Named as Terraform names it, so a reader of any version can find it first. */
  format_version: typeof PLAN_FORMAT_VERSION;
  mode: 'bootstrap' | 'add';
  /** The machine that bootstraps, or whose cluster an add file joins. */
  initiator: string;
  preseedDigest: string;
  /** sha256 of the LiveState the plan was made from; a saved plan is refused once it differs. */
  liveFingerprint: string;
  /** In an order that respects dependsOn. Empty when any finding is an error. */
  steps: Step[];
  findings: PlanFinding[];
  unmanaged: UnmanagedMember[];
  disks: DiskResolution;
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
}

export function summarize(plan: Plan): PlanSummary {
  const count = (action: StepAction): number => plan.steps.filter((s) => s.action === action).length;
  return { add: count('create'), change: count('update'), destroy: count('destroy') };
}
