// Logging for people on a terminal and JSON lines for pipelines, always on stderr so stdout stays
// the command's result. Secrets never reach a transport: values registered as secret and fields
// whose names say secret are masked before any format sees them.
import winston from 'winston';
import { SecretSet } from '../secrets.js';
import { visible } from '../preseed/text.js';


export type LogFormat = 'text' | 'json';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export function createLogger(opts: { format: LogFormat; level: LogLevel; secrets: SecretSet; stream: NodeJS.WritableStream; color: boolean }): winston.Logger {
  // In place: winston keeps its own state (level, message) under symbol keys of the same object.
  const redact = winston.format((info) => Object.assign(info, opts.secrets.redact({ ...info })));
  const text = winston.format.printf((info) => {
    const { level, message, timestamp: _t, ...meta } = info;
    const extra = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
    // Messages quote what machines said; the level may carry colorize's own escapes, the rest may not.
    return `${level}: ${visible(`${String(message)}${extra}`)}`;
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
