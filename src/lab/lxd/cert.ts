// Self-signed X.509 certificates like the ones LXD generates (ECDSA P-384, O=LXD, CN=root@<host>),
// built with a minimal DER encoder and signed with node:crypto so that X509Certificate parses them
// and the fingerprint (sha256 of the DER bytes) is what a pinning client computes.
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';

export interface CertInfo {
  pem: string;
  der: Buffer;
  /** lower-case hex sha256 of the DER bytes (shared.CertFingerprint). */
  fingerprint: string;
}

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) { bytes.unshift(n & 0xff); n >>= 8; }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * (parts[0] as number) + (parts[1] as number)];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) { stack.unshift((v & 0x7f) | 0x80); v = Math.floor(v / 128); }
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}
function integer(bytes: Buffer): Buffer {
  const b = (bytes[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return tlv(0x02, b);
}
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
function time(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const y = d.getUTCFullYear();
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return y < 2050 ? tlv(0x17, Buffer.from(`${String(y).slice(2)}${rest}`)) : tlv(0x18, Buffer.from(`${y}${rest}`));
}
function name(org: string, cn: string): Buffer {
  return seq(set(seq(oid('2.5.4.10'), utf8(org))), set(seq(oid('2.5.4.3'), utf8(cn))));
}

function toPem(der: Buffer): string {
  const b64 = der.toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export function fingerprintOf(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** A fresh self-signed server certificate for `hostname`, valid for ten years. */
export function generateServerCert(hostname: string, now = new Date()): CertInfo {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const sigAlg = seq(oid('1.2.840.10045.4.3.3')); // ecdsa-with-SHA384
  const serial = randomBytes(16);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01; // positive and minimally encoded (no leading zero byte)
  const subject = name('LXD', `root@${hostname}`);
  const notAfter = new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000);
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    sigAlg,
    subject,
    seq(time(now), time(notAfter)),
    subject,
    spki,
  );
  const signature = sign('sha384', tbs, privateKey);
  const der = seq(tbs, sigAlg, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return { der, pem: toPem(der), fingerprint: fingerprintOf(der) };
}

/** Parse PEM text (first CERTIFICATE block) to DER; undefined when it is not a certificate. */
export function pemToDer(pem: string): Buffer | undefined {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) return undefined;
  const der = Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64');
  try {
    new X509Certificate(der);
    return der;
  } catch {
    return undefined;
  }
}

/** Go's base64.StdEncoding.DecodeString, strict: returns the byte index of the first bad byte. */
export function strictBase64(s: string): { ok: true; data: Buffer } | { ok: false; badIndex: number } {
  const alphabet = /[A-Za-z0-9+/]/;
  let i = 0;
  for (; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '=') break;
    if (!alphabet.test(ch)) return { ok: false, badIndex: i };
  }
  const dataLen = i;
  let pad = 0;
  for (; i < s.length; i++) {
    if (s[i] !== '=') return { ok: false, badIndex: i };
    pad++;
  }
  if ((dataLen + pad) % 4 !== 0 || pad > 2 || (pad > 0 && dataLen % 4 === 1)) {
    return { ok: false, badIndex: Math.min(s.length, dataLen - (dataLen % 4)) };
  }
  return { ok: true, data: Buffer.from(s, 'base64') };
}

/** PEM from DER (certificate), for certificates posted as base64 DER. */
export function derToCert(der: Buffer): CertInfo | undefined {
  try {
    new X509Certificate(der);
  } catch {
    return undefined;
  }
  return { der, pem: toPem(der), fingerprint: fingerprintOf(der) };
}
