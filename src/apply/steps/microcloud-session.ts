// A MicroCloud join inside MicroCloud's trust-establishment session, as `microcloud preseed` runs
// it (canonical/microcloud at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741: cmd/microcloud/session.go
// initiatingSession and joiningSession, ask.go askJoinIntents and askJoinConfirmation, preseed.go
// Parse; the daemon's side is api/session.go). The joiner's daemon must be in a joining session that
// has finished trust establishment when it joins: its PostJoin hook sends on that session's exit
// channel, and without one it panics and leaves a member record on the cluster that never answers.
//
// One joiner at a time, on two websockets over the machines' SSH connections:
//   initiator  → {address, interface, services, passphrase}      ← {passphrase}
//   joiner     → {passphrase, address, initiator_address, interface, services}
//   initiator  ← {intent} (the joiner's)                         joiner ← {initiator_name, …}
//   initiator  → {confirmed_intents: [that intent]}  ← {accepted}  joiner ← {intent} (the initiator's)
//   then, while the joiner's socket stays open, the token and PUT /1.0/services (joinChecked);
//   joiner     ← {error: ""} (its last message; a non-empty error is the join's failure)
// On any failure the sessions still open are stopped (PUT /1.0/session/stop), as MicroCloud's own
// revert does, and the error names the machine and what its daemon said.
import { canonicalIp } from '../../preseed/net.js';
import { DaemonSocketClosed, type DaemonSocket, type Host, type Secret } from '../../remote/index.js';
import { readCoreServer } from '../../services/microcluster.js';
import { whenInstalled } from '../../services/read.js';
import type { StepContext } from '../types.js';
import { hostOf, type Hosts } from './common.js';
import { microMemberNames, microReady } from './micro.js';
import { checkJoiner, joinChecked, stopMicroCloudSession } from './microcloud.js';

/** An interface of a machine as its host facts list it: addresses in CIDR form. */
export interface NetInterface {
  name: string;
  addresses: readonly string[];
}

export interface SessionJoin {
  /** The machine whose MicroCloud cluster the joiner joins (a key of `hosts`): it runs the initiating session. */
  initiator: string;
  /** The machine that joins (a key of `hosts`): it runs the joining session. */
  joiner: string;
  /** The two machines' addresses, without a port (the systems' `address` in the preseed). */
  initiatorAddress: string;
  joinerAddress: string;
  /** The preseed's session_passphrase. Without one the initiator's daemon makes one up. Never shown. */
  passphrase?: Secret;
  /** How long both sessions may last (the daemons refuse more than 60 min); it must cover the join. */
  timeoutMs: number;
  /** Each machine's interfaces (host facts): a session names the interface holding the machine's address. */
  interfaces: Readonly<Record<string, readonly NetInterface[]>>;
  /** The joiner's MicroCloud member name: its hostname (default: `joiner`). */
  name?: string;
}

/** A message of the session protocol (types.Session), the fields this side reads. */
interface SessionMessage {
  passphrase?: string;
  initiator_name?: string;
  intent?: { name?: string; address?: string };
  accepted?: boolean;
  error?: string;
}

const STOP_MS = 30_000;

/** The interface of `machine` that holds `address` (preseed.go findInterfaceAndNetworkForAddress). */
export function interfaceHolding(machine: string, interfaces: readonly NetInterface[] | undefined, address: string): string {
  const wanted = canonicalIp(address);
  const found = (interfaces ?? []).find((i) => i.addresses.some((a) => wanted !== null && canonicalIp(a.split('/')[0] ?? '') === wanted));
  if (found) return found.name;
  const has = (interfaces ?? []).map((i) => `${i.name} ${i.addresses.join(' ') || '(no address)'}`).join(', ') || 'none known';
  throw new Error(`${machine}: no interface holds ${address} (interfaces: ${has}); MicroCloud's session runs on the interface of the ` +
    "system's address: give the system an address it has");
}

/**
 * The versions the session announces for a machine, as the CLI collects them (service.GetVersion):
 * MicroCloud's and LXD's always, MicroCeph's and MicroOVN's where their daemons run. The initiator's
 * daemon refuses a joiner that lacks one of its services or has another version of it.
 */
async function serviceVersions(host: Host): Promise<Record<string, string>> {
  const [cloud, lxd, ceph, ovn] = await Promise.all([
    readCoreServer(host, 'microcloud'),
    host.request<{ environment?: { server_version?: string } }>('lxd', 'GET', '/1.0'),
    whenInstalled(() => readCoreServer(host, 'microceph')),
    whenInstalled(() => readCoreServer(host, 'microovn')),
  ]);
  if (!cloud) throw new Error(`${host.name}: the MicroCloud daemon has no /core API (MicroCloud 1.x is not supported)`);
  const out: Record<string, string> = { LXD: lxd.metadata.environment?.server_version ?? '', MicroCloud: cloud.version };
  if (ceph) out['MicroCeph'] = ceph.version;
  if (ovn) out['MicroOVN'] = ovn.version;
  return out;
}

/** Go's time.Duration text for the session timeout: whole seconds. */
const goSeconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))}s`;

/**
 * Joins `join.joiner` to `join.initiator`'s MicroCloud cluster inside a trust-establishment session
 * (see the header). `done` says whether the join is already done (the step's check); by default,
 * the joiner is initialized and the initiator lists it.
 */
export async function joinWithSession(hosts: Hosts, join: SessionJoin, ctx: StepContext, done?: () => Promise<boolean>): Promise<void> {
  const initiator = hostOf(hosts, join.initiator);
  const joiner = hostOf(hosts, join.joiner);
  const name = join.name ?? join.joiner;
  const isDone = done ?? (async () => (await microReady(joiner, 'microcloud')) && (await microMemberNames(initiator, 'microcloud')).includes(name));
  const given = join.passphrase?.reveal() ?? '';
  ctx.secrets.add(given);
  // Everything that can be known before a session opens is checked first: a refusal then leaves none behind.
  const initiatorIface = interfaceHolding(join.initiator, join.interfaces[join.initiator], join.initiatorAddress);
  const joinerIface = interfaceHolding(join.joiner, join.interfaces[join.joiner], join.joinerAddress);
  await checkJoiner(initiator, joiner, name);
  const [initiatorServices, joinerServices] = await Promise.all([serviceVersions(initiator), serviceVersions(joiner)]);

  const deadline = ctx.clock.now() + join.timeoutMs;
  const wait = (): { timeoutMs: number; signal: AbortSignal } => ({ timeoutMs: Math.max(1, deadline - ctx.clock.now()), signal: ctx.signal });
  const timeout = goSeconds(join.timeoutMs);
  const open: DaemonSocket[] = [];
  const socket = async (host: Host, role: 'initiating' | 'joining', secrets: string[]): Promise<DaemonSocket> => {
    const s = await host.websocket('microcloud', `/1.0/session/${role}?timeout=${timeout}`, { secrets });
    open.push(s);
    return s;
  };
  try {
    const initiating = await socket(initiator, 'initiating', [given]);
    initiating.send({ address: join.initiatorAddress, interface: initiatorIface, services: initiatorServices, passphrase: given });
    // Each side is given the preseed's passphrase, as two `microcloud preseed` runs with one file
    // would be; only without one does the joiner take the phrase the initiator's daemon made up.
    const reply = (await initiating.next<SessionMessage>(wait())).passphrase ?? '';
    ctx.secrets.add(reply);
    const passphrase = given || reply;

    const joining = await socket(joiner, 'joining', [given, reply]);
    joining.send({ passphrase, address: join.joinerAddress, initiator_address: join.initiatorAddress, interface: joinerIface, services: joinerServices });
    // Either side may fail first (a wrong passphrase reaches only the joiner's socket).
    const [intent] = await Promise.all([
      intentOf(initiating, name, join.joinerAddress, wait),
      joining.next<SessionMessage>(wait()),
    ]);
    initiating.send({ confirmed_intents: [intent] });
    const [answer] = await Promise.all([initiating.next<SessionMessage>(wait()), joining.next<SessionMessage>(wait())]);
    if (answer.accepted !== true) throw new Error(`${join.initiator}: MicroCloud did not accept ${join.joiner}'s join intent`);
    await initiating.close();
    ctx.note(`MicroCloud trust established between ${join.initiator} and ${join.joiner}`);

    // The joiner's last message comes when its PostJoin hook has run, during the join.
    const last = joining.next<SessionMessage>(wait());
    last.catch(() => undefined);
    await joinChecked(initiator, joiner, { name, ip: join.joinerAddress }, ctx, isDone);
    const final = await last;
    if (final.error) throw new Error(`${join.joiner}: MicroCloud's joining session ended with: ${final.error}`);
    await joining.close();
  } catch (err) {
    await stopSessions(open, hosts, `microcloud-apply: the join of ${join.joiner} failed`);
    throw failure(err, join);
  }
}

/** The joiner's intent among those the initiator forwards (others, from systems not asked for, are left unconfirmed). */
async function intentOf(initiating: DaemonSocket, name: string, address: string, wait: () => { timeoutMs: number; signal: AbortSignal }): Promise<unknown> {
  for (;;) {
    const m = await initiating.next<SessionMessage>(wait());
    if (m.intent?.name === name && m.intent.address === address) return m.intent;
  }
}

/** PUT /1.0/session/stop where a session's socket is still open (the daemon then writes the reason
 *  to it and waits for the socket to hang up, which it does on that message), then close them all. */
async function stopSessions(sockets: readonly DaemonSocket[], hosts: Hosts, reason: string): Promise<void> {
  await Promise.all(sockets.map(async (s) => {
    if (s.open) {
      await stopMicroCloudSession(hostOf(hosts, s.host), reason, { timeoutMs: STOP_MS }).catch(() => undefined);
    }
    await s.close();
  }));
}

/** The error to report: which machine, and what its daemon said. */
function failure(err: unknown, join: SessionJoin): Error {
  const what = `MicroCloud join of ${join.joiner} into ${join.initiator}'s cluster failed`;
  if (err instanceof DaemonSocketClosed) {
    return new Error(`${what}: ${err.host}'s MicroCloud daemon ended the session: ${err.daemonMessage ?? 'it closed the session without a message'}`, { cause: err });
  }
  return new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
