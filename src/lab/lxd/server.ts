// GET / PUT / PATCH /1.0 (server environment and config), GET /, GET /internal/ready.
import type { LabResponse } from '../types.js';
import { syncResponse } from '../envelope.js';
import { servedCert } from './common.js';
import type { Ctx } from './context.js';
import { decodeBody, forwardIfTargetRemote } from './context.js';
import { badRequest, plainError, statusError } from './errors.js';
import { etagCheck, etagHeader } from './etag.js';
import { canBind, listenAddressError, listenAddresses } from './net.js';
import type { Router } from './router.js';
import type { DaemonState } from './state.js';

/** daemonConfigRender: global and member keys; a hidden key's value shows as `true` (lxd/config/map.go Dump). */
export function renderConfig(d: DaemonState): Record<string, string | boolean> {
  const hidden = d.flavor.hiddenConfigKeys;
  const global = Object.fromEntries(Object.entries(d.db.config).map(([k, v]) => [k, hidden.has(k) ? true : v]));
  return { ...global, ...d.localConfig };
}

function environment(c: Ctx): Record<string, unknown> {
  const d = c.d;
  const f = d.flavor;
  const spec = c.world.lab.spec(d.machine);
  const cert = servedCert(d);
  const deb = f.name === 'deb-5.0';
  const used = new Map<string, string>();
  for (const p of d.db.pools.values()) {
    if (p.nodes.get(d.memberName)?.state !== 'Created') continue;
    const info = f.storageDrivers.find((x) => x.Name === p.driver);
    if (info) used.set(info.Name, info.Version);
  }
  const env: Record<string, unknown> = {
    addresses: listenAddresses(spec, d.localConfig['core.https_address'] ?? ''),
    architectures: ['x86_64', 'i686'],
  };
  if (f.name === 'snap-6.8') env.backup_metadata_version_range = [1, 2];
  Object.assign(env, {
    certificate: cert.pem,
    certificate_fingerprint: cert.fingerprint,
    driver: deb ? 'lxc' : 'lxc | qemu',
    driver_version: deb ? '5.0.2' : f.name === 'snap-6.8' ? '6.0.4 | 9.1.1' : '6.0.0 | 8.2.2',
  });
  if (!deb) env.instance_types = ['container', 'virtual-machine'];
  Object.assign(env, {
    firewall: 'nftables',
    kernel: 'Linux',
    kernel_architecture: 'x86_64',
    kernel_features: { idmapped_mounts: 'true', netnsid_getifaddrs: 'true', seccomp_listener: 'true',
      seccomp_listener_continue: 'true', uevent_injection: 'true', unpriv_binfmt: 'false', unpriv_fscaps: 'true' },
    kernel_version: deb ? '6.1.0-26-amd64' : '6.8.0-45-generic',
    lxc_features: { cgroup2: 'true', devpts_fd: 'true', idmapped_mounts_v2: 'true', mount_injection_file: 'true',
      network_gateway_device_route: 'true', network_ipvlan: 'true', network_l2proxy: 'true',
      network_phys_macvlan_mtu: 'true', network_veth_router: 'true', pidfd: 'true', seccomp_allow_deny_syntax: 'true',
      seccomp_notify: 'true', seccomp_proxy_send_notify_fd: 'true' },
    os_name: deb ? 'Debian GNU/Linux' : 'Ubuntu',
    os_version: deb ? '12' : '24.04',
    project: c.req.query.get('project') || 'default',
    server: 'lxd',
    server_clustered: d.db.clustered,
    server_event_mode: 'full-mesh',
    server_name: d.db.clustered ? d.memberName : spec.hostname,
    server_pid: d.pid,
    server_version: f.serverVersion,
  });
  if (!deb) env.server_lts = f.lts;
  Object.assign(env, {
    storage: [...used.keys()].join(' | '),
    storage_version: [...used.values()].join(' | '),
    storage_supported_drivers: f.storageDrivers.map((x) => ({ ...x })),
  });
  return env;
}

async function getServer(c: Ctx): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const f = c.d.flavor;
  const config = renderConfig(c.d);
  const body: Record<string, unknown> = {
    config,
    api_extensions: [...f.apiExtensions],
    api_status: 'stable',
    api_version: '1.0',
    auth: 'trusted',
    public: false,
    auth_methods: ['tls'],
  };
  if (f.name === 'snap-6.8') body.client_certificate = false;
  if (f.name !== 'deb-5.0') {
    body.auth_user_name = 'root';
    body.auth_user_method = 'unix';
  }
  body.environment = environment(c);
  return syncResponse(body, 200, etagHeader(config));
}

interface ConfigError { name: string; value: string; reason: string }

function errorList(errs: ConfigError[]): Error {
  errs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const one = (e: ConfigError) => `cannot set '${e.name}' to '${e.value}': ${e.reason}`;
  const first = errs[0] as ConfigError;
  return badRequest(errs.length === 1 ? one(first) : `${one(first)} (and ${errs.length - 1} more errors)`);
}

/** daemonStorageValidate for storage.images_volume / storage.backups_volume. */
function validateDaemonVolume(c: Ctx, key: string, target: string): void {
  if (target === '') return;
  const parts = target.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw plainError(`Failed validation of ${JSON.stringify(key)}: Invalid syntax for volume, must be <pool>/<volume>`);
  }
  const [poolName, volName] = parts as [string, string];
  if (!c.d.db.pools.has(poolName)) {
    throw statusError(404, `Failed validation of ${JSON.stringify(key)}: Unable to load storage pool ${JSON.stringify(poolName)}: Storage pool not found`);
  }
  const vol = c.d.db.volumes.find((v) => v.pool === poolName && v.name === volName && v.project === 'default'
    && (v.location === '' || v.location === c.d.memberName));
  if (!vol) {
    throw statusError(404, `Failed validation of ${JSON.stringify(key)}: Failed loading storage volume ${JSON.stringify(target)} in "default" project: Storage volume not found`);
  }
  if (vol.contentType !== 'filesystem') {
    throw plainError(`Failed validation of ${JSON.stringify(key)}: Storage volume ${JSON.stringify(target)} in "default" project is not filesystem content type`);
  }
}

async function updateServer(c: Ctx, patch: boolean): Promise<LabResponse> {
  const fwd = await forwardIfTargetRemote(c);
  if (fwd) return fwd;
  const d = c.d;
  const f = d.flavor;
  if (patch) etagCheck(c.req, renderConfig(d), f.msg.etagMismatch);
  const body = decodeBody(c, 'ServerPut', { config: 'object' });
  if (!patch) etagCheck(c.req, renderConfig(d), f.msg.etagMismatch);
  if (patch && (body.config === undefined || body.config === null)) return syncResponse({});
  const req: Record<string, string> = {};
  for (const [k, v] of Object.entries((body.config ?? {}) as Record<string, unknown>)) {
    // A hidden key sent back as GET shows it (`true`) means "keep it" (Map.Change).
    if (v === true && f.hiddenConfigKeys.has(k)) {
      if (d.db.config[k] !== undefined) req[k] = d.db.config[k];
      continue;
    }
    req[k] = v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
  }
  const nodeValues: Record<string, string> = {};
  const clusterValues: Record<string, string> = {};
  for (const [k, v] of Object.entries(req)) {
    if (f.nodeConfigKeys.has(k)) nodeValues[k] = v;
    else clusterValues[k] = v;
  }

  // Member-local config (node transaction).
  if (d.db.clustered) {
    const cur = d.localConfig['cluster.https_address'] ?? '';
    const next = 'cluster.https_address' in nodeValues ? nodeValues['cluster.https_address'] : patch ? cur : '';
    if (cur !== next) throw plainError('Changing cluster.https_address is currently not supported');
  }
  for (const key of ['storage.backups_volume', 'storage.images_volume']) {
    const v = nodeValues[key];
    if (v !== undefined && v !== (d.localConfig[key] ?? '')) validateDaemonVolume(c, key, v);
  }
  const nodeErrs: ConfigError[] = [];
  for (const [k, v] of Object.entries(nodeValues)) {
    const reason = k === 'core.https_address' ? listenAddressError(v, true)
      : k === 'cluster.https_address' ? listenAddressError(v, false) : undefined;
    if (reason) nodeErrs.push({ name: k, value: v, reason });
  }
  if (nodeErrs.length) throw errorList(nodeErrs);

  // Cluster-wide config.
  const clusterErrs: ConfigError[] = [];
  for (const [k, v] of Object.entries(clusterValues)) {
    if (k.startsWith('user.')) continue;
    if (!f.clusterConfigKeys.has(k)) clusterErrs.push({ name: k, value: v, reason: f.msg.unknownConfigKey });
  }
  if (clusterErrs.length) throw errorList(clusterErrs);

  // Triggers: the HTTPS listener must be able to bind before anything sticks (LXD reverts otherwise).
  const newCore = nodeValues['core.https_address'];
  if (newCore !== undefined && newCore !== (d.localConfig['core.https_address'] ?? '') && newCore !== '') {
    if (!canBind(c.world.lab.spec(d.machine), newCore)) {
      throw plainError(`Cannot listen on network HTTPS socket ${JSON.stringify(newCore)}: listen tcp ${newCore}: bind: cannot assign requested address`);
    }
  }

  // PATCH merges; PUT replaces (keys left out are unset). An empty value unsets a key.
  const apply = (target: Record<string, string>, values: Record<string, string>, replace: boolean) => {
    if (replace) {
      for (const k of Object.keys(target)) if (!(k in values)) delete target[k];
    }
    for (const [k, v] of Object.entries(values)) {
      if (v === '') delete target[k];
      else target[k] = v;
    }
  };
  apply(d.localConfig, nodeValues, !patch);
  apply(d.db.config, clusterValues, !patch);
  return syncResponse({});
}

export function registerServer(r: Router): void {
  r.add('/', { GET: () => syncResponse(['/1.0']) });
  r.add('/1.0', {
    GET: getServer,
    PUT: (c) => updateServer(c, false),
    PATCH: (c) => updateServer(c, true),
  });
  r.add('/internal/ready', { GET: () => syncResponse({}) });
}
