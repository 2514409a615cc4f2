// Logging for people on a terminal and JSON lines for pipelines, always on stderr so stdout stays
// the command's result. Secrets never reach a transport: values registered as secret and fields
// whose names say secret are masked before any format sees them.
import winston from 'winston';
import { REDACTED } from '../preseed/secret.js';

export type LogFormat = 'text' | 'json';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const SECRET_FIELD = /passphrase|password|secret|token|private_?key|identity_contents/i;

export class SecretRegistry {
  readonly #values = new Set<string>();

  add(value: string): void {
    // Very short values would mask ordinary words everywhere; MicroCloud's passphrases are long.
    if (value.length >= 4) this.#values.add(value);
  }

  scrub(text: string): string {
    let out = text;
    for (const v of this.#values) out = out.split(v).join(REDACTED);
    return out;
  }
}

function scrubValue(value: unknown, secrets: SecretRegistry, depth = 0): unknown {
  if (typeof value === 'string') return secrets.scrub(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? REDACTED : scrubValue(v, secrets, depth + 1);
  return out;
}

export function createLogger(opts: { format: LogFormat; level: LogLevel; secrets: SecretRegistry; stream: NodeJS.WritableStream; color: boolean }): winston.Logger {
  const redact = winston.format((info) => {
    for (const key of Object.keys(info)) {
      info[key] = SECRET_FIELD.test(key) ? REDACTED : scrubValue(info[key], opts.secrets);
    }
    return info;
  });
  const text = winston.format.printf((info) => {
    const { level, message, timestamp: _t, ...meta } = info;
    const extra = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
    return `${level}: ${String(message)}${extra}`;
  });
  const format =
    opts.format === 'json'
      ? winston.format.combine(redact(), winston.format.timestamp(), winston.format.json())
      : winston.format.combine(redact(), ...(opts.color ? [winston.format.colorize()] : []), text);
  const logger = winston.createLogger({
    level: opts.level,
    format,
    transports: [new winston.transports.Stream({ stream: opts.stream })],
  });
  // winston formats and streams every message before its transport drops those below the level;
  // the remote layer logs each command and request at debug, a few percent of a plan's CPU.
  const threshold = logger.levels[opts.level] ?? 0;
  for (const [name, rank] of Object.entries(logger.levels)) {
    if (rank > threshold) (logger as unknown as Record<string, winston.LeveledLogMethod>)[name] = () => logger;
  }
  return logger;
}
