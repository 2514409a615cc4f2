// /1.0/operations endpoints (lxd/operations.go). Operations of other members are found and forwarded.
import type { LabResponse } from '../types.js';
import { syncResponse } from '../envelope.js';
import { visibleOperations } from './common.js';
import type { Ctx } from './context.js';
import { isRecursion, q } from './context.js';
import { plainError, statusError } from './errors.js';
import type { Operation } from './operations.js';
import type { Router } from './router.js';

function findOp(c: Ctx): Operation {
  const id = c.params.id ?? '';
  const op = visibleOperations(c.world, c.d).find((o) => o.id === id);
  if (!op) throw statusError(404, 'Operation not found');
  return op;
}

function listOps(c: Ctx): LabResponse {
  const proj = q(c, 'project') || 'default';
  const body: Record<string, unknown[]> = {};
  for (const op of visibleOperations(c.world, c.d)) {
    if (op.project !== '' && op.project !== proj && q(c, 'all-projects') !== 'true') continue;
    const key = op.status.toLowerCase();
    (body[key] ??= []).push(isRecursion(c) ? op.render() : op.url);
  }
  return syncResponse(body);
}

function getOp(c: Ctx): LabResponse {
  return syncResponse(findOp(c).render());
}

function deleteOp(c: Ctx): LabResponse {
  findOp(c).cancel();
  return syncResponse({});
}

async function waitOp(c: Ctx): Promise<LabResponse> {
  const raw = q(c, 'timeout');
  let timeout = -1;
  if (raw !== '') {
    if (!/^[+-]?\d+$/.test(raw)) throw plainError(`strconv.Atoi: parsing ${JSON.stringify(raw)}: invalid syntax`);
    timeout = Number.parseInt(raw, 10);
  }
  return findOp(c).wait(timeout);
}

export function registerOperations(r: Router): void {
  r.add('/1.0/operations', { GET: listOps });
  r.add('/1.0/operations/{id}', { GET: getOp, DELETE: deleteOp });
  r.add('/1.0/operations/{id}/wait', { GET: waitOp });
}
