// A tiny method + path router. Patterns look like `/accounts/:accountId/d1/database/:databaseId`;
// a trailing `*rest` captures the remainder (slashes included).
import type { ApiToken } from '../state/state.ts';

/** What an API route needs of the caller's token (open routes ignore it). */
export interface RouteMeta {
  /** A canonical permission (`d1:read`), or one that depends on the request. */
  permission?: string | ((request: Request) => string);
  /** The route's `:accountId` must be the account, and the token one of its own. */
  account?: boolean;
  /** A token-verify route: a bad token answers 401 / 1000 instead of 403 / 10000. */
  verifyRoute?: boolean;
  /** Not authorised by an API token (e.g. by an upload jwt). */
  public?: boolean;
}

/** The names of a pattern's `:name` and `*name` segments. */
type ParamNames<Pattern extends string> = Pattern extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<Rest>
  : Pattern extends `${string}:${infer Name}`
    ? Name
    : Pattern extends `${string}*${infer Name}`
      ? Name
      : never;

/** The parameters a route pattern captures, e.g. `{ accountId: string }` for `/accounts/:accountId`. */
export type RouteParams<Pattern extends string> = { [Name in ParamNames<Pattern>]: string };

export interface RouteContext<Params = Record<string, string>> {
  request: Request;
  url: URL;
  params: Params;
  /** The caller's token: set on API routes that are not `public`. */
  auth?: ApiToken;
  /** The pattern that matched. */
  route: string;
}

export type RouteHandler<Params = Record<string, string>> = (ctx: RouteContext<Params>) => Promise<Response> | Response;

export interface Route {
  method: string;
  pattern: string;
  regex: RegExp;
  keys: string[];
  handler: RouteHandler;
  meta: RouteMeta;
}

export type RouteMatch = { route: Route; params: Record<string, string> } | { route: null; pathMatched: boolean };

export class Router {
  readonly routes: Route[] = [];

  add<Pattern extends string>(
    method: string,
    pattern: Pattern,
    meta: RouteMeta,
    handler: RouteHandler<RouteParams<Pattern>>,
  ): void {
    const keys: string[] = [];
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
    // `match` fills in exactly the pattern's keys, so the handler gets the parameters it names.
    const route = { method, pattern, regex: new RegExp(`^${source}/?$`), keys, handler: handler as RouteHandler, meta };
    this.routes.push(route);
  }

  match(method: string, pathname: string): RouteMatch {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(pathname);
      if (!m) continue;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        pathMatched = true;
        continue;
      }
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        const raw = m[i + 1] ?? '';
        try {
          params[key] = decodeURIComponent(raw);
        } catch {
          params[key] = raw;
        }
      });
      return { route, params };
    }
    return { route: null, pathMatched };
  }
}
