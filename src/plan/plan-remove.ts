// Removing the members the file's `remove:` names: the guards (pure findings over the live site)
// and the `- destroy` steps, in MicroCloud's order for one member (canonical/microcloud
// api/services_cluster.go removeClusterMember and doc/how-to/member_remove.md, at
// f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741): its OSDs leave Ceph, its images/backups volumes and
// the storage.*_volume keys pointing at them go, then it leaves LXD (first: LXD's storage and
// networks need the others to clean up), MicroOVN, MicroCeph, and MicroCloud last (so that after a
// failure MicroCloud still knows the member). Members go one at a time, each finished before the
// next, and every step runs on a surviving member (the initiator): the member itself is never
// contacted by the tool, so an unreachable one can be dropped with `force`.
import type { DesiredRemoval } from '../preseed/remove.js';
import { errorAt, finding, type PlanFinding } from './findings.js';
import type { PlanGraph, StepDraft } from './graph.js';
import { lxdClusterOf, reachable, SERVICE_LABEL, type CephOsd, type ReachableMachine, type ServiceName } from '../live/state.js';
import type { StepKind } from './plan.js';
import { lxdMemberAddress } from './steps/lxd-join.js';
import { lxdEvacuateAddress } from './steps/lxd-member-evacuate.js';
import { lxdVolumeAddress } from './steps/lxd-volume.js';
import { microcephOsdAddress } from './steps/microceph-disk-remove.js';
import { microcephMemberAddress } from './steps/microceph-join.js';
import { microcloudMemberAddress } from './steps/microcloud-join.js';
import { microovnMemberAddress } from './steps/microovn-join.js';
import type { Site } from './topology.js';

/** The kinds a removal plans: shown apart, in the order they run (src/plan/render.ts). */
const REMOVAL_KINDS: ReadonlySet<StepKind> = new Set<StepKind>([
  'lxd-member-evacuate', 'microceph-disk-remove', 'lxd-volume-remove', 'lxd-member-remove', 'microovn-member-remove',
  'microceph-member-remove', 'microcloud-member-remove',
]);
export const isRemovalStep = (step: { kind: StepKind }): boolean => REMOVAL_KINDS.has(step.kind);

/** The order a member leaves the clusters in (MicroCloud's). */
const ORDER: readonly ServiceName[] = ['lxd', 'microovn', 'microceph', 'microcloud'];
/** The volumes MicroCloud makes on every member's local pool: the only ones a clean removal deletes. */
const OWN_VOLUMES: readonly string[] = ['images', 'backups'];

/** One cluster member as the surviving anchor's cluster lists it. */
interface Member {
  name: string;
  voter: boolean;
  online: boolean;
}

function clusterMembers(m: ReachableMachine | undefined, svc: ServiceName): Member[] | null {
  if (svc === 'lxd') {
    if (!m?.lxd?.clustered) return null;
    // LXD's raft roles (lxd/db/node.go ToAPI): the leader, voters ("database" before 5.21's rename).
    return m.lxd.members.map((x) => ({ name: x.name, voter: x.roles.some((r) => ['database', 'database-voter', 'database-leader'].includes(r)), online: x.status !== 'Offline' }));
  }
  const d = m?.[svc];
  if (!d?.initialized) return null;
  return d.members.map((x) => ({ name: x.name, voter: x.role === 'voter', online: x.status === 'ONLINE' }));
}

/** What the planner knows of the removals: each cluster's members and who leaves it. */
interface RemovalView {
  anchor: string;
  clusters: Map<ServiceName, Member[]>;
  /** Entries naming a member of at least one cluster, in the file's order. */
  leaving: DesiredRemoval[];
  osds: CephOsd[];
}

/** The initiator's member name: an add file may give only its address. */
const initiatorName = (site: Site): string => reachable(site.live, site.initiator)?.lxd?.serverName || site.initiator;

function viewOf(site: Site): RemovalView {
  const anchor = reachable(site.live, site.initiator);
  const clusters = new Map<ServiceName, Member[]>();
  for (const svc of ORDER) {
    const members = clusterMembers(anchor, svc);
    if (members) clusters.set(svc, members);
  }
  const isMember = (name: string) => [...clusters.values()].some((ms) => ms.some((x) => x.name === name));
  return {
    anchor: site.initiator,
    clusters,
    leaving: site.desired.remove.filter((r) => r.name !== initiatorName(site) && isMember(r.name)),
    osds: anchor?.microceph?.initialized ? anchor.microceph.disks : [],
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const offlineIn = (v: RemovalView, name: string): ServiceName[] =>
  [...v.clusters].filter(([, ms]) => ms.some((x) => x.name === name && !x.online)).map(([svc]) => svc);

/** Every cluster keeps a quorum of the voters it had, online, and at least one member. */
function quorumGuards(v: RemovalView): PlanFinding[] {
  const out: PlanFinding[] = [];
  const gone = new Set(v.leaving.map((r) => r.name));
  for (const [svc, members] of v.clusters) {
    const leaving = members.filter((x) => gone.has(x.name)).map((x) => x.name);
    if (leaving.length === 0) continue;
    const label = SERVICE_LABEL[svc];
    const survivors = members.filter((x) => !gone.has(x.name));
    if (survivors.length === 0) {
      out.push(errorAt('remove-every-member', null, `removing ${leaving.join(', ')} would leave ${label} with no member: removing every member is refused`,
        'keep at least one member; to retire the whole site, follow MicroCloud\'s decommissioning guide'));
      continue;
    }
    // dqlite needs a majority of its voters to commit, the member removals included.
    const voters = members.filter((x) => x.voter).length || Math.min(members.length, 3);
    const quorum = Math.floor(voters / 2) + 1;
    const online = survivors.filter((x) => x.online).length;
    if (online < quorum) {
      const onlineNow = members.filter((x) => x.online).length;
      out.push(errorAt('remove-quorum', null,
        `removing ${leaving.join(', ')} would leave ${label} with ${plural(online, 'member')} online of the ${plural(members.length, 'member')} it has (${plural(voters, 'voter')}): a quorum is ${quorum}`,
        `remove at most ${plural(Math.max(0, onlineNow - quorum), 'online member')} of ${label}'s now; remove the others in a later apply, once members have joined`));
    }
  }
  return out;
}

/** Ceph keeps every pool's replicas on distinct hosts, and MicroCeph's own refusals, predicted. */
function cephGuards(site: Site, v: RemovalView): PlanFinding[] {
  const ceph = reachable(site.live, v.anchor)?.microceph;
  if (!ceph?.initialized) return [];
  const out: PlanFinding[] = [];
  const gone = new Set(v.leaving.map((r) => r.name));
  const hostsNow = new Set(v.osds.map((d) => d.location));
  const hostsAfter = new Set(v.osds.filter((d) => !gone.has(d.location)).map((d) => d.location));
  const leavingOsds = v.osds.filter((d) => gone.has(d.location));
  if (leavingOsds.length === 0 && ![...gone].some((n) => ceph.members.some((m) => m.name === n))) return out;
  for (const p of ceph.pools) {
    if (leavingOsds.length > 0 && hostsAfter.size < p.size) {
      out.push(errorAt('remove-pool-size', null,
        `Ceph pool ${p.name} keeps ${p.size} replicas on distinct hosts; removing ${[...gone].join(', ')} leaves ${plural(hostsAfter.size, 'OSD host')} (${[...hostsAfter].join(', ') || 'none'})`,
        `lower the pool's replication first (sudo microceph pool set-rf --size ${hostsAfter.size} ${p.name}), or add OSDs on another member`));
    }
  }
  const forced = (name: string) => v.leaving.find((r) => r.name === name)?.force === true;
  const unforced = leavingOsds.filter((d) => !forced(d.location));
  // canonical/microceph microceph/ceph/osd.go checkMinOSDs and IsDowngradeNeeded (api/disks.go
  // cmdDisksDelete), at 79f99b50a1abf05ca8abb463b0fcb3f749f13c89: without bypass_safety an OSD
  // goes only while more than 3 remain, and never silently from host to osd failure domain.
  if (unforced.length > 0 && v.osds.length - leavingOsds.length < 3) {
    out.push(errorAt('remove-min-osds', unforced[0]!.location,
      `MicroCeph removes an OSD only while more than 3 remain: the cluster has ${plural(v.osds.length, 'OSD')} and the removal takes ${leavingOsds.length}`,
      'add OSDs on another member first, or set force: true on the entry to bypass MicroCeph\'s safety checks'));
  }
  if (unforced.length > 0 && hostsNow.size >= 3 && hostsAfter.size < 3) {
    out.push(errorAt('remove-failure-domain', unforced[0]!.location,
      `removing ${[...new Set(unforced.map((d) => d.location))].join(', ')} leaves OSDs on ${plural(hostsAfter.size, 'host')}: MicroCeph would downgrade Ceph's failure domain from host to osd (replicas on one host)`,
      'add OSDs on another member first, or set force: true on the entry to confirm the downgrade'));
  }
  // canonical/microceph microceph/ceph/remove.go removeNode → checkPrerequisites (79f99b50): a
  // member leaves only while 3 monitors, 1 manager and 1 metadata server remain on the others.
  const left = (svc: string) => ceph.services.filter((s) => s.service === svc && !gone.has(s.location)).length;
  const short = [['mon', 3], ['mgr', 1], ['mds', 1]].filter(([svc, min]) => left(svc as string) < (min as number));
  const hosting = v.leaving.filter((r) => !r.force && ceph.services.some((s) => s.location === r.name)).map((r) => r.name);
  if (short.length > 0 && hosting.length > 0) {
    out.push(errorAt('remove-ceph-services', hosting[0]!,
      `MicroCeph needs 3 mon, 1 mgr and 1 mds services besides the members it removes; without ${hosting.join(', ')} there would be ${short.map(([svc]) => `${left(svc as string)} ${svc as string}`).join(', ')}`,
      `start them on a surviving member first (sudo microceph enable ${short[0]![0] as string} --target <member>), or set force: true on the entry`));
  }
  return out;
}

/** What must hold for one member: reachable (or forced), and no data of its own on LXD. */
function memberGuards(site: Site, v: RemovalView): PlanFinding[] {
  const out: PlanFinding[] = [];
  const lxd = reachable(site.live, v.anchor)?.lxd;
  for (const r of v.leaving) {
    const down = offlineIn(v, r.name);
    if (down.length > 0 && !r.force) {
      out.push(errorAt('remove-unreachable', r.name, `${r.name} does not answer in ${down.map((s) => SERVICE_LABEL[s]).join(', ')}: a clean removal needs it online`,
        `bring it back, or set force: true on its remove entry to drop it without cleaning it up`));
    }
    // LXD refuses a member with instances (lxd/db/node.go NodeIsEmpty): they move first, or the file says force.
    const instances = (lxdClusterOf(site.live, v.anchor)?.instances ?? []).filter((i) => i.location === r.name);
    if (instances.length > 0 && !r.evacuate && !r.force) {
      out.push(errorAt('remove-instances', r.name, `${r.name} still has ${plural(instances.length, 'instance')} (${instances.map((i) => (i.project === 'default' ? i.name : `${i.project}/${i.name}`)).join(', ')}): LXD refuses to remove a member with instances`,
        'set evacuate: true on its remove entry to move them to the other members first, or move or delete them yourself'));
    }
    if (r.evacuate && down.includes('lxd')) {
      out.push(errorAt('remove-evacuate-offline', r.name, `${r.name} cannot be evacuated: LXD shows it offline`, 'bring it back, or drop evacuate and set force: true'));
    }
    const volumes = (lxd?.volumes ?? []).filter((x) => x.location === r.name && !(x.pool === 'local' && OWN_VOLUMES.includes(x.name)));
    if (volumes.length > 0 && !r.force) {
      out.push(errorAt('remove-custom-volumes', r.name, `${r.name} still has custom volumes ${volumes.map((x) => `${x.pool}/${x.name}`).join(', ')}: LXD refuses to remove a member with data`,
        'move them to another member (lxc storage volume move) or delete them, then plan again'));
    }
  }
  return out;
}

export function removalFindings(site: Site): PlanFinding[] {
  const out: PlanFinding[] = [];
  const initiator = initiatorName(site);
  if (site.desired.remove.some((r) => r.name === initiator)) {
    out.push(errorAt('remove-initiator', initiator, `${initiator} is the initiator, whose clusters the tool works through: it cannot be removed`,
      'name another member as the initiator (initiator_address: or initiator:), then remove this one'));
  }
  const v = viewOf(site);
  if (v.leaving.length === 0) return out;
  out.push(...quorumGuards(v), ...cephGuards(site, v), ...memberGuards(site, v));
  for (const r of v.leaving.filter((x) => x.force && offlineIn(v, x.name).length > 0)) {
    out.push(finding('notice', 'remove-left-behind', r.name, `${r.name} is dropped without cleanup: ${leftBehind(site, v, r.name)}`));
  }
  return out;
}

/** What a forced removal of an unreachable member leaves on it and in Ceph. */
function leftBehind(site: Site, v: RemovalView, name: string): string {
  const osds = v.osds.filter((d) => d.location === name).map((d) => `osd.${d.osd}`);
  const services = [...v.clusters].filter(([, ms]) => ms.some((x) => x.name === name)).map(([svc]) => SERVICE_LABEL[svc]);
  return [
    `the machine keeps its ${services.join(', ')} state and data (reinstall those snaps before it joins again)`,
    ...(osds.length > 0 ? [`Ceph keeps ${osds.join(', ')} in its OSD map as down (sudo microceph.ceph osd purge <id> --yes-i-really-mean-it once the data has recovered)`] : []),
  ].join('; ');
}

const MEMBER_ADDRESS: Record<ServiceName, (name: string) => string> = {
  lxd: lxdMemberAddress, microovn: microovnMemberAddress, microceph: microcephMemberAddress, microcloud: microcloudMemberAddress,
};
const MEMBER_KIND = {
  lxd: 'lxd-member-remove', microovn: 'microovn-member-remove', microceph: 'microceph-member-remove', microcloud: 'microcloud-member-remove',
} as const satisfies Record<ServiceName, StepKind>;

/** The steps of every removal, after all other steps, one member after the other. */
export function planRemovals(site: Site, g: PlanGraph): void {
  const v = viewOf(site);
  if (v.leaving.length === 0) return;
  const lxd = reachable(site.live, v.anchor)?.lxd;
  const before = g.steps().map((s) => s.address);
  const add = (draft: Omit<StepDraft, 'machine'>): void => {
    g.add({ action: 'destroy', ...draft, machine: v.anchor } as StepDraft, [...before]);
    before.push(draft.address);
  };
  for (const r of v.leaving) {
    const { name, force } = r;
    const down = offlineIn(v, name).length > 0;
    const gone = force && down ? ` (force: ${name} is unreachable, so it is not cleaned up)` : force ? ' (force)' : '';
    // An unreachable member's OSDs and volumes cannot be reached through it: the forced member
    // removals drop their records, and the plan's notice says what stays behind.
    const status = lxd?.members.find((x) => x.name === name)?.status;
    if (r.evacuate && !down && status !== undefined && status !== 'Evacuated') {
      add({
        address: lxdEvacuateAddress(name), kind: 'lxd-member-evacuate', service: 'lxd', action: 'update',
        reason: `evacuate ${name}: its instances move to the other members, and LXD places none on it`,
        inputs: { name },
      });
    }
    if (!down) {
      for (const d of v.osds.filter((x) => x.location === name).sort((a, b) => a.osd - b.osd)) {
        add({
          address: microcephOsdAddress(name, d.osd), kind: 'microceph-disk-remove', service: 'microceph',
          reason: force
            ? `remove osd.${d.osd} (${d.path}) of ${name} from Ceph without MicroCeph's safety checks (force)`
            : `remove osd.${d.osd} (${d.path}) of ${name} from Ceph once its data has moved off (MicroCeph's ok-to-stop and safe-to-destroy checks)`,
          inputs: { member: name, osd: d.osd, path: d.path, force },
        });
      }
      for (const vol of (lxd?.volumes ?? []).filter((x) => x.location === name && x.pool === 'local' && OWN_VOLUMES.includes(x.name))) {
        add({
          address: lxdVolumeAddress(vol.pool, vol.name, name), kind: 'lxd-volume-remove', service: 'lxd',
          reason: `delete volume ${vol.pool}/${vol.name} of ${name}, after unsetting storage.${vol.name}_volume there`,
          inputs: { pool: vol.pool, volume: vol.name, target: name },
        });
      }
    }
    for (const svc of ORDER) {
      if (!v.clusters.get(svc)?.some((x) => x.name === name)) continue;
      add({
        address: MEMBER_ADDRESS[svc](name), kind: MEMBER_KIND[svc], service: svc,
        reason: `remove ${name} from ${SERVICE_LABEL[svc]}${gone}`,
        inputs: { name, force },
      } as Omit<StepDraft, 'machine'>);
    }
  }
}
