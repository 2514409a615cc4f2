import { canonicalIp, cidrContains, cidrSize, formatIp, parseCidr, parseIp, parseRange, rangeContains } from '../../src/preseed/net.js';

describe('IP parsing with Go net.ParseIP rules', () => {
  test.each(['10.0.0.1', '0.0.0.0', '255.255.255.255', '::', '::1', '2001:db8::11', '2001:db8:0:0:0:0:0:11', 'fe80::1:2', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8', '64:ff9b::192.0.2.33'])('accepts %s', (ip) => {
    expect(parseIp(ip)).not.toBeNull();
  });
  test.each(['', '10.0.0', '10.0.0.256', '010.0.0.1', '10.0.0.1.2', ' 10.0.0.1', '1:2:3:4:5:6:7:8:9', '1::2::3', 'fe80::1%eth0', '12345::', 'g::1', '10.0.0.1/24', '::ffff:999.0.0.1'])('rejects %j', (ip) => {
    expect(parseIp(ip)).toBeNull();
  });
  test('canonical forms compare equal', () => {
    expect(canonicalIp('2001:DB8:0:0:0:0:0:11')).toBe('2001:db8::11');
    // Go's net.IP.String(): an IPv4-mapped address is the IPv4 address it maps.
    expect(canonicalIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalIp('::FFFF:c000:0201')).toBe('192.0.2.1');
    expect(canonicalIp('::c000:201')).toBe('::c000:201');
    expect(formatIp(parseIp('2001:0:0:1:0:0:0:1')!)).toBe('2001:0:0:1::1');
    expect(formatIp(parseIp('10.1.2.3')!)).toBe('10.1.2.3');
  });
});

describe('CIDR and ranges', () => {
  test('host bits may be set, like Go ParseCIDR', () => {
    const c = parseCidr('192.0.2.1/24')!;
    expect(c.prefix).toBe(24);
    expect(formatIp({ family: 4, value: c.network })).toBe('192.0.2.0');
    expect(cidrContains(c, parseIp('192.0.2.254')!)).toBe(true);
    expect(cidrContains(c, parseIp('192.0.3.1')!)).toBe(false);
    expect(cidrContains(c, parseIp('::1')!)).toBe(false);
  });
  test.each(['10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '::/129', '10.0.0.0/024', 'x/8'])('rejects CIDR %j', (c) => expect(parseCidr(c)).toBeNull());
  test('sizes', () => {
    expect(cidrSize(parseCidr('10.0.0.5/32')!)).toBe(1n);
    expect(cidrSize(parseCidr('10.0.0.0/24')!)).toBe(256n);
    expect(cidrSize(parseCidr('2001:db8::/64')!)).toBe(1n << 64n);
  });
  test('ranges', () => {
    const r = parseRange('192.0.2.100-192.0.2.254')!;
    expect(rangeContains(r, parseIp('192.0.2.100')!)).toBe(true);
    expect(rangeContains(r, parseIp('192.0.2.99')!)).toBe(false);
    expect(parseRange('192.0.2.100')).toBeNull();
    expect(parseRange('192.0.2.200-192.0.2.100')).toBeNull();
    expect(parseRange('192.0.2.1-2001:db8::1')).toBeNull();
    expect(parseRange('192.0.2.5-192.0.2.5')).not.toBeNull();
  });
});
