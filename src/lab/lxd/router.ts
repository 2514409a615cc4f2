// Path routing the way LXD's gorilla/mux setup answers: unknown path → 404 "not found"; a known path
// without the method → 501 "not implemented"; an unknown HTTP method → 404 `Method "X" not found`.
import type { LabResponse } from '../types.js';
import { errorResponse } from '../envelope.js';
import type { Ctx } from './context.js';
import { toLxdError } from './errors.js';

export type Handler = (c: Ctx) => Promise<LabResponse> | LabResponse;
const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH'];

interface Route {
  re: RegExp;
  keys: string[];
  handlers: Partial<Record<string, Handler>>;
}

export class Router {
  private readonly routes: Route[] = [];

  /** Pattern segments like `{name}` match one path segment (URL-decoded). */
  add(pattern: string, handlers: Partial<Record<string, Handler>>): this {
    const keys: string[] = [];
    const re = new RegExp(`^${pattern.replace(/\{(\w+)\}/g, (_m, k: string) => { keys.push(k); return '([^/]+)'; })}$`);
    this.routes.push({ re, keys, handlers });
    return this;
  }

  match(method: string, path: string): { handler?: Handler; params: Record<string, string>; found: boolean } {
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => {
        const raw = m[i + 1] ?? '';
        try { params[k] = decodeURIComponent(raw); } catch { params[k] = raw; }
      });
      return { handler: r.handlers[method], params, found: true };
    }
    return { params: {}, found: false };
  }

  async handle(c: Omit<Ctx, 'params'>): Promise<LabResponse> {
    const method = c.req.method.toUpperCase();
    const { handler, params, found } = this.match(method, c.req.path);
    if (!found) return errorResponse(404, 'not found');
    if (!METHODS.includes(method)) return errorResponse(404, `Method ${JSON.stringify(c.req.method)} not found`);
    if (!handler) return errorResponse(501, 'not implemented');
    try {
      return await handler({ ...c, params });
    } catch (e) {
      const err = toLxdError(e);
      return errorResponse(err.code, err.message);
    }
  }
}
