// OpenBSD netcat's unix-socket client, `nc [-N] [-q SECS] -U PATH`, as the remote layer's sudo relay
// runs it (netcat-openbsd, in Ubuntu server's default install). The program itself only checks
// its arguments and the socket's permissions; the SSH server (ssh-server.ts) then pipes the exec
// channel to the socket's daemon, as nc copies stdin and stdout to the socket.
import { mayOpenSocket, serviceAtSocket } from '../machines.js';
import { type CommandImpl, fail } from './types.js';

const USAGE = 'usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n' +
  '\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n' +
  '\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n' +
  '\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n' +
  '\t  [destination] [port]';

export const nc: CommandImpl = (args, ctx) => {
  let unix = false;
  const rest: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '--') { rest.push(...args.slice(k + 1)); break; }
    if (a === '-q' || a === '-w') { k++; continue; }
    if (/^-[NUdv]+$/.test(a)) { if (a.includes('U')) unix = true; continue; }
    if (a.startsWith('-')) return fail(`lab: nc ${a} is not simulated (only nc [-N] [-q SECS] -U PATH)`, 1);
    rest.push(a);
  }
  if (!unix) return fail('lab: only nc -U (unix sockets) is simulated', 1);
  if (rest.length !== 1) return fail(USAGE, 1);
  const path = rest[0]!;
  // netcat-openbsd 1.219's words.
  if (!serviceAtSocket(ctx.spec, path)) return fail(`nc: ${path}: No such file or directory\n`, 1);
  if (!mayOpenSocket(ctx.spec, path, ctx.user, ctx.root)) return fail(`nc: ${path}: Permission denied\n`, 1);
  return { stdout: '', stderr: '', exitCode: 0, relay: { socketPath: path, root: ctx.root } };
};
