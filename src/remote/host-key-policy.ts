// Deciding whether to accept the key a server presents: the pinned fingerprint when there is one,
// else the known_hosts file. Trust on first use happens only when asked for, only for an unknown
// host (never a changed or revoked key), and records the key so the next run checks it.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HostKeyMismatch, Unreachable } from './errors.js';
import {
  checkKnownHosts,
  fingerprint,
  keyType,
  knownHostsLine,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  parsePin,
  type KnownHostsEntry,
} from './host-keys.js';
import type { RemoteLogger } from './types.js';

export interface HostKeyPolicyInput {
  /** Machine name for messages. */
  name: string;
  host: string;
  port: number;
  pin?: string;
  knownHostsFile: string;
  trustOnFirstUse: boolean;
  hashKnownHosts: boolean;
  logger: RemoteLogger;
}

export interface HostKeyPolicy {
  /** Host key algorithms to prefer in the handshake, so the server presents a key we can check. */
  preferredTypes: string[];
  /** Resolves null when the key is accepted (and recorded, under TOFU), else the refusal. */
  verify(blob: Buffer): Promise<HostKeyMismatch | null>;
}

export async function loadHostKeyPolicy(input: HostKeyPolicyInput): Promise<HostKeyPolicy> {
  const where = `${input.host}:${input.port}`;
  if (input.pin) {
    let pin: ReturnType<typeof parsePin>;
    try {
      pin = parsePin(input.pin);
    } catch (err) {
      throw new TypeError(`${input.name}: ${(err as Error).message}`);
    }
    return {
      preferredTypes: pin.keyType ? [pin.keyType] : [],
      verify: async (blob) => {
        const presented = fingerprint(blob);
        if (presented === pin.fingerprint) return null;
        return new HostKeyMismatch(input.name, 'changed', [pin.fingerprint], presented,
          `${input.name}: host key mismatch for ${where}: expected ${pin.fingerprint} (pinned host_key), ` +
            `presented ${presented} (${keyType(blob)}). The machine may have been reinstalled, or the connection ` +
            `is being intercepted. Check it on the machine (${keygenHint(blob)}) and update host_key only if ` +
            'they agree. A machine with several host keys presents this type unless host_key is a full public ' +
            'key line ("<type> AAAA…"), which selects its type.');
      },
    };
  }

  const file = input.knownHostsFile;
  const name = knownHostsName(input.host, input.port);
  let entries: KnownHostsEntry[];
  try {
    entries = await readKnownHosts(file);
  } catch (err) {
    throw new Unreachable(input.name,
      `${input.name}: cannot read known_hosts file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}), ` +
        'so the host key cannot be checked', { transient: false, cause: err });
  }
  return {
    preferredTypes: knownKeyTypes(entries, name),
    verify: async (blob) => {
      const presented = fingerprint(blob);
      const type = keyType(blob);
      const verdict = checkKnownHosts(entries, name, blob);
      switch (verdict.status) {
        case 'ok':
          return null;
        case 'revoked':
          return new HostKeyMismatch(input.name, 'revoked', [], presented,
            `${input.name}: host key ${presented} (${type}) presented by ${where} is marked @revoked in ` +
              `${file} line ${verdict.entry.line}; refusing to connect.`);
        case 'changed': {
          const expected = verdict.expected.map((e) => fingerprint(e.key));
          const lines = verdict.expected.map((e) => `${e.line}`).join(', ');
          return new HostKeyMismatch(input.name, 'changed', expected, presented,
            `${input.name}: HOST KEY CHANGED for ${where}: expected ${describe(verdict.expected)} ` +
              `(${file} line ${lines}), presented ${presented} (${type}). The machine may have been reinstalled, ` +
              `or the connection is being intercepted. Verify the new key on the machine ` +
              `(${keygenHint(blob)}), then remove the old entry ` +
              `(ssh-keygen -R '${name}' -f ${file}). Trust on first use never replaces a known key.`);
        }
        case 'unknown': {
          if (input.trustOnFirstUse) {
            await recordKey(file, name, blob, input.hashKnownHosts);
            entries.push(...parseKnownHosts(knownHostsLine(name, blob)));
            input.logger.warn('trusted host key on first use', { host: input.name, address: where, fingerprint: presented, file });
            return null;
          }
          const ca = verdict.certAuthorityOnly
            ? ' Only @cert-authority lines cover this host, and host certificates are not supported.'
            : '';
          return new HostKeyMismatch(input.name, 'unknown', [], presented,
            `${input.name}: unknown host ${where}: expected no key (no entry for ${name} in ${file}), ` +
              `presented ${presented} (${type}).${ca} Compare it with \`${keygenHint(blob)}\` on the machine, ` +
              `then pin it as host_key or add it to ${file}; trust on first use happens only ` +
              `when explicitly enabled.`);
        }
      }
    },
  };
}

// Where the presented key lives on a stock Debian/Ubuntu machine, so the operator can compare.
function keygenHint(blob: Buffer): string {
  const type = keyType(blob);
  const file = type === 'ssh-ed25519' ? 'ed25519' : type.startsWith('ecdsa-') ? 'ecdsa' : type === 'ssh-rsa' ? 'rsa' : '*';
  return `ssh-keygen -lf /etc/ssh/ssh_host_${file}_key.pub`;
}

function describe(entries: readonly KnownHostsEntry[]): string {
  return entries.map((e) => `${fingerprint(e.key)} (${e.keyType})`).join(' or ');
}

async function readKnownHosts(file: string): Promise<KnownHostsEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function recordKey(file: string, name: string, blob: Buffer, hash: boolean): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const current = await readFile(file);
    // Appending to a file without a final newline would glue our entry onto its last line.
    if (current.length > 0 && current[current.length - 1] !== 0x0a) prefix = '\n';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await appendFile(file, prefix + knownHostsLine(name, blob, { hash }), { mode: 0o600 });
}
