// `microovn.ovs-vsctl [--timeout=N] [--if-exists] get open_vswitch . external_ids[:KEY]`: the one
// read of MicroOVN's local Open vSwitch database that export makes (the chassis' encapsulation
// address lives only there). The snap's app is a wrapper that sources ovn.env (OVS_RUNDIR =
// $SNAP_COMMON/run/switch/) and adds MicroOVN's client certificate (canonical/microovn
// snapcraft/commands/ovs-ssl-wrapper and snapcraft/ovn.env, 7943959a66891dd59b25f573a5cfa8731ea97a5e).
// Output and errors as openvswitch/ovs prints them (d6a632a9b16e5dca2e51eefded3a545e68ea6ba3):
// utilities/ovs-vsctl.c main (no --retry: a database that does not answer is fatal at once),
// lib/db-ctl-base.c cmd_get, get_table, ctl_default_db, lib/ovsdb-data.c ovsdb_atom_to_string;
// the outputs, errors and the socket's mode (srwxr-x---) checked against Debian's ovs-vsctl 3.1.0.
import { type CommandContext, type CommandImpl, fail, ok } from './types.js';

/** ctl_default_db(): "unix:" + ovs_rundir() + "/db.sock", with ovn.env's trailing slash kept. */
const DB = 'unix:/var/snap/microovn/common/run/switch//db.sock';
const fatal = (message: string) => fail(`ovs-vsctl: ${message}`, 1);

/** string_needs_quotes: anything but a bare identifier-like word (or true/false, a UUID) is quoted. */
function needsQuotes(s: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s)) return true;
  return s === 'true' || s === 'false' || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}

/** ovsdb_atom_to_string for a string: JSON-quoted when it needs quotes. */
export const ovsdbString = (s: string): string => (needsQuotes(s) ? JSON.stringify(s) : s);

/** get_table's match: case-insensitive, `-` and `_` alike. */
const sameName = (a: string, b: string): boolean => a.toLowerCase().replace(/-/g, '_') === b.toLowerCase().replace(/-/g, '_');

export const ovsVsctl: CommandImpl = (args, ctx) => {
  let ifExists = false;
  let k = 0;
  for (; k < args.length && args[k]!.startsWith('-'); k++) {
    const a = args[k]!;
    if (a === '--') { k++; break; }
    if (a === '--if-exists') { ifExists = true; continue; }
    if (/^--timeout=\d+$/.test(a)) continue;
    if ((a === '-t' || a === '--timeout') && /^\d+$/.test(args[k + 1] ?? '')) { k++; continue; }
    return fail(`lab: ovs-vsctl ${a} is not simulated; --timeout and --if-exists are`, 1);
  }
  const [command, table, record, ...columns] = args.slice(k);
  if (command === undefined) return fatal('missing command name (use --help for help)');
  if (command !== 'get') return fail(`lab: "ovs-vsctl ${command}" is not simulated; only "get open_vswitch . external_ids:KEY" is`, 1);
  // get's argument count is 2..INT_MAX: no column is no output (checked against ovs-vsctl 3.1.0).
  if (table === undefined || record === undefined) return fatal("'get' command requires at least 2 arguments");
  if (!sameName(table, 'Open_vSwitch')) return fail(`lab: only the Open_vSwitch table is simulated, not ${JSON.stringify(table)}`, 1);
  if (record !== '.') return fail('lab: only the record "." of Open_vSwitch is simulated', 1);

  const db = connect(ctx);
  if ('exitCode' in db) return db;
  let out = '';
  for (const col of columns) {
    const colon = col.indexOf(':');
    const name = colon < 0 ? col : col.slice(0, colon);
    if (!sameName(name, 'external_ids') || colon < 0) return fail(`lab: only "external_ids:KEY" is simulated, not ${JSON.stringify(col)}`, 1);
    const key = col.slice(colon + 1);
    const value = Object.hasOwn(db.externalIds, key) ? db.externalIds[key] : undefined;
    // cmd_get: a missing key is an error unless --if-exists, which prints an empty line for it.
    if (value === undefined && !ifExists) return fatal(`no key "${key}" in Open_vSwitch record "." column external_ids`);
    out += (value === undefined ? '' : ovsdbString(value)) + '\n';
  }
  return ok(out);
};

/** The database connection main() makes: fatal at once when the socket is missing or not ours. */
function connect(ctx: CommandContext): { externalIds: Record<string, string> } | ReturnType<typeof fail> {
  const db = ctx.ovnSwitch?.() ?? null;
  if (!db) return fatal(`${DB}: database connection failed (No such file or directory)`);
  // ovsdb-server runs as root and makes its socket without group or other write permission.
  if (!ctx.root) return fatal(`${DB}: database connection failed (Permission denied)`);
  return db;
}
