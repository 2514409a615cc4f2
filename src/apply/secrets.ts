// Secrets minted or read during a run (join tokens, their embedded secrets, the passphrase, secret
// lxd.config values) and the one place that removes them from anything written out: journal lines,
// progress events, reports. Values are masked wherever they appear; fields whose names say "secret"
// are masked whatever they hold. Secrets a plan refers to by name are handed to steps from here.
import { MIN_MASKED_LENGTH, REDACTED, type Secret } from '../preseed/secret.js';

export { REDACTED };

const SECRET_FIELD = /passphrase|password|secret|token|private_?key/i;

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
    let out = text;
    for (const v of this.#values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  /** A deep copy with every registered value masked and every secret-named field replaced. */
  redact<T>(value: T): T {
    return redactValue(value, this, 0) as T;
  }
}

function redactValue(value: unknown, secrets: SecretSet, depth: number): unknown {
  if (typeof value === 'string') return secrets.scrub(value);
  if (depth > 10 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_FIELD.test(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redactValue(v, secrets, depth + 1);
  }
  return out;
}
