// A tiny method + path router. Patterns look like `/accounts/:accountId/d1/database/:databaseId`;
// a trailing `*rest` captures the remainder (slashes included).

/**
 * @typedef {{ request: Request, url: URL, params: Record<string,string>, auth?: any, route: string }} RouteContext
 * @typedef {(ctx: RouteContext) => Promise<Response> | Response} RouteHandler
 * @typedef {{ method: string, pattern: string, regex: RegExp, keys: string[], handler: RouteHandler, meta: Record<string, any> }} Route
 */

export class Router {
  /** @type {Route[]} */
  routes = [];

  /**
   * @param {string} method
   * @param {string} pattern
   * @param {Record<string, any>} meta e.g. { permission: 'd1:read' }
   * @param {RouteHandler} handler
   */
  add(method, pattern, meta, handler) {
    const keys = [];
    const source = pattern
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          keys.push(segment.slice(1));
          return '([^/]+)';
        }
        if (segment.startsWith('*')) {
          keys.push(segment.slice(1));
          return '(.+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, pattern, regex: new RegExp(`^${source}/?$`), keys, handler, meta });
  }

  /**
   * @param {string} method
   * @param {string} pathname
   * @returns {{ route: Route, params: Record<string,string> } | { route: null, pathMatched: boolean }}
   */
  match(method, pathname) {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(pathname);
      if (!m) continue;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        pathMatched = true;
        continue;
      }
      const params = {};
      route.keys.forEach((key, i) => {
        try {
          params[key] = decodeURIComponent(m[i + 1]);
        } catch {
          params[key] = m[i + 1];
        }
      });
      return { route, params };
    }
    return { route: null, pathMatched };
  }
}
