// `microovn/member/<name>`: the joiner's ovn-encap-ip (underlay) when the file gives one.
import { microJoin } from './micro-join.js';

export const microovnJoin = microJoin<'microovn-join'>('microovn', (inputs): Record<string, string> =>
  (inputs.encapIp ? { 'ovn-encap-ip': inputs.encapIp } : {}));
