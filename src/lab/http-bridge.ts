// One HTTP server per simulated daemon socket. It never listens: the SSH server hands it each
// accepted stream-local channel with `server.emit('connection', channel)`, as a unix socket would.
// It turns each request into a LabRequest, awaits the answer and writes it as the daemons do
// (compact JSON and a newline, like Go's json.Encoder). A request to upgrade to a websocket gets
// the same path; an answer that upgrades (websocket.ts) takes the connection over.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { errorResponse } from './envelope.js';
import type { LabRequest, LabResponse, LabService } from './types.js';
import { acceptWebSocket, handshakeRefusal, isUpgrade } from './websocket.js';

/** What the site answers: a response, or 'drop' when the connection must die without one. */
export type BridgeAnswer = LabResponse | 'drop';

export class DaemonHttpServer {
  private readonly server: http.Server;
  private readonly channels = new Set<Duplex>();

  constructor(readonly service: LabService, answer: (req: LabRequest) => Promise<BridgeAnswer>) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', () => res.destroy());
      req.on('end', () => {
        void this.respond(req, res, Buffer.concat(chunks).toString('utf8'), answer);
      });
    });
    // Go's http.Server behind the daemons' unix sockets keeps idle connections open indefinitely.
    this.server.keepAliveTimeout = 0;
    this.server.headersTimeout = 0;
    this.server.requestTimeout = 0;
    this.server.on('clientError', (_err, socket) => { socket.destroy(); });
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.upgrade(req, socket, head, answer);
    });
  }

  /** Serve HTTP on an accepted channel. */
  accept(channel: Duplex): void {
    this.channels.add(channel);
    channel.once('close', () => this.channels.delete(channel));
    channel.on('error', () => { /* the SSH side reports connection loss */ });
    this.server.emit('connection', channel);
  }

  close(): void {
    for (const c of this.channels) c.destroy();
    this.channels.clear();
    this.server.close(() => { /* never listened: nothing to report */ });
  }

  private async respond(req: http.IncomingMessage, res: http.ServerResponse, rawBody: string,
    answer: (req: LabRequest) => Promise<BridgeAnswer>): Promise<void> {
    const labReq = labRequest(req, rawBody);
    const out = await answered(answer, labReq);
    if (out === 'drop') { req.socket.destroy(); return; }
    if (res.destroyed || req.socket.destroyed) return;
    const { status, headers, text } = isUpgrade(out) ? refusal(labReq.method, req.headers) : this.serialize(out);
    try {
      res.writeHead(status, headers);
      res.end(labReq.method === 'HEAD' ? undefined : text);
    } catch {
      req.socket.destroy();
    }
  }

  /** A request to switch to the websocket protocol: the daemon answers it as any other first. */
  private async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer,
    answer: (req: LabRequest) => Promise<BridgeAnswer>): Promise<void> {
    socket.on('error', () => { /* the SSH side reports connection loss */ });
    const labReq = labRequest(req, '');
    const out = await answered(answer, labReq);
    if (out === 'drop') { socket.destroy(); return; }
    if (socket.destroyed) return;
    if (isUpgrade(out) && handshakeRefusal(labReq.method, req.headers) === null) {
      acceptWebSocket(req, socket, head, out.upgrade);
      return;
    }
    // The connection is ours now: the answer goes out by hand, and the connection with it.
    const { status, headers, text } = isUpgrade(out) ? refusal(labReq.method, req.headers) : this.serialize(out);
    const lines = [`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'connection: close'];
    socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
  }

  private serialize(out: LabResponse): { status: number; headers: Record<string, string>; text: string } {
    const text = JSON.stringify(out.body) + '\n';
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(out.headers ?? {})) outHeaders[k.toLowerCase()] = v;
    if (outHeaders['content-type'] === undefined) {
      // LXD sets application/json; microcluster's copy of the response code does not on sync
      // responses, so Go's net/http sniffs the JSON as text/plain.
      outHeaders['content-type'] = this.service === 'lxd' || out.status >= 400 ? 'application/json' : 'text/plain; charset=utf-8';
    }
    outHeaders['content-length'] = String(Buffer.byteLength(text));
    return { status: out.status, headers: outHeaders, text };
  }
}

function labRequest(req: http.IncomingMessage, rawBody: string): LabRequest {
  const url = new URL(req.url ?? '/', 'http://unix.socket');
  let path = url.pathname;
  try { path = decodeURIComponent(path); } catch { /* keep it as sent */ }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  let body: unknown;
  if (rawBody.trim() !== '') {
    try { body = JSON.parse(rawBody); } catch { body = undefined; }
  }
  return { method: (req.method ?? 'GET').toUpperCase(), path, query: url.searchParams, headers, body, rawBody, url: req.url ?? '/' };
}

async function answered(answer: (req: LabRequest) => Promise<BridgeAnswer>, req: LabRequest): Promise<BridgeAnswer> {
  try {
    return await answer(req);
  } catch (err) {
    return errorResponse(500, err instanceof Error ? err.message : String(err));
  }
}

/** gorilla's answer to a handshake it refuses: http.Error, the reason as plain text. */
function refusal(method: string, headers: http.IncomingHttpHeaders): { status: number; headers: Record<string, string>; text: string } {
  const r = handshakeRefusal(method, headers) ?? { status: 500, reason: 'lab: the upgrade was refused for no reason gorilla has' };
  const text = `${r.reason}\n`;
  return {
    status: r.status,
    headers: { 'sec-websocket-version': '13', 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'content-length': String(Buffer.byteLength(text)) },
    text,
  };
}
