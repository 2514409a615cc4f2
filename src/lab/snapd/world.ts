// snapd on every lab machine's /run/snapd.socket: the routes the tool uses, answered as
// canonical/snapd daemon/ answers them at bee548f7 — api_snaps.go (GET/POST /v2/snaps and
// /v2/snaps/{name}), api_find.go (GET /v2/find), api_general.go (GET /v2/system-info,
// /v2/changes, /v2/changes/{id}), daemon.go (Command.ServeHTTP: 405 for a method a route lacks, the
// access check before the handler; the router's 404), access.go (reads are open, changes need a
// root peer). One store for the site; each machine has its own changes. What is installed is the
// machine's spec (installed.ts), so the lab's other daemons and commands see the same snaps.
import { snapdOf } from '../machines.js';
import type { LabContext, LabDaemon, LabHandler, LabRequest, LabResponse, ServiceWorld } from '../types.js';
import { hold, install, refresh, unhold, type MachineSnapd, type SnapServiceHooks } from './actions.js';
import { ChangeLog, changeJson, isReady, type Change, type TaskStep } from './changes.js';
import { localSnaps, snapJson, snapId, CANONICAL } from './installed.js';
import { decodeInstruction, invalidSnapName, validateInstruction, type SnapInstruction } from './instruction.js';
import { accessDenied, apiError, badRequest, notSimulated, quoted, snapNotFound, sync } from './response.js';
import { SnapStore, type StoreSnap } from './store.js';
import { SnapTimeline, type DaemonOutage, type SnapHistoryEntry } from './timeline.js';

export type { SnapServiceEvent, SnapServiceHooks } from './actions.js';

/** The daemons a snap's services are: stopping MicroCeph's stops its mon and OSDs too (the
 *  microceph snap runs them as its own services, canonical/microceph snap/snapcraft.yaml apps
 *  daemon, mon, mgr, mds, osd at 79f99b50a1abf05ca8abb463b0fcb3f749f13c89). */
const SNAP_DAEMONS: Readonly<Record<string, readonly LabDaemon[]>> = {
  lxd: ['lxd'], microceph: ['microceph', 'ceph-osd'], microovn: ['microovn'], microcloud: ['microcloud'],
};

export interface SnapdOptions {
  store?: SnapStore;
  /** The clock for change times and holds (default: the real one). */
  now?: () => Date;
}

interface TaskFault { machine: string | undefined; snap: string; task: string; message: string }

const notFound = (): LabResponse => apiError(404, 'not found');
const methodNotAllowed = (m: string): LabResponse => apiError(405, `method ${JSON.stringify(m)} not allowed`);

export class SnapdWorld implements ServiceWorld {
  readonly store: SnapStore;
  private readonly now: () => Date;
  private readonly logs = new Map<string, ChangeLog>();
  private readonly serviceHooks = new Map<string, Set<SnapServiceHooks>>();
  private readonly faults: TaskFault[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Per machine and snap: bumped by every stop, so a daemon start scheduled before it is void. */
  private readonly generations = new Map<string, number>();
  private readonly timeline: SnapTimeline;

  constructor(private readonly ctx: LabContext, options: SnapdOptions = {}) {
    this.store = options.store ?? new SnapStore();
    this.now = options.now ?? (() => new Date());
    const t0 = Date.now();
    this.timeline = new SnapTimeline(() => (ctx.elapsed ? ctx.elapsed() : Date.now() - t0));
  }

  /** Every install and refresh change on every machine, in the order they started. */
  snapHistory(): SnapHistoryEntry[] {
    return this.timeline.history();
  }

  /** When each daemon was stopped by a snap change, in the order that happened. */
  daemonOutages(): DaemonOutage[] {
    return this.timeline.outages();
  }

  /** A started daemon that does not serve yet for a reason of its own (LXD waiting for the other
   *  members' version), and when it does. */
  holdDaemon(machine: string, daemon: LabDaemon): void { this.timeline.stop(machine, daemon, 'version-wait'); }
  releaseDaemon(machine: string, daemon: LabDaemon): void { this.timeline.start(machine, daemon, 'version-wait'); }

  /** False while a snap change keeps the daemon from answering. */
  daemonUp(machine: string, daemon: LabDaemon): boolean {
    return !this.timeline.isDown(machine, daemon);
  }

  handler(machine: string): LabHandler {
    return async (req) => this.answer(machine, req);
  }

  /**
   * Follow a snap's services on every machine: `stop` as a refresh stops them, `start` as an
   * install or refresh starts them (after link-snap: the spec already shows the new revision).
   * A hook that throws fails its task, and snapd undoes the change. Returns the unsubscribe.
   */
  onServices(snap: string, hooks: SnapServiceHooks): () => void {
    let set = this.serviceHooks.get(snap);
    if (!set) this.serviceHooks.set(snap, (set = new Set()));
    set.add(hooks);
    return () => { set.delete(hooks); };
  }

  /** Fail the next `task` of a change for `snap` (on `machine`, or any) with `message`. */
  failTask(fault: { snap: string; task: string; message: string; machine?: string }): void {
    this.faults.push({ machine: fault.machine, snap: fault.snap, task: fault.task, message: fault.message });
  }

  /** A change snapd started on its own, e.g. an auto-refresh, in progress until `finish()`. */
  beginChange(machine: string, kind: string, snaps: string[]): { id: string; finish(): void } {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const summary = kind === 'auto-refresh'
      ? (snaps.length === 1 ? `Auto-refresh snap ${JSON.stringify(snaps[0])}` : `Auto-refresh snaps ${quoted(snaps)}`)
      : `${kind} ${quoted(snaps)}`;
    const steps: TaskStep[] = snaps.map((s) => ({ kind: 'download-snap', summary: `Download snap ${JSON.stringify(s)}`, run: () => gate }));
    const change = this.log(machine).add(kind, summary, snaps, steps);
    this.start(this.log(machine), change);
    return { id: change.id, finish: () => release() };
  }

  /** The machine's changes as GET /v2/changes?select=all shows them. */
  changes(machine: string): Record<string, unknown>[] {
    return this.log(machine).all().map(changeJson);
  }

  /** Resolves once every change started so far (and any they started) is ready, and every daemon
   *  they started answers. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  // ---- routes ------------------------------------------------------------------------------------

  private async answer(machine: string, req: LabRequest): Promise<LabResponse> {
    const parts = req.path.split('/').filter(Boolean);
    if (parts[0] !== 'v2' || parts.length < 2 || parts.length > 3) return notFound();
    const [, route, arg] = parts as [string, string, string | undefined];
    const write = req.method === 'POST' || req.method === 'PUT';
    const has = (...methods: string[]): LabResponse | null => (methods.includes(req.method) ? null : methodNotAllowed(req.method));
    // Reads are open to any peer; changes need root (polkit authorises no one here).
    const denied = write && (req.peerUid ?? 0) !== 0 ? accessDenied() : null;
    switch (arg === undefined ? route : `${route}/{}`) {
      case 'snaps': return has('GET', 'POST') ?? denied ?? (req.method === 'GET' ? this.list(machine, req) : this.postMany(machine, req));
      case 'snaps/{}': return has('GET', 'POST') ?? denied ?? (req.method === 'GET' ? this.one(machine, arg!) : this.postOne(machine, arg!, req));
      case 'find': return has('GET') ?? this.find(req);
      case 'system-info': return has('GET', 'POST') ?? (req.method === 'GET' ? this.systemInfo(machine) : notSimulated('POST /v2/system-info'));
      case 'changes': return has('GET') ?? this.listChanges(machine, req);
      case 'changes/{}': return has('GET', 'POST') ?? denied ?? (req.method === 'GET' ? this.change(machine, arg!) : notSimulated('aborting a change'));
      default: return notFound();
    }
  }

  /** GET /v2/snaps: `select` and a comma-separated `snaps` filter (getSnapsInfo). */
  private list(machine: string, req: LabRequest): LabResponse {
    const sel = req.query.get('select') ?? '';
    // snapd formats its snapSelect value here, an int: %q of 0 is '\x00'.
    if (!['', 'all', 'enabled', 'refresh-inhibited'].includes(sel)) return badRequest("invalid select parameter: '\\x00'");
    const wanted = (req.query.get('snaps') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const snaps = localSnaps(this.ctx.spec(machine))
      .filter((s) => wanted.length === 0 || wanted.includes(s.name))
      // Nothing is ever refresh-inhibited in the lab: no snap's apps keep running through a refresh.
      .filter(() => sel !== 'refresh-inhibited');
    return sync(snaps.map((s) => snapJson(s, this.baseOf(s.name, s.revision))), { sources: ['local'] });
  }

  /** GET /v2/snaps/{name}: an installed snap, else 404 snap-not-found "snap not installed". */
  private one(machine: string, name: string): LabResponse {
    const s = localSnaps(this.ctx.spec(machine)).find((x) => x.name === name);
    return s ? sync(snapJson(s, this.baseOf(s.name, s.revision))) : snapNotFound(name, 'snap not installed');
  }

  private postOne(machine: string, name: string, req: LabRequest): LabResponse {
    const decoded = decodeInstruction(req.rawBody, req.body);
    if (!decoded.ok) return badRequest(decoded.error);
    const inst: SnapInstruction = { ...decoded.inst, snaps: [name] };
    const invalid = validateInstruction(inst);
    if (invalid) return badRequest(invalid);
    const m = this.machineSnapd(machine);
    switch (inst.action) {
      case 'install': return install(m, name, inst);
      case 'refresh': return refresh(m, name, inst);
      case 'hold': return hold(m, inst);
      case 'unhold': return unhold(m, inst);
      case 'remove': case 'revert': case 'enable': case 'disable': case 'switch': return notSimulated(`the ${inst.action} action`);
      default: return badRequest(`unknown action ${inst.action}`);
    }
  }

  /** POST /v2/snaps (postSnaps → snapOpMany): JSON only, no per-snap options, hold and unhold. */
  private postMany(machine: string, req: LabRequest): LabResponse {
    const type = req.headers['content-type'] ?? '';
    const [media = '', ...params] = type.split(';').map((p) => p.trim());
    if (media === '') return badRequest('cannot parse content type: mime: no media type');
    if (media.toLowerCase() === 'application/json') {
      const charset = params.find((p) => p.toLowerCase().startsWith('charset='))?.slice(8).toUpperCase() ?? '';
      if (charset !== '' && charset !== 'UTF-8') return badRequest(`unknown charset in content type: ${type}`);
    } else {
      return media.startsWith('multipart/') ? notSimulated('sideloading snaps') : badRequest(`unknown content type: ${type}`);
    }
    const decoded = decodeInstruction(req.rawBody, req.body);
    if (!decoded.ok) return badRequest(decoded.error);
    const inst = decoded.inst;
    if (inst.channel !== '' || inst.revision !== 0 || inst.cohortKey !== '' || inst.leaveCohort) {
      return badRequest('unsupported option provided for multi-snap operation');
    }
    const invalid = validateInstruction(inst);
    if (invalid) return badRequest(invalid);
    const m = this.machineSnapd(machine);
    switch (inst.action) {
      case 'hold': return hold(m, inst);
      case 'unhold': return unhold(m, inst);
      case 'install': case 'refresh': case 'remove': case 'snapshot': return notSimulated(`the multi-snap ${inst.action}`);
      default: return badRequest(`unsupported multi-snap operation ${JSON.stringify(inst.action)}`);
    }
  }

  /** GET /v2/find: one snap by exact `name` (findOne), or names matching `q` / a `name*` prefix. */
  private find(req: LabRequest): LabResponse {
    const q = req.query.get('q') ?? '';
    const name = req.query.get('name') ?? '';
    const sel = req.query.get('select') ?? '';
    if (sel === 'refresh') {
      if (name !== '') return badRequest("cannot use 'name' with 'select=refresh'");
      if (q !== '') return badRequest("cannot use 'q' with 'select=refresh'");
      return notSimulated('GET /v2/find?select=refresh');
    }
    if (name !== '') {
      if (q !== '') return badRequest("cannot use 'q' and 'name' together");
      if (!name.endsWith('*')) {
        const invalid = invalidSnapName(name);
        if (invalid) return badRequest(invalid);
        const snap = this.store.find(name);
        return snap ? sync([this.remoteJson(snap)], { sources: ['store'] }) : snapNotFound(name);
      }
    }
    const prefix = name.endsWith('*') ? name.slice(0, -1) : null;
    const found = this.store.snaps.filter((s) => (prefix !== null ? s.name.startsWith(prefix) : q !== '' && s.name.includes(q)));
    return sync(found.map((s) => this.remoteJson(s)), { sources: ['store'] });
  }

  /** mapRemote of the store's details: the channel map keyed `track/risk`, and the tracks. */
  private remoteJson(snap: StoreSnap): Record<string, unknown> {
    const first = snap.channels.find((c) => c.name === `${snap.defaultTrack ?? 'latest'}/stable`) ?? snap.channels[0]!;
    const releasedAt = '2025-01-01T00:00:00Z';
    const size = (r: number) => 90_000_000 + (r % 1000) * 1000;
    return {
      id: snapId(snap.name), summary: snap.summary, description: '', name: snap.name, publisher: CANONICAL, developer: 'canonical',
      status: 'available', type: 'app', base: first.current.base, version: first.current.version, channel: first.name.replace(/^latest\//, ''),
      'ignore-validation': false, revision: String(first.current.revision), confinement: 'strict', grade: 'stable', private: false,
      devmode: false, jailmode: false, contact: '', 'download-size': size(first.current.revision),
      channels: Object.fromEntries(snap.channels.map((c) => [c.name, {
        revision: String(c.current.revision), confinement: 'strict', version: c.current.version, channel: c.name,
        epoch: { read: [0], write: [0] }, size: size(c.current.revision), 'released-at': releasedAt,
      }])),
      tracks: [...new Set(snap.channels.map((c) => c.name.split('/')[0]!))],
    };
  }

  /** GET /v2/system-info (sysInfo) on an Ubuntu server, or the Debian host of the deb-5.0 flavor. */
  private systemInfo(machine: string): LabResponse {
    const spec = this.ctx.spec(machine);
    const snapd = snapdOf(spec);
    const debian = spec.lxdFlavor === 'deb-5.0';
    return sync({
      series: '16', version: snapd?.version ?? '', 'build-id': snapId(`snapd-${snapd?.version ?? ''}`).toLowerCase(),
      'os-release': debian ? { id: 'debian', 'version-id': '12' } : { id: 'ubuntu', 'id-like': ['debian'], 'version-id': '24.04' },
      'on-classic': true, managed: false, 'kernel-version': debian ? '6.1.0-28-amd64' : '6.8.0-49-generic',
      locations: { 'snap-mount-dir': '/snap', 'snap-bin-dir': '/snap/bin' },
      refresh: { timer: '00:00~24:00/4', next: new Date(this.now().getTime() + 3_600_000).toISOString().replace(/:\d{2}\.\d{3}Z$/, ':00Z') },
      architecture: 'amd64', 'system-mode': 'run', features: {}, 'snapd-bin-from': 'snap', confinement: 'strict',
      'sandbox-features': { 'confinement-options': ['classic', 'devmode', 'strict'] },
    });
  }

  /** GET /v2/changes: `select` (default in-progress) and `for` a snap (getChanges). */
  private listChanges(machine: string, req: LabRequest): LabResponse {
    const sel = req.query.get('select') || 'in-progress';
    const keep: ((c: Change) => boolean) | undefined = { all: () => true, 'in-progress': (c: Change) => !isReady(c), ready: isReady }[sel];
    if (!keep) return badRequest('select should be one of: all,in-progress,ready');
    const forSnap = req.query.get('for') ?? '';
    return sync(this.log(machine).all().filter((c) => keep(c) && (forSnap === '' || c.snapNames.includes(forSnap))).map(changeJson));
  }

  private change(machine: string, id: string): LabResponse {
    const c = this.log(machine).get(id);
    return c ? sync(changeJson(c)) : apiError(404, `cannot find change with id ${JSON.stringify(id)}`);
  }

  // ---- state -------------------------------------------------------------------------------------

  private log(machine: string): ChangeLog {
    let l = this.logs.get(machine);
    if (!l) this.logs.set(machine, (l = new ChangeLog(this.now)));
    return l;
  }

  private start(log: ChangeLog, change: Change, ready?: () => void): void {
    this.track(log.run(change).then(() => ready?.()));
  }

  private track(work: Promise<void>): void {
    const p = work.finally(() => this.running.delete(p));
    this.running.add(p);
  }

  private bump(machine: string, snap: string): number {
    const key = `${machine}\0${snap}`;
    const g = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, g);
    return g;
  }

  private stopDaemons(machine: string, snap: string, reason: 'install' | 'refresh'): void {
    this.bump(machine, snap);
    for (const d of SNAP_DAEMONS[snap] ?? []) this.timeline.stop(machine, d, reason);
  }

  /** The daemon answers `daemonStart` ms after its services start; MicroCeph's OSDs `osdRestart` ms later. */
  private startDaemonsSoon(machine: string, snap: string): void {
    const g = this.bump(machine, snap);
    const current = (): boolean => this.generations.get(`${machine}\0${snap}`) === g;
    const daemons = SNAP_DAEMONS[snap] ?? [];
    this.track((async () => {
      await this.ctx.sleep(this.ctx.durations.daemonStart);
      if (!current()) return;
      for (const d of daemons) if (d !== 'ceph-osd') this.timeline.start(machine, d);
      if (!daemons.includes('ceph-osd')) return;
      await this.ctx.sleep(this.ctx.durations.osdRestart);
      if (current()) this.timeline.start(machine, 'ceph-osd');
    })());
  }

  private daemonsRemoved(machine: string, snap: string): void {
    this.bump(machine, snap);
    for (const d of SNAP_DAEMONS[snap] ?? []) this.timeline.start(machine, d);
  }

  private baseOf(name: string, revision: string): string | undefined {
    const snap = this.store.find(name);
    return snap && this.store.revisions(snap).find((r) => String(r.revision) === revision)?.base;
  }

  private machineSnapd(machine: string): MachineSnapd {
    const log = this.log(machine);
    return {
      machine, spec: this.ctx.spec(machine), store: this.store, log, now: this.now,
      spend: (kind, share) => this.ctx.sleep((kind === 'install' ? this.ctx.durations.snapInstall : this.ctx.durations.snapRefresh) * share),
      hooks: (snap) => [...(this.serviceHooks.get(snap) ?? [])],
      fault: (snap, task) => {
        const k = this.faults.findIndex((f) => f.snap === snap && f.task === task && (f.machine === undefined || f.machine === machine));
        return k < 0 ? undefined : this.faults.splice(k, 1)[0]!.message;
      },
      start: (change, ready) => this.start(log, change, ready),
      timeline: this.timeline,
      daemons: {
        stop: (snap, reason) => this.stopDaemons(machine, snap, reason),
        startSoon: (snap) => this.startDaemonsSoon(machine, snap),
        removed: (snap) => this.daemonsRemoved(machine, snap),
      },
    };
  }
}
