// `microovn/member/<name>`: chassis and switch always, central while fewer than 3.
import { microJoinEffect } from './micro-join.js';

export const microovnJoin = microJoinEffect<'microovn-join'>('microovn', 'MicroOVN', { always: ['chassis', 'switch'], upToThree: ['central'] });
