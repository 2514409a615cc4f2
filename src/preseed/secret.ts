// A value that must never be printed, logged, or written to a plan or journal. Every serialization
// path (JSON, string conversion, util.inspect as used by loggers and console) yields the mask; only
// reveal() gives the value, at the one place that must send it.
import { inspect } from 'node:util';

export const REDACTED = '[REDACTED]';

/** Shorter values are not looked for in text: they would match ordinary words. */
export const MIN_MASKED_LENGTH = 6;

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
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
