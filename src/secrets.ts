// Secrets, in one place for the whole program: the Secret wrapper, the one mask, the one rule for
// which names are secret, the one minimum length of a value worth looking for, and the one set of
// values that every output path (logs, journal, progress, reports, error messages) is scrubbed of.
// It sits below every layer (pure, importing nothing from the project), so that all of them,
// the remote layer included, share it.
import { inspect } from 'node:util';

/** What a secret looks like wherever it would have been shown. */
export const REDACTED = '[REDACTED]';

/** Shorter values are not looked for in text: they would match ordinary words. */
export const MIN_MASKED_LENGTH = 6;

/**
 * A value that must never be printed, logged, or written to a plan or journal. Every serialization
 * path (JSON, string conversion, util.inspect as used by loggers and console) yields the mask; only
 * reveal() gives the value, at the one place that must send it. A Buffer holds bytes a string cannot
 * (a command argument that is not UTF-8).
 */
export class Secret<T extends string | Buffer = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Field names holding a secret, wherever the word appears in them (join_token, privateKey, identity_contents…). */
const SECRET_WORD = /passphrase|password|secret|token|private|identity_contents/i;
/**
 * Dotted names are LXD config keys, whose last part says it: core.trust_password, maas.api.key,
 * network.ovn.client_key, oidc.client.secret; not cluster.join_token_expiry or core.auth_secret_expiry.
 */
const SECRET_CONFIG_KEY = /(?:password|[._]key|secret|token)$/;

/** The one rule for whether a key or field name holds a secret. */
export function isSecretName(name: string): boolean {
  return name.includes('.') ? SECRET_CONFIG_KEY.test(name) : SECRET_WORD.test(name);
}

/** Replaces every occurrence of each of `values` in `text` with the mask (no minimum length: the caller chose them). */
export function maskValues(text: string, values: Iterable<string | Buffer>): string {
  let out = text;
  for (const v of values) {
    const needle = typeof v === 'string' ? v : v.toString('utf8');
    if (needle.length > 0 && out.includes(needle)) out = out.split(needle).join(REDACTED);
  }
  return out;
}

/**
 * The secrets of a run (the passphrase, join tokens and their embedded secrets, secret lxd.config
 * values): scrubbed from any text, and from any value written out, where fields whose names say
 * secret are masked whatever they hold. Secrets a plan refers to by name are handed to steps from here.
 */
export class SecretSet {
  readonly #values = new Set<string>();
  readonly #named = new Map<string, Secret>();

  /** Registers a value; very short ones are ignored (they would mask ordinary words). */
  add(value: string | null | undefined): void {
    if (value && value.length >= MIN_MASKED_LENGTH) this.#values.add(value);
  }

  /** A secret the plan names instead of holding (a secret lxd.config value): masked, and kept for the step that sends it. */
  provide(name: string, secret: Secret): void {
    this.#named.set(name, secret);
    this.add(secret.reveal());
  }

  /** The secret provided under `name`, if this run was given it. */
  named(name: string): Secret | undefined {
    return this.#named.get(name);
  }

  get size(): number {
    return this.#values.size;
  }

  scrub(text: string): string {
    return maskValues(text, this.#values);
  }

  /** A deep copy with every registered value masked and every secret-named field replaced. */
  redact<T>(value: T): T {
    return redactValue(value, this, 0) as T;
  }
}

function redactValue(value: unknown, secrets: SecretSet, depth: number): unknown {
  if (typeof value === 'string') return secrets.scrub(value);
  if (value instanceof Secret) return REDACTED;
  if (depth > 10 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretName(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redactValue(v, secrets, depth + 1);
  }
  return out;
}
