// The `ceph` commands that change the monitors' state: `osd set|unset <flag>` (the OSD map's
// flags) and `config-key set|get|exists|rm|del|ls` (the monitors' key/value store). As the CLI
// prints them (ceph/ceph src/ceph.in at 00cb8f22ddbfe12377870d61983ef31dd2baee7e): the monitor's
// status string goes to stderr, the data to stdout as is; a failure prints
// "Error <ERRNO>: <status>" and exits with the errno. The status strings are OSDMonitor.cc's
// prepare_set_flag / prepare_unset_flag ("<flag> is set", "<flag> is unset", whether or not it
// was; at 00043d24199b06aeb6135736defd0891ca67071a) and KVMonitor.cc's (at
// 249d143dbbd77d9dfd9c9d67096b621277ac377f).
import { type CephMonitors, type CommandResult, fail } from './types.js';

/** "osd set" / "osd unset" choices (src/mon/MonCommands.h, as the reference index holds it). */
const SET_CHOICES = ['full', 'pause', 'noup', 'nodown', 'noout', 'noin', 'nobackfill', 'norebalance', 'norecover',
  'noscrub', 'nodeep-scrub', 'notieragent', 'nosnaptrim', 'pglog_hardlimit'];
const UNSET_CHOICES = SET_CHOICES.filter((c) => c !== 'pglog_hardlimit');

const done = (status: string, stdout = ''): CommandResult => ({ stdout, stderr: status === '' ? '' : `${status}\n`, exitCode: 0 });
const ENOENT = 2;
const EINVAL = 22;

/** ceph.in's argument check against the command's signature (validate_command). */
function invalid(why: string, usage: string): CommandResult {
  return fail(`Invalid command: ${why}\n${usage}\nError EINVAL: invalid command`, EINVAL);
}

export function osdFlag(words: string[], mons: CephMonitors): CommandResult {
  const [verb, key, ...rest] = words as [string, string | undefined, ...string[]];
  const choices = verb === 'set' ? SET_CHOICES : UNSET_CHOICES;
  const usage = `osd ${verb} ${choices.join('|')}${verb === 'set' ? ' [--yes-i-really-mean-it]' : ''} :  ${verb} <key>`;
  if (key === undefined) return invalid('missing required parameter key(' + choices.join('|') + ')', usage);
  if (!choices.includes(key)) return invalid(`${key} not in ${choices.join('|')}`, usage);
  if (rest.length > 0 && !(verb === 'set' && rest.length === 1 && rest[0] === '--yes-i-really-mean-it')) {
    return invalid(`unused arguments: ${JSON.stringify(rest)}`, usage);
  }
  if (key === 'full' || key === 'pglog_hardlimit') return fail(`lab: "ceph osd ${verb} ${key}" is not simulated`, EINVAL);
  const flags = key === 'pause' ? ['pauserd', 'pausewr'] : [key];
  for (const f of flags) {
    if (verb === 'set') mons.osdFlags.add(f);
    else mons.osdFlags.delete(f);
  }
  return done(`${flags.join(',')} is ${verb === 'set' ? 'set' : 'unset'}`);
}

export function configKey(words: string[], mons: CephMonitors, format: string): CommandResult {
  const [verb = '', key, value, ...rest] = words;
  const needKey = (usage: string): CommandResult | null =>
    key === undefined ? invalid('missing required parameter key(<string>)', usage) : null;
  switch (verb) {
    case 'set': case 'put': {
      const usage = `config-key ${verb} <key> [<val>] :  set <key> to value <val>`;
      if (rest.length > 0) return invalid(`unused arguments: ${JSON.stringify(rest)}`, usage);
      const missing = needKey(usage);
      if (missing) return missing;
      mons.configKeys.set(key!, value ?? '');
      return done(`set ${key}`);
    }
    case 'get': {
      const missing = needKey('config-key get <key> :  get <key>');
      if (missing) return missing;
      const v = mons.configKeys.get(key!);
      // KVMonitor leaves the status empty when the store has no such key.
      return v === undefined ? fail(`Error ENOENT: `, ENOENT) : done('', v);
    }
    case 'exists': {
      const missing = needKey('config-key exists <key> :  check for <key>\'s existence');
      if (missing) return missing;
      return mons.configKeys.has(key!) ? done(`key '${key}' exists`) : fail(`Error ENOENT: key '${key}' doesn't exist`, ENOENT);
    }
    case 'rm': case 'del': {
      const missing = needKey(`config-key ${verb} <key> :  rm <key>`);
      if (missing) return missing;
      mons.configKeys.delete(key!);
      return done('key deleted');
    }
    case 'ls': case 'list': {
      // KVMonitor dumps the keys with the requested formatter, json-pretty when none (4-space indent).
      const keys = [...mons.configKeys.keys()].sort();
      const out = format === 'json' ? JSON.stringify(keys) : JSON.stringify(keys, null, 4);
      return done('', `${out}\n`);
    }
    default:
      return fail(`lab: "ceph config-key ${words.join(' ')}" is not simulated; set, get, exists, rm, del and ls are`, EINVAL);
  }
}
