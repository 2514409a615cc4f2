// SSH keys for the lab: ed25519 pairs in OpenSSH formats (so OpenSSH's own `ssh -i` and
// `ssh-keygen -lf` accept them) and fingerprints exactly as `ssh-keygen -lf` prints them.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';

const { utils } = ssh2;

const sshString = (b: Buffer | string): Buffer => {
  const data = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
};
const uint32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

export interface SshKeyPair {
  /** "-----BEGIN OPENSSH PRIVATE KEY-----…" */
  privateKey: string;
  /** An authorized_keys / .pub line: "ssh-ed25519 AAAA… comment" */
  publicKey: string;
}

/**
 * A new ed25519 pair, encoded here from node:crypto's raw key material. (ssh2's own
 * generateKeyPairSync drops a leading zero byte of the public key, so about one key in 256 comes
 * out malformed, for ssh2 and OpenSSH alike.) The format is OpenSSH's "openssh-key-v1",
 * unencrypted, as `ssh-keygen -t ed25519 -N ''` writes it.
 */
export function generateEd25519(comment: string): SshKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The raw keys are the last 32 bytes of the DER forms (SPKI and PKCS#8 for ed25519 have fixed
  // prefixes). Not JWK: exporting ed25519 keys as JWK deadlocks now and then on Node 20.
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4).readUInt32BE();
  let priv = Buffer.concat([
    uint32(check), uint32(check), sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment),
  ]);
  const pad = (8 - (priv.length % 8)) % 8;
  priv = Buffer.concat([priv, Buffer.from(Array.from({ length: pad }, (_, k) => k + 1))]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'), sshString('none'), sshString('none'), sshString(''), uint32(1), sshString(blob), sshString(priv),
  ]).toString('base64');
  const pem = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.match(/.{1,70}/g)!.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
  return { privateKey: pem, publicKey: `ssh-ed25519 ${blob.toString('base64')}${comment ? ` ${comment}` : ''}` };
}

/** The public half of an OpenSSH private key, as a .pub line. */
export function publicKeyOf(privateKey: string, comment = ''): string {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`not a usable private key: ${parsed.message}`);
  const line = `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`;
  return comment ? `${line} ${comment}` : line;
}

/** The wire-format public key blob of a .pub line ("type base64 [comment]"). */
export function publicKeyBlob(publicKeyLine: string): Buffer {
  const b64 = publicKeyLine.trim().split(/\s+/)[1];
  if (!b64) throw new Error(`not an OpenSSH public key line: ${JSON.stringify(publicKeyLine)}`);
  return Buffer.from(b64, 'base64');
}

/** `SHA256:<base64 without padding>` of the key blob, like `ssh-keygen -lf`. */
export function sshFingerprint(key: string | Buffer): string {
  const blob = typeof key === 'string' ? publicKeyBlob(key) : key;
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}
