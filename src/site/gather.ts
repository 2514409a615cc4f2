// Gather: the LiveState of every machine, read in parallel. One SSH connection per machine, kept
// for the whole run (the caller closes it, or apply reuses it); on each, the host facts and every
// daemon are read side by side, in a fixed number of rounds that does not grow with the site.
// A machine that cannot be reached or read becomes `{reachable: false, reason}`; the planner's
// preflight turns that into an error, so nothing is planned, let alone changed.
import pLimit from 'p-limit';
import {
  connect as connectHost, Unreachable, type ConnectOptions, type Host,
} from '../remote/index.js';
import { readHostFacts } from '../services/host-facts.js';
import { refineKinds } from '../services/host-parse.js';
import { readLxd } from '../services/lxd.js';
import { readMicroCeph } from '../services/microceph.js';
import { readMicroOvn } from '../services/microovn.js';
import type { LiveState, MachineLive, ReachableMachine } from '../live/state.js';
import type { MachineTarget } from './targets.js';

export interface GatherOptions {
  /** How many machines are connected to and read at once (default DEFAULT_READ_PARALLELISM). */
  parallelism?: number;
  connect?: ConnectOptions;
  /** Replaces the remote layer's connect (tests). */
  connectFn?: typeof connectHost;
}

export interface Gathered {
  live: LiveState;
  /** The open connection of every machine that was reached, by LiveState key. */
  hosts: Map<string, Host>;
  /** Closes every connection. */
  close(): Promise<void>;
}

/**
 * Machines read at once unless --parallelism says otherwise. Reading costs a machine one SSH
 * connection and a few GETs, so the bound protects the operator's side (sockets, CPU), not the
 * site: reading every machine of a 50-machine site at once is what puts a no-op plan near one
 * machine's round trips (docs/performance.md). Steps that change machines keep their own, lower
 * default (src/apply/executor.ts).
 */
export const DEFAULT_READ_PARALLELISM = 64;

/** One machine's facts, over an open connection. Throws when anything cannot be read. */
export async function readMachine(host: Host): Promise<ReachableMachine> {
  const [facts, lxd, microceph, microovn] = await Promise.all([
    readHostFacts(host), readLxd(host), readMicroCeph(host), readMicroOvn(host),
  ]);
  return {
    reachable: true,
    host: lxd ? { ...facts, interfaces: refineKinds(facts.interfaces, lxd.interfaceTypes) } : facts,
    lxd: lxd?.lxd ?? null,
    microceph,
    microovn,
  };
}

/** The reason shown for a machine: the error's own words, without the machine's name in front. */
export function failureReason(key: string, err: unknown, stage: 'connect' | 'read'): string {
  const message = err instanceof Error ? err.message : String(err);
  const own = message.startsWith(`${key}: `) ? message.slice(key.length + 2) : message;
  if (stage === 'connect' || err instanceof Unreachable) return own;
  return `connected, but reading it failed: ${own}`;
}

/** Reads one machine, turning any failure into the reason it could not be read. */
async function readOrReason(key: string, host: Host): Promise<MachineLive> {
  try {
    return await readMachine(host);
  } catch (err) {
    return { reachable: false, reason: failureReason(key, err, 'read') };
  }
}

/**
 * Reads the site again over connections that are already open (apply's check that a run converged).
 * A key without a connection is unreachable.
 */
export async function gatherOver(hosts: ReadonlyMap<string, Host>, keys: readonly string[], parallelism = DEFAULT_READ_PARALLELISM): Promise<LiveState> {
  const results = await pLimit(Math.max(1, parallelism)).map(keys, async (key): Promise<MachineLive> => {
    const host = hosts.get(key);
    return host ? readOrReason(key, host) : { reachable: false, reason: 'not connected' };
  });
  return { machines: Object.fromEntries(keys.map((k, i) => [k, results[i]!])) };
}

/** Connects to every target (at most `parallelism` at once) and reads it. Never throws for a machine. */
export async function gather(targets: readonly MachineTarget[], opts: GatherOptions = {}): Promise<Gathered> {
  const open = opts.connectFn ?? connectHost;
  const opened: (Host | undefined)[] = new Array<Host | undefined>(targets.length);
  const results = await pLimit(Math.max(1, opts.parallelism ?? DEFAULT_READ_PARALLELISM)).map(targets, async ({ key, target }, i): Promise<MachineLive> => {
    let host: Host;
    try {
      host = await open(target, opts.connect);
    } catch (err) {
      return { reachable: false, reason: failureReason(key, err, 'connect') };
    }
    opened[i] = host;
    return readOrReason(key, host);
  });
  const machines: LiveState['machines'] = {};
  const hosts = new Map<string, Host>();
  targets.forEach((t, i) => {
    machines[t.key] = results[i]!;
    if (opened[i]) hosts.set(t.key, opened[i]);
  });
  const close = async (): Promise<void> => {
    const all = [...hosts.values()];
    hosts.clear();
    await Promise.allSettled(all.map((h) => h.close()));
  };
  return { live: { machines }, hosts, close };
}
