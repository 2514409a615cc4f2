// `microovn/member/<name>`: a microcluster join into the initiator's MicroOVN.
import { microJoinSpec } from './micro-join.js';

export const microovnMemberAddress = (machine: string): string => `microovn/member/${machine}`;

export const microovnJoin = microJoinSpec('microovn-join', 'microovn');
