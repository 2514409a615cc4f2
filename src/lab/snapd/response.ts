// snapd's response envelope and its error responders, as canonical/snapd daemon/response.go
// (respJSON: type, status-code, status, result, change) and daemon/errors.go (apiError, the
// SnapNotFound, SnapNotInstalled, AlreadyInstalled, SnapRevisionNotAvailable, SnapChangeConflict
// responders, errToResponse's fallback) build them at bee548f7. Always application/json.
import type { LabResponse } from '../types.js';

/** Go's http.StatusText for the codes snapd answers with. */
const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 202: 'Accepted', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 500: 'Internal Server Error', 501: 'Not Implemented',
};

const JSON_HEADERS = { 'Content-Type': 'application/json' };

function envelope(type: 'sync' | 'async' | 'error', status: number, result: unknown, extra: Record<string, unknown> = {}): LabResponse {
  return { status, headers: JSON_HEADERS, body: { type, 'status-code': status, status: STATUS_TEXT[status] ?? '', result, ...extra } };
}

export const sync = (result: unknown, extra: Record<string, unknown> = {}): LabResponse => envelope('sync', 200, result, extra);

/** A change was made: 202, `result` null, the change's id as a string. */
export const accepted = (change: string): LabResponse => envelope('async', 202, null, { change });

/** `kind` and `value` are omitted when empty (errorResult's omitempty); `message` never is. */
export function apiError(status: number, message: string, kind?: string, value?: unknown): LabResponse {
  return envelope('error', status, {
    message, ...(kind ? { kind } : {}), ...(value !== undefined && value !== '' ? { value } : {}),
  });
}

export const badRequest = (message: string): LabResponse => apiError(400, message);

/** What an authenticated route answers a peer that is not root and that polkit does not authorise
 *  (daemon/access.go checkAccess → checkPolkitAction: Unauthorized, kind login-required). */
export const accessDenied = (): LabResponse => apiError(401, 'access denied', 'login-required');

export const snapNotFound = (name: string, message = 'snap not found'): LabResponse => apiError(404, message, 'snap-not-found', name);

export const notInstalled = (name: string): LabResponse => apiError(400, `snap "${name}" is not installed`, 'snap-not-installed', name);

export const alreadyInstalled = (name: string): LabResponse =>
  apiError(400, `snap "${name}" is already installed`, 'snap-already-installed', { snaps: [name] });

export const noUpdateAvailable = (): LabResponse => apiError(400, 'snap has no updates available', 'snap-no-update-available');

/** The store has the snap, not on that channel: every release it has is listed (amd64 only here). */
export const channelNotAvailable = (name: string, action: string, channel: string, releases: string[]): LabResponse =>
  apiError(404, 'no snap revision on specified channel', 'snap-channel-not-available', {
    'snap-name': name, action, channel, architecture: 'amd64',
    releases: releases.map((c) => ({ architecture: 'amd64', channel: c })),
  });

export const revisionNotAvailable = (name: string): LabResponse =>
  apiError(404, 'no snap revision available as specified', 'snap-revision-not-available', name);

export const changeConflict = (name: string, changeKind: string): LabResponse =>
  apiError(409, `snap "${name}" has "${changeKind}" change in progress`, 'snap-change-conflict', { 'snap-name': name, 'change-kind': changeKind });

/** Go's strutil.Quoted: each name %q-quoted, joined by ", ". */
export const quoted = (names: readonly string[]): string => names.map((n) => JSON.stringify(n)).join(', ');

/** errToResponse's fallback for an error it has no kind for: "cannot <action> <snaps>: <error>". */
export const cannot = (action: string, snaps: readonly string[], err: string): LabResponse =>
  badRequest(snaps.length === 0 ? `cannot ${action}: ${err}` : `cannot ${action} ${quoted(snaps)}: ${err}`);

/** A request the lab understands but does not model: say so, as the other lab daemons do. */
export const notSimulated = (what: string): LabResponse => apiError(501, `lab: ${what} is not simulated`);
