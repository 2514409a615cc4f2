// What the microcluster daemons' Go code does with its inputs, reproduced closely enough that the
// lab answers with the same errors: encoding/json decoding into a struct, net/netip and net parsing,
// LXD's hostname validation, and how errors carry an HTTP status through response.SmartError.

/** An error as the Go daemons produce it: a message plus the status SmartError would pick
 *  (a typed api.StatusError keeps its code; a plain Go error becomes 500). */
export class ApiError extends Error {
  readonly status: number;
  constructor(message: string, status = 500) {
    super(message);
    this.status = status;
    this.name = 'ApiError';
  }
}

/** fmt.Errorf(...): a plain Go error (500 through SmartError). */
export const plainError = (message: string): ApiError => new ApiError(message, 500);
/** api.StatusErrorf(code, ...). */
export const statusError = (status: number, message: string): ApiError => new ApiError(message, status);

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function statusOf(err: unknown): number {
  return err instanceof ApiError ? err.status : 500;
}

/** fmt.Errorf(prefix + "%w", err): the message grows, errors.As still finds the status. */
export function wrapError(prefix: string, err: unknown): ApiError {
  return new ApiError(prefix + messageOf(err), statusOf(err));
}

// ---- encoding/json ----------------------------------------------------------------------------

export type FieldKind =
  | 'string' | 'bool' | 'int64' | 'stringArray' | 'stringMap' | 'any'
  /** *string: null stays null, anything else must be a string. */
  | 'stringPtr'
  /** types.AddrPort: a JSON string run through netip.ParseAddrPort by its UnmarshalJSON. */
  | 'addrport'
  | 'addrportArray';

/** A Go struct as encoding/json sees it: its type name and its fields by JSON key. */
export interface StructSpec {
  /** The package-qualified type, for "Go value of type types.Control". */
  goType: string;
  fields: Record<string, FieldKind>;
}

const GO_TYPE: Record<FieldKind, string> = {
  string: 'string', stringPtr: 'string', bool: 'bool', int64: 'int64', stringArray: '[]string', stringMap: 'map[string]string',
  any: 'interface {}', addrport: 'types.AddrPort', addrportArray: '[]types.AddrPort',
};

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/** The first byte of the body Go's decoder would choke on, as its syntax error reads. */
function syntaxError(raw: string, parseMessage: string): ApiError {
  const trimmed = raw.replace(/^[\s]+/, '');
  const first = trimmed[0] ?? '';
  if (!'{["-0123456789tfn'.includes(first)) {
    return plainError(`invalid character '${first}' looking for beginning of value`);
  }
  if (/end of (JSON )?input|Unterminated/i.test(parseMessage)) return plainError('unexpected EOF');
  const m = /token '?(.)'?/i.exec(parseMessage);
  return plainError(`invalid character '${m?.[1] ?? first}' looking for beginning of value`);
}

/** Parse a request body the way json.NewDecoder(r.Body).Decode(&v) sees it. Errors are plain
 *  (each handler decides whether they become 400 or 500). An empty body is "EOF". */
export function parseJsonBody(raw: string): unknown {
  if (raw.trim() === '') throw plainError('EOF');
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw syntaxError(raw, messageOf(e));
  }
}

/** A JSON number that Go would accept for an int64 field. */
function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/**
 * Decode a body into a struct: missing keys keep their zero value, unknown keys are ignored, keys
 * match case-insensitively (exact match first), `null` leaves a field alone, and type mismatches
 * fail with encoding/json's UnmarshalTypeError text.
 */
export function decodeStruct(raw: string, spec: StructSpec): Record<string, unknown> {
  const value = parseJsonBody(raw);
  return decodeValue(value, spec);
}

export function decodeValue(value: unknown, spec: StructSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(spec.fields)) out[key] = zeroOf(kind);
  if (value === null) return out;
  const kind = jsonKind(value);
  if (kind !== 'object') {
    throw plainError(`json: cannot unmarshal ${kind} into Go value of type ${spec.goType}`);
  }
  const structName = spec.goType.split('.').pop() ?? spec.goType;
  const keys = Object.keys(spec.fields);
  let firstError: ApiError | undefined;
  for (const [inKey, v] of Object.entries(value as Record<string, unknown>)) {
    const key = keys.find((k) => k === inKey) ?? keys.find((k) => k.toLowerCase() === inKey.toLowerCase());
    if (key === undefined) continue;
    const fieldKind = spec.fields[key]!;
    try {
      const decoded = decodeField(v, fieldKind, `${structName}.${key}`);
      if (decoded !== undefined) out[key] = decoded;
    } catch (e) {
      // encoding/json keeps going after a type error and reports the first one; custom
      // unmarshalers (AddrPort) abort at once.
      if (fieldKind === 'addrport' || fieldKind === 'addrportArray') throw e;
      firstError ??= e as ApiError;
    }
  }
  if (firstError) throw firstError;
  return out;
}

function zeroOf(kind: FieldKind): unknown {
  switch (kind) {
    case 'string': case 'addrport': return '';
    case 'bool': return false;
    case 'int64': return 0;
    case 'stringArray': case 'addrportArray': case 'stringMap': case 'any': case 'stringPtr': return null;
  }
}

function typeError(v: unknown, field: string, goType: string): ApiError {
  const kind = jsonKind(v);
  const shown = kind === 'number' ? `number ${String(v)}` : kind;
  return plainError(`json: cannot unmarshal ${shown} into Go struct field ${field} of type ${goType}`);
}

function decodeField(v: unknown, kind: FieldKind, field: string): unknown {
  if (v === null) return undefined;
  switch (kind) {
    case 'any': return v;
    case 'string': case 'stringPtr':
      if (typeof v !== 'string') throw typeError(v, field, 'string');
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw typeError(v, field, 'bool');
      return v;
    case 'int64':
      if (typeof v === 'number' && !Number.isInteger(v)) throw typeError(v, field, 'int64');
      if (!isInt(v)) throw typeError(v, field, 'int64');
      return v;
    case 'stringArray': {
      if (!Array.isArray(v)) throw typeError(v, field, '[]string');
      return v.map((x) => {
        if (x === null) return '';
        if (typeof x !== 'string') throw typeError(x, field, 'string');
        return x;
      });
    }
    case 'stringMap': {
      if (jsonKind(v) !== 'object') throw typeError(v, field, 'map[string]string');
      const m: Record<string, string> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === null) { m[k] = ''; continue; }
        if (typeof x !== 'string') throw typeError(x, field, 'string');
        m[k] = x;
      }
      return m;
    }
    case 'addrport':
      return unmarshalAddrPort(v);
    case 'addrportArray': {
      if (!Array.isArray(v)) throw typeError(v, field, GO_TYPE.addrportArray);
      return v.map((x) => unmarshalAddrPort(x));
    }
  }
}

/** types.AddrPort.UnmarshalJSON: json.Unmarshal into a plain string, then netip.ParseAddrPort. */
function unmarshalAddrPort(v: unknown): string {
  if (v === null) return '';
  if (typeof v !== 'string') {
    const kind = jsonKind(v);
    throw plainError(`json: cannot unmarshal ${kind === 'number' ? 'number' : kind} into Go value of type string`);
  }
  if (v === '') return '';
  return formatAddrPort(parseAddrPort(v));
}

// ---- net/netip, net --------------------------------------------------------------------------

export interface IpAddr {
  family: 4 | 6;
  /** The address as a 32- or 128-bit integer. */
  value: bigint;
}

/** %q, close enough for the names and addresses the daemons quote. */
export const quote = (s: string): string => JSON.stringify(s);

class ParseAddrError extends ApiError {
  constructor(input: string, msg: string, at?: string) {
    super(`ParseAddr(${quote(input)}): ${msg}${at !== undefined ? ` (at ${quote(at)})` : ''}`);
  }
}

function parseIPv4Strict(s: string): bigint {
  const fields: number[] = [];
  let val = 0;
  let digLen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c >= '0' && c <= '9') {
      if (digLen === 1 && val === 0) throw new ParseAddrError(s, 'IPv4 field has octet with leading zero');
      val = val * 10 + (c.charCodeAt(0) - 48);
      digLen++;
      if (val > 255) throw new ParseAddrError(s, 'IPv4 field has value >255');
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') {
        throw new ParseAddrError(s, 'IPv4 field must have at least one digit', s.slice(i));
      }
      if (fields.length === 3) throw new ParseAddrError(s, 'IPv4 address too long');
      fields.push(val);
      val = 0;
      digLen = 0;
    } else {
      throw new ParseAddrError(s, 'unexpected character', s.slice(i));
    }
  }
  if (fields.length < 3) throw new ParseAddrError(s, 'IPv4 address too short');
  fields.push(val);
  return fields.reduce((acc, f) => (acc << 8n) | BigInt(f), 0n);
}

function parseIPv6Strict(s: string): bigint {
  if (s.includes('%')) throw new ParseAddrError(s, 'IPv6 zones are not supported by the lab');
  let head = s;
  let tail4: bigint | undefined;
  // An embedded IPv4 tail ("::ffff:10.0.0.1").
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4Strict(s.slice(lastColon + 1));
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const parts = head.split('::');
  if (parts.length > 2) throw new ParseAddrError(s, 'multiple :: in address', s);
  const left = parts[0] ? parts[0].split(':') : [];
  const right = parts.length === 2 && parts[1] ? parts[1].split(':') : [];
  const groups = [...left, ...right];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) {
    const bad = groups.find((g) => g.length > 4);
    throw new ParseAddrError(s, bad ? 'IPv6 field has value >=2^16' : 'unexpected character', s);
  }
  const fill = parts.length === 2 ? 8 - groups.length : 0;
  if (parts.length === 1 && groups.length !== 8) throw new ParseAddrError(s, 'address string too short');
  if (fill < (parts.length === 2 ? 1 : 0)) throw new ParseAddrError(s, 'address string too long');
  const all = [...left, ...Array<string>(fill).fill('0'), ...right].map((g) => BigInt(parseInt(g, 16)));
  let value = all.reduce((acc, g) => (acc << 16n) | g, 0n);
  if (tail4 !== undefined) value = (value & ~0xffffffffn) | tail4;
  return value;
}

/** netip.ParseAddr. */
export function parseAddr(s: string): IpAddr {
  for (const c of s) {
    if (c === '.') return { family: 4, value: parseIPv4Strict(s) };
    if (c === ':') return { family: 6, value: parseIPv6Strict(s) };
    if (c === '%') throw new ParseAddrError(s, 'missing IPv6 address');
  }
  throw new ParseAddrError(s, 'unable to parse IP');
}

/** net.ParseIP: undefined instead of an error. */
export function parseIP(s: string): IpAddr | undefined {
  try {
    return parseAddr(s.trim());
  } catch {
    return undefined;
  }
}

export function formatIP(ip: IpAddr): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((sh) => String((ip.value >> sh) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, k) => Number((ip.value >> BigInt(16 * (7 - k))) & 0xffffn));
  let best = -1;
  let bestLen = 0;
  for (let k = 0; k < 8;) {
    if (groups[k] !== 0) { k++; continue; }
    let e = k;
    while (e < 8 && groups[e] === 0) e++;
    if (e - k > bestLen && e - k > 1) { best = k; bestLen = e - k; }
    k = e;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export interface AddrPort { ip: IpAddr; port: number }

/** netip.ParseAddrPort, with its exact error texts. */
export function parseAddrPort(s: string): AddrPort {
  const i = s.lastIndexOf(':');
  if (i === -1) throw plainError('not an ip:port');
  let ip = s.slice(0, i);
  const port = s.slice(i + 1);
  if (ip.length === 0) throw plainError('no IP');
  if (port.length === 0) throw plainError('no port');
  let v6 = false;
  if (ip[0] === '[') {
    if (ip.length < 2 || ip[ip.length - 1] !== ']') throw plainError('missing ]');
    ip = ip.slice(1, -1);
    v6 = true;
  }
  if (!/^[0-9]+$/.test(port) || Number(port) > 65535) {
    throw plainError(`invalid port ${quote(port)} parsing ${quote(s)}`);
  }
  const addr = parseAddr(ip);
  if (v6 && addr.family === 4) {
    throw plainError(`invalid ip:port ${quote(s)}, square brackets can only be used with IPv6 addresses`);
  }
  if (!v6 && addr.family === 6) {
    throw plainError(`invalid ip:port ${quote(s)}, IPv6 addresses must be surrounded by square brackets`);
  }
  return { ip: addr, port: Number(port) };
}

export function formatAddrPort(a: AddrPort): string {
  return a.ip.family === 4 ? `${formatIP(a.ip)}:${a.port}` : `[${formatIP(a.ip)}]:${a.port}`;
}

/** net.JoinHostPort. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The host part of "ip:port" / "[ip6]:port" (api.URL.Hostname()). */
export function hostOf(addrPort: string): string {
  const m = /^\[(.*)\]:\d+$/.exec(addrPort);
  if (m) return m[1]!;
  const i = addrPort.lastIndexOf(':');
  return i < 0 ? addrPort : addrPort.slice(0, i);
}

export interface IpNet { ip: IpAddr; prefix: number }

/** net.ParseCIDR (the network, not the address, is what Contains uses). */
export function parseCIDR(s: string): IpNet {
  const slash = s.indexOf('/');
  const fail = (): ApiError => plainError(`invalid CIDR address: ${s}`);
  if (slash < 0) throw fail();
  const ip = parseIP(s.slice(0, slash));
  const len = s.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(len)) throw fail();
  const prefix = Number(len);
  if (prefix > (ip.family === 4 ? 32 : 128)) throw fail();
  return { ip, prefix };
}

export function cidrContains(net: IpNet, ip: IpAddr): boolean {
  if (net.ip.family !== ip.family) return false;
  const bits = BigInt(ip.family === 4 ? 32 : 128);
  const host = bits - BigInt(net.prefix);
  return (net.ip.value >> host) === (ip.value >> host);
}

/** net.IP.IsGlobalUnicast. */
export function isGlobalUnicast(ip: IpAddr): boolean {
  if (ip.family === 4) {
    const v = ip.value;
    if (v === 0n || v === 0xffffffffn) return false;
    const a = v >> 24n;
    if (a === 127n || (a >= 224n)) return false;
    if ((v >> 16n) === 0xa9fen) return false; // 169.254/16
    return true;
  }
  const v = ip.value;
  if (v === 0n || v === 1n) return false;
  if ((v >> 120n) === 0xffn) return false; // multicast
  if ((v >> 118n) === 0x3fan) return false; // fe80::/10
  return true;
}

// ---- LXD's validators --------------------------------------------------------------------------

/** validate.IsHostname. */
export function isHostnameError(name: string): string | undefined {
  if (name.length < 1 || name.length > 63) return 'Name must be 1-63 characters long';
  if (name.startsWith('-')) return 'Name must not start with "-" character';
  if (name.endsWith('-')) return 'Name must not end with "-" character';
  if (/^[0-9]+$/.test(name) && BigInt(name) <= 18446744073709551615n) return 'Name cannot be a number';
  if (!/^[-a-zA-Z0-9]+$/.test(name)) return 'Name can only contain alphanumeric and hyphen characters';
  return undefined;
}

/** microcluster's utils.ValidateFQDN: a 400 StatusError. */
export function validateFQDN(name: string): void {
  if (name.length < 1 || name.length > 255) throw statusError(400, 'Name must be 1-255 characters long');
  for (const part of name.split('.')) {
    const err = isHostnameError(part);
    if (err) throw statusError(400, err);
  }
}

// ---- time --------------------------------------------------------------------------------------

/** A time.Time as encoding/json writes it (RFC 3339 with trimmed fractional seconds, UTC). */
export function goTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString(); // 2026-01-02T03:04:05.120Z
  return iso.replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

/** How Go's net/http client reports a peer it cannot reach, e.g. for ?target= forwarding. */
export function unreachableError(method: string, url: string, hostPort: string): string {
  const op = method.slice(0, 1).toUpperCase() + method.slice(1).toLowerCase();
  return `${op} ${quote(url)}: dial tcp ${hostPort}: connect: no route to host`;
}
