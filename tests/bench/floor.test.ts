// The floor's derivation: login, then the slowest reader's chain (probe command, channel, rounds).
import { CONVERGED_GATHER, floorMs, gatherRoundTrips, LAB_CHARGES } from '../../bench/floor.js';

test('a converged machine: login 1 + socket probe 2 + channel 1 + two rounds of requests = 6 round trips', () => {
  expect(gatherRoundTrips(CONVERGED_GATHER)).toBe(6);
  expect(floorMs(20)).toBe(120);
  expect(floorMs(0)).toBe(0);
});

test('the slowest reader sets the floor; readers side by side do not add up', () => {
  const oneRound = { hostFactRounds: 1, daemonRounds: { lxd: 1, microceph: 1 } };
  expect(gatherRoundTrips(oneRound)).toBe(LAB_CHARGES.login + LAB_CHARGES.command + LAB_CHARGES.channel + 1);
  expect(gatherRoundTrips({ ...oneRound, daemonRounds: { lxd: 3, microceph: 1 } })).toBe(gatherRoundTrips(oneRound) + 2);
});

test('without daemons, the host facts alone: login and one round of commands', () => {
  expect(gatherRoundTrips({ hostFactRounds: 1, daemonRounds: {} })).toBe(LAB_CHARGES.login + LAB_CHARGES.command);
});
