// Option values people type: --lock-timeout takes Go/Terraform durations (time.ParseDuration's
// syntax: number+unit pairs, units ns us µs ms s m h), or a whole number of seconds as before.
import { lockTimeoutOption } from '../../src/cli/apply.js';
import { UsageError } from '../../src/cli/io.js';

test.each([
  ['90s', 90_000], ['1m30s', 90_000], ['1h', 3_600_000], ['5m', 300_000], ['1h2m3s', 3_723_000],
  ['1.5h', 5_400_000], ['500ms', 500], ['.5s', 500], ['0s', 0], ['90', 90_000], [' 2m ', 120_000],
])('--lock-timeout %s is %d ms', (text, ms) => {
  expect(lockTimeoutOption(text)).toBe(ms);
});

test('no option: fail at once (0)', () => {
  expect(lockTimeoutOption(undefined)).toBe(0);
});

test.each(['soon', '1 hour', '5 m', '1d', '-5s', '1h-2m', 's', '', '2w', '169h'])('--lock-timeout %j is a usage error naming the syntax', (text) => {
  expect(() => lockTimeoutOption(text)).toThrow(UsageError);
  expect(() => lockTimeoutOption(text)).toThrow(/--lock-timeout must be a duration such as 90s, 1m30s or 1h \(at most a week\)/);
});
