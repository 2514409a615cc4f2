// MicroCloud's trust establishment, as its daemon runs it: the websocket sessions a client opens on
// the control socket (GET /1.0/session/initiating and /1.0/session/joining) and the join intents
// the daemons send each other (POST /1.0/session/join on 9443, HMAC-signed with the passphrase).
// Read from canonical/microcloud at f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741: api/session.go
// (sessionGet, handleInitiatingSession, confirmedIntents, handleJoiningSession), api/session_join.go
// (sessionJoinPost, validateIntent), api/services_auth.go (authHandlerHMAC), client/client.go
// (JoinIntent), multicast/discovery.go (Respond), api/types/session.go; the same at tag 2.1.3
// (33f6c5b4bbd77b0e5ee476a78e36d95bc6941b22). LXD's shared/trust/hmac.go (12d8225152ada6443caf40d65fcd3aaaa9f2e4e2)
// answers a wrong HMAC with 403 "Invalid HMAC", and shared/cert.go has ParseCert's "Invalid
// certificate file" and CertFingerprintStr's "invalid certificate".
//
// What the lab does not reproduce: the HMAC is HMAC-SHA256 keyed by the passphrase, not Argon2 (the
// check is the passphrase's equality either way); TLS (a daemon's certificate is its lab stand-in);
// the 100 ms delay per intent; multicast lookup by a joiner given no initiator address (it says so).
import { createHash, createHmac, randomInt } from 'node:crypto';
import { syncResponse } from '../envelope.js';
import { HandlerPanic, type LabContext, type LabHandler, type LabRequest, type LabResponse } from '../types.js';
import { upgradeResponse } from '../websocket.js';
import { decodeStruct, decodeValue, messageOf, plainError, quote, statusError, unreachableError, type StructSpec } from './go.js';
import {
  ALLOWED_FAILED_JOIN_ATTEMPTS, CloudSession, SessionGateway, after, mapped, parseGoDuration, select, type DaemonSessions, type JoinIntent, type SessionRole,
} from './microcloud-session.js';

/** HMACMicroCloud10. */
const HMAC_VERSION = 'MicroCloud-1.0';
/** multicast.Version: the intents' format. */
const INTENT_VERSION = '2.0';
const MAX_SESSION_MS = 3_600_000;
/** sessionJoinPost waits this long for a consumer of the intent. */
const CONSUMER_WAIT_MS = 10_000;

/** What the protocol needs of the MicroCloud daemon model (microcloud.ts). */
export interface TrustHost {
  ctx: LabContext;
  sessions: DaemonSessions;
  /** state.Name() and cloud.ServerCert() of the daemon on `machine`. */
  identity(machine: string): { name: string; certificate: string };
  /** sh.Services: MicroCloud, LXD, then MicroCeph and MicroOVN where their sockets exist. (Upstream keeps them in a
   *  Go map, so which missing one validateIntent names first is random there; here it is this order.) */
  services(machine: string): string[];
  /** service.GetVersion of one of them on `machine`; throws its error. */
  version(machine: string, service: string): Promise<string>;
  /** The machine whose MicroCloud daemon answers on `host`:9443 now, if any. */
  listenerAt(host: string): string | undefined;
  /** That daemon's handler, as another daemon reaches it over HTTPS. */
  handler(machine: string): LabHandler;
}

const JOIN_POST: StructSpec = {
  goType: 'types.SessionJoinPost',
  fields: { name: 'string', version: 'string', address: 'string', certificate: 'string', services: 'stringMap' },
};
const SESSION: StructSpec = {
  goType: 'types.Session',
  fields: {
    address: 'string', initiator_address: 'string', initiator_name: 'string', initiator_fingerprint: 'string', interface: 'string',
    passphrase: 'string', services: 'stringMap', intent: 'any', confirmed_intents: 'any', accepted: 'bool', lookup_timeout: 'int64', error: 'string',
  },
};

interface SessionMessage {
  address: string;
  initiator_address: string;
  interface: string;
  passphrase: string;
  services: Record<string, string> | null;
  confirmed_intents: JoinIntent[];
}

const EMPTY_INTENT: JoinIntent = { name: '', version: '', address: '', certificate: '', services: null };

/** types.Session as encoding/json writes it: fields in struct order, empty ones left out, except
 *  `intent`, a struct, which omitempty never drops. */
function sessionJson(fields: Partial<Record<'passphrase' | 'initiator_name' | 'initiator_address' | 'initiator_fingerprint' | 'error', string>> & { intent?: JoinIntent; accepted?: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['initiator_address', 'initiator_name', 'initiator_fingerprint', 'passphrase'] as const) if (fields[k]) out[k] = fields[k];
  out['intent'] = fields.intent ?? EMPTY_INTENT;
  if (fields.accepted) out['accepted'] = true;
  if (fields.error) out['error'] = fields.error;
  return out;
}

function decodeSession(raw: string): SessionMessage {
  const v = decodeStruct(raw, SESSION);
  const intents = v['confirmed_intents'];
  if (intents !== null && !Array.isArray(intents)) {
    throw plainError(`json: cannot unmarshal ${typeof intents === 'object' ? 'object' : typeof intents} into Go struct field Session.confirmed_intents of type []types.SessionJoinPost`);
  }
  return {
    address: v['address'] as string,
    initiator_address: v['initiator_address'] as string,
    interface: v['interface'] as string,
    passphrase: v['passphrase'] as string,
    services: v['services'] as Record<string, string> | null,
    confirmed_intents: (intents ?? []).map((i) => decodeValue(i, JOIN_POST) as unknown as JoinIntent),
  };
}

/** A PEM block's DER bytes (pem.Decode); null when there is none. */
function pemBytes(text: string): Buffer | null {
  const m = /-----BEGIN [A-Z ]+-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END [A-Z ]+-----/.exec(text);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : null;
}

const fingerprintOf = (pem: string): string => createHash('sha256').update(pemBytes(pem) ?? Buffer.alloc(0)).digest('hex');
const hmacOf = (passphrase: string, body: string): string => `${HMAC_VERSION} ${createHmac('sha256', passphrase).update(body).digest('hex')}`;

/** generatePassphrase: four words of the EFF short wordlist (a few of them here). */
const WORDS = ['acorn', 'banjo', 'cactus', 'dolphin', 'ember', 'falcon', 'glacier', 'harbor', 'igloo', 'jasmine', 'kettle', 'lantern', 'meadow', 'nutmeg', 'orchid', 'pebble'];
const generatePassphrase = (): string => Array.from({ length: 4 }, () => WORDS[randomInt(WORDS.length)]!).join(' ');

export class TrustEstablishment {
  readonly #host: TrustHost;

  constructor(host: TrustHost) {
    this.#host = host;
  }

  /** sessionGet: the checks before the upgrade, then the session runs on the websocket. */
  sessionGet(machine: string, role: SessionRole, req: LabRequest): LabResponse {
    if (this.#host.sessions.current(machine)?.active) throw statusError(400, 'There already is an active session');
    const text = req.query.get('timeout') || '10m';
    let timeoutMs: number;
    try {
      timeoutMs = parseGoDuration(text);
    } catch (e) {
      throw statusError(400, `Failed to parse timeout: ${messageOf(e)}`);
    }
    if (timeoutMs > MAX_SESSION_MS) throw statusError(400, 'Session timeout cannot exceed 60 minutes');
    return upgradeResponse((ws) => {
      const gw = new SessionGateway(ws, timeoutMs, (ms) => this.#host.ctx.sleep(ms));
      void this.#run(machine, role, gw);
    });
  }

  /** The session's life on the websocket; an error is written as the control message, and once the
   *  client hung up (or the context ended) the connection closes. */
  async #run(machine: string, role: SessionRole, gw: SessionGateway): Promise<void> {
    let err: string | null;
    try {
      err = role === 'initiating' ? await this.#initiating(machine, gw) : await this.#joining(machine, gw);
    } catch (e) {
      err = messageOf(e);
    }
    if (err !== null) await gw.writeClose(err);
    gw.cancel('context canceled');
  }

  /** gw.ReceiveWithContext of the first message, then Handler.StartSession. */
  async #start(machine: string, role: SessionRole, gw: SessionGateway): Promise<{ session: CloudSession; start: SessionMessage } | string> {
    const got = await select<{ raw: string } | { cause: string }>(
      mapped(gw.receive(), (raw) => ({ raw })), mapped(gw.done(), (cause) => ({ cause })));
    let start: SessionMessage;
    try {
      if ('cause' in got) throw new Error(got.cause);
      start = decodeSession(got.raw);
    } catch (e) {
      return `Failed to read session start message: ${messageOf(e)}`;
    }
    const session = new CloudSession(role, start.passphrase || generatePassphrase(), gw);
    this.#host.sessions.begin(machine, session);
    return { session, start };
  }

  /** handleInitiatingSession. */
  async #initiating(machine: string, gw: SessionGateway): Promise<string | null> {
    const started = await this.#start(machine, 'initiating', gw);
    if (typeof started === 'string') return started;
    const { session, start } = started;
    try {
      // MulticastDiscovery: net.InterfaceByName, then UDP 9444 and the group join.
      if (!this.#host.ctx.spec(machine).interfaces.some((i) => i.name === start.interface)) {
        const why = start.interface === '' ? 'invalid network interface name' : 'no such network interface';
        return `Failed to start multicast discovery: Failed to resolve server interface ${quote(start.interface)}: route ip+net: ${why}`;
      }
      session.responder = start.interface;
      if (!gw.write(sessionJson({ passphrase: session.passphrase }))) return `Failed to send session details: ${gw.cause}`;
      const confirmed = await this.#confirmedIntents(session, gw);
      if (typeof confirmed === 'string') return `Failed waiting for the confirmed intents: ${confirmed}`;
      const own = this.#host.identity(machine);
      const confirmations: Promise<string | null>[] = [];
      for (const intent of confirmed) {
        if (!pemBytes(intent.certificate)) return 'Failed to parse certificate of confirmed intent: Invalid certificate file';
        session.trust.set(intent.name, intent.certificate);
        const ours: JoinIntent = { name: own.name, version: INTENT_VERSION, address: start.address, certificate: own.certificate, services: start.services };
        confirmations.push(this.#requestJoinIntent(intent.address, ours, session.passphrase)
          .then((r) => (typeof r === 'string' ? `Failed to confirm join intent of ${quote(intent.address)}: ${r}` : null)));
      }
      const failed = (await Promise.all(confirmations)).find((r) => r !== null);
      if (failed) return `Failed to confirm join intents: ${failed}`;
      if (!gw.write(sessionJson({ accepted: true }))) return `Failed to send confirmation: ${gw.cause}`;
      return null;
    } finally {
      await this.#host.sessions.current(machine)?.stop();
    }
  }

  /** confirmedIntents: forward each intent that arrives until the client answers with its choice. */
  async #confirmedIntents(session: CloudSession, gw: SessionGateway): Promise<JoinIntent[] | string> {
    for (;;) {
      type Got = { intent: JoinIntent | null } | { raw: string } | { cause: string };
      const got = await select<Got>(
        mapped(session.intents.receive(), (r) => ({ intent: r === 'closed' ? null : r.value })),
        mapped(gw.receive(), (raw) => ({ raw })),
        mapped(gw.done(), (cause) => ({ cause })),
      );
      if ('cause' in got) return `Exit waiting for intents: ${got.cause}`;
      if ('raw' in got) {
        try {
          return decodeSession(got.raw).confirmed_intents;
        } catch (e) {
          return `Failed to read confirmed intents: ${messageOf(e)}`;
        }
      }
      // A closed channel: the session stopped; the context's end says why.
      if (got.intent === null) {
        const cause = await select(gw.done());
        return `Exit waiting for intents: ${cause}`;
      }
      if (!gw.write(sessionJson({ intent: got.intent }))) return `Failed to forward join intent: ${gw.cause}`;
    }
  }

  /** handleJoiningSession. */
  async #joining(machine: string, gw: SessionGateway): Promise<string | null> {
    const started = await this.#start(machine, 'joining', gw);
    if (typeof started === 'string') return started;
    const { session, start } = started;
    try {
      if (start.initiator_address === '') {
        return 'Failed to lookup eligible system: lab: multicast discovery is not simulated; send initiator_address';
      }
      const own = this.#host.identity(machine);
      const intent: JoinIntent = { name: own.name, version: INTENT_VERSION, address: start.address, certificate: own.certificate, services: start.services };
      const peer = await this.#requestJoinIntent(start.initiator_address, intent, session.passphrase);
      if (typeof peer === 'string') {
        // A wrong HMAC comes back as the API's generic answer; upstream rewrites it.
        return `Failed to send our intent to join ${quote(start.initiator_address)}: ${peer === 'Invalid HMAC' ? 'Wrong passphrase' : peer}`;
      }
      const initiator = this.#host.identity(peer.machine);
      const found = { initiator_name: initiator.name, initiator_address: start.initiator_address, initiator_fingerprint: fingerprintOf(initiator.certificate) };
      if (!gw.write(sessionJson(found))) {
        return `Failed to confirm the eligible system ${quote(initiator.name)} at ${quote(start.initiator_address)}: ${gw.cause}`;
      }
      const got = await select<{ intent: JoinIntent | null } | { cause: string }>(
        mapped(session.intents.receive(), (r) => ({ intent: r === 'closed' ? null : r.value })),
        mapped(gw.done(), (cause) => ({ cause })),
      );
      if ('cause' in got) return `Exit waiting for join confirmation: ${got.cause}`;
      if (got.intent === null) return 'Exit waiting for join confirmation';
      if (!gw.write(sessionJson({ intent: got.intent }))) return `Failed to forward join confirmation: ${gw.cause}`;
      if (!pemBytes(got.intent.certificate)) return 'Invalid certificate file';
      session.trust.set(got.intent.name, got.intent.certificate);
      // Trust is established: PostJoin's send on ExitCh (a closed channel reads too) ends the wait.
      const ended = await select<string>(
        mapped(session.exit.receive(), () => ''),
        mapped(gw.done(), (cause) => `Exit waiting for session to end: ${cause}`),
      );
      if (!gw.write(sessionJson({ error: ended }))) return `Failed to signal final message: ${gw.cause}`;
      return null;
    } finally {
      await this.#host.sessions.current(machine)?.stop();
    }
  }

  /** CloudService.RequestJoinIntent: POST /1.0/session/join on <address>:9443; the peer, or the error text. */
  async #requestJoinIntent(address: string, intent: JoinIntent, passphrase: string): Promise<{ machine: string } | string> {
    const host = address.replace(/^\[(.*)\]$/, '$1').replace(/:9443$/, '');
    const hostPort = host.includes(':') ? `[${host}]:9443` : `${host}:9443`;
    const url = `https://${hostPort}/1.0/session/join`;
    const machine = this.#host.listenerAt(host);
    if (!machine) return `Failed to send join intent: ${unreachableError('POST', url, hostPort)}`;
    // json.Marshal, without the newline the encoder would add (it would break the HMAC).
    const rawBody = JSON.stringify(intent);
    const res = await this.#host.handler(machine)({
      method: 'POST', path: '/1.0/session/join', query: new URLSearchParams(), headers: { authorization: hmacOf(passphrase, rawBody) }, body: intent, rawBody,
    });
    if (res.status === 200) return { machine };
    return (res.body as { error?: string }).error ?? `HTTP ${res.status}`;
  }

  /** POST /1.0/session/join: authHandlerHMAC, then sessionJoinPost. */
  async joinPost(machine: string, req: LabRequest): Promise<LabResponse> {
    const session = this.#host.sessions.current(machine);
    if (!session?.active) throw statusError(400, 'No active session');
    // trust.HMACEqual; every refusal counts as a failed attempt, and the one past the limit stops the session.
    const auth = req.headers['authorization'] ?? '';
    const refused = auth === '' ? statusError(400, 'Authorization header is missing')
      : auth !== hmacOf(session.passphrase, req.rawBody) ? statusError(403, 'Invalid HMAC') : null;
    if (refused) {
      if (session.failedAttempts === ALLOWED_FAILED_JOIN_ATTEMPTS) {
        await session.stop('Stopping session after too many failed attempts');
        throw plainError('Stopping session after too many failed attempts');
      }
      session.failedAttempts++;
      throw refused;
    }
    let intent: JoinIntent;
    try {
      intent = decodeStruct(req.rawBody, JOIN_POST) as unknown as JoinIntent;
    } catch (e) {
      throw statusError(400, messageOf(e));
    }
    const live = this.#host.sessions.current(machine);
    if (!live?.active) throw statusError(400, 'No active session');
    if (live.role === 'initiating') await this.#validateIntent(machine, intent);
    if (!pemBytes(intent.certificate)) throw statusError(400, 'Failed to get fingerprint: invalid certificate');
    const fingerprint = fingerprintOf(intent.certificate);
    if (live.intentFingerprints.includes(fingerprint)) throw statusError(400, 'Failed to register join intent: Fingerprint already exists');
    live.intentFingerprints.push(fingerprint);
    const sent = await select<'sent' | 'panic' | 'timeout'>(live.intents.send(intent), after((ms) => this.#host.ctx.sleep(ms), CONSUMER_WAIT_MS, 'timeout'));
    if (sent === 'panic') throw new HandlerPanic('send on closed channel');
    if (sent === 'timeout') throw plainError('Timeout waiting for an active consumer of the join intent');
    return syncResponse({});
  }

  /** validateIntent: the joiner must have each of our services, at our exact versions. */
  async #validateIntent(machine: string, intent: JoinIntent): Promise<void> {
    for (const service of this.#host.services(machine)) {
      const theirs = intent.services?.[service];
      if (theirs === undefined) throw statusError(400, `Rejecting peer ${quote(intent.name)} due to missing services (${service})`);
      let ours: string;
      try {
        ours = await this.#host.version(machine, service);
      } catch (e) {
        throw statusError(400, `Unable to determine initiator's ${service} version: ${messageOf(e)}`);
      }
      if (theirs !== ours) {
        throw statusError(400, `Rejecting peer ${quote(intent.name)} due to invalid ${service} version. (Want: ${quote(ours)}, Detected: ${quote(theirs)})`);
      }
    }
  }
}
