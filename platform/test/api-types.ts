import type { Hono } from 'hono';
import type { agentInternalRoutes, agentRoutes } from '../src/agents/routes';
import type { analyticsRoutes } from '../src/analytics/routes';
import type { authRoutes } from '../src/auth/routes';
import type { diagnosticsRoutes } from '../src/diagnostics/routes';
import type { hostControlRoutes } from '../src/meetings/host-control-routes';
import type { meetingRoutes } from '../src/meetings/routes';
import type { scheduleRoutes } from '../src/meetings/schedule-routes';
import type { uploadBrandingAsset } from '../src/org/branding';
import type { orgRoutes } from '../src/org/routes';
import type { postMeetingRoutes } from '../src/post-meeting/routes';
import type { presetRoutes } from '../src/presets/routes';
import type { sessionRoutes } from '../src/sessions/routes';
import type { userRoutes } from '../src/users/routes';
import type { webhookRoutes } from '../src/webhooks/routes';

/**
 * The API's response bodies as the route declarations type them, for tests: `body<'GET /api/users/{userId}'>(res)`
 * is the user a 200 carries. The key is the OpenAPI spelling of the route, so a typo does not compile, and the body
 * type follows the route's schema. (call() already checks every response against the OpenAPI document at run time.)
 */
type Routers =
  | typeof authRoutes
  | typeof userRoutes
  | typeof orgRoutes
  | typeof meetingRoutes
  | typeof scheduleRoutes
  | typeof hostControlRoutes
  | typeof webhookRoutes
  | typeof sessionRoutes
  | typeof postMeetingRoutes
  | typeof diagnosticsRoutes
  | typeof analyticsRoutes
  | typeof agentRoutes
  | typeof agentInternalRoutes
  | typeof presetRoutes;

type SchemaOf<Router> = Router extends Hono<infer _Env, infer Schema, infer _BasePath> ? Schema : never;

/** Hono's `/api/users/:userId` as OpenAPI writes it, `/api/users/{userId}`. */
type OpenApiPath<Path extends string> = Path extends `${infer Head}:${infer Name}/${infer Rest}`
  ? `${Head}{${Name}}/${OpenApiPath<Rest>}`
  : Path extends `${infer Head}:${infer Name}`
    ? `${Head}{${Name}}`
    : Path;

type MethodOf<Key extends string> = Key extends `$${infer Method}` ? Uppercase<Method> : never;

type EndpointsOf<Schema> = Schema extends object
  ? {
      [Path in keyof Schema & string]: {
        [Method in keyof Schema[Path] & string]: {
          key: `${MethodOf<Method>} ${OpenApiPath<Path>}`;
          endpoint: Schema[Path][Method];
        };
      }[keyof Schema[Path] & string];
    }[keyof Schema & string]
  : never;

type Endpoints = EndpointsOf<SchemaOf<Routers>>;

/** Every route of the API, as `METHOD /path/{param}`. */
export type RouteKey = Endpoints['key'];

export type SuccessStatus = 200 | 201 | 202;

/**
 * The JSON body route `Key` answers with `Status` (by default: its success answer). Every JSON body of the API is an
 * object; a route that can also answer in text (the chat's CSV) has that alternative typed as a string, left out here.
 */
export type ResponseBody<Key extends RouteKey, Status extends number = SuccessStatus> = Exclude<
  Extract<Extract<Endpoints, { key: Key }>['endpoint'], { status: Status; outputFormat: 'json' }>['output'],
  string
>;

/** `POST /api/org/branding` is declared apart from the org routes' chain, so its body is typed from the upload. */
export type UploadedBranding = Awaited<ReturnType<typeof uploadBrandingAsset>>;

/** A JSON Schema of the API document, as far as the tests read one. */
export interface DocumentedSchema {
  $ref?: string;
  properties?: Record<string, DocumentedSchema>;
  minProperties?: number;
  [keyword: string]: unknown;
}

export type DocumentedContent = Record<string, { schema?: DocumentedSchema }>;

/** An operation of the API document: what the route declarations put there (auth/define-route.ts). */
export interface DocumentedOperation {
  operationId?: string;
  'x-castio-access'?: string;
  security?: unknown[];
  requestBody?: { content?: DocumentedContent };
  responses: Record<string, { description?: string; content?: DocumentedContent }>;
}

/**
 * `GET /api/openapi.json` as the app generates it: every path item holds operations only (by lower-case method),
 * and the schemas and the bearer scheme are components.
 */
export interface ApiDocument {
  openapi: string;
  info: { title: string; version: string };
  servers?: unknown[];
  paths: Record<string, Record<string, DocumentedOperation>>;
  components: { schemas: Record<string, DocumentedSchema>; securitySchemes?: Record<string, unknown> };
}
