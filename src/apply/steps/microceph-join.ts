// `microceph/member/<name>`: MicroCloud joins MicroCeph without extra config (no availability zone).
import { microJoin } from './micro-join.js';

export const microcephJoin = microJoin<'microceph-join'>('microceph', () => ({}));
