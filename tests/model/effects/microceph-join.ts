// `microceph/member/<name>`: mon, mgr and mds are placed on a joiner while fewer than 3 run them.
import { microJoinEffect } from './micro-join.js';

export const microcephJoin = microJoinEffect<'microceph-join'>('microceph', 'MicroCeph', { always: [], upToThree: ['mon', 'mgr', 'mds'] });
