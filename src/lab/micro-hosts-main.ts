#!/usr/bin/env node
// Runs the lab's simulated MicroCeph and MicroOVN for real hosts (see micro-hosts.ts) until SIGTERM
// or SIGINT. Prints "ready" on stdout once every control socket listens.
//
//   node dist/lab/micro-hosts-main.js --host NAME,NETNS,SNAPDIR,LXDSOCKET [--host …]
import { parseArgs } from 'node:util';
import { type RealHost, serveMicroHosts } from './micro-hosts.js';

function hostArg(text: string): RealHost {
  const [name, netns, snapDir, lxdSocket, ...rest] = text.split(',');
  if (!name || !netns || !snapDir || !lxdSocket || rest.length > 0) {
    throw new Error(`--host wants NAME,NETNS,SNAPDIR,LXDSOCKET, got ${JSON.stringify(text)}`);
  }
  return { name, netns, snapDir, lxdSocket };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { host: { type: 'string', multiple: true } }, strict: true });
  const hosts = (values.host ?? []).map(hostArg);
  if (hosts.length === 0) throw new Error('at least one --host is needed');
  const served = await serveMicroHosts(hosts);
  const stop = (): void => { void served.close().then(() => process.exit(0)); };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`micro-hosts: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
