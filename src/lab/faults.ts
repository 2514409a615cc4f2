// Fault injection and the record of what reached the lab's machines: failing the Nth request or
// command that matches a pattern, and the per-request log the counters are computed from.
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

/** The failure to inject: an HTTP error envelope, a command's failure, or dropping every SSH
 *  connection to the machine (the client sees the connection reset; nothing was done). */
export type InjectedError =
  | { status: number; message: string }
  | { exitCode: number; stderr?: string; stdout?: string }
  | { drop: true };

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
  injected?: 'error' | 'drop' | 'drop-after';
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
  injected?: 'error' | 'drop';
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

class Rule implements FaultHandle {
  matched = 0;
  fired = 0;
  constructor(readonly opts: FailNthOptions, private readonly owner: Set<Rule>) {}
  remove(): void { this.owner.delete(this); }
  /** Count a matching call; true when this one must fail. */
  hit(): boolean {
    this.matched++;
    const { n, times = 1 } = this.opts;
    if (this.matched >= n && this.matched < n + times) { this.fired++; return true; }
    return false;
  }
}

export class FaultSet {
  private readonly rules = new Set<Rule>();

  add(opts: FailNthOptions): FaultHandle {
    const { pattern, error, n } = opts;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`failNth: n must be a positive integer, got ${n}`);
    if ('status' in error && !appliesToHttp(pattern)) throw new TypeError('failNth: an HTTP error needs a pattern that matches HTTP requests (no `command`)');
    if ('exitCode' in error && !appliesToExec(pattern)) throw new TypeError('failNth: a command error needs a pattern that matches commands (no service/method/path/mutating)');
    const rule = new Rule(opts, this.rules);
    this.rules.add(rule);
    return rule;
  }

  clear(): void { this.rules.clear(); }

  /** The error to inject for this request, if a rule fires. Every matching rule counts the call. */
  matchHttp(machine: string, service: LabService, req: Pick<LabRequest, 'method' | 'path'>): InjectedError | undefined {
    let chosen: InjectedError | undefined;
    for (const rule of this.rules) {
      const p = rule.opts.pattern;
      if (!appliesToHttp(p) || 'exitCode' in rule.opts.error) continue;
      if (!matches(p.machine, machine) || (p.service !== undefined && p.service !== service)) continue;
      if (!matches(p.method, req.method.toUpperCase()) && !matches(p.method, req.method)) continue;
      if (!matches(p.path, req.path)) continue;
      if (p.mutating !== undefined && p.mutating !== isMutating(req.method)) continue;
      if (rule.hit() && chosen === undefined) chosen = rule.opts.error;
    }
    return chosen;
  }

  matchExec(machine: string, commandLine: string): InjectedError | undefined {
    let chosen: InjectedError | undefined;
    for (const rule of this.rules) {
      const p = rule.opts.pattern;
      if (!appliesToExec(p) || 'status' in rule.opts.error) continue;
      if (!matches(p.machine, machine) || !matches(p.command, commandLine)) continue;
      if (rule.hit() && chosen === undefined) chosen = rule.opts.error;
    }
    return chosen;
  }
}
