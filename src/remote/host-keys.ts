// Host key checking, OpenSSH-compatible and pure (no I/O): fingerprints as `ssh-keygen -lf` prints
// them, known_hosts parsing and matching (hashed entries, [host]:port, pattern lists with * ? and
// !negation, @revoked, @cert-authority), and the line trust-on-first-use appends.
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** `SHA256:<base64 without padding>` of the key blob (the SSH wire encoding of the public key). */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name embedded at the start of a key blob, e.g. "ssh-ed25519". */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return '';
  const len = blob.readUInt32BE(0);
  return len > 0 && 4 + len <= blob.length ? blob.subarray(4, 4 + len).toString('latin1') : '';
}

const FINGERPRINT = /^SHA256:([A-Za-z0-9+/]{43})=?$/;

/** A pinned host key: either a fingerprint, or a public key line ("ssh-ed25519 AAAA… comment"). */
export interface Pin {
  fingerprint: string;
  /** Known only when the pin was a full public key; used to prefer that host key algorithm. */
  keyType?: string;
}

export function parsePin(pin: string): Pin {
  const text = pin.trim();
  const fp = FINGERPRINT.exec(text);
  if (fp) return { fingerprint: `SHA256:${fp[1]}` };
  const [type, b64] = text.split(/\s+/);
  const blob = type && b64 ? decodeKey(type, b64) : null;
  if (blob) return { fingerprint: fingerprint(blob), keyType: type };
  throw new TypeError(
    'host_key must be a SHA256 fingerprint exactly as `ssh-keygen -lf` prints it (SHA256:<43 base64 characters>) ' +
      'or a public key line ("ssh-ed25519 AAAA…")',
  );
}

/** The name known_hosts uses for a destination: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port = 22): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

export type Marker = 'revoked' | 'cert-authority' | null;

export interface KnownHostsEntry {
  /** 1-based, for messages that tell the operator which line to fix. */
  line: number;
  marker: Marker;
  hosts: string;
  keyType: string;
  key: Buffer;
}

/** Parses a known_hosts file; comments, blank and malformed lines are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: Marker = null;
    if (fields[0].startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, type, b64] = fields;
    if (!hosts || !type || !b64) return;
    const key = decodeKey(type, b64);
    if (key) entries.push({ line: i + 1, marker, hosts, keyType: type, key });
  });
  return entries;
}

function decodeKey(type: string, b64: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+=*$/.test(b64)) return null;
  const blob = Buffer.from(b64, 'base64');
  return keyType(blob) === type ? blob : null;
}

/** Whether a known_hosts host field (hashed, or a comma-separated pattern list) covers `name`. */
export function hostMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) return hashedMatches(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern === '') continue;
    const negated = pattern.startsWith('!');
    if (globMatches(negated ? pattern.slice(1) : pattern, name)) {
      // A matching negation vetoes the whole line, whatever else matched.
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function hashedMatches(field: string, name: string): boolean {
  const [, , salt64, hash64] = field.split('|');
  if (!salt64 || !hash64) return false;
  const digest = createHmac('sha1', Buffer.from(salt64, 'base64')).update(name).digest('base64');
  return digest === hash64;
}

function globMatches(pattern: string, name: string): boolean {
  const re = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}

export type KnownHostsVerdict =
  | { status: 'ok'; entry: KnownHostsEntry }
  | { status: 'revoked'; entry: KnownHostsEntry }
  /** No plain entry for the name; `certAuthorityOnly` when only @cert-authority lines covered it. */
  | { status: 'unknown'; certAuthorityOnly: boolean }
  /** Entries exist for the name but none holds the presented key (any type mismatch counts too). */
  | { status: 'changed'; expected: KnownHostsEntry[] };

export function checkKnownHosts(entries: readonly KnownHostsEntry[], name: string, presented: Buffer): KnownHostsVerdict {
  const forHost = entries.filter((e) => hostMatches(e.hosts, name));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.key.equals(presented));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === null);
  const match = plain.find((e) => e.key.equals(presented));
  if (match) return { status: 'ok', entry: match };
  if (plain.length === 0) {
    return { status: 'unknown', certAuthorityOnly: forHost.some((e) => e.marker === 'cert-authority') };
  }
  return { status: 'changed', expected: plain };
}

/** Host key types known for `name`, so the handshake can prefer them as OpenSSH does. */
export function knownKeyTypes(entries: readonly KnownHostsEntry[], name: string): string[] {
  const types = entries.filter((e) => e.marker === null && hostMatches(e.hosts, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** A known_hosts line for `name` and key, plain or hashed (`|1|salt|hmac`), newline-terminated. */
export function knownHostsLine(name: string, blob: Buffer, opts: { hash?: boolean; salt?: Buffer } = {}): string {
  let hosts = name;
  if (opts.hash) {
    const salt = opts.salt ?? randomBytes(20);
    hosts = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  }
  return `${hosts} ${keyType(blob)} ${blob.toString('base64')}\n`;
}
