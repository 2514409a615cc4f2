// One HTTP server per simulated daemon socket. It never listens: the SSH server hands it each
// accepted stream-local channel with `server.emit('connection', channel)`, as a unix socket would.
// It turns each request into a LabRequest, awaits the answer and writes it as the daemons do
// (compact JSON and a newline, like Go's json.Encoder).
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { errorResponse } from './envelope.js';
import type { LabRequest, LabResponse, LabService } from './types.js';

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
    const url = new URL(req.url ?? '/', 'http://unix.socket');
    let path = url.pathname;
    try { path = decodeURIComponent(path); } catch { /* keep it as sent */ }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    let body: unknown;
    if (rawBody.trim() !== '') {
      try { body = JSON.parse(rawBody); } catch { body = undefined; }
    }
    const labReq: LabRequest = {
      method: (req.method ?? 'GET').toUpperCase(), path, query: url.searchParams, headers, body, rawBody, url: req.url ?? '/',
    };
    let out: BridgeAnswer;
    try {
      out = await answer(labReq);
    } catch (err) {
      out = errorResponse(500, err instanceof Error ? err.message : String(err));
    }
    if (out === 'drop') { req.socket.destroy(); return; }
    if (res.destroyed || req.socket.destroyed) return;
    const text = JSON.stringify(out.body) + '\n';
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(out.headers ?? {})) outHeaders[k.toLowerCase()] = v;
    if (outHeaders['content-type'] === undefined) {
      // LXD sets application/json; microcluster's copy of the response code does not on sync
      // responses, so Go's net/http sniffs the JSON as text/plain.
      outHeaders['content-type'] = this.service === 'lxd' || out.status >= 400 ? 'application/json' : 'text/plain; charset=utf-8';
    }
    outHeaders['content-length'] = String(Buffer.byteLength(text));
    try {
      res.writeHead(out.status, outHeaders);
      res.end(labReq.method === 'HEAD' ? undefined : text);
    } catch {
      req.socket.destroy();
    }
  }
}
