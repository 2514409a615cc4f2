// MicroCeph's disks: POST /1.0/disks (OSD creation, in doAddOSD's order and with its messages),
// DELETE /1.0/disks/{osdid}, the encryption-support probe, the automatic crush failure domain that
// follows the OSD count, and the live state of each machine's physical disks.
import { syncResponse } from '../envelope.js';
import type { LabContext, LabResponse } from '../types.js';
import type { AppRequest, CoreCluster, CoreMember } from './core.js';
import { decodeStruct, decodeValue, messageOf, parseJsonBody, plainError, statusError, type StructSpec } from './go.js';
import { resolveBlockDevice, type ResolvedDevice } from './ceph-devices.js';
import {
  CRUSH_RULE_IDS, byName, memberIds, type CephClusterState, type CephDiskView, type CrushRule, type DiskRow,
  type DiskRuntime, type MicroCephOptions,
} from './ceph-model.js';

const ENCRYPTION_REASON =
  'dm-crypt interface connection missing: \nuse "sudo snap connect microceph:dm-crypt ; sudo snap restart microceph.daemon" to enable encryption.';

const DISKS_POST: StructSpec = {
  goType: 'types.DisksPost',
  fields: {
    path: 'stringArray', wipe: 'bool', encrypt: 'bool', waldev: 'stringPtr', walwipe: 'bool', walencrypt: 'bool',
    dbdev: 'stringPtr', dbwipe: 'bool', dbencrypt: 'bool', osd_match: 'string', wal_match: 'string',
    wal_size: 'string', db_match: 'string', db_size: 'string', dry_run: 'bool',
  },
};
const DISKS_DELETE: StructSpec = {
  goType: 'types.DisksDelete',
  fields: { osdid: 'int64', bypass_safety: 'bool', confirm_downgrade: 'bool', prohibit_crush_scaledown: 'bool', timeout: 'int64' },
};

export class CephDisks {
  private readonly ctx: LabContext;
  private readonly options: MicroCephOptions;
  private readonly runtimes = new Map<string, Map<string, DiskRuntime>>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(ctx: LabContext, options: MicroCephOptions) {
    this.ctx = ctx;
    this.options = options;
  }

  /** The live state of a machine's disks (mutable: the LXD model may mark a disk it used). */
  diskRuntime(machine: string): Map<string, DiskRuntime> {
    let rt = this.runtimes.get(machine);
    if (!rt) {
      rt = new Map(this.ctx.spec(machine).disks.map((d) => [d.id, {
        hasData: d.has_data, partitions: d.partitions, mounted: d.mounted, osd: null,
      }]));
      this.runtimes.set(machine, rt);
    }
    return rt;
  }

  diskList(c: CoreCluster<CephClusterState>): CephDiskView[] {
    const ids = memberIds(c.members);
    return [...c.app.disks]
      .sort((a, b) => (ids.get(a.member) ?? 0) - (ids.get(b.member) ?? 0) || byName(a.path, b.path))
      .map((d) => ({ osd: d.osd, path: d.path, location: d.member }));
  }

  private encryptionSupported(machine: string): boolean {
    return this.options.encryptionSupported?.(machine) ?? false;
  }

  encryptionSupport(r: AppRequest<CephClusterState>): LabResponse {
    return this.encryptionSupported(r.daemon.machine)
      ? syncResponse({ supported: true })
      : syncResponse({ supported: false, reason_unsupported: ENCRYPTION_REASON });
  }

  /** MicroCeph's process-wide disk mutex, i.e. one disk operation at a time per member. */
  private async locked<T>(machine: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(machine) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    this.locks.set(machine, run.catch(() => undefined));
    return run;
  }

  /** POST /1.0/disks: always HTTP 200; failures are in validation_error and report[]. */
  async disksPost(r: AppRequest<CephClusterState>): Promise<LabResponse> {
    // parseAndPatchDiskPostParams: a string "path" is wrapped, an absent one becomes [].
    let value: unknown = r.req.rawBody.trim() === '' ? { path: [] } : parseJsonBody(r.req.rawBody);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const obj = { ...(value as Record<string, unknown>) };
      const path = obj['path'];
      if (!Array.isArray(path)) obj['path'] = path !== undefined && path !== null && path !== '' && typeof path !== 'object' ? [String(path)] : [];
      value = obj;
    }
    const req = decodeValue(value, DISKS_POST);
    const validation = validateDisksPost(req);
    if (validation) return syncResponse({ validation_error: validation, report: null });
    const machine = r.daemon.machine;
    return this.locked(machine, async () => {
      if (req['osd_match'] !== '' || req['wal_match'] !== '' || req['db_match'] !== '' || req['dry_run'] || req['wal_size'] !== '' || req['db_size'] !== '') {
        return syncResponse({ validation_error: 'lab: DSL disk selection (osd_match/wal_match/db_match) is not simulated', report: null });
      }
      const paths = (req['path'] ?? []) as string[];
      if (paths.length === 0) return syncResponse({ validation_error: '', report: null });
      const wipe = req['wipe'] as boolean;
      const encrypt = req['encrypt'] as boolean;
      const wal = req['waldev'] === null ? undefined : { path: req['waldev'] as string, wipe: req['walwipe'] as boolean, encrypt: req['walencrypt'] as boolean };
      const db = req['dbdev'] === null ? undefined : { path: req['dbdev'] as string, wipe: req['dbwipe'] as boolean, encrypt: req['dbencrypt'] as boolean };
      const failAll = (err: string) => syncResponse({
        validation_error: err, report: paths.map((path) => ({ path, report: 'Failure', error: '' })),
      });
      if (paths.length > 1) {
        if (wal || db) return failAll('wal/db devices are not supported in batch disk addition');
        const loop = paths.find((x) => x.startsWith('loop,'));
        if (loop) return failAll(`cannot add loop spec '${loop}', add a single loop spec or one or more block device paths`);
      } else if (paths[0]!.startsWith('loop,')) {
        if (wal || db) return failAll('loopback and WAL/DB are mutually exclusive');
        if (encrypt) return failAll('encryption is not supported on loop devices');
      }
      const report = [];
      for (const path of paths) {
        report.push(await this.addDisk(r.cluster, r.member, machine, { path, wipe, encrypt }, paths.length === 1 ? wal : undefined, paths.length === 1 ? db : undefined));
      }
      return syncResponse({ validation_error: '', report });
    });
  }

  /** One disk through doAddOSD, in its order: stable path, record, partitions, pristine, prepare. */
  private async addDisk(
    c: CoreCluster<CephClusterState>, m: CoreMember, machine: string,
    data: { path: string; wipe: boolean; encrypt: boolean },
    wal?: { path: string; wipe: boolean; encrypt: boolean }, db?: { path: string; wipe: boolean; encrypt: boolean },
  ): Promise<{ path: string; report: string; error: string }> {
    const result = (error?: string) => ({ path: data.path, report: error === undefined ? 'Success' : 'Failure', error: error ?? '' });
    if (data.path.startsWith('loop,')) return result('lab: loop-file OSDs are not simulated');
    const spec = this.ctx.spec(machine);
    const rt = this.diskRuntime(machine);
    const dev = resolveBlockDevice(spec, rt, data.path);
    if (!dev) return result(`failed to set stable disk path: invalid disk path: ${data.path}`);
    const st = c.app;
    if (st.disks.some((d) => d.member === m.name && d.path === dev.stable)) {
      return result('failed to record disk: This "disks" entry already exists');
    }
    const row: DiskRow = { osd: st.nextOsd++, member: m.name, machine, path: dev.stable, diskId: dev.disk.id, partition: dev.partition, purged: false };
    st.disks.push(row);
    const fail = (err: string) => {
      st.disks = st.disks.filter((d) => d !== row);
      return result(err);
    };
    const state = rt.get(dev.disk.id)!;
    const checkErr = this.deviceCheck(dev, state, data.wipe, 'data');
    if (checkErr) return fail(checkErr);
    const prepErr = this.prepareDevice(machine, dev, state, data);
    if (prepErr) return fail(`failed to prepare data device: ${prepErr}`);
    const aux: { dev: ResolvedDevice; state: DiskRuntime }[] = [];
    for (const [kind, param] of [['WAL', wal], ['DB', db]] as const) {
      if (!param) continue;
      const auxDev = resolveBlockDevice(spec, rt, param.path);
      if (!auxDev) return fail(`failed to set stable path for ${kind}: invalid disk path: ${param.path}`);
      const auxState = rt.get(auxDev.disk.id)!;
      const e1 = this.deviceCheck(auxDev, auxState, param.wipe, kind);
      if (e1) return fail(e1);
      const e2 = this.prepareDevice(machine, auxDev, auxState, param);
      if (e2) return fail(`failed to set up ${kind} device: ${e2}`);
      aux.push({ dev: auxDev, state: auxState });
    }
    await this.ctx.sleep(this.ctx.durations.diskAdd);
    if (!st.disks.includes(row)) return result('failed to bootstrap OSD: member left the cluster while the OSD was created');
    state.hasData = true;
    state.osd = row.osd;
    for (const a of aux) a.state.hasData = true;
    this.updateFailureDomain(st);
    return result();
  }

  /** checkPartitionsOnDevice + checkPristineDevice (skipped with wipe). */
  private deviceCheck(dev: ResolvedDevice, state: DiskRuntime, wipe: boolean, kind: string): string | undefined {
    if (wipe) return undefined;
    if (dev.partition === 0 && state.partitions > 0) return `${kind} device ${dev.stable} has partitions - use --wipe to override`;
    const pristine = dev.partition === 0 ? !state.hasData : false;
    if (!pristine) return `${kind} device ${dev.stable} is not pristine (contains data) - use --wipe to override`;
    return undefined;
  }

  /** prepareDisk: mounted check, wipe, encryption. */
  private prepareDevice(machine: string, dev: ResolvedDevice, state: DiskRuntime, p: { wipe: boolean; encrypt: boolean }): string | undefined {
    if (state.mounted) return `device ${dev.stable} is currently mounted and cannot be used - aborting`;
    if (p.wipe && dev.partition === 0) {
      state.hasData = false;
      state.partitions = 0;
    }
    if (p.encrypt && !this.encryptionSupported(machine)) return `encryption unsupported on this machine: ${ENCRYPTION_REASON}`;
    return undefined;
  }

  private hostsWithDisks(st: CephClusterState, excludeOsd?: number): number {
    return new Set(st.disks.filter((d) => d.osd !== excludeOsd).map((d) => d.member)).size;
  }

  private switchFailureDomain(st: CephClusterState, from: CrushRule, to: CrushRule): void {
    st.defaultRule = to;
    st.ceph.set('osd_pool_default_crush_rule', String(CRUSH_RULE_IDS[to]));
    for (const pool of st.pools) if (pool.crushRule === from) pool.crushRule = to;
  }

  /** updateFailureDomain: OSDs on 3+ hosts switch the automatic rule from osd to host. */
  private updateFailureDomain(st: CephClusterState): void {
    if (st.defaultRule === 'microceph_auto_osd' && this.hostsWithDisks(st) >= 3) {
      this.switchFailureDomain(st, 'microceph_auto_osd', 'microceph_auto_host');
    }
  }

  /** DELETE /1.0/disks/{osdid} (must run on the OSD's member: ?target=). */
  async disksDelete(r: AppRequest<CephClusterState>): Promise<LabResponse> {
    const osdText = r.params['osdid'] ?? '';
    if (!/^[+-]?[0-9]+$/.test(osdText)) {
      throw statusError(400, `strconv.ParseInt: parsing ${JSON.stringify(osdText)}: invalid syntax`);
    }
    const osd = Number(osdText);
    if (!Number.isSafeInteger(osd)) throw statusError(400, `strconv.ParseInt: parsing ${JSON.stringify(osdText)}: value out of range`);
    let req: Record<string, unknown>;
    try {
      req = decodeStruct(r.req.rawBody, DISKS_DELETE);
    } catch (e) {
      throw statusError(400, messageOf(e));
    }
    const st = r.cluster.app;
    return this.locked(r.daemon.machine, async () => {
      const downgrade = st.defaultRule === 'microceph_auto_host' && this.hostsWithDisks(st, osd) < 3;
      if (!req['prohibit_crush_scaledown'] && downgrade && !req['confirm_downgrade']) {
        throw statusError(400, `removing osd.${osdText} would require a downgrade of the automatic crush rule from 'host' to 'osd' level. Likely this will result in additional data movement. Please confirm by setting the '--confirm-failure-domain-downgrade' flag to true`);
      }
      if (osd < 0) throw plainError('OSD must be a positive integer');
      const row = st.disks.find((d) => d.osd === osd);
      if (!row) throw statusError(404, `osd.${osd} not found`);
      if (!req['bypass_safety'] && st.disks.length <= 3) {
        throw plainError(`cannot remove osd.${osd} we need at least 3 OSDs, have ${st.disks.length}`);
      }
      if (downgrade) this.switchFailureDomain(st, 'microceph_auto_host', 'microceph_auto_osd');
      await this.ctx.sleep(this.ctx.durations.diskAdd);
      // The OSD is purged from Ceph; the record is deleted by (this member, path).
      row.purged = true;
      if (row.member !== r.member.name) throw statusError(404, `failed to remove osd.${osd} from database: Disk not found`);
      st.disks = st.disks.filter((d) => d !== row);
      const state = this.diskRuntime(row.machine).get(row.diskId);
      if (state && row.partition === 0) {
        state.hasData = false;
        state.osd = null;
      }
      return syncResponse({});
    });
  }
}

/** units.ParseByteSizeString, enough for the DSL size validation. */
function parseByteSize(value: string): number | undefined {
  const m = /^(-?[0-9]+)\s*(B|kB|KB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB|EiB)?$/.exec(value.trim());
  if (!m) return undefined;
  const mult: Record<string, number> = {
    B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15, EB: 1e18,
    KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, PiB: 2 ** 50, EiB: 2 ** 60,
  };
  return Number(m[1]) * (mult[m[2] ?? 'B'] ?? 1);
}

/** api/disks.go validateDiskPostRequest. */
function validateDisksPost(req: Record<string, unknown>): string | undefined {
  const s = (k: string): string => req[k] as string;
  const b = (k: string): boolean => req[k] as boolean;
  const paths = (req['path'] ?? []) as string[];
  const usesDSL = s('osd_match') !== '' || s('wal_match') !== '' || s('db_match') !== '' || b('dry_run') || s('wal_size') !== '' || s('db_size') !== '';
  const walDev = req['waldev'] !== null;
  const dbDev = req['dbdev'] !== null;
  if (usesDSL && paths.length > 0) return '--osd-match/--wal-match/--db-match cannot be used with positional device arguments';
  if (b('dry_run') && s('osd_match') === '') return '--dry-run requires --osd-match';
  if (usesDSL && (walDev || dbDev)) return '--wal-device and --db-device are not supported with DSL matching in this version';
  if (s('wal_match') !== '' && s('osd_match') === '') return '--wal-match requires --osd-match';
  if (s('db_match') !== '' && s('osd_match') === '') return '--db-match requires --osd-match';
  if (s('wal_match') !== '' && s('wal_size') === '') return '--wal-match requires --wal-size';
  if (s('db_match') !== '' && s('db_size') === '') return '--db-match requires --db-size';
  if (s('wal_size') !== '' && s('wal_match') === '') return '--wal-size requires --wal-match';
  if (s('db_size') !== '' && s('db_match') === '') return '--db-size requires --db-match';
  if (b('walencrypt') && s('wal_match') === '' && !walDev) return '--wal-encrypt requires --wal-match or --wal-device';
  if (b('walwipe') && s('wal_match') === '' && !walDev) return '--wal-wipe requires --wal-match or --wal-device';
  if (b('dbencrypt') && s('db_match') === '' && !dbDev) return '--db-encrypt requires --db-match or --db-device';
  if (b('dbwipe') && s('db_match') === '' && !dbDev) return '--db-wipe requires --db-match or --db-device';
  for (const [match, size, flag] of [['wal_match', 'wal_size', '--wal-size'], ['db_match', 'db_size', '--db-size']] as const) {
    if (s(match) === '') continue;
    const bytes = parseByteSize(s(size));
    if (bytes === undefined) return `invalid ${flag}: Invalid value: ${s(size)}`;
    if (bytes <= 0) return `${flag} must be greater than 0`;
  }
  return undefined;
}
