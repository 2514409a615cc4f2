// RFC 6455 framing, for both ends: the client (websocket.ts) masks what it sends and refuses masked
// frames; a server (the lab's daemons) does the opposite. Only what a JSON message protocol needs:
// text/binary messages (fragmented or not), close, ping and pong; no extensions (none is offered
// in the handshake, so a frame with an RSV bit set is a protocol error, §5.2).
import { createHash, randomBytes } from 'node:crypto';

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Close codes of §7.4.1 that the framing itself uses. */
export const CLOSE = { normal: 1000, protocolError: 1002, invalidData: 1007, tooBig: 1009 } as const;

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key (§4.2.2 step 5.4). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(`${key}${GUID}`).digest('base64');
}

/** A fresh Sec-WebSocket-Key: 16 random bytes, base64 (§4.1). */
export function newKey(): string {
  return randomBytes(16).toString('base64');
}

/** A violation of the framing by the peer; `code` is the close code to answer with. */
export class FrameError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'FrameError';
    this.code = code;
  }
}

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** One frame, FIN set. `mask` is the client's: 4 bytes (fresh random ones when true), or none. */
export function encodeFrame(opcode: number, payload: Buffer, mask: boolean | Buffer): Buffer {
  const key = mask === true ? randomBytes(4) : mask === false ? null : mask;
  const len = payload.length;
  const extra = len < 126 ? 0 : len < 0x10000 ? 2 : 8;
  const head = Buffer.alloc(2 + extra + (key ? 4 : 0));
  head[0] = 0x80 | opcode;
  head[1] = (key ? 0x80 : 0) | (extra === 0 ? len : extra === 2 ? 126 : 127);
  if (extra === 2) head.writeUInt16BE(len, 2);
  if (extra === 8) head.writeBigUInt64BE(BigInt(len), 2);
  if (!key) return Buffer.concat([head, payload]);
  key.copy(head, 2 + extra);
  const body = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ key[i & 3]!;
  return Buffer.concat([head, body]);
}

/** A close frame's payload: the code and a reason cut to fit the 125-byte control frame limit (§5.5). */
export function closePayload(code: number, reason = ''): Buffer {
  const chars = Array.from(reason);
  let text = Buffer.from(reason, 'utf8');
  while (text.length > 123) text = Buffer.from((chars.pop(), chars.join('')), 'utf8');
  const out = Buffer.alloc(2 + text.length);
  out.writeUInt16BE(code, 0);
  text.copy(out, 2);
  return out;
}

export interface FrameReaderOptions {
  /** Whether the peer's frames must be masked (a server reading a client) or must not be. */
  masked: boolean;
  /** Largest payload accepted, per frame and per reassembled message. */
  maxPayload: number;
}

/** Reads frames from a byte stream, in the order they arrive; keeps an incomplete frame for later. */
export class FrameReader {
  readonly #opts: FrameReaderOptions;
  #buffer: Buffer = Buffer.alloc(0);

  constructor(opts: FrameReaderOptions) {
    this.#opts = opts;
  }

  /** Every complete frame that `chunk` finishes; throws FrameError on a framing violation. */
  push(chunk: Buffer): Frame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.#one();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  #one(): Frame | null {
    const b = this.#buffer;
    if (b.length < 2) return null;
    const fin = (b[0]! & 0x80) !== 0;
    const opcode = b[0]! & 0x0f;
    if ((b[0]! & 0x70) !== 0) throw new FrameError(CLOSE.protocolError, 'a frame has reserved bits set (no extension was agreed)');
    if (![0x0, 0x1, 0x2, 0x8, 0x9, 0xa].includes(opcode)) throw new FrameError(CLOSE.protocolError, `unknown frame opcode 0x${opcode.toString(16)}`);
    const masked = (b[1]! & 0x80) !== 0;
    if (masked !== this.#opts.masked) {
      throw new FrameError(CLOSE.protocolError, this.#opts.masked ? 'a client frame is not masked' : 'a server frame is masked');
    }
    let len = b[1]! & 0x7f;
    let at = 2;
    if (len === 126) {
      if (b.length < 4) return null;
      len = b.readUInt16BE(2);
      at = 4;
    } else if (len === 127) {
      if (b.length < 10) return null;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(this.#opts.maxPayload)) throw new FrameError(CLOSE.tooBig, `a frame of ${big} bytes is over the limit of ${this.#opts.maxPayload}`);
      len = Number(big);
      at = 10;
    }
    if (opcode >= 0x8 && (!fin || len > 125)) throw new FrameError(CLOSE.protocolError, 'a control frame is fragmented or longer than 125 bytes');
    if (len > this.#opts.maxPayload) throw new FrameError(CLOSE.tooBig, `a frame of ${len} bytes is over the limit of ${this.#opts.maxPayload}`);
    const keyAt = at;
    if (masked) at += 4;
    if (b.length < at + len) return null;
    const payload = Buffer.from(b.subarray(at, at + len));
    if (masked) for (let i = 0; i < len; i++) payload[i] = payload[i]! ^ b[keyAt + (i & 3)]!;
    this.#buffer = b.subarray(at + len);
    return { fin, opcode, payload };
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reassembles messages from frames (§5.4): data frames and their continuations, with control
 * frames allowed in between. Returns the message a frame completes, or the control frame itself.
 */
export class MessageAssembler {
  readonly #max: number;
  #opcode: number | null = null;
  #parts: Buffer[] = [];
  #size = 0;

  constructor(maxPayload: number) {
    this.#max = maxPayload;
  }

  add(frame: Frame): { kind: 'message'; text: string } | { kind: 'binary'; data: Buffer } | { kind: 'control'; frame: Frame } | null {
    if (frame.opcode >= 0x8) return { kind: 'control', frame };
    if (frame.opcode === OPCODE.continuation) {
      if (this.#opcode === null) throw new FrameError(CLOSE.protocolError, 'a continuation frame without a message to continue');
    } else {
      if (this.#opcode !== null) throw new FrameError(CLOSE.protocolError, 'a new message started before the last one ended');
      this.#opcode = frame.opcode;
    }
    this.#size += frame.payload.length;
    if (this.#size > this.#max) throw new FrameError(CLOSE.tooBig, `a message over the limit of ${this.#max} bytes`);
    this.#parts.push(frame.payload);
    if (!frame.fin) return null;
    const data = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
    const opcode = this.#opcode;
    this.#opcode = null;
    this.#parts = [];
    this.#size = 0;
    if (opcode === OPCODE.binary) return { kind: 'binary', data };
    try {
      return { kind: 'message', text: UTF8.decode(data) };
    } catch {
      throw new FrameError(CLOSE.invalidData, 'a text message is not valid UTF-8');
    }
  }
}
