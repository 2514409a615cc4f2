// The string formats of the schema, with Go's parsing rules (see net.ts), and how each is explained
// when a value does not match.
import { parseCidr, parseIp, parseRange, splitList } from './net.js';
import { parseSnapChannel } from './snap-channel.js';
import { interfaceNameProblem } from './text.js';

export interface FormatRule {
  validate: (value: string) => boolean;
  message: string;
  hint: string;
  /** What is wrong with this value in particular, when one message cannot say it for every value. */
  explain?: (value: string) => { message: string; hint: string } | null;
  /** The words MicroCloud, LXD, snapd or Go use for this value, which then make the whole message
   *  (null where upstream has none, e.g. for what only our own rule refuses). */
  upstream?: (value: string) => string | null;
}

const q = (s: string): string => JSON.stringify(s);
/** Go's net.ParseCIDR error, which MicroCloud returns as it is. */
const cidrError = (v: string): string => `invalid CIDR address: ${v}`;
/** MicroCloud's run-time UPLINK check (cmd/microcloud/main_init.go) with LXD's IsNetworkAddressCIDRV4/V6. */
const gatewayError = (family: 4 | 6) => (v: string): string => {
  const cidr = parseCidr(v);
  return cidr ? `Invalid ipv${family}.gateway ${q(v)}: Not an IPv${family} address ${q(v)}` : cidrError(v);
};

export const FORMATS: Record<string, FormatRule> = {
  'ip-address': {
    validate: (v) => parseIp(v) !== null,
    message: 'is not a valid IP address',
    hint: 'write an IPv4 or IPv6 address without prefix, e.g. 10.0.0.11 or 2001:db8::11',
  },
  cidr: {
    validate: (v) => parseCidr(v) !== null,
    message: 'is not a valid subnet in CIDR notation',
    hint: 'write an address and prefix length, e.g. 10.0.0.0/24',
    upstream: cidrError,
  },
  'ipv4-cidr': {
    validate: (v) => parseCidr(v)?.ip.family === 4,
    message: 'is not an IPv4 address with prefix length',
    hint: 'write the gateway address and prefix length, e.g. 192.0.2.1/24',
    upstream: gatewayError(4),
  },
  'ipv6-cidr': {
    validate: (v) => parseCidr(v)?.ip.family === 6,
    message: 'is not an IPv6 address with prefix length',
    hint: 'write the gateway address and prefix length, e.g. 2001:db8::1/64',
    upstream: gatewayError(6),
  },
  'ipv4-range': {
    // As MicroCloud's validate() reads it; a reversed range is refused by the rules, in LXD's words.
    validate: (v) => parseRange(v, { ordered: false })?.start.family === 4,
    message: 'is not a valid IPv4 range (must be of the form <ip>-<ip>)',
    hint: 'write the first and last address joined by a dash, first not after last, e.g. 192.0.2.100-192.0.2.254',
    upstream: (v) => `Invalid IPv4 range (must be of the form <ip>-<ip>): ${q(v)}`,
  },
  'ip-list': {
    validate: (v) => splitList(v).every((s) => parseIp(s) !== null),
    message: 'is not a comma-separated list of IP addresses',
    hint: 'write IP addresses separated by commas, e.g. 192.0.2.1,2001:db8::1',
    // cmd/microcloud/main_init.go over LXD's validate.IsListOf; the key is dns_servers, LXD's dns.nameservers.
    upstream: (v) => {
      const bad = splitList(v).find((s) => parseIp(s) === null) ?? v;
      return `Invalid dns.nameservers: Item ${q(bad)}: Invalid IP ${q(bad)}`;
    },
  },
  'interface-name': {
    validate: (v) => interfaceNameProblem(v) === null,
    message: 'is not a valid interface name',
    hint: 'write the name as `ip -br link` shows it on the machine, e.g. enp2s0',
    explain: interfaceNameProblem,
  },
  'snap-channel': {
    // snapd's grammar (snap-channel.ts); whitespace is no track, risk or branch the store has.
    validate: (v) => parseSnapChannel(v).ok && !/\s/.test(v),
    message: 'is not a snap channel',
    hint: 'write track/risk as `snap info` lists them, e.g. 5.21/stable, squid/stable, 24.03/stable or 2/stable',
    explain: (v) => (/\s/.test(v) ? { message: 'is not a snap channel: channel names have no spaces', hint: 'remove the spaces, e.g. 5.21/stable' } : null),
    upstream: (v) => {
      const r = parseSnapChannel(v);
      return r.ok ? null : r.error;
    },
  },
  hostname: {
    // ajv-formats checks hostnames; this entry only carries the explanation.
    validate: () => true,
    message: 'is not a valid host name',
    hint: 'use letters, digits, hyphens and dots, e.g. node1',
  },
};
