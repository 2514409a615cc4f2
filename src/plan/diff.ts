// (DesiredState, LiveState) → Plan. Pure. Preflight and disk resolution come first; any error
// leaves the plan without steps, since nothing may run on a site that fails them.
import type { DesiredState } from '../preseed/desired.js';
import { unmanagedMembers } from './conflicts.js';
import { orderSteps } from './dag.js';
import { hasErrorFindings } from './findings.js';
import { liveFingerprint } from './fingerprint.js';
import { PlanGraph } from './graph.js';
import type { LiveState } from '../live/state.js';
import { planLxdBootstrap, planLxdJoins, planNorthbound } from './plan-lxd-cluster.js';
import { planLxdConfig } from './plan-lxd-config.js';
import { planLxdObjects, planProfile, planVolumes } from './plan-lxd-objects.js';
import { planMicroBootstraps, planMicroJoins, planOsds } from './plan-micro.js';
import { PLAN_FORMAT_VERSION, type Plan, type Step } from './plan.js';
import { planSnaps, snapsFirst } from './plan-snaps.js';
import { lxdWaiting } from './snaps-view.js';
import { planRemovals, removalFindings } from './plan-remove.js';
import { assess } from './preflight.js';
import type { Site } from './topology.js';

export interface PlanOptions {
  /** Digest of the preseed file the plan is made from (the caller hashes the bytes it read). */
  preseedDigest: string;
  /** The value of the `user.microcloud-apply.version` marker on a cluster this tool bootstraps. */
  marker?: string;
}

export const DEFAULT_MARKER = 'microcloud-apply';

/** The steps in MicroCloud's phase order: the snaps, bootstraps, joins, OSDs, Ceph settings, server config, LXD objects, profile, volumes. */
function buildSteps(site: Site, live: LiveState, marker: string): Step[] {
  // The snap steps over the site as it is; the rest over it as the snaps will leave it (site.live).
  const snaps = new PlanGraph(live);
  const snapAddresses = planSnaps(site.desired, live, site.systems.includes(site.initiator) ? site.systems : [site.initiator, ...site.systems], snaps);
  // An LXD refresh walk stopped part-way leaves members that do not answer: finish it first.
  if (lxdWaiting(site.desired, live).length > 0) return orderSteps(snaps.steps());
  const g = new PlanGraph(site.live);
  planMicroBootstraps(site, g);
  planLxdBootstrap(site, g, marker);
  planMicroJoins(site, g);
  planLxdJoins(site, g);
  planOsds(site, g);
  planNorthbound(site, g);
  planLxdConfig(site, g);
  planLxdObjects(site, g);
  planProfile(site, g);
  planVolumes(site, g);
  planRemovals(site, g);
  return orderSteps([...snaps.steps(), ...snapsFirst(g.steps(), snapAddresses)]);
}

export function diff(desired: DesiredState, live: LiveState, options: PlanOptions): Plan {
  const { site, findings: assessed } = assess(desired, live);
  const findings = [...assessed, ...removalFindings(site)];
  return {
    format_version: PLAN_FORMAT_VERSION,
    mode: desired.mode,
    initiator: site.initiator,
    preseedDigest: options.preseedDigest,
    liveFingerprint: liveFingerprint(live),
    steps: hasErrorFindings(findings) ? [] : buildSteps(site, live, options.marker ?? DEFAULT_MARKER),
    findings,
    unmanaged: unmanagedMembers(site),
    disks: site.disks,
  };
}
