// The response envelope shared by LXD and every microcluster daemon (rest-apis.md §0). The Go struct has
// no omitempty, so every key is always present; the simulator must produce exactly these shapes.
import type { LabResponse } from './types.js';

export function syncResponse(metadata: unknown = {}, status = 200, headers?: Record<string, string>): LabResponse {
  return {
    status,
    ...(headers ? { headers } : {}),
    body: { type: 'sync', status: 'Success', status_code: 200, operation: '', error_code: 0, error: '', metadata },
  };
}

/** "Created" responses: HTTP 201, metadata null, Location header. */
export function createdResponse(location: string): LabResponse {
  return syncResponse(null, 201, { Location: location });
}

/** Async: HTTP 202, Location of the operation, metadata is the Operation object. */
export function asyncResponse(operationUrl: string, operation: unknown): LabResponse {
  return {
    status: 202,
    headers: { Location: operationUrl },
    body: {
      type: 'async', status: 'Operation created', status_code: 100, operation: operationUrl,
      error_code: 0, error: '', metadata: operation,
    },
  };
}

/** Error: HTTP status equals error_code. `httpStatus` differs only for the error-under-200 of /wait. */
export function errorResponse(code: number, message: string, httpStatus: number = code): LabResponse {
  return {
    status: httpStatus,
    headers: { 'X-Content-Type-Options': 'nosniff' },
    body: { type: 'error', status: '', status_code: 0, operation: '', error_code: code, error: message, metadata: null },
  };
}
