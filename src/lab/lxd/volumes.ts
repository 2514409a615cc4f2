// Custom storage volumes: /1.0/storage-pools/<pool>/volumes[/custom[/<name>]] (lxd/storage_volumes.go).
import type { LabResponse } from '../types.js';
import { syncResponse } from '../envelope.js';
import { runMaybeAsync } from './common.js';
import type { Ctx } from './context.js';
import { decodeBody, forwardIfTargetRemote, isRecursion, q, str, strMap } from './context.js';
import { isRemoteDriver } from './drivers.js';
import { badRequest, plainError, statusError } from './errors.js';
import { etagHeader } from './etag.js';
import type { Router } from './router.js';
import type { DaemonState, PoolRecord, VolumeRecord } from './state.js';

function poolOf(d: DaemonState, name: string): PoolRecord {
  const p = d.db.pools.get(name);
  if (!p) throw statusError(404, 'Storage pool not found');
  return p;
}

function volumeUrl(d: DaemonState, v: VolumeRecord): string {
  const target = d.db.clustered && v.location !== '' && v.location !== 'none' ? `?target=${v.location}` : '';
  return `/1.0/storage-pools/${v.pool}/volumes/${v.type}/${v.name}${target}`;
}

function render(d: DaemonState, v: VolumeRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { name: v.name, description: v.description, type: v.type };
  if (d.flavor.name !== 'deb-5.0') out.pool = v.pool;
  Object.assign(out, {
    content_type: v.contentType, project: v.project, location: v.location, created_at: v.createdAt,
    config: { ...v.config }, used_by: [],
  });
  return out;
}

function checkType(c: Ctx): void {
  const t = c.params.type;
  if (t !== undefined && t !== 'custom') {
    if (['container', 'virtual-machine', 'image'].includes(t)) return;
    throw badRequest(`Invalid storage volume type ${JSON.stringify(t)}`);
  }
}

async function listVolumes(c: Ctx): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  checkType(c);
  const d = c.d;
  const pool = poolOf(d, c.params.pool ?? '');
  const memberSpecific = q(c, 'target') !== '';
  const type = c.params.type;
  const vols = d.db.volumes.filter((v) => v.pool === pool.name && (type === undefined || v.type === type)
    && (!memberSpecific || v.location === '' || v.location === d.memberName));
  if (!isRecursion(c)) return syncResponse(vols.map((v) => volumeUrl(d, v)));
  return syncResponse(vols.map((v) => render(d, v)));
}

async function createVolume(c: Ctx): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const d = c.d;
  const body = decodeBody(c, 'StorageVolumesPost', { name: 'string', type: 'string', description: 'string',
    config: 'map', content_type: 'string' });
  const name = str(body.name);
  if (name === '') throw badRequest('Invalid volume name: Cannot be empty');
  if (name.includes('/')) throw badRequest(`Invalid volume name ${JSON.stringify(name)}: Cannot contain slashes`);
  const contentType = str(body.content_type) || 'filesystem';
  if (!['filesystem', 'block', 'iso'].includes(contentType)) throw badRequest(`Invalid volume content type ${JSON.stringify(contentType)}`);
  const type = c.params.type ?? str(body.type);
  if (type !== 'custom') throw badRequest(`Currently not allowed to create storage volumes of type ${JSON.stringify(type)}`);
  const pool = poolOf(d, c.params.pool ?? '');
  const remote = isRemoteDriver(pool.driver);
  const location = remote ? '' : d.memberName;
  if (d.db.volumes.some((v) => v.pool === pool.name && v.name === name && v.project === 'default' && (remote || v.location === location))) {
    throw statusError(409, 'Volume by that name already exists');
  }
  if (contentType === 'iso') throw badRequest('Creation of empty iso volumes is not allowed, either copy or import');
  const work = async () => {
    const local = pool.nodes.get(d.memberName);
    if (pool.state === 'Pending' || !local || local.state !== 'Created') throw plainError('Specified pool is not fully created');
    d.db.volumes.push({
      pool: pool.name, project: 'default', name, type: 'custom', location, description: str(body.description),
      config: strMap(body.config), contentType, createdAt: new Date().toISOString(),
    });
  };
  return runMaybeAsync(c, d.flavor.asyncProfilesVolumes, {
    description: 'Creating storage volume',
    entityUrl: `/1.0/storage-pools/${pool.name}/volumes/custom/${name}`,
    project: 'default',
  }, work, () => syncResponse({}));
}

function findVolume(c: Ctx): VolumeRecord {
  const d = c.d;
  const pool = poolOf(d, c.params.pool ?? '');
  const name = c.params.name ?? '';
  const candidates = d.db.volumes.filter((v) => v.pool === pool.name && v.name === name && v.type === 'custom');
  const v = candidates.find((x) => x.location === '' || x.location === d.memberName) ?? candidates[0];
  if (!v) throw statusError(404, 'Storage volume not found');
  return v;
}

async function getVolume(c: Ctx): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const v = findVolume(c);
  return syncResponse(render(c.d, v), 200, etagHeader([v.name, v.type, v.config]));
}

async function deleteVolume(c: Ctx): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const d = c.d;
  const v = findVolume(c);
  const ref = `${v.pool}/${v.name}`;
  const users = c.world.daemonsOf(d.db).filter((x) => x.memberName === v.location || v.location === '')
    .filter((x) => x.localConfig['storage.images_volume'] === ref || x.localConfig['storage.backups_volume'] === ref);
  if (users.length) throw badRequest('Storage volume is currently in use');
  return runMaybeAsync(c, d.flavor.asyncProfilesVolumes, { description: 'Deleting storage volume', project: 'default' },
    async () => { d.db.volumes = d.db.volumes.filter((x) => x !== v); }, () => syncResponse({}));
}

export function registerVolumes(r: Router): void {
  r.add('/1.0/storage-pools/{pool}/volumes', { GET: listVolumes, POST: createVolume });
  r.add('/1.0/storage-pools/{pool}/volumes/{type}', { GET: listVolumes, POST: createVolume });
  r.add('/1.0/storage-pools/{pool}/volumes/{type}/{name}', { GET: getVolume, DELETE: deleteVolume });
}
