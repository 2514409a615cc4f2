// MicroCeph's cluster configs: GET/PUT/DELETE /1.0/configs over the keys ceph/config.go allows,
// which land in Ceph's centralised config.
import { syncResponse } from '../envelope.js';
import type { LabResponse } from '../types.js';
import type { AppRequest } from './core.js';
import { decodeStruct, messageOf, plainError, unreachableError, type StructSpec } from './go.js';
import { byName, type CephClusterState } from './ceph-model.js';

/** ceph/config.go GetConstConfigTable: key → read-only? */
const CONFIG_TABLE: Record<string, { ro: boolean }> = {
  public_network: { ro: true },
  cluster_network: { ro: false },
  rbd_default_features: { ro: false },
  osd_pool_default_crush_rule: { ro: false },
  ...Object.fromEntries([
    'rgw_s3_auth_use_keystone', 'rgw_keystone_url', 'rgw_keystone_admin_token', 'rgw_keystone_admin_token_path',
    'rgw_keystone_admin_user', 'rgw_keystone_admin_password', 'rgw_keystone_admin_password_path',
    'rgw_keystone_admin_project', 'rgw_keystone_admin_domain', 'rgw_keystone_service_token_enabled',
    'rgw_keystone_service_token_accepted_roles', 'rgw_keystone_expired_token_cache_expiration',
    'rgw_keystone_api_version', 'rgw_keystone_accepted_roles', 'rgw_keystone_accepted_admin_roles',
    'rgw_keystone_token_cache_size', 'rgw_keystone_verify_ssl', 'rgw_keystone_implicit_tenants',
    'rgw_swift_account_in_url', 'rgw_swift_versioning_enabled', 'rgw_swift_enforce_content_length',
    'rgw_swift_custom_header',
  ].map((k) => [k, { ro: false }])),
};

/** Ceph's defaults for the table's keys, as `ceph config get mon <key>` prints them when unset. */
const CEPH_DEFAULTS: Record<string, string> = {
  osd_pool_default_crush_rule: '-1',
  rbd_default_features: 'layering,exclusive-lock,object-map,fast-diff,deep-flatten',
  rgw_keystone_api_version: '2',
  rgw_keystone_token_cache_size: '10000',
  rgw_keystone_verify_ssl: 'true',
  rgw_keystone_implicit_tenants: 'false',
  rgw_s3_auth_use_keystone: 'false',
  rgw_swift_account_in_url: 'false',
  rgw_swift_versioning_enabled: 'false',
  rgw_swift_enforce_content_length: 'false',
  rgw_keystone_service_token_enabled: 'false',
  rgw_keystone_expired_token_cache_expiration: '3600',
  rgw_keystone_accepted_roles: 'Member, admin',
  rgw_keystone_accepted_admin_roles: '',
};

const CONFIG: StructSpec = {
  goType: 'types.Config', fields: { key: 'string', value: 'string', wait: 'bool', skip_restart: 'bool' },
};

export function configsGet(r: AppRequest<CephClusterState>): LabResponse {
  const req = decodeStruct(r.req.rawBody, CONFIG);
  const st = r.cluster.app;
  const key = req['key'] as string;
  if (key !== '') {
    if (!(key in CONFIG_TABLE)) throw plainError(`requested key ${key} is not a MicroCeph supported cluster config`);
    // The raw output of `ceph config get mon <key>`, newline included.
    const value = st.ceph.get(key) ?? CEPH_DEFAULTS[key] ?? '';
    return syncResponse([{ key, value: `${value}\n`, wait: false, skip_restart: false }]);
  }
  const items = [...st.ceph].filter(([k]) => k in CONFIG_TABLE).sort(([a], [b]) => byName(a, b))
    .map(([k, v]) => ({ key: k, value: v, wait: false, skip_restart: false }));
  return syncResponse(items.length > 0 ? items : null);
}

function canSet(key: string): void {
  const def = CONFIG_TABLE[key];
  if (!def) throw plainError(`requested key ${key} is not a MicroCeph supported cluster config`);
  if (def.ro) throw plainError(`requested key ${key} does not support write operation`);
}

/**
 * configChangeRefresh after a config change (canonical/microceph microceph/api/configs.go
 * cmdConfigsPut/cmdConfigsDelete/configChangeRefresh and microceph/client/services.go
 * SendRestartRequestToClusterMembers, at 79f99b50a1abf05ca8abb463b0fcb3f749f13c89). Unless
 * skip_restart, the key's daemons restart on every member — even for keys with no daemons, an
 * empty restart request still goes out. With `wait: true` the handler asks each other member in
 * turn (POST /1.0/services/restart, 120 s each upstream; `restartMs` each here), then restarts its
 * own: the first member that does not answer ends the loop with a 500 `failed Forwarding To:
 * <url>: <err>`, the rest (this member included) not restarted and the key left set. With
 * `wait: false` the fan-out runs in the background and its errors are only logged: the answer is
 * immediate.
 */
async function refresh(r: AppRequest<CephClusterState>, req: Record<string, unknown>, restartMs: number): Promise<void> {
  if (req['skip_restart'] === true || req['wait'] !== true) return;
  // Cluster(false): the members as the leader lists them (by name), without this one.
  const others = [...r.cluster.members].filter((m) => m.name !== r.member.name)
    .sort((a, b) => byName(a.name, b.name));
  for (const m of others) {
    const base = `https://${m.address}`;
    if (!r.core.reachable(m)) {
      throw plainError(`failed Forwarding To: ${base}: ${unreachableError('POST', `${base}/1.0/services/restart`, m.address)}`);
    }
    await r.core.ctx.sleep(restartMs);
  }
  await r.core.ctx.sleep(restartMs);
}

export async function configsPut(r: AppRequest<CephClusterState>, restartMs = 0): Promise<LabResponse> {
  const req = decodeStruct(r.req.rawBody, CONFIG);
  const key = req['key'] as string;
  try {
    canSet(key);
  } catch (e) {
    throw plainError(`config set(${key}) failed: ${messageOf(e)}`);
  }
  r.cluster.app.ceph.set(key, req['value'] as string);
  await refresh(r, req, restartMs);
  return syncResponse({});
}

export async function configsDelete(r: AppRequest<CephClusterState>, restartMs = 0): Promise<LabResponse> {
  const req = decodeStruct(r.req.rawBody, CONFIG);
  const key = req['key'] as string;
  canSet(key);
  r.cluster.app.ceph.delete(key);
  await refresh(r, req, restartMs);
  return syncResponse({});
}
