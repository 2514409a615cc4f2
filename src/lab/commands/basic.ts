// hostname, uname, id, whoami, true, false: what a tool asks to learn who and where it is.
import { effectiveAddresses } from '../machines.js';
import { type CommandImpl, fail, ok } from './types.js';

export const hostname: CommandImpl = (args, ctx) => {
  const name = ctx.spec.hostname;
  if (args.length === 0) return ok(`${name}\n`);
  const [flag, ...rest] = args;
  if (rest.length === 0) {
    switch (flag) {
      case '-s': case '--short': return ok(`${name.split('.')[0]}\n`);
      case '-f': case '--fqdn': case '--long': case '-A': case '--all-fqdns':
        return ok(flag === '-A' || flag === '--all-fqdns' ? `${name} \n` : `${name}\n`);
      case '-I': case '--all-ip-addresses': {
        const addrs = ctx.spec.interfaces
          .filter((i) => i.kind !== 'loopback' && i.state === 'up')
          .flatMap((i) => effectiveAddresses(i))
          .map((a) => a.split('/')[0]!)
          .filter((a) => !a.toLowerCase().startsWith('fe80:'));
        return ok(addrs.map((a) => `${a} `).join('') + '\n');
      }
    }
  }
  if (flag && !flag.startsWith('-') && rest.length === 0) {
    return ctx.root
      ? fail('hostname: changing the host name is not simulated by the lab')
      : fail('hostname: you must be root to change the host name');
  }
  return fail(`hostname: invalid option -- '${(flag ?? '').replace(/^-+/, '')}'\nTry 'hostname --help' for more information.`, 1);
};

function kernel(ctx: Parameters<CommandImpl>[1]): { release: string; version: string } {
  return ctx.spec.lxdFlavor === 'deb-5.0'
    ? { release: '6.1.0-27-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)' }
    : { release: '6.8.0-49-generic', version: '#49-Ubuntu SMP PREEMPT_DYNAMIC Mon Nov  4 02:06:24 UTC 2024' };
}

export const uname: CommandImpl = (args, ctx) => {
  const k = kernel(ctx);
  const fields: Record<string, string> = {
    s: 'Linux', n: ctx.spec.hostname, r: k.release, v: k.version, m: 'x86_64', p: 'x86_64', i: 'x86_64', o: 'GNU/Linux',
  };
  const long: Record<string, string> = {
    '--kernel-name': 's', '--nodename': 'n', '--kernel-release': 'r', '--kernel-version': 'v', '--machine': 'm',
    '--processor': 'p', '--hardware-platform': 'i', '--operating-system': 'o', '--all': 'a',
  };
  const wanted = new Set<string>();
  for (const a of args) {
    const letters = a.startsWith('--') ? long[a] : a.startsWith('-') ? a.slice(1) : undefined;
    if (!letters) return fail(`uname: extra operand '${a}'\nTry 'uname --help' for more information.`);
    for (const l of letters) {
      if (l === 'a') ['s', 'n', 'r', 'v', 'm', 'o'].forEach((x) => wanted.add(x));
      else if (l in fields) wanted.add(l);
      else return fail(`uname: invalid option -- '${l}'\nTry 'uname --help' for more information.`);
    }
  }
  if (wanted.size === 0) wanted.add('s');
  return ok(['s', 'n', 'r', 'v', 'm', 'p', 'i', 'o'].filter((x) => wanted.has(x)).map((x) => fields[x]).join(' ') + '\n');
};

interface Identity { uid: number; gid: number; groups: [number, string][] }
function identity(user: string, root: boolean): Identity & { name: string } {
  if (root || user === 'root') return { name: 'root', uid: 0, gid: 0, groups: [[0, 'root']] };
  return {
    name: user, uid: 1000, gid: 1000,
    groups: [[1000, user], [4, 'adm'], [24, 'cdrom'], [27, 'sudo'], [30, 'dip'], [105, 'lxd']],
  };
}

export const id: CommandImpl = (args, ctx) => {
  // `id [OPTION]… [--] USER`: the login user and root are the users a lab machine knows.
  const dd = args.indexOf('--');
  const before = dd < 0 ? args : args.slice(0, dd);
  const options = before.filter((a) => a.startsWith('-'));
  const operands = [...before.filter((a) => !a.startsWith('-')), ...(dd < 0 ? [] : args.slice(dd + 1))];
  if (operands.length === 1 && (options.length > 0 || dd >= 0)) {
    const name = operands[0]!;
    if (name !== ctx.user && name !== 'root') return fail(`id: '${name}': no such user`);
    return id(options, { ...ctx, user: name, root: name === 'root' });
  }
  const who = identity(ctx.user, ctx.root);
  const flags = args.join(' ');
  switch (flags) {
    case '': {
      const groups = who.groups.map(([g, n]) => `${g}(${n})`).join(',');
      return ok(`uid=${who.uid}(${who.name}) gid=${who.gid}(${who.groups[0]![1]}) groups=${groups}\n`);
    }
    case '-u': return ok(`${who.uid}\n`);
    case '-un': case '-nu': case '-u -n': case '-n -u': return ok(`${who.name}\n`);
    case '-g': return ok(`${who.gid}\n`);
    case '-gn': case '-ng': case '-g -n': case '-n -g': return ok(`${who.groups[0]![1]}\n`);
    case '-G': return ok(who.groups.map(([g]) => g).join(' ') + '\n');
    case '-Gn': case '-nG': case '-G -n': case '-n -G': return ok(who.groups.map(([, n]) => n).join(' ') + '\n');
  }
  if (args.length === 1 && !args[0]!.startsWith('-')) {
    return args[0] === who.name || args[0] === 'root'
      ? id([], { ...ctx, user: args[0]!, root: args[0] === 'root' })
      : fail(`id: '${args[0]}': no such user`);
  }
  return fail(`id: unsupported by the lab: ${flags}`);
};

export const whoami: CommandImpl = (args, ctx) =>
  args.length ? fail(`whoami: extra operand '${args[0]}'\nTry 'whoami --help' for more information.`)
    : ok(`${identity(ctx.user, ctx.root).name}\n`);

export const trueCmd: CommandImpl = () => ok();
export const falseCmd: CommandImpl = () => fail('', 1);
