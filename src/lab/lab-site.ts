// The lab's site: N simulated machines, each a real SSH server on 127.0.0.1, in front of one model
// of LXD, MicroCeph, MicroOVN and the MicroCloud daemon (the "worlds"). The site is the LabContext
// the worlds see, and the one place where faults are injected and mutating calls are counted.
import type { Duplex } from 'node:stream';
import { errorResponse } from './envelope.js';
import type { CephHealth, CephMonitors, CommandContext, CommandResult } from './commands/index.js';
import { effectiveArgv, runArgv } from './commands/index.js';
import {
  type ConnectEvent, type ExecEvent, type FailNthOptions, type FaultHandle, FaultSet, type HttpEvent, type LabEvent, isMutating,
  type RandomFaultHandle, type RandomFaultOptions,
} from './faults.js';
import { type BridgeAnswer, DaemonHttpServer } from './http-bridge.js';
import { type SshKeyPair, generateEd25519, publicKeyOf, sshFingerprint } from './keys.js';
import { LxdWorld } from './lxd/world.js';
import { daemonRunning, defaultMachineSpecs, machineServices, mayOpenSocket, primaryAddress, serviceAtSocket } from './machines.js';
import { MicroCephWorld, MicroCloudWorld, MicroOvnWorld } from './micro/index.js';
import { parseShellCommand } from './shell.js';
import { SnapdWorld } from './snapd/index.js';
import type { DaemonOutage, SnapHistoryEntry } from './snapd/timeline.js';
import { type DownMode, MachineSshServer } from './ssh-server.js';
import type {
  LabContext, LabDaemon, LabDurations, LabHandler, LabRequest, LabResponse, LabService, MachineSpec, ServiceWorld,
} from './types.js';
import { HandlerPanic, ZERO_DURATIONS } from './types.js';

export type { DownMode } from './ssh-server.js';
export type { DaemonOutage, SnapHistoryEntry, SnapRevisionRef } from './snapd/timeline.js';
export type {
  ExecEvent, FailNthOptions, FaultHandle, HttpEvent, InjectedError, LabEvent, RandomFaultHandle, RandomFaultOptions, RequestPattern,
} from './faults.js';
export { TRANSIENT_EXEC_ERRORS, TRANSIENT_HTTP_ERRORS, seededRandom } from './faults.js';

export type WorldSet = Partial<Record<LabService, ServiceWorld>>;
export type WorldFactory = (ctx: LabContext) => WorldSet;

// ---- wiring of the service models ----------------------------------------------------------------
// The one place that names the world classes. A service left out here answers 501 on its socket.
export const createWorlds: WorldFactory = (ctx) => {
  // One MicroCeph and one MicroOVN world span the site's machines; every machine's LXD reaches them
  // as its drivers would (the ceph CLI, ovn-nbctl, MicroOVN's env file): see src/lab/lxd/context.ts LxdPeers.
  const microceph = new MicroCephWorld(ctx);
  const microovn = new MicroOvnWorld(ctx);
  const lxd = new LxdWorld(ctx, {
    ceph: { cephAt: (machine, cluster) => microceph.cephAt(machine, cluster) },
    ovn: {
      microovnEnv: (machine) => microovn.microovnEnv(machine),
      northboundReachable: (machine, connection) => microovn.northboundReachable(machine, connection),
    },
  });
  // The MicroCloud daemon reaches the machine's other daemons over their sockets (its status, OnStart).
  const siblings = { lxd, microceph, microovn };
  const microcloud = new MicroCloudWorld(ctx, {
    daemon: (machine, service) => (machineServices(ctx.spec(machine)).includes(service) && daemonRunning(ctx, machine, service)
      ? siblings[service].handler(machine) : undefined),
  });
  // snapd on every machine, over what each machine's spec lists as installed.
  const snapd = new SnapdWorld(ctx);
  // A (re)started LXD is the installed snap's version, whichever LXD family that is.
  snapd.onServices('lxd', { start: (e) => { lxd.snapStarted(e.machine); } });
  lxd.versionWait = { hold: (m) => snapd.holdDaemon(m, 'lxd'), release: (m) => snapd.releaseDaemon(m, 'lxd') };
  return { lxd, microceph, microovn, microcloud, snapd };
};
// ---------------------------------------------------------------------------------------------------

export interface LabSiteOptions {
  /** The machines; default `nodes` default machines (node1..nodeN, see defaultMachineSpec). */
  machines?: MachineSpec[];
  /** How many default machines when `machines` is not given (default 3). */
  nodes?: number;
  /** Default machines with snapd but none of LXD, MicroCeph, MicroOVN, MicroCloud (ignored with `machines`). */
  withoutSnaps?: boolean;
  /** Listen address of every machine's sshd (default 127.0.0.1). */
  host?: string;
  /** Port per machine, in order; 0 or missing = any free port. */
  ports?: number[];
  /** The client key the machines accept (generated when absent). */
  clientKey?: SshKeyPair;
  /** More accepted client public keys (.pub lines). */
  authorizedKeys?: string[];
  /** OpenSSH private host keys by hostname (generated when absent). */
  hostKeys?: Record<string, string>;
  /** Login names the machines accept (default ["root"]). */
  users?: string[];
  /** Whether non-root users may `sudo` without a password (default true, as on cloud images). */
  sudoWithoutPassword?: boolean;
  /** Added latency per round trip, in ms, on every machine (default 0). */
  latencyMs?: number;
  durations?: Partial<LabDurations>;
  /** The service models (default createWorlds). */
  worlds?: WorldFactory;
  /** Keep the per-request log (default true; counters work without it). */
  keepLog?: boolean;
  /** Also keep request and response bodies in the log (default false: they cost memory at scale
   *  and hold join tokens), for tests that follow a value from the file to the daemon. */
  logBodies?: boolean;
}

/** How to reach one machine. */
export interface MachineEndpoint {
  name: string;
  /** The machine's own (simulated) address, e.g. 10.1.0.11. */
  address: string | undefined;
  host: string;
  port: number;
  /** The host key as a .pub line. */
  hostPublicKey: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
}

export interface DropAfterOptions {
  /** Count only this machine's mutating calls (default: all machines). */
  machine?: string;
  /** Drop every machine's connections (default) or only the machine that took the Nth call. */
  scope?: 'site' | 'machine';
  /** Called as the connections drop, before anything else reaches the site: a test can stop its
   *  client right there, as if the process had been killed at that moment. */
  onDrop?: () => void;
}

interface Machine {
  spec: MachineSpec;
  hostPublicKey: string;
  server: MachineSshServer;
  up: boolean;
  latency: number | undefined;
  /** By service and peer: snapd tells root from other users (SO_PEERCRED). */
  daemons: Map<string, DaemonHttpServer>;
  handlers: Map<LabService, LabHandler>;
}

/** The uid a lab login has: root's, or the cloud image's default user's. */
const peerUid = (user: string): number => (user === 'root' ? 0 : 1000);

const notModelled = (service: LabService): LabHandler => async () =>
  errorResponse(501, `lab: no ${service} model is wired into this site (src/lab/site.ts createWorlds)`);

export class LabSite implements LabContext {
  readonly clientKey: SshKeyPair;
  readonly durations: LabDurations;
  readonly host: string;
  private readonly byName = new Map<string, Machine>();
  private readonly order: string[] = [];
  private readonly options: LabSiteOptions;
  private readonly faults = new FaultSet();
  private readonly events: LabEvent[] = [];
  private readonly mutationCounts = new Map<string, number>();
  private readonly pendingSleeps = new Map<NodeJS.Timeout, () => void>();
  private readonly listeners = new Set<(event: LabEvent) => void>();
  private worldSet: WorldSet = {};
  private latencyMs: number;
  private dropAfter: { remaining: number; opts: DropAfterOptions } | undefined;
  private seq = 0;
  private readonly t0 = Date.now();
  private started = false;
  private stopped = false;

  constructor(options: LabSiteOptions = {}) {
    this.options = options;
    this.host = options.host ?? '127.0.0.1';
    this.latencyMs = options.latencyMs ?? 0;
    this.durations = { ...ZERO_DURATIONS, ...options.durations };
    this.clientKey = options.clientKey ?? generateEd25519('microcloud-lab');
    const specs = options.machines ?? defaultMachineSpecs(options.nodes ?? 3, options.withoutSnaps ? { snaps: [] } : {});
    if (specs.length === 0) throw new Error('a lab site needs at least one machine');
    for (const spec of specs) this.addMachineSpec(spec);
  }

  /** Create and start a site. */
  static async start(options: LabSiteOptions = {}): Promise<LabSite> {
    const site = new LabSite(options);
    await site.start();
    return site;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.worldSet = (this.options.worlds ?? createWorlds)(this);
    const ports = this.options.ports ?? [];
    try {
      await Promise.all(this.order.map(async (name, k) => {
        const port = ports[k] ?? 0;
        try {
          await this.byName.get(name)!.server.listen(port, this.host);
        } catch (err) {
          const why = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the port is already in use' : (err as Error).message;
          throw new Error(`${name}: cannot listen on ${this.host}:${port}: ${why}`);
        }
      }));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.byName.values()].map(async (m) => {
      await m.server.close();
      for (const d of m.daemons.values()) d.close();
    }));
    for (const [timer, resolve] of this.pendingSleeps) { clearTimeout(timer); resolve(); }
    this.pendingSleeps.clear();
  }

  /** Add a machine to a running (or not yet started) site, e.g. to grow a cluster. */
  async addMachine(spec: MachineSpec, port = 0): Promise<MachineEndpoint> {
    this.addMachineSpec(spec);
    if (this.started) await this.byName.get(spec.hostname)!.server.listen(port, this.host);
    return this.endpoint(spec.hostname);
  }

  // ---- LabContext ------------------------------------------------------------------------------

  machines(): string[] { return [...this.order]; }

  spec(machine: string): MachineSpec { return this.machine(machine).spec; }

  isUp(machine: string): boolean { return this.machine(machine).up; }

  serviceUp(machine: string, daemon: LabDaemon): boolean { return this.snapd()?.daemonUp(machine, daemon) ?? true; }

  elapsed(): number { return Date.now() - this.t0; }

  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.pendingSleeps.delete(timer); resolve(); }, ms);
      this.pendingSleeps.set(timer, resolve);
    });
  }

  // ---- endpoints -------------------------------------------------------------------------------

  endpoint(machine: string): MachineEndpoint {
    const m = this.machine(machine);
    return {
      name: machine,
      address: primaryAddress(m.spec),
      host: this.host,
      port: m.server.port,
      hostPublicKey: m.hostPublicKey,
      hostKeyFingerprint: sshFingerprint(m.hostPublicKey),
    };
  }

  endpoints(): MachineEndpoint[] { return this.order.map((m) => this.endpoint(m)); }

  /** The service model behind the sockets, e.g. to inspect or seed its state in tests. */
  world(service: LabService): ServiceWorld | undefined { return this.worldSet[service]; }

  // ---- snaps -----------------------------------------------------------------------------------

  /** Every snap install and refresh on every machine, in start order (snapd/timeline.ts). */
  snapHistory(): SnapHistoryEntry[] { return this.snapd()?.snapHistory() ?? []; }

  /** When each daemon was stopped by a snap change (its socket refused, its peers saw it gone). */
  daemonOutages(): DaemonOutage[] { return this.snapd()?.daemonOutages() ?? []; }

  /** Whether the daemon answers now: its snap is installed, its machine up, no snap change has it
   *  stopped and (LXD) it does not wait for the other members' version. */
  daemonUp(machine: string, daemon: LabDaemon): boolean {
    const service: LabService = daemon === 'ceph-osd' ? 'microceph' : daemon;
    return this.isUp(machine) && machineServices(this.spec(machine)).includes(service) && this.serviceUp(machine, daemon);
  }

  /** Resolves once every snap change so far is ready and the daemons it started answer. */
  async snapsSettled(): Promise<void> { await this.snapd()?.settled(); }

  private snapd(): SnapdWorld | undefined {
    const w = this.worldSet.snapd;
    return w instanceof SnapdWorld ? w : undefined;
  }

  // ---- faults ----------------------------------------------------------------------------------

  /** Added delay per round trip: SSH authentication, each channel open, each command, each HTTP request. */
  setLatency(ms: number, machine?: string): void {
    if (!(ms >= 0)) throw new RangeError(`latency must be >= 0 ms, got ${ms}`);
    if (machine === undefined) this.latencyMs = ms;
    else this.machine(machine).latency = ms;
  }

  /** Fail the Nth call (and `times - 1` more) that matches a pattern, with the given error. */
  failNth(options: FailNthOptions): FaultHandle {
    return this.faults.add(options);
  }

  /** Fail a seeded random share of the calls that match a pattern (default: transient failures
   *  of every request and command). */
  randomFaults(options: RandomFaultOptions): RandomFaultHandle {
    return this.faults.addRandom(options);
  }

  /** Take a machine down: its sshd stops answering, its connections drop, and peers see it offline. */
  async down(machine: string, mode: DownMode = 'refuse'): Promise<void> {
    const m = this.machine(machine);
    m.up = false;
    await m.server.down(mode);
  }

  /** Bring a machine back, on the same port with the same host key. */
  async up(machine: string): Promise<void> {
    const m = this.machine(machine);
    await m.server.up();
    m.up = true;
  }

  /** Give a machine a new host key (a generated ed25519 one unless given), as a reinstall would.
   *  Connections made before keep the old one; new ones see the new key. */
  rotateHostKey(machine: string, privateKey?: string): MachineEndpoint {
    const m = this.machine(machine);
    const key = privateKey ?? generateEd25519(`root@${machine}`).privateKey;
    m.server.setHostKey(key);
    m.hostPublicKey = publicKeyOf(key);
    return this.endpoint(machine);
  }

  /** After the Nth mutating request from now has been carried out, drop SSH connections before
   *  its response is sent: the change happened but the client cannot know. Fires once. */
  dropConnectionsAfterMutations(n: number, options: DropAfterOptions = {}): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
    if (options.machine !== undefined) this.machine(options.machine);
    this.dropAfter = { remaining: n, opts: options };
  }

  /** Reset SSH connections now: one machine's, or every machine's. */
  dropConnections(machine?: string): void {
    const targets = machine === undefined ? [...this.byName.values()] : [this.machine(machine)];
    for (const m of targets) m.server.dropConnections();
  }

  /** Remove every fault: failures, latency, pending drops. Machines that are down stay down. */
  clearFaults(): void {
    this.faults.clear();
    this.dropAfter = undefined;
    this.latencyMs = 0;
    for (const m of this.byName.values()) m.latency = undefined;
  }

  // ---- counters and log ------------------------------------------------------------------------

  /** Mutating HTTP requests (anything but GET/HEAD) received, optionally for one machine and/or service. */
  mutations(machine?: string, service?: LabService): number {
    let total = 0;
    for (const [key, count] of this.mutationCounts) {
      const [m, s] = key.split('\0');
      if ((machine === undefined || m === machine) && (service === undefined || s === service)) total += count;
    }
    return total;
  }

  /** Everything that reached the machines, in order: logins, commands, HTTP requests. */
  get log(): readonly LabEvent[] { return this.events; }

  /** Calls `listener` with each event as it arrives, before the call is answered (so a test can
   *  act at an exact point of a run, e.g. take a machine down). Returns the unsubscribe. */
  onEvent(listener: (event: LabEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  requests(filter: { machine?: string; service?: LabService; mutating?: boolean } = {}): HttpEvent[] {
    return this.events.filter((e): e is HttpEvent => e.kind === 'http'
      && (filter.machine === undefined || e.machine === filter.machine)
      && (filter.service === undefined || e.service === filter.service)
      && (filter.mutating === undefined || e.mutating === filter.mutating));
  }

  commands(machine?: string): ExecEvent[] {
    return this.events.filter((e): e is ExecEvent => e.kind === 'exec' && (machine === undefined || e.machine === machine));
  }

  /** SSH logins per machine (or in all), e.g. to check that a run reuses one connection per machine. */
  connections(machine?: string): number {
    return this.events.filter((e) => e.kind === 'connect' && (machine === undefined || e.machine === machine)).length;
  }

  resetCounters(): void {
    this.events.length = 0;
    this.mutationCounts.clear();
  }

  // ---- in-process entry points (the same path SSH traffic takes, minus the transport) ----------

  /** Run a command string on a machine as `user`, with faults and logging, as the sshd would. */
  async exec(machine: string, command: string, user = 'root'): Promise<CommandResult> {
    const r = await this.runExec(this.machine(machine), user, command);
    return r === 'drop' || r === 'reset' ? { stdout: '', stderr: `lab: connection ${r === 'drop' ? 'dropped' : 'reset'}\n`, exitCode: 255 } : r;
  }

  /** Send one request to a daemon on a machine, with faults and counting, as the socket would. */
  async request(machine: string, service: LabService,
    req: { method: string; path: string; query?: string | URLSearchParams; body?: unknown; headers?: Record<string, string>; user?: string }): Promise<LabResponse> {
    const m = this.machine(machine);
    const rawBody = req.body === undefined ? '' : JSON.stringify(req.body);
    const labReq: LabRequest = {
      method: req.method.toUpperCase(), path: req.path, query: new URLSearchParams(req.query ?? ''),
      headers: req.headers ?? {}, body: req.body, rawBody, peerUid: peerUid(req.user ?? 'root'),
    };
    const r = await this.answerHttp(m, service, labReq);
    return r === 'drop' ? errorResponse(503, 'lab: connection dropped') : r;
  }

  // ---- internals -------------------------------------------------------------------------------

  private machine(name: string): Machine {
    const m = this.byName.get(name);
    if (!m) throw new Error(`no machine named ${JSON.stringify(name)} in this lab (machines: ${this.order.join(', ')})`);
    return m;
  }

  private addMachineSpec(spec: MachineSpec): void {
    const name = spec.hostname;
    if (this.byName.has(name)) throw new Error(`duplicate machine hostname ${JSON.stringify(name)}`);
    const hostKey = this.options.hostKeys?.[name] ?? generateEd25519(`root@${name}`).privateKey;
    const server = new MachineSshServer({
      name,
      hostKey,
      users: this.options.users ?? ['root'],
      authorizedKeys: [this.clientKey.publicKey, ...(this.options.authorizedKeys ?? [])],
      hooks: {
        latency: () => this.latencyOf(this.machine(name)),
        sleep: (ms) => this.sleep(ms),
        exec: (user, command) => this.runExec(this.machine(name), user, command),
        streamTarget: (user, socketPath) => this.streamTarget(this.machine(name), user, socketPath),
        connected: (user) => { this.record<ConnectEvent>({ kind: 'connect', machine: name, user }); },
      },
    });
    this.byName.set(name, {
      spec, hostPublicKey: publicKeyOf(hostKey), server, up: true, latency: undefined, daemons: new Map(), handlers: new Map(),
    });
    this.order.push(name);
  }

  private latencyOf(m: Machine): number { return m.latency ?? this.latencyMs; }

  private record<E extends LabEvent>(event: Omit<E, 'seq' | 'at'>): E {
    const full = { seq: ++this.seq, at: Date.now() - this.t0, ...event } as E;
    if (this.options.keepLog !== false) this.events.push(full);
    for (const listener of this.listeners) listener(full);
    return full;
  }

  private handler(m: Machine, service: LabService): LabHandler {
    let h = m.handlers.get(service);
    if (!h) {
      const world = this.worldSet[service];
      h = world ? world.handler(m.spec.hostname) : notModelled(service);
      m.handlers.set(service, h);
    }
    return h;
  }

  private streamTarget(m: Machine, user: string, socketPath: string): ((channel: Duplex) => void) | undefined {
    const service = serviceAtSocket(m.spec, socketPath);
    if (!service) return undefined;
    // A daemon a snap change has stopped has no listener: the connection is refused.
    if (service !== 'snapd' && !this.serviceUp(m.spec.hostname, service)) return undefined;
    // The socket's mode decides who connects (machines.ts socketAccess): the snap's LXD socket is
    // root:lxd 0660 (cloud images put the default user in "lxd"), the micro* control sockets are
    // root-only, snapd's is open to all (snapd then checks who asks).
    if (!mayOpenSocket(m.spec, socketPath, user, user === 'root')) return undefined;
    const uid = peerUid(user);
    let daemon = m.daemons.get(`${service}\0${uid}`);
    if (!daemon) {
      daemon = new DaemonHttpServer(service, (req) => this.answerHttp(m, service, { ...req, peerUid: uid }));
      m.daemons.set(`${service}\0${uid}`, daemon);
    }
    const d = daemon;
    return (channel) => d.accept(channel);
  }

  private async answerHttp(m: Machine, service: LabService, req: LabRequest): Promise<BridgeAnswer> {
    const machine = m.spec.hostname;
    const latency = this.latencyOf(m);
    if (latency > 0) await this.sleep(latency);
    const mutating = isMutating(req.method);
    const event = this.record<HttpEvent>({
      kind: 'http', machine, service, method: req.method, path: req.path, query: req.query.toString(), mutating,
      ...(this.options.logBodies && req.url !== undefined ? { url: req.url } : {}),
      ...(this.options.logBodies && req.body !== undefined ? { body: req.body } : {}),
    });
    if (mutating) {
      const key = `${machine}\0${service}`;
      this.mutationCounts.set(key, (this.mutationCounts.get(key) ?? 0) + 1);
    }
    if (!machineServices(m.spec).includes(service)) {
      // Only reachable in-process: over SSH a missing daemon has no socket.
      event.status = 503;
      return errorResponse(503, `lab: ${service} does not run on ${machine}`);
    }
    if (service !== 'snapd' && !this.serviceUp(machine, service)) {
      // A connection opened before a snap change stopped the daemon: the daemon's exit closed it.
      // (New connections are refused: streamTarget.)
      return 'drop';
    }
    const injected = this.faults.matchHttp(machine, service, req);
    if (injected) {
      // The bridge destroys the request's own channel when answered 'drop': that is a reset.
      if (this.lostTransport(injected, event, machine)) return 'drop';
      if ('status' in injected) {
        event.injected = 'error';
        event.status = injected.status;
        return errorResponse(injected.status, injected.message);
      }
    }
    let dropAfter: DropAfterOptions | undefined;
    if (mutating && this.dropAfter && (this.dropAfter.opts.machine ?? machine) === machine && --this.dropAfter.remaining === 0) {
      dropAfter = this.dropAfter.opts;
      this.dropAfter = undefined;
    }
    let res: LabResponse;
    try {
      res = await this.handler(m, service)(req);
    } catch (err) {
      if (err instanceof HandlerPanic) {
        // Go's net/http recovers the panic by closing this connection without an answer.
        return 'drop';
      }
      res = errorResponse(500, err instanceof Error ? err.message : String(err));
    }
    if (this.options.logBodies) event.response = res.body;
    if (dropAfter) {
      event.injected = 'drop-after';
      this.dropConnections(dropAfter.scope === 'machine' ? machine : undefined);
      dropAfter.onDrop?.();
      return 'drop';
    }
    event.status = res.status;
    return res;
  }

  private commandContext(m: Machine, user: string): CommandContext {
    return {
      machine: m.spec.hostname,
      spec: m.spec,
      user,
      root: user === 'root',
      services: machineServices(m.spec),
      sudoWithoutPassword: this.options.sudoWithoutPassword ?? true,
      cephHealth: () => this.cephHealth(m.spec.hostname),
      cephMonitors: () => this.cephMonitors(m.spec.hostname),
      ovnSwitch: () => (this.worldSet.microovn instanceof MicroOvnWorld ? this.worldSet.microovn.localSwitch(m.spec.hostname) : null),
    };
  }

  private cephHealth(machine: string): CephHealth | null | undefined {
    const world = this.worldSet.microceph as (ServiceWorld & { cephHealth?: (machine?: string) => CephHealth | null | undefined }) | undefined;
    return typeof world?.cephHealth === 'function' ? world.cephHealth(machine) : null;
  }

  private cephMonitors(machine: string): CephMonitors | { exitCode: number; stderr: string } | undefined {
    const world = this.worldSet.microceph;
    return world instanceof MicroCephWorld ? world.monitorsAt(machine) : undefined;
  }

  /** An injected lost connection (every connection of the machine) or reset (this channel only), recorded on the event. */
  private lostTransport(injected: object, event: { injected?: string }, machine: string): 'drop' | 'reset' | null {
    if ('drop' in injected) {
      event.injected = 'drop';
      this.dropConnections(machine);
      return 'drop';
    }
    if ('reset' in injected) {
      event.injected = 'reset';
      return 'reset';
    }
    return null;
  }

  private async runExec(m: Machine, user: string, command: string): Promise<CommandResult | 'drop' | 'reset'> {
    const machine = m.spec.hostname;
    const latency = this.latencyOf(m);
    if (latency > 0) await this.sleep(latency);
    const parsed = parseShellCommand(command);
    const event = this.record<ExecEvent>({
      kind: 'exec', machine, user, command, ...(parsed.ok ? { argv: parsed.argv } : {}),
    });
    const line = parsed.ok ? effectiveArgv(parsed.argv).join(' ') : command;
    const injected = this.faults.matchExec(machine, line);
    if (injected) {
      const lost = this.lostTransport(injected, event, machine);
      if (lost) return lost;
      if ('exitCode' in injected) {
        event.injected = 'error';
        event.exitCode = injected.exitCode;
        return { stdout: injected.stdout ?? '', stderr: injected.stderr ?? '', exitCode: injected.exitCode };
      }
    }
    let result: CommandResult;
    try {
      result = parsed.ok
        ? await runArgv(parsed.argv, { ...this.commandContext(m, user), env: parsed.assignments })
        : { stdout: '', stderr: parsed.message, exitCode: parsed.exitCode };
    } catch (err) {
      // A bug in the lab, not an answer a machine would give: say so instead of hanging the channel.
      result = { stdout: '', stderr: `lab: internal error running ${JSON.stringify(command)}: ${err instanceof Error ? err.message : String(err)}\n`, exitCode: 70 };
    }
    event.exitCode = result.exitCode;
    return result;
  }
}
