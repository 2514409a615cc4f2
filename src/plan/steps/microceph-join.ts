// `microceph/member/<name>`: mon, mgr and mds are placed on a joiner while fewer than 3 run them.
import { microJoinSpec } from './micro-join.js';

export const microcephMemberAddress = (machine: string): string => `microceph/member/${machine}`;

export const microcephJoin = microJoinSpec('microceph-join', 'microceph', 'MicroCeph', { always: [], upToThree: ['mon', 'mgr', 'mds'] });
