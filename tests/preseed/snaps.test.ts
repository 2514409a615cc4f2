// The `snaps:` extension: the four snaps at channels snapd accepts, each refused value at its line,
// column and key path with snapd's own words where snapd has them, and the DesiredState it becomes.
import { fullSnapChannel, parseSnapChannel } from '../../src/preseed/snap-channel.js';
import { errorsOf, load, unicast } from '../helpers/preseed.js';

/** The three-system file with `snaps:` holding these lines; the first one is on line 11. */
const withSnaps = (...lines: string[]) => load(...unicast({ tail: ['snaps:', ...lines.map((l) => `  ${l}`)] }));

const located = (r: ReturnType<typeof load>) => errorsOf(r).map((d) => ({ path: d.path, line: d.line, column: d.column, message: d.message, hint: d.hint }));

describe('valid', () => {
  test('the four snaps: channels in snapd\'s full form, cohort and hold on by default', () => {
    const r = withSnaps('lxd: {channel: 5.21/stable}', 'microceph: {channel: squid/stable}', 'microovn: {channel: "24.03"}', 'microcloud: {channel: 2/stable, hold: false}');
    expect(r.diagnostics).toEqual([]);
    expect(r.desired!.snaps).toEqual({
      lxd: { name: 'lxd', channel: '5.21/stable', revision: null, cohort: true, hold: true, allowDowngrade: false },
      microceph: { name: 'microceph', channel: 'squid/stable', revision: null, cohort: true, hold: true, allowDowngrade: false },
      microovn: { name: 'microovn', channel: '24.03/stable', revision: null, cohort: true, hold: true, allowDowngrade: false },
      microcloud: { name: 'microcloud', channel: '2/stable', revision: null, cohort: true, hold: false, allowDowngrade: false },
    });
  });

  test('a pinned revision is installed without a cohort; cohort: false is allowed with it', () => {
    const r = withSnaps('lxd: {channel: 5.21/stable, revision: 33110}', 'microceph: {channel: squid/stable, revision: 1228, cohort: false}');
    expect(r.diagnostics).toEqual([]);
    expect(r.desired!.snaps.lxd).toEqual({ name: 'lxd', channel: '5.21/stable', revision: 33110, cohort: false, hold: true, allowDowngrade: false });
    expect(r.desired!.snaps.microceph).toMatchObject({ revision: 1228, cohort: false });
  });

  test('allow_downgrade is off unless the file says true', () => {
    const r = withSnaps('lxd: {channel: 5.21/stable, allow_downgrade: true}', 'microceph: {channel: squid/stable}');
    expect(r.diagnostics).toEqual([]);
    expect([r.desired!.snaps.lxd!.allowDowngrade, r.desired!.snaps.microceph!.allowDowngrade]).toEqual([true, false]);
  });

  test('without the block, or with an empty one, no snap is owned', () => {
    expect(load(...unicast()).desired!.snaps).toEqual({});
    expect(load(...unicast({ tail: ['snaps: {}'] })).desired!.snaps).toEqual({});
  });
});

describe('refused, each at its line and column with the key path and a fix', () => {
  test.each([
    ['a misspelt risk', 'lxd: {channel: 5.21/stabel}', 'snaps.lxd.channel', 18, 'invalid risk in channel name: 5.21/stabel'],
    ['too many components', 'lxd: {channel: 5.21/stable/hotfix/x}', 'snaps.lxd.channel', 18, 'channel name has too many components: 5.21/stable/hotfix/x'],
    ['an empty track', 'lxd: {channel: /stable/x}', 'snaps.lxd.channel', 18, 'invalid track in channel name: /stable/x'],
    ['an empty branch', 'lxd: {channel: 5.21/stable/}', 'snaps.lxd.channel', 18, 'invalid branch in channel name: 5.21/stable/'],
    ['an empty channel', 'lxd: {channel: ""}', 'snaps.lxd.channel', 18, 'channel name cannot be empty'],
  ])('%s: snapd\'s words', (_name, line, path, column, message) => {
    const r = withSnaps(line);
    expect(r.desired).toBeNull();
    expect(located(r)).toEqual([{ path, line: 11, column, message, hint: expect.stringMatching(/5\.21\/stable/) }]);
  });

  test('revision together with cohort: true, in snapd\'s words, at the cohort key', () => {
    const r = withSnaps('lxd:', '  channel: 5.21/stable', '  revision: 33110', '  cohort: true');
    expect(located(r)).toEqual([{
      path: 'snaps.lxd.cohort', line: 14, column: 5,
      message: 'cannot specify both cohort-key and revision (snapd refuses a pinned revision in a cohort)',
      hint: expect.stringMatching(/remove `cohort: true`.*or remove `revision`/),
    }]);
  });

  test.each([
    ['a snap that is not one of the four', 'microk8s: {channel: 1.31/stable}', 'snaps.microk8s', 3, /^unknown key "microk8s"$/, /allowed keys here: lxd, microceph, microovn, microcloud/],
    ['a misspelt snap', 'microovm: {channel: 24.03/stable}', 'snaps.microovm', 3, /^unknown key "microovm"$/, /did you mean "microovn"\?/],
    ['a misspelt key', 'lxd: {chanel: 5.21/stable}', 'snaps.lxd.chanel', 9, /^unknown key "chanel"$/, /did you mean "channel"\?/],
  ])('%s', (_name, line, path, column, message, hint) => {
    expect(located(withSnaps(line))).toContainEqual({ path, line: 11, column, message: expect.stringMatching(message), hint: expect.stringMatching(hint) });
  });

  test('a snap without a channel', () => {
    expect(located(withSnaps('lxd: {hold: true}'))).toEqual([{ path: 'snaps.lxd', line: 11, column: 8, message: 'missing required key "channel"', hint: 'add `channel:`' }]);
  });

  test.each([
    ['a revision of 0', 'lxd: {channel: 5.21/stable, revision: 0}', 41, /must be at least 1, not number 0/, /Rev column/],
    ['a revision as text', 'lxd: {channel: 5.21/stable, revision: r33110}', 41, /must be a whole number, not the string "r33110"/, /Rev column/],
    ['cohort as a word (an extension reads YAML strictly)', 'lxd: {channel: 5.21/stable, cohort: yes}', 39, /must be true or false, not the string "yes"/, /./],
    ['a channel with a space', 'lxd: {channel: "5.21 /stable"}', 18, /the string "5\.21 \/stable" is not a snap channel: channel names have no spaces/, /remove the spaces/],
    ['a channel with a right-to-left override', 'lxd: {channel: "5.21/\u202estable"}', 18, /U\+202E \(RIGHT-TO-LEFT OVERRIDE\)/, /./],
    ['a list', 'lxd: [5.21/stable]', 8, /must be a mapping of keys, not a list/, /./],
  ])('%s', (_name, line, column, message, hint) => {
    const r = withSnaps(line);
    expect(r.desired).toBeNull();
    expect(located(r)).toEqual([{ path: expect.stringMatching(/^snaps\.lxd/), line: 11, column, message: expect.stringMatching(message), hint: expect.stringMatching(hint) }]);
  });

  test('snaps must be a mapping', () => {
    expect(located(load(...unicast({ tail: ['snaps: [lxd]'] })))).toEqual([
      { path: 'snaps', line: 10, column: 8, message: 'must be a mapping of keys, not a list', hint: expect.stringMatching(/snaps: \{lxd: \{channel: 5\.21\/stable\}\}/) },
    ]);
  });
});

describe("snapd's channel grammar (snap/channel/channel.go)", () => {
  test.each([
    ['5.21/stable', '5.21/stable'], ['5.21', '5.21/stable'], ['stable', 'latest/stable'], ['edge', 'latest/edge'],
    ['edge/fix-123', 'latest/edge/fix-123'], ['latest/candidate', 'latest/candidate'], ['6/beta/hotfix', '6/beta/hotfix'],
  ])('%s is tracked as %s', (written, full) => {
    expect(fullSnapChannel(written)).toBe(full);
  });

  test('two components are risk/branch only when the first is a risk', () => {
    expect(parseSnapChannel('beta/x')).toEqual({ ok: true, channel: { track: 'latest', risk: 'beta', branch: 'x', full: 'latest/beta/x' } });
    expect(parseSnapChannel('x/beta')).toEqual({ ok: true, channel: { track: 'x', risk: 'beta', branch: '', full: 'x/beta' } });
    expect(parseSnapChannel('x/y')).toEqual({ ok: false, error: 'invalid risk in channel name: x/y' });
    expect(parseSnapChannel('/')).toEqual({ ok: false, error: 'invalid risk in channel name: /' });
  });
});
