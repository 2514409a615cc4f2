// `microceph/member/<name>`: a microcluster join into the initiator's MicroCeph.
import { microJoinSpec } from './micro-join.js';

export const microcephMemberAddress = (machine: string): string => `microceph/member/${machine}`;

export const microcephJoin = microJoinSpec('microceph-join', 'microceph');
