// Instances, as far as member removal needs them: where each one is (GET /1.0/instances), creating
// an empty one on a member (POST /1.0/instances, source "none"), and evacuating a member
// (POST /1.0/cluster/members/<name>/state, action "evacuate"), which moves its instances to the other
// members. The lab keeps no instance state beyond its place: no images, no running processes.
import { syncResponse } from '../envelope.js';
import type { LabResponse } from '../types.js';
import { newOperation } from './common.js';
import { decodeBody, forwardIfTargetRemote, isRecursion, memberByName, project, q, str, type Ctx } from './context.js';
import { badRequest, plainError, statusError } from './errors.js';
import type { Router } from './router.js';
import type { Database, InstanceRecord } from './state.js';

const NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/;

function render(i: InstanceRecord): Record<string, unknown> {
  return { name: i.name, project: i.project, type: i.type, location: i.location, status: 'Stopped', status_code: 102 };
}

function listInstances(c: Ctx): LabResponse {
  const all = q(c, 'all-projects') === 'true';
  const own = c.d.db.instances.filter((i) => all || i.project === project(c));
  if (!isRecursion(c)) return syncResponse(own.map((i) => `/1.0/instances/${i.name}${i.project === 'default' ? '' : `?project=${i.project}`}`));
  return syncResponse(own.map(render));
}

/** lxd/instances_post.go, for `source: {type: none}` only: an empty instance on the target member. */
async function createInstance(c: Ctx): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const body = decodeBody(c, 'InstancesPost', { name: 'string', type: 'string', source: 'map', profiles: 'array', config: 'map', devices: 'map', description: 'string' });
  const name = str(body.name);
  if (!NAME.test(name)) throw badRequest(`Invalid instance name ${JSON.stringify(name)}`);
  const sourceType = str((body.source as Record<string, unknown> | undefined)?.['type']);
  if (sourceType !== 'none') throw badRequest(`lab: only instances with source type "none" are simulated, not ${JSON.stringify(sourceType)}`);
  const d = c.d;
  if (d.db.instances.some((i) => i.name === name && i.project === project(c))) throw statusError(409, 'Instance is busy running a "create" operation');
  const type = str(body.type) === 'virtual-machine' ? 'virtual-machine' : 'container';
  return newOperation(d, {
    class: 'task', description: 'Creating instance', resources: { instances: [`/1.0/instances/${name}`] },
    run: async () => {
      d.db.instances.push({ name, project: project(c), type, location: d.db.clustered ? d.memberName : 'none' });
    },
  }).response();
}

/** Where evacuation moves an instance: the up, not evacuated member with the fewest instances. */
function destination(c: Ctx, db: Database, from: string): string | undefined {
  const candidates = db.members.filter((m) => m.name !== from && !m.evacuated && c.world.memberUp(db, m));
  const load = (name: string) => db.instances.filter((i) => i.location === name).length;
  return candidates.sort((a, b) => load(a.name) - load(b.name))[0]?.name;
}

/**
 * clusterMemberStatePost (canonical/lxd lxd/api_cluster_member.go, a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05):
 * evacuate moves every instance of the member to another one and marks it evacuated, refusing a
 * member already evacuated; restore clears the mark (the lab moves nothing back).
 */
function memberState(c: Ctx): LabResponse {
  const db = c.d.db;
  if (!db.clustered) throw plainError('Server is not clustered');
  const m = memberByName(db, c.params.name ?? '');
  const body = decodeBody(c, 'ClusterMemberStatePost', { action: 'string', mode: 'string', force: 'bool' });
  const action = str(body.action);
  if (action === 'restore') {
    m.evacuated = false;
    return newOperation(c.d, { class: 'task', description: 'Restoring cluster member', resources: { cluster: [] }, run: async () => undefined }).response();
  }
  if (action !== 'evacuate') throw badRequest(`Unknown action ${JSON.stringify(action)}`);
  if (m.evacuated) throw badRequest('Cluster member is already evacuated');
  return newOperation(c.d, {
    class: 'task', description: 'Evacuating cluster member', resources: { cluster: [] },
    run: async () => {
      for (const i of db.instances.filter((x) => x.location === m.name)) {
        const to = destination(c, db, m.name);
        if (!to) throw plainError(`Failed to evacuate instance ${JSON.stringify(i.name)}: no cluster member available`);
        i.location = to;
      }
      m.evacuated = true;
    },
  }).response();
}

export function registerInstances(r: Router): void {
  r.add('/1.0/instances', { GET: listInstances, POST: createInstance });
  r.add('/1.0/cluster/members/{name}/state', { POST: memberState });
}
