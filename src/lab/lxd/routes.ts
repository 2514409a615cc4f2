// The route table of the simulated LXD.
import { registerCertificates } from './certificates.js';
import { registerCluster } from './cluster.js';
import { registerInstances } from './instances.js';
import { registerNetworks } from './networks.js';
import { registerOperations } from './opsroutes.js';
import { registerPools } from './pools.js';
import { registerProfiles } from './profiles.js';
import { registerResources } from './resources.js';
import { Router } from './router.js';
import { registerServer } from './server.js';
import { registerVolumes } from './volumes.js';

export function buildRouter(): Router {
  const r = new Router();
  registerServer(r);
  registerCluster(r);
  registerPools(r);
  registerVolumes(r);
  registerNetworks(r);
  registerProfiles(r);
  registerResources(r);
  registerOperations(r);
  registerCertificates(r);
  registerInstances(r);
  return r;
}
