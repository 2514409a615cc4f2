// MicroCloud's trust-establishment session as its daemon holds it: service.Session (its passphrase,
// temporary trust store, failed attempts, the unbuffered intent and exit channels), Handler.Session
// (nil until a first session starts; Stop leaves it set), and the websocket gateway a session runs
// on (client/websocket.go WebsocketGateway). The protocol over the websocket is microcloud-trust.ts.
// Read from canonical/microcloud at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741 (service/session.go,
// service/service_handler.go, client/websocket.go; the same at tag 2.1.3,
// 33f6c5b4bbd77b0e5ee476a78e36d95bc6941b22).
//
// The PostJoin hook of every MicroCloud join depends on it:
//
//   PostJoin: select { case s.Session.ExitCh() <- true: case <-ctx.Done(): }   (cmd/microcloudd/main.go)
//
// So a join outside a joining session panics: a nil dereference when there never was one, "send on
// closed channel" after one ended. Only a joining session that has finished trust establishment
// reads the channel (api/session.go handleJoiningSession waits on ExitCh last); any other live
// session leaves the send blocked until the request's context ends, or panics when that session
// stops meanwhile.
import { HandlerPanic } from '../types.js';
import type { LabWebSocket } from '../websocket.js';
import { statusError } from './go.js';

export type SessionRole = 'initiating' | 'joining';
/** open: started; waiting: a joining session past trust establishment, reading ExitCh; stopped. */
export type SessionStage = 'open' | 'waiting' | 'stopped';

/**
 * One arm of a Go `select`: `listen` may fire its callback at once (a value is ready) or later;
 * `cancel` withdraws it. Sources fire callbacks synchronously, so the first arm to fire can cancel
 * the others before any of them takes a value.
 */
export interface Arm<T> {
  listen(fire: (value: T) => void): void;
  cancel(): void;
}

/** Go's select over arms: resolves with the first to fire; the others are withdrawn. */
export function select<T>(...arms: Arm<T>[]): Promise<T> {
  return new Promise((resolve) => {
    let done = false;
    for (const arm of arms) {
      if (done) break;
      arm.listen((v) => {
        if (done) return;
        done = true;
        for (const other of arms) if (other !== arm) other.cancel();
        resolve(v);
      });
    }
  });
}

/** The arm with its value mapped (to tell a select's arms apart). */
export function mapped<A, B>(arm: Arm<A>, f: (a: A) => B): Arm<B> {
  return { listen: (fire) => arm.listen((a) => fire(f(a))), cancel: () => arm.cancel() };
}

/** An arm that fires after `ms` (time.After, a context's deadline). */
export function after<T>(sleep: (ms: number) => Promise<void>, ms: number, value: T): Arm<T> {
  let live = true;
  return {
    listen: (fire) => { void sleep(ms).then(() => { if (live) fire(value); }); },
    cancel: () => { live = false; },
  };
}

/** A list of waiting callbacks, each removable (the waiting side of a channel or queue). */
class Waiters<T> {
  readonly #list: ((v: T) => void)[] = [];
  get size(): number { return this.#list.length; }
  add(fire: (v: T) => void): () => void {
    this.#list.push(fire);
    return () => { const i = this.#list.indexOf(fire); if (i >= 0) this.#list.splice(i, 1); };
  }
  shift(): ((v: T) => void) | undefined { return this.#list.shift(); }
  drain(): ((v: T) => void)[] { return this.#list.splice(0); }
}

export type Received<T> = { value: T } | 'closed';

/**
 * An unbuffered Go channel: a send completes only when a receive takes it. After close, a receive
 * gets `closed` at once and a send panics ("send on closed channel"), as in Go.
 */
export class Channel<T> {
  readonly #receivers = new Waiters<Received<T>>();
  readonly #senders: { value: T; fire: (r: 'sent' | 'panic') => void }[] = [];
  #closed = false;

  /** Whether some receive is waiting right now. */
  get receiving(): boolean {
    return this.#receivers.size > 0;
  }

  /** `ch <- value`: fires 'sent' once taken, 'panic' when the channel is (or gets) closed. */
  send(value: T): Arm<'sent' | 'panic'> {
    let entry: { value: T; fire: (r: 'sent' | 'panic') => void } | undefined;
    return {
      listen: (fire) => {
        if (this.#closed) { fire('panic'); return; }
        const r = this.#receivers.shift();
        if (r) { r({ value }); fire('sent'); return; }
        entry = { value, fire };
        this.#senders.push(entry);
      },
      cancel: () => { const i = entry ? this.#senders.indexOf(entry) : -1; if (i >= 0) this.#senders.splice(i, 1); },
    };
  }

  /** `<-ch`. */
  receive(): Arm<Received<T>> {
    let remove = (): void => undefined;
    return {
      listen: (fire) => {
        const s = this.#senders.shift();
        if (s) { s.fire('sent'); fire({ value: s.value }); return; }
        if (this.#closed) { fire('closed'); return; }
        remove = this.#receivers.add(fire);
      },
      cancel: () => remove(),
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#receivers.drain()) r('closed');
    for (const s of this.#senders.splice(0)) s.fire('panic');
  }
}

/**
 * WebsocketGateway: the session's websocket and its context, which ends when the session times out,
 * when the client hangs up or sends its own control message, or when the daemon closes it. Once the
 * context is done nothing more is written, and the connection is closed without a message.
 */
export class SessionGateway {
  readonly #ws: LabWebSocket;
  #cause: string | null = null;
  readonly #done = new Waiters<string>();
  readonly #queue: string[] = [];
  readonly #readers = new Waiters<string>();

  constructor(ws: LabWebSocket, timeoutMs: number, sleep: (ms: number) => Promise<void>) {
    this.#ws = ws;
    if (timeoutMs <= 0) this.cancel('Session timeout exceeded');
    else void sleep(timeoutMs).then(() => this.cancel('Session timeout exceeded'));
    void this.#read();
  }

  /** Why the context ended; null while it is live. */
  get cause(): string | null {
    return this.#cause;
  }

  /** `<-gw.Context().Done()`, firing with the cause. */
  done(): Arm<string> {
    let remove = (): void => undefined;
    return {
      listen: (fire) => { if (this.#cause !== null) fire(this.#cause); else remove = this.#done.add(fire); },
      cancel: () => remove(),
    };
  }

  /** `<-gw.Receive()`: the next message the client sent (its control message ends the context instead). */
  receive(): Arm<string> {
    let remove = (): void => undefined;
    return {
      listen: (fire) => {
        const m = this.#queue.shift();
        if (m !== undefined) fire(m);
        else remove = this.#readers.add(fire);
      },
      cancel: () => remove(),
    };
  }

  /** gw.Write: false (nothing written) once the context is done. */
  write(value: unknown): boolean {
    if (this.#cause !== null) return false;
    return this.#ws.sendJson(value);
  }

  /** gw.WriteClose: the control message, then wait for the client to hang up (the context to end).
   *  False when it could not be written (the context had ended). */
  async writeClose(message: string): Promise<boolean> {
    if (!this.write({ control_message: message })) return false;
    await select(this.done());
    return true;
  }

  /** Ends the context; the connection closes without a message (the gateway's goroutine). */
  cancel(cause: string): void {
    if (this.#cause !== null) return;
    this.#cause = cause;
    for (const d of this.#done.drain()) d(cause);
    this.#ws.close();
  }

  /** The gateway's reader: a client's control message or a read error ends the context. */
  async #read(): Promise<void> {
    for (;;) {
      const m = await this.#ws.receive();
      if (m === null) { this.cancel(this.#ws.readError ?? 'websocket: close 1006 (abnormal closure): unexpected EOF'); return; }
      const control = clientControl(m);
      if (control !== null) { this.cancel(control); return; }
      const r = this.#readers.shift();
      if (r) r(m);
      else this.#queue.push(m);
    }
  }
}

/** A message decoding into ControlClose with DisallowUnknownFields: an object with no other field. */
function clientControl(text: string): string | null {
  let v: unknown;
  try { v = JSON.parse(text); } catch { return null; }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  if (Object.keys(v).some((k) => k !== 'control_message')) return null;
  const m = (v as { control_message?: unknown }).control_message;
  return typeof m === 'string' ? m : '';
}

/** What a daemon keeps of a join intent (types.SessionJoinPost). */
export interface JoinIntent {
  name: string;
  version: string;
  address: string;
  certificate: string;
  services: Record<string, string> | null;
}

/** AllowedFailedJoinAttempts. */
export const ALLOWED_FAILED_JOIN_ATTEMPTS = 50;

/** One service.Session. */
export class CloudSession {
  readonly role: SessionRole;
  /** The websocket it runs on; absent for the sessions tests set up with startSession(). */
  readonly gateway: SessionGateway | undefined;
  #passphrase: string;
  #stopped = false;
  failedAttempts = 0;
  readonly intentFingerprints: string[] = [];
  /** The temporary trust store: name → certificate. */
  readonly trust = new Map<string, string>();
  /** The interface the initiator's multicast responder listens on, while it does. */
  responder: string | null = null;
  readonly intents = new Channel<JoinIntent>();
  readonly exit = new Channel<boolean>();

  constructor(role: SessionRole, passphrase = 'lab session passphrase', gateway?: SessionGateway) {
    this.role = role;
    this.#passphrase = passphrase;
    this.gateway = gateway;
  }

  get passphrase(): string {
    return this.#passphrase;
  }

  get stage(): SessionStage {
    if (this.#stopped) return 'stopped';
    return this.exit.receiving ? 'waiting' : 'open';
  }

  /** Handler.ActiveSession: a session whose passphrase Stop has not cleared yet. */
  get active(): boolean {
    return !this.#stopped;
  }

  /** For tests: the joiner's side of trust establishment is done; handleJoiningSession now waits on
   *  ExitCh, and when PostJoin's send arrives writes its last message and stops the session. */
  establish(): void {
    if (this.role !== 'joining') throw new Error('lab: only a joining session waits for the join to finish');
    if (this.stage !== 'open') throw new Error(`lab: the session is ${this.stage}, not open`);
    void select(this.exit.receive()).then(() => this.stop());
  }

  /**
   * Session.Stop: with a cause, it is first written to the websocket, and Stop waits for the client
   * to hang up; then the passphrase and trust store are cleared and the channels closed. Resolves
   * to false when the cause could not be written (the websocket was gone): nothing is stopped then.
   */
  async stop(cause?: string): Promise<boolean> {
    if (cause !== undefined && this.gateway && !this.#stopped && !(await this.gateway.writeClose(cause))) return false;
    if (this.#stopped) return true;
    this.#stopped = true;
    this.responder = null;
    this.#passphrase = '';
    this.trust.clear();
    this.intentFingerprints.length = 0;
    this.failedAttempts = 0;
    this.intents.close();
    this.exit.close();
    return true;
  }

  /** PostJoin's send on ExitCh; resolves once received, throws the panic the daemon would raise. */
  async sendExit(): Promise<void> {
    if ((await select(this.exit.send(true))) === 'panic') throw new HandlerPanic('send on closed channel');
  }
}

/** Handler.Session per machine: undefined (nil) until a session first starts on that daemon. */
export class DaemonSessions {
  readonly #byMachine = new Map<string, CloudSession>();

  current(machine: string): CloudSession | undefined {
    return this.#byMachine.get(machine);
  }

  /** For tests: sessionGet's check, then a session as Handler.StartSession leaves it. */
  start(machine: string, role: SessionRole): CloudSession {
    if (this.#byMachine.get(machine)?.active) throw statusError(400, 'There already is an active session');
    return this.begin(machine, new CloudSession(role));
  }

  /** Handler.StartSession: replaces the field without looking (sessionGet checked before the upgrade). */
  begin(machine: string, session: CloudSession): CloudSession {
    this.#byMachine.set(machine, session);
    return session;
  }

  /** The daemon restarted (or re-exec'd after a reset): the handler is new, its Session nil. The
   *  old session's websocket died with the process. */
  forget(machine: string): void {
    const s = this.#byMachine.get(machine);
    s?.gateway?.cancel('the daemon stopped');
    void s?.stop();
    this.#byMachine.delete(machine);
  }

  /** The PostJoin hook on `machine`. */
  async postJoin(machine: string): Promise<void> {
    const s = this.#byMachine.get(machine);
    if (!s) throw new HandlerPanic('runtime error: invalid memory address or nil pointer dereference');
    await s.sendExit();
  }
}

// ---- time.ParseDuration ---------------------------------------------------------------------------

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds; throws Go's error text. */
export function parseGoDuration(text: string): number {
  const q = JSON.stringify(text);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) { sign = s.startsWith('-') ? -1 : 1; s = s.slice(1); }
  if (s === '0') return 0;
  if (s === '') throw new Error(`time: invalid duration ${q}`);
  let total = 0;
  while (s !== '') {
    const num = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (num[0] === '' || num[0] === '.') throw new Error(`time: invalid duration ${q}`);
    s = s.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    if (unit === '') throw new Error(`time: missing unit in duration ${q}`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${q}`);
    s = s.slice(unit.length);
    total += Number(`${num[1] || '0'}.${num[2] ?? ''}0`) * scale;
  }
  return sign * total;
}
