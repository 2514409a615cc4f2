// Errors as LXD's Go code produces them: a message plus the HTTP status LXD's response.SmartError
// would pick (a typed api.StatusError keeps its code; a plain Go error becomes 500).

export class LxdError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
    this.name = 'LxdError';
  }
}

/** api.StatusErrorf(code, …) */
export function statusError(code: number, message: string): LxdError {
  return new LxdError(code, message);
}

/** fmt.Errorf(…) — a plain error; SmartError maps it to 500. */
export function plainError(message: string): LxdError {
  return new LxdError(500, message);
}

/** response.BadRequest(err): always 400, whatever err carried. */
export function badRequest(message: string): LxdError {
  return new LxdError(400, message);
}

/** fmt.Errorf("prefix: %w", err): keeps the wrapped status code (errors.As finds it). */
export function wrap(prefix: string, err: unknown): LxdError {
  const e = toLxdError(err);
  return new LxdError(e.code, `${prefix}: ${e.message}`);
}

/** Like wrap, but the wrapped error's status is lost (the cause came back as text over HTTP
 *  in a client that does not keep status codes, or was rendered by response.InternalError). */
export function wrapPlain(prefix: string, err: unknown): LxdError {
  return plainError(`${prefix}: ${toLxdError(err).message}`);
}

export function toLxdError(err: unknown): LxdError {
  if (err instanceof LxdError) return err;
  if (err instanceof Error) return plainError(err.message);
  return plainError(String(err));
}

/** Go's context errors, as their Error() text reads. */
export const CONTEXT_CANCELED = 'context canceled';
export const CONTEXT_DEADLINE = 'context deadline exceeded';
