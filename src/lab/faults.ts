// Fault injection and the record of what reached the lab's machines: failing the Nth request or
// command that matches a pattern, failing a seeded random share of them, and the per-request log
// the counters are computed from.
import type { LabRequest, LabService } from './types.js';

/** What a fault matches. Unset fields match anything. A pattern with `command` matches commands
 *  only; one with `service`, `method`, `path` or `mutating` matches HTTP requests only; one with
 *  neither matches both. Strings match exactly, RegExps search. */
export interface RequestPattern {
  machine?: string | RegExp;
  service?: LabService;
  method?: string | RegExp;
  path?: string | RegExp;
  /** HTTP only: true for requests other than GET/HEAD, false for GET/HEAD. */
  mutating?: boolean;
  /** Matched against the command's argument vector joined by single spaces, after any `sudo …` prefix. */
  command?: string | RegExp;
}

/** The failure to inject: an HTTP error envelope, a command's failure, dropping every SSH
 *  connection to the machine (the client sees the connection reset; nothing was done), or closing
 *  only the call's own channel without an answer (other calls on the connection go on). */
export type InjectedError =
  | { status: number; message: string }
  | { exitCode: number; stderr?: string; stdout?: string }
  | { drop: true }
  | { reset: true };

export interface FailNthOptions {
  pattern: RequestPattern;
  /** The first matching call to fail, 1-based, counted from when the fault is added. */
  n: number;
  /** How many consecutive matching calls fail from the Nth on (default 1; Infinity for all). */
  times?: number;
  error: InjectedError;
}

export interface FaultHandle {
  /** Matching calls seen so far. */
  readonly matched: number;
  /** Calls failed so far. */
  readonly fired: number;
  remove(): void;
}

/** The failures the tool treats as transient (src/remote/retry.ts): a lost connection, a 503. */
export const TRANSIENT_HTTP_ERRORS: readonly InjectedError[] = [
  { reset: true },
  { status: 503, message: 'lab: injected transient failure: service unavailable' },
];
/** A command has no 503; only losing its channel before it reports is transient. */
export const TRANSIENT_EXEC_ERRORS: readonly InjectedError[] = [{ reset: true }];

export interface RandomFaultOptions {
  /** The same seed fails the same calls: the choice hashes the seed with the call's machine, its
   *  request line or command, and how many such calls came before, so it does not depend on how
   *  concurrent calls from different steps interleave. */
  seed: number;
  /** The share of matching calls that fail, from 0 to 1. */
  rate: number;
  /** Which calls may fail (default: every request and command). */
  pattern?: RequestPattern;
  /** Picked from at random for a failing request (default TRANSIENT_HTTP_ERRORS); no exitCode. */
  httpErrors?: readonly InjectedError[];
  /** Picked from at random for a failing command (default TRANSIENT_EXEC_ERRORS); no status. */
  execErrors?: readonly InjectedError[];
}

export interface RandomFaultHandle extends FaultHandle {
  readonly seed: number;
}

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32): for seeded tests and faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number in [0, 1) determined by the seed and the text (FNV-1a, then mixed). */
function hashUnit(seed: number, text: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return seededRandom(h >>> 0)();
}

export interface HttpEvent {
  seq: number;
  /** Milliseconds since the site started. */
  at: number;
  kind: 'http';
  machine: string;
  service: LabService;
  method: string;
  path: string;
  query: string;
  mutating: boolean;
  /** The HTTP status sent back; undefined while in flight or when the connection was dropped. */
  status?: number;
  /** Set when a fault answered instead of the daemon. */
  injected?: 'error' | 'drop' | 'drop-after' | 'reset';
  /** The request target as sent, before the lab decoded its path, with LabSiteOptions.logBodies. */
  url?: string;
  /** The parsed request body, with LabSiteOptions.logBodies (it may hold secrets: tokens). */
  body?: unknown;
  /** The response body the daemon produced, with LabSiteOptions.logBodies. */
  response?: unknown;
}

export interface ExecEvent {
  seq: number;
  at: number;
  kind: 'exec';
  machine: string;
  user: string;
  /** The command string exactly as the SSH client sent it. */
  command: string;
  /** The argument vector the shell made of it (undefined when it could not be parsed). */
  argv?: string[];
  exitCode?: number;
  injected?: 'error' | 'drop' | 'reset';
}

export interface ConnectEvent {
  seq: number;
  at: number;
  kind: 'connect';
  machine: string;
  user: string;
}

export type LabEvent = HttpEvent | ExecEvent | ConnectEvent;

const matches = (want: string | RegExp | undefined, got: string): boolean =>
  want === undefined || (typeof want === 'string' ? want === got : new RegExp(want.source, want.flags.replace('g', '')).test(got));

export const isMutating = (method: string): boolean => !['GET', 'HEAD'].includes(method.toUpperCase());

function appliesToHttp(p: RequestPattern): boolean {
  return p.command === undefined;
}
function appliesToExec(p: RequestPattern): boolean {
  return p.service === undefined && p.method === undefined && p.path === undefined && p.mutating === undefined;
}

type CallKind = 'http' | 'exec';

interface FaultRule extends FaultHandle {
  readonly pattern: RequestPattern;
  /** Whether the rule can fail calls of this kind at all (its error suits them). */
  covers(kind: CallKind): boolean;
  /** Count a matching call; the error when this one must fail. */
  hit(kind: CallKind, call: string): InjectedError | undefined;
}

class NthRule implements FaultRule {
  matched = 0;
  fired = 0;
  constructor(readonly opts: FailNthOptions, private readonly owner: Set<FaultRule>) {}
  get pattern(): RequestPattern { return this.opts.pattern; }
  remove(): void { this.owner.delete(this); }
  covers(kind: CallKind): boolean {
    return kind === 'http' ? !('exitCode' in this.opts.error) : !('status' in this.opts.error);
  }
  hit(): InjectedError | undefined {
    this.matched++;
    const { n, times = 1 } = this.opts;
    if (this.matched >= n && this.matched < n + times) { this.fired++; return this.opts.error; }
    return undefined;
  }
}

class RandomRule implements FaultRule {
  matched = 0;
  fired = 0;
  private readonly seen = new Map<string, number>();
  private readonly errors: Record<CallKind, readonly InjectedError[]>;
  constructor(private readonly opts: RandomFaultOptions, private readonly owner: Set<FaultRule>) {
    this.errors = { http: opts.httpErrors ?? TRANSIENT_HTTP_ERRORS, exec: opts.execErrors ?? TRANSIENT_EXEC_ERRORS };
  }
  get seed(): number { return this.opts.seed; }
  get pattern(): RequestPattern { return this.opts.pattern ?? {}; }
  remove(): void { this.owner.delete(this); }
  covers(kind: CallKind): boolean { return this.errors[kind].length > 0; }
  hit(kind: CallKind, call: string): InjectedError | undefined {
    this.matched++;
    const k = this.seen.get(call) ?? 0;
    this.seen.set(call, k + 1);
    const u = hashUnit(this.opts.seed, `${kind}\0${call}\0${k}`);
    if (u >= this.opts.rate) return undefined;
    this.fired++;
    const list = this.errors[kind];
    return list[Math.min(list.length - 1, Math.floor((u / this.opts.rate) * list.length))];
  }
}

export class FaultSet {
  private readonly rules = new Set<FaultRule>();

  add(opts: FailNthOptions): FaultHandle {
    const { pattern, error, n } = opts;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`failNth: n must be a positive integer, got ${n}`);
    if ('status' in error && !appliesToHttp(pattern)) throw new TypeError('failNth: an HTTP error needs a pattern that matches HTTP requests (no `command`)');
    if ('exitCode' in error && !appliesToExec(pattern)) throw new TypeError('failNth: a command error needs a pattern that matches commands (no service/method/path/mutating)');
    const rule = new NthRule(opts, this.rules);
    this.rules.add(rule);
    return rule;
  }

  addRandom(opts: RandomFaultOptions): RandomFaultHandle {
    if (!(opts.rate >= 0 && opts.rate <= 1)) throw new RangeError(`randomFaults: rate must be from 0 to 1, got ${opts.rate}`);
    if (!Number.isInteger(opts.seed)) throw new RangeError(`randomFaults: seed must be an integer, got ${opts.seed}`);
    if (opts.httpErrors?.some((e) => 'exitCode' in e)) throw new TypeError('randomFaults: httpErrors cannot hold a command error');
    if (opts.execErrors?.some((e) => 'status' in e)) throw new TypeError('randomFaults: execErrors cannot hold an HTTP error');
    const rule = new RandomRule(opts, this.rules);
    this.rules.add(rule);
    return rule;
  }

  clear(): void { this.rules.clear(); }

  /** The error to inject for this request, if a rule fires. Every matching rule counts the call. */
  matchHttp(machine: string, service: LabService, req: Pick<LabRequest, 'method' | 'path'>): InjectedError | undefined {
    let chosen: InjectedError | undefined;
    const call = `${machine} ${service} ${req.method.toUpperCase()} ${req.path}`;
    for (const rule of this.rules) {
      const p = rule.pattern;
      if (!appliesToHttp(p) || !rule.covers('http')) continue;
      if (!matches(p.machine, machine) || (p.service !== undefined && p.service !== service)) continue;
      if (!matches(p.method, req.method.toUpperCase()) && !matches(p.method, req.method)) continue;
      if (!matches(p.path, req.path)) continue;
      if (p.mutating !== undefined && p.mutating !== isMutating(req.method)) continue;
      const error = rule.hit('http', call);
      if (error && chosen === undefined) chosen = error;
    }
    return chosen;
  }

  matchExec(machine: string, commandLine: string): InjectedError | undefined {
    let chosen: InjectedError | undefined;
    for (const rule of this.rules) {
      const p = rule.pattern;
      if (!appliesToExec(p) || !rule.covers('exec')) continue;
      if (!matches(p.machine, machine) || !matches(p.command, commandLine)) continue;
      const error = rule.hit('exec', `${machine} ${commandLine}`);
      if (error && chosen === undefined) chosen = error;
    }
    return chosen;
  }
}
