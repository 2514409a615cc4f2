// The rules a preseed must follow beyond its shape: every static check of MicroCloud's
// Preseed.validate() (cmd/microcloud/preseed.go), with MicroCloud's wording, plus what MicroCloud
// finds only at run time but a file already shows (range vs gateway and addresses, unique addresses,
// a disk used twice). Pure: a typed view of the document in, findings with key paths out.
import { formatPath, type Finding, type PathSegment } from './diagnostics.js';
import { DiskFilterError, parseDiskFilter } from './disk-filter.js';
import type { DiskFilterInput, PreseedInput, SystemInput } from './input.js';
import { refusedKey } from './lxd-config.js';
import { removeRules } from './remove.js';
import { snapRules } from './snaps.js';
import { canonicalIp, cidrContains, cidrSize, formatIp, isSubnetAddress, parseCidr, parseIp, parseRange, rangeContains, unmapIp, type Cidr } from './net.js';

const error = (path: PathSegment[], message: string, hint?: string, at?: 'key' | 'value'): Finding => ({
  severity: 'error',
  path,
  message,
  ...(hint ? { hint } : {}),
  ...(at ? { at } : {}),
});
const warning = (path: PathSegment[], message: string, hint?: string): Finding => ({
  severity: 'warning',
  path,
  message,
  ...(hint ? { hint } : {}),
});

/** MicroCloud's isBootstrap(): the initiator is one of the listed systems; otherwise the file adds them. */
export function isBootstrap(p: PreseedInput): boolean {
  const systems = p.systems ?? [];
  if (p.initiator !== undefined) return systems.some((s) => s.name === p.initiator);
  const address = p.initiator_address !== undefined ? canonicalIp(p.initiator_address) : null;
  return address !== null && systems.some((s) => s.address !== undefined && canonicalIp(s.address) === address);
}

export function hasCephDisks(p: PreseedInput): boolean {
  return (p.storage?.ceph?.length ?? 0) > 0 || (p.systems ?? []).some((s) => (s.storage?.ceph?.length ?? 0) > 0);
}

export function semanticFindings(p: PreseedInput): Finding[] {
  return [
    ...discoveryRules(p),
    ...systemRules(p),
    ...allOrNoneRules(p),
    ...uplinkRules(p),
    ...cephRules(p),
    ...filterRules(p, 'local'),
    ...filterRules(p, 'ceph'),
    ...diskRules(p),
    ...sshRules(p),
    ...lxdConfigRules(p),
    ...snapRules(p),
    ...removeRules(p),
  ];
}

function discoveryRules(p: PreseedInput): Finding[] {
  const out: Finding[] = [];
  const systems = p.systems ?? [];
  if (p.initiator === undefined && p.initiator_address === undefined) {
    out.push(error([], "Missing initiator's name or address",
      'set `initiator_address:` (unicast: every system then needs `address:`) or `initiator:` together with `lookup_subnet:` (multicast)'));
  }
  if (p.initiator !== undefined && p.initiator_address !== undefined) {
    out.push(error(['initiator_address'], "Cannot provide both the initiator's name and address",
      'keep `initiator_address:` for unicast discovery or `initiator:` for multicast, not both', 'key'));
  }
  if (p.initiator !== undefined && p.lookup_subnet === undefined) {
    out.push(error(['initiator'], 'Missing lookup subnet',
      'with `initiator:`, set `lookup_subnet:` (e.g. 10.0.0.0/24); or use `initiator_address:` and per-system `address:` instead', 'key'));
  }
  if (p.initiator_address !== undefined && p.lookup_subnet !== undefined) {
    out.push(error(['lookup_subnet'], "Cannot provide both the initiator's address and lookup subnet",
      'remove `lookup_subnet:` (unicast mode uses the systems\' addresses)', 'key'));
  }
  if (systems.length > 1 && p.session_passphrase === undefined) {
    out.push(error([], 'Missing session passphrase', 'more than one system needs `session_passphrase:`'));
  }
  return out;
}

function systemRules(p: PreseedInput): Finding[] {
  const out: Finding[] = [];
  const systems = p.systems ?? [];
  const names = new Map<string, number>();
  const addresses = new Map<string, number>();
  const underlays = new Map<string, number>();
  const unique = (seen: Map<string, number>, key: string | null, i: number, path: PathSegment[], what: string) => {
    if (key === null) return;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else out.push(error(path, `${what} ${key} is already used by systems[${first}] (${JSON.stringify(systems[first]?.name ?? '')})`,
      'every system needs its own address'));
  };
  systems.forEach((s, i) => {
    const label = JSON.stringify(s.name ?? `systems[${i}]`);
    if (s.name !== undefined) {
      const first = names.get(s.name);
      if (first === undefined) names.set(s.name, i);
      else out.push(error(['systems', i, 'name'], `Duplicate system name ${JSON.stringify(s.name)}`, `the name is first used by systems[${first}]; names must be unique`));
    }
    if (s.address !== undefined && p.lookup_subnet !== undefined) {
      out.push(error(['systems', i, 'address'], `Cannot provide both the address for system ${label} and the lookup subnet`,
        'in multicast mode (`lookup_subnet`) remove the addresses; in unicast mode use `initiator_address` instead of `lookup_subnet`', 'key'));
    } else if (s.address !== undefined && p.initiator_address === undefined && p.initiator === undefined) {
      // The missing initiator is reported once, above.
    } else if (s.address !== undefined && p.initiator_address === undefined) {
      out.push(error(['systems', i, 'address'], `Missing the initiator's address as system ${label} has an address`,
        'set `initiator_address:` to one system\'s address (unicast mode)', 'key'));
    }
    if (s.address === undefined && p.initiator_address !== undefined) {
      out.push(error(['systems', i], `Missing address for system ${label} when the initiator's address is set`,
        'give every system an `address:` (its static MicroCloud IP)'));
    }
    unique(addresses, s.address !== undefined ? canonicalIp(s.address) : null, i, ['systems', i, 'address'], 'address');
    unique(underlays, s.ovn_underlay_ip !== undefined ? canonicalIp(s.ovn_underlay_ip) : null, i, ['systems', i, 'ovn_underlay_ip'], 'underlay IP');
  });
  return out;
}

function allOrNoneRules(p: PreseedInput): Finding[] {
  const out: Finding[] = [];
  const systems = p.systems ?? [];
  const check = (has: (s: SystemInput) => boolean, what: string, key: string, exempt = false) => {
    if (exempt || !systems.some(has)) return;
    systems.forEach((s, i) => {
      if (!has(s)) {
        out.push(error(['systems', i], `Some systems are missing ${what}: ${JSON.stringify(s.name ?? `systems[${i}]`)} has no ${key}`,
          `set \`${key}\` on every system or on none`));
      }
    });
  };
  check((s) => s.ovn_uplink_interface !== undefined, 'an uplink interface', 'ovn_uplink_interface');
  check((s) => s.ovn_underlay_ip !== undefined, 'an underlay interface', 'ovn_underlay_ip');
  // Local disk filters may cover the systems without an explicit local disk.
  check((s) => s.storage?.local !== undefined, 'local storage disks', 'storage.local', (p.storage?.local?.length ?? 0) > 0);
  return out;
}

function uplinkRules(p: PreseedInput): Finding[] {
  const out: Finding[] = [];
  const ovn = p.ovn ?? {};
  const systems = p.systems ?? [];
  const anyUplink = systems.findIndex((s) => s.ovn_uplink_interface !== undefined);
  if (anyUplink >= 0 && isBootstrap(p) && ovn.ipv4_gateway === undefined && ovn.ipv6_gateway === undefined) {
    out.push(error(['systems', anyUplink, 'ovn_uplink_interface'], 'Either the IPv4 or IPv6 gateway has to be set on the uplink network',
      'add `ovn: {ipv4_gateway: 192.0.2.1/24, ipv4_range: 192.0.2.100-192.0.2.254}` or `ovn: {ipv6_gateway: …}`', 'key'));
  }
  if (ovn.ipv4_range !== undefined && ovn.ipv4_gateway === undefined) {
    out.push(error(['ovn', 'ipv4_range'], 'Cannot specify IPv4 range without IPv4 gateway', 'add `ipv4_gateway:` (CIDR, e.g. 192.0.2.1/24)', 'key'));
  }
  if (ovn.ipv4_gateway !== undefined && ovn.ipv4_range === undefined) {
    // MicroCloud's words for this case name the two keys the other way round.
    out.push(error(['ovn', 'ipv4_gateway'], 'Cannot specify IPv4 range without IPv4 gateway',
      'an IPv4 gateway needs `ipv4_range:` too: the addresses in the gateway subnet that OVN may use, e.g. 192.0.2.100-192.0.2.254', 'key'));
  }
  // What MicroCloud checks on UPLINK before it creates anything (cmd/microcloud/main_init.go,
  // validateGatewayNet and validateSystems), in its words and LXD's.
  const gateway = ovn.ipv4_gateway !== undefined ? parseCidr(ovn.ipv4_gateway) : null;
  for (const [key, family] of [['ipv4_gateway', 4], ['ipv6_gateway', 6]] as const) {
    const value = ovn[key];
    const cidr = value !== undefined ? parseCidr(value) : null;
    if (cidr && cidr.ip.family === family && isSubnetAddress(cidr)) {
      out.push(error(['ovn', key], `Invalid ipv${family}.gateway ${JSON.stringify(value)}: Not a usable IPv${family} address ${JSON.stringify(value)}`,
        `the gateway is the router's address on the uplink with the subnet's prefix, e.g. ${family === 4 ? '192.0.2.1/24' : '2001:db8::1/64'}, not the subnet's own address`));
    }
  }
  const range = ovn.ipv4_range !== undefined ? parseRange(ovn.ipv4_range, { ordered: false }) : null;
  if (range && range.start.family === 4 && range.start.value > range.end.value) {
    out.push(error(['ovn', 'ipv4_range'], `Invalid ipv4.ovn.ranges ${JSON.stringify(ovn.ipv4_range)}: Start IP ${JSON.stringify(formatIp(range.start))} must be less than End IP ${JSON.stringify(formatIp(range.end))}`,
      'write the first address, a dash, then the last, e.g. 192.0.2.100-192.0.2.254'));
  } else if (gateway && range && gateway.ip.family === 4 && range.start.family === 4) {
    const path = ['ovn', 'ipv4_range'];
    if (!cidrContains(gateway, range.start) || !cidrContains(gateway, range.end)) {
      out.push(error(path, `Invalid ipv4.ovn.ranges ${JSON.stringify(ovn.ipv4_range)}: IP range ${JSON.stringify(ovn.ipv4_range)} does not fall within any of the allowed networks [${subnetText(gateway)}]`,
        `choose a range inside the subnet of \`ipv4_gateway\` (${subnetText(gateway)})`));
    }
    if (rangeContains(range, gateway.ip)) {
      out.push(error(path, `UPLINK ipv4.ovn.ranges must not include gateway address ${JSON.stringify(formatIp(gateway.ip))}`,
        'start the range after the gateway or end it before'));
    }
    const members: { label: string; address: string | undefined }[] = [
      ...systems.map((s, i) => ({ label: `system ${JSON.stringify(s.name ?? `systems[${i}]`)}`, address: s.address })),
      { label: 'the initiator', address: p.initiator_address },
    ];
    const reported = new Set<string>();
    for (const m of members) {
      const parsed = m.address !== undefined ? parseIp(m.address) : null;
      const ip = parsed ? unmapIp(parsed) : null;
      if (!ip || !rangeContains(range, ip) || reported.has(formatIp(ip))) continue;
      reported.add(formatIp(ip));
      out.push(error(path, `UPLINK ipv4.ovn.ranges must not include system address ${JSON.stringify(formatIp(ip))} (${m.label})`,
        'OVN would hand out a machine\'s own address; shrink the range'));
    }
  }
  return out;
}

/** The subnet as Go's net.IPNet prints it: its own address and the prefix. */
const subnetText = (c: Cidr): string => `${formatIp({ family: c.ip.family, value: c.network })}/${c.prefix}`;

function cephRules(p: PreseedInput): Finding[] {
  const out: Finding[] = [];
  const ceph = p.ceph ?? {};
  const disks = hasCephDisks(p);
  for (const [key, word] of [['public_network', 'public'], ['internal_network', 'internal']] as const) {
    const value = ceph[key];
    if (value === undefined) continue;
    if (!disks) {
      out.push(error(['ceph', key], `Cannot specify a Ceph ${word} network without Ceph storage disks`,
        'add Ceph disks (`systems[].storage.ceph` or `storage.ceph` filters) or remove this key', 'key'));
    }
    const cidr = parseCidr(value);
    // LXD's validate.IsNetwork, which MicroCloud's validate() applies: the subnet, not an address in it.
    if (cidr && !isSubnetAddress(cidr)) {
      out.push(error(['ceph', key], `Invalid Ceph ${word} network subnet: Not an IP network address ${JSON.stringify(value)}`,
        `write the subnet itself, e.g. ${subnetText(cidr)}`));
    }
    if (cidr && cidrSize(cidr) < 2n) {
      out.push(error(['ceph', key], 'Invalid Ceph network subnet (must have more than one address)', 'use the subnet, e.g. 10.0.1.0/24, not a single address'));
    }
  }
  if (ceph.cephfs === true && !disks) {
    out.push(warning(['ceph', 'cephfs'], 'ceph.cephfs has no effect without Ceph storage disks', 'add Ceph disks, or remove `cephfs: true`'));
  }
  const systems = p.systems ?? [];
  const withDisks = systems.filter((s) => (s.storage?.ceph?.length ?? 0) > 0).length;
  // MicroCloud warns when it bootstraps (preseed.go, Parse); a file that adds machines to a cluster
  // says nothing about the members it already has. With filters the count is known only once disks
  // are resolved; the plan reports it then.
  if (isBootstrap(p) && withDisks > 0 && withDisks < 3 && (p.storage?.ceph?.length ?? 0) === 0) {
    out.push(warning(['systems'], `Disk configuration does not meet recommendations for fault tolerance. At least 3 systems must supply disks (${withDisks} currently supplying)`));
  }
  return out;
}

function filterRules(p: PreseedInput, kind: 'local' | 'ceph'): Finding[] {
  const out: Finding[] = [];
  const filters = p.storage?.[kind] ?? [];
  const word = kind === 'ceph' ? 'remote' : 'local';
  const systems = p.systems ?? [];
  filters.forEach((f: DiskFilterInput, i) => {
    const path: PathSegment[] = ['storage', kind, i];
    // An absent `find:` is MicroCloud's empty one (Go's zero value).
    if (f.find === undefined || f.find.trim() === '') {
      out.push(error([...path, 'find'], `Received empty ${word} disk filter`, 'write an expression such as `size > 1TiB && type == nvme`'));
    } else {
      try {
        for (const w of parseDiskFilter(f.find).warnings) out.push(warning([...path, 'find'], w));
      } catch (e) {
        if (!(e instanceof DiskFilterError)) throw e;
        out.push(error([...path, 'find'], filterErrorMessage(kind, e.message), e.hint ?? 'see the disk filter language in docs/preseed.md'));
      }
    }
    const min = f.find_min ?? 0;
    const max = f.find_max ?? 0;
    if (max > 0 && max < min) {
      // MicroCloud words the two kinds differently ("larger than" for local, "must be larger than" for remote).
      out.push(error([...path, 'find_max'], `Invalid ${word} storage filter constraints find_max (${max}) ${kind === 'local' ? '' : 'must be '}larger than find_min (${min})`,
        'raise find_max, lower find_min, or set find_max: 0 for no maximum'));
    }
    if (kind === 'ceph' && min < 1) {
      out.push(error(f.find_min === undefined ? path : [...path, 'find_min'], 'Remote storage filter cannot be defined with find_min less than 1',
        'add `find_min: 1` (or more): the number of matching disks required across all systems'));
    }
    if (kind === 'local' && f.encrypt === true) {
      out.push(warning([...path, 'encrypt'], 'encrypt is ignored for local storage', 'remove `encrypt: true`: only Ceph OSDs can be encrypted'));
    }
  });
  const explicit = (s: SystemInput) => (kind === 'ceph' ? (s.storage?.ceph?.length ?? 0) > 0 : s.storage?.local !== undefined);
  if (filters.length > 0 && systems.length > 0 && systems.every(explicit)) {
    out.push(error(['storage', kind], kind === 'ceph'
      ? 'Ceph disk filter cannot be used. All systems have explicitly specified disks'
      : 'Local disk filter cannot be used. All systems have explicitly specified a disk', 'remove the filters, or the explicit disks of the systems they should cover', 'key'));
  }
  return out;
}

/**
 * MicroCloud applies a filter with LXD's filter.Parse (shared/filter/clause.go), whose error it wraps
 * in "Failed to apply filter for … disks". The parse errors in LXD's words, with ours, which say
 * where, after them; a filter that parses but cannot match (an unknown field, a bad size) in ours.
 */
function filterErrorMessage(kind: 'local' | 'ceph', message: string): string {
  const lxd = message.startsWith('expected a clause after "!"') ? 'incomplete not clause'
    : message.startsWith('expected an operator after') ? 'clause has no operator'
      : message.startsWith('expected a value after') ? 'clause has no value'
        : message.startsWith('unterminated quote') ? 'unterminated quote'
          : message.startsWith('expected && or || after') ? 'invalid clause composition'
            : message.startsWith('expected a clause after') ? 'unterminated compound clause'
              : null;
  const words = lxd === null || message.startsWith(lxd) ? message : `${lxd} (${message})`;
  return `Failed to apply filter for ${kind} disks: ${words}`;
}

function diskRules(p: PreseedInput): Finding[] {
  const out: Finding[] = [];
  (p.systems ?? []).forEach((s, i) => {
    const seen = new Map<string, string>();
    const use = (path: string | undefined, at: PathSegment[]) => {
      if (path === undefined) return;
      const first = seen.get(path);
      if (first !== undefined) out.push(error([...at, 'path'], `disk ${path} is already used at ${first}`, 'a disk can back one pool or one OSD only'));
      else seen.set(path, formatPath(at));
    };
    if (s.storage?.local?.encrypt === true) {
      out.push(warning(['systems', i, 'storage', 'local', 'encrypt'], 'encrypt is ignored for local storage', 'remove `encrypt: true`: only Ceph OSDs can be encrypted'));
    }
    use(s.storage?.local?.path, ['systems', i, 'storage', 'local']);
    (s.storage?.ceph ?? []).forEach((d, j) => use(d.path, ['systems', i, 'storage', 'ceph', j]));
  });
  return out;
}

function sshRules(p: PreseedInput): Finding[] {
  const out: Finding[] = [];
  const seen = new Map<string, number>();
  (p.systems ?? []).forEach((s, i) => {
    const host = s.ssh?.host ?? s.address ?? s.name;
    if (host === undefined) return;
    const port = s.ssh?.port ?? p.ssh?.port ?? 22;
    const key = `${canonicalIp(host) ?? host.toLowerCase()}:${port}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else out.push(error(['systems', i], `connects to the same SSH endpoint (${host} port ${port}) as systems[${first}]`,
      'give each system its own `ssh.host` or `ssh.port`'));
  });
  return out;
}

function lxdConfigRules(p: PreseedInput): Finding[] {
  const out: Finding[] = [];
  for (const [key, value] of Object.entries(p.lxd?.config ?? {})) {
    const path = ['lxd', 'config', key];
    const refused = refusedKey(key);
    if (refused) out.push(error(path, refused.message, refused.hint, 'key'));
    // YAML reads 12345678901234567890 as a float: the number LXD would get is not the one written.
    if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      out.push(error(path, `${key}: the number is too large to be sent exactly`, 'quote it, so that it is sent as written'));
    }
  }
  return out;
}
