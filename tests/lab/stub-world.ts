// A stand-in service model for tests of the transport: it echoes what it received.
import { createdResponse, syncResponse } from '../../src/lab/envelope.js';
import type { LabContext, LabRequest, LabResponse, ServiceWorld } from '../../src/lab/types.js';

export interface Received { machine: string; req: LabRequest }

export class EchoWorld implements ServiceWorld {
  readonly received: Received[] = [];
  /** Milliseconds each request takes. */
  delayMs = 0;
  constructor(private readonly ctx: LabContext, readonly name: string) {}

  handler(machine: string) {
    return async (req: LabRequest): Promise<LabResponse> => {
      this.received.push({ machine, req });
      if (this.delayMs) await this.ctx.sleep(this.delayMs);
      if (req.method === 'POST') return createdResponse(`${req.path}/created`);
      return syncResponse({
        service: this.name, machine, method: req.method, path: req.path, query: req.query.toString(),
        body: req.body ?? null, peersUp: this.ctx.machines().filter((m) => this.ctx.isUp(m)),
      });
    };
  }
}

export const echoWorlds = (ctx: LabContext) => ({
  lxd: new EchoWorld(ctx, 'lxd'),
  microceph: Object.assign(new EchoWorld(ctx, 'microceph'), {
    cephHealth: (_machine?: string) => ({ status: 'HEALTH_OK', checks: {}, mutes: [] }),
  }),
  microovn: new EchoWorld(ctx, 'microovn'),
});
