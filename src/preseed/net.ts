// IP address arithmetic for validation. Parsing follows Go's net.ParseIP / net.ParseCIDR, which is
// what MicroCloud and LXD use: IPv4 without leading zeros, IPv6 with "::" and an embedded IPv4 tail,
// no zones, and CIDRs whose host bits may be set ("192.0.2.1/24" is a gateway plus its prefix).

export interface Ip {
  family: 4 | 6;
  value: bigint;
}

export interface Cidr {
  ip: Ip;
  prefix: number;
  /** The first address of the subnet. */
  network: bigint;
}

export interface IpRange {
  start: Ip;
  end: Ip;
}

const V4_OCTET = /^(0|[1-9][0-9]{0,2})$/;

function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!V4_OCTET.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseV6(text: string): bigint | null {
  if (text.length === 0 || text.includes('%')) return null;
  let head = text;
  let tail: bigint[] = [];
  // An embedded IPv4 address takes the place of the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [v4 >> 16n, v4 & 0xffffn];
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): bigint[] | null => {
    if (s === '') return [];
    const out: bigint[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(BigInt(parseInt(g, 16)));
    }
    return out;
  };
  const left = groups(halves[0] ?? '');
  const right = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (left === null || right === null) return null;
  const explicit = left.length + right.length + tail.length;
  let all: bigint[];
  if (halves.length === 2) {
    if (explicit > 7) return null;
    all = [...left, ...Array<bigint>(8 - explicit).fill(0n), ...right, ...tail];
  } else {
    if (explicit !== 8) return null;
    all = [...left, ...tail];
  }
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function parseIp(text: string): Ip | null {
  if (typeof text !== 'string') return null;
  if (text.includes(':')) {
    const value = parseV6(text);
    return value === null ? null : { family: 6, value };
  }
  const value = parseV4(text);
  return value === null ? null : { family: 4, value };
}

export function parseCidr(text: string): Cidr | null {
  if (typeof text !== 'string') return null;
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === null || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  const bits = ip.family === 4 ? 32 : 128;
  if (prefix > bits) return null;
  const hostBits = BigInt(bits - prefix);
  const network = (ip.value >> hostBits) << hostBits;
  return { ip, prefix, network };
}

/**
 * `<ip>-<ip>`, both of one family, start not after end. With `ordered: false`, as MicroCloud's
 * validate() reads it: two addresses joined by a dash, in any order (its run-time UPLINK check, and
 * `rangeOrderProblem`, refuse a reversed one).
 */
export function parseRange(text: string, { ordered = true }: { ordered?: boolean } = {}): IpRange | null {
  if (typeof text !== 'string') return null;
  const parts = text.split('-');
  if (parts.length !== 2) return null;
  const start = parseIp(parts[0] ?? '');
  const end = parseIp(parts[1] ?? '');
  if (!start || !end || start.family !== end.family || (ordered && start.value > end.value)) return null;
  return { start, end };
}

/**
 * Go's net.IP is 16 bytes for both families and To4() sees an IPv4-mapped IPv6 address
 * (::ffff:10.0.0.11) as the IPv4 address it maps: one address, however it is written.
 */
export function unmapIp(ip: Ip): Ip {
  return ip.family === 6 && ip.value >> 32n === 0xffffn ? { family: 4, value: ip.value & 0xffffffffn } : ip;
}

/** LXD's IsNetworkAddressCIDRV4/V6: the address of a gateway CIDR must not be its subnet's own address. */
export function isSubnetAddress(cidr: Cidr): boolean {
  return cidr.ip.value === cidr.network;
}

/** LXD's list syntax (validate.IsListOf): comma-separated, spaces around items ignored. */
export function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim());
}

export function cidrContains(cidr: Cidr, ip: Ip): boolean {
  if (cidr.ip.family !== ip.family) return false;
  const hostBits = BigInt((ip.family === 4 ? 32 : 128) - cidr.prefix);
  return (ip.value >> hostBits) << hostBits === cidr.network;
}

export function rangeContains(range: IpRange, ip: Ip): boolean {
  return ip.family === range.start.family && ip.value >= range.start.value && ip.value <= range.end.value;
}

/** Number of addresses in a subnet: MicroCloud refuses Ceph networks with a single address. */
export function cidrSize(cidr: Cidr): bigint {
  return 1n << BigInt((cidr.ip.family === 4 ? 32 : 128) - cidr.prefix);
}

export function formatIp(ip: Ip): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run (of two or more) of zero groups.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * Comparable canonical text of an address, so that "10.0.0.11" and "::ffff:10.0.0.11", or two
 * spellings of one IPv6 address, never slip past a uniqueness check: Go's net.IP.String().
 */
export function canonicalIp(text: string): string | null {
  const ip = parseIp(text);
  return ip ? formatIp(unmapIp(ip)) : null;
}
