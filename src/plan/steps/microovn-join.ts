// `microovn/member/<name>`: chassis and switch always, central while fewer than 3.
import { microJoinSpec } from './micro-join.js';

export const microovnMemberAddress = (machine: string): string => `microovn/member/${machine}`;

export const microovnJoin = microJoinSpec('microovn-join', 'microovn', 'MicroOVN', { always: ['chassis', 'switch'], upToThree: ['central'] });
