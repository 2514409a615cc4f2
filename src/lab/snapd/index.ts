// The lab's snapd: `new SnapdWorld(ctx)` answers every machine's /run/snapd.socket (world.ts), over
// what the machine's spec lists as installed (installed.ts) and a small store (store.ts).
export { SnapdWorld, type SnapdOptions, type SnapServiceEvent, type SnapServiceHooks } from './world.js';
export { SnapStore, defaultStore, rolloutBucket, type StoreChannel, type StoreRevision, type StoreSnap } from './store.js';
export { localSnaps, notes, type LocalSnap } from './installed.js';
