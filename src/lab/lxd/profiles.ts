// /1.0/profiles (lxd/profiles.go): list, create, GET/PUT/PATCH with ETag, device validation.
import type { LabResponse } from '../types.js';
import { createdResponse, syncResponse } from '../envelope.js';
import { runMaybeAsync } from './common.js';
import type { Ctx } from './context.js';
import { decodeBody, isRecursion, project, str, strMap } from './context.js';
import { badRequest, plainError, statusError } from './errors.js';
import { etagCheck, etagHeader } from './etag.js';
import type { Router } from './router.js';
import type { Database, ProfileRecord } from './state.js';

type Devices = Record<string, Record<string, string>>;

function devicesOf(v: unknown): Devices {
  const out: Devices = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [name, dev] of Object.entries(v as Record<string, unknown>)) out[name] = strMap(dev);
  }
  return out;
}

function findProfile(db: Database, proj: string, name: string): ProfileRecord | undefined {
  const p = db.profiles.get(name);
  return p && p.project === proj ? p : undefined;
}

function render(c: Ctx, p: ProfileRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: p.name, description: p.description, config: { ...p.config }, devices: structuredClone(p.devices), used_by: [],
  };
  if (c.d.flavor.name === 'snap-6.8') out.project = p.project;
  return out;
}

/** instance.ValidDevices for a profile (instancetype.Any), the checks the lab can make. */
function validateDevices(db: Database, devices: Devices): void {
  for (const name of Object.keys(devices).sort()) {
    const dev = devices[name] as Record<string, string>;
    const fail = (msg: string, code = 500) => { throw statusError(code, `Device validation failed for ${JSON.stringify(name)}: ${msg}`); };
    if (!dev.type) fail(`Failed loading device ${JSON.stringify(name)}: Missing device type in config`);
    if (dev.type === 'disk') {
      const root = dev.path === '/' && !dev.source;
      if (dev.path === '/' && dev.source) fail('Root disk entry may not have a "source" property set');
      if (root && !dev.pool) fail('Root disk entry must have a "pool" property set');
      if (!root && !dev.source) fail('Non root disk devices require the "source" property');
      if (dev.pool) {
        const pool = db.pools.get(dev.pool);
        if (!pool) fail(`Failed to get storage pool ${JSON.stringify(dev.pool)}: Storage pool not found`, 404);
        else if (pool.state === 'Pending') fail(`Pool ${JSON.stringify(dev.pool)} is pending`);
      }
    } else if (dev.type === 'nic') {
      if (dev.network) {
        const net = db.networks.get(dev.network);
        if (!net) {
          fail(`Failed loading device ${JSON.stringify(name)}: Failed to load network ${JSON.stringify(dev.network)} for project "default": Network not found`, 404);
        } else if (net.state !== 'Created') {
          fail('Specified network is not fully created');
        }
      } else if (!dev.nictype) {
        fail(`Failed loading device ${JSON.stringify(name)}: Unsupported device type`);
      }
    } else if (!['unix-char', 'unix-block', 'usb', 'gpu', 'infiniband', 'proxy', 'unix-hotplug', 'tpm', 'pci', 'none'].includes(dev.type ?? '')) {
      fail('Unsupported device type');
    }
  }
}

function listProfiles(c: Ctx): LabResponse {
  const proj = project(c);
  const ps = [...c.d.db.profiles.values()].filter((p) => p.project === proj);
  if (!isRecursion(c)) return syncResponse(ps.map((p) => `/1.0/profiles/${p.name}`));
  return syncResponse(ps.map((p) => render(c, p)));
}

function postProfile(c: Ctx): LabResponse {
  const body = decodeBody(c, 'ProfilesPost', { name: 'string', description: 'string', config: 'map', devices: 'object' });
  const name = str(body.name);
  if (name === '') throw badRequest('No name provided');
  if (name.includes('/')) throw badRequest('Profile names may not contain slashes');
  if (name === '.' || name === '..') throw badRequest(`Invalid profile name ${JSON.stringify(name)}`);
  const db = c.d.db;
  const proj = project(c);
  const devices = devicesOf(body.devices);
  try {
    validateDevices(db, devices);
  } catch (e) {
    throw badRequest(e instanceof Error ? e.message : String(e));
  }
  if (findProfile(db, proj, name)) throw plainError(`Error inserting ${JSON.stringify(name)} into database: The profile already exists`);
  db.profiles.set(name, { name, project: proj, description: str(body.description), config: strMap(body.config), devices });
  return createdResponse(`/1.0/profiles/${name}`);
}

function getProfile(c: Ctx): LabResponse {
  const p = findProfile(c.d.db, project(c), c.params.name ?? '');
  if (!p) throw statusError(404, 'Fetch profile: Profile not found');
  return syncResponse(render(c, p), 200, etagHeader([p.config, p.description, p.devices]));
}

async function updateProfile(c: Ctx, patch: boolean): Promise<LabResponse> {
  const d = c.d;
  const f = d.flavor;
  const name = c.params.name ?? '';
  const p = findProfile(d.db, project(c), name);
  if (!p) {
    const v6 = f.name === 'snap-6.8';
    const msg = patch
      ? `${v6 ? 'Failed retrieving' : 'Failed to retrieve'} profile=${JSON.stringify(name)}: Profile not found`
      : `${v6 ? 'Failed retrieving' : 'Failed to retrieve'} profile ${JSON.stringify(name)}: Profile not found`;
    throw statusError(404, msg);
  }
  etagCheck(c.req, [p.config, p.description, p.devices], f.msg.etagMismatch);
  const body = decodeBody(c, 'ProfilePut', { config: 'map', description: 'string', devices: 'object' });
  let config = strMap(body.config);
  let devices = devicesOf(body.devices);
  let description = str(body.description);
  if (patch) {
    config = { ...p.config, ...config };
    const merged: Devices = structuredClone(p.devices);
    for (const [k, v] of Object.entries(devices)) merged[k] = v;
    devices = merged;
    if (body.description === undefined) description = p.description;
  }
  const work = async () => {
    validateDevices(d.db, devices);
    p.config = config;
    p.devices = devices;
    p.description = description;
  };
  return runMaybeAsync(c, f.asyncProfilesVolumes, { description: 'Updating profile', entityUrl: `/1.0/profiles/${name}`, project: 'default' },
    work, () => syncResponse({}));
}

function deleteProfile(c: Ctx): LabResponse {
  const name = c.params.name ?? '';
  if (name === 'default') throw statusError(403, 'The "default" profile cannot be deleted');
  const p = findProfile(c.d.db, project(c), name);
  if (!p) throw statusError(404, 'Profile not found');
  c.d.db.profiles.delete(name);
  return syncResponse({});
}

export function registerProfiles(r: Router): void {
  r.add('/1.0/profiles', { GET: listProfiles, POST: postProfile });
  r.add('/1.0/profiles/{name}', {
    GET: getProfile,
    PUT: (c) => updateProfile(c, false),
    PATCH: (c) => updateProfile(c, true),
    DELETE: deleteProfile,
  });
}
