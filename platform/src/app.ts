import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { authRoutes } from './auth/routes';
import { handleError } from './http/error-handler';
import { envelope, errorResponse } from './http/errors';
import { JSON_BODY_LIMIT_BYTES, jsonBodyLimit, requireJsonBody } from './http/json-body';
import { documentMiddlewareResponses, type OperationKey } from './http/middleware-responses';
import { createRouter } from './http/router';
import { isWriteMethod, rejectCrossSiteWrites } from './http/same-origin';
import { orgRoutes } from './org/routes';
import { userRoutes } from './users/routes';
import { webhookRoutes } from './webhooks/routes';
import { sessionRoutes } from './sessions/routes';
import { postMeetingRoutes } from './post-meeting/routes';
import { diagnosticsRoutes } from './diagnostics/routes';
import { analyticsRoutes } from './analytics/routes';
import { agentInternalRoutes, agentRoutes } from './agents/routes';
import { presetRoutes } from './presets/routes';
import { addReferenceRoutes } from './reference/routes';
import { meetingRoutes } from './meetings/routes';
import { scheduleRoutes } from './meetings/schedule-routes';
import { hostControlRoutes } from './meetings/host-control-routes';

/** Routes that take multipart uploads: they apply their own (larger) body limit. */
const UPLOAD_PATHS = new Set(['/api/org/branding']);
/** The RTK webhook alias reads its raw body itself (signature over exact bytes, its own size limit). */
const RAW_BODY_PATHS = new Set(['/api/webhooks/rtk']);
/** Where the JSON body limit and content type are enforced: every API path but the uploads and the raw webhook. */
const takesJsonBody = (path: string) =>
  path.startsWith('/api/') && !UPLOAD_PATHS.has(path) && !RAW_BODY_PATHS.has(path);
/** Writes to the API: checked for cross-site origin and, where they take JSON, for their body. */
const isApiWrite = ({ method, path }: OperationKey) => path.startsWith('/api/') && isWriteMethod(method);

export function createApp() {
  const app = createRouter();

  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use(
    '*',
    secureHeaders({
      crossOriginOpenerPolicy: 'same-origin',
      referrerPolicy: 'no-referrer',
      xFrameOptions: 'DENY',
    }),
  );
  app.use('/api/*', rejectCrossSiteWrites);
  app.use('/api/*', async (c, next) => {
    if (!takesJsonBody(c.req.path)) return next();
    return jsonBodyLimit(c, async () => {
      await requireJsonBody(c, next);
    });
  });

  app.route('/', authRoutes);
  app.route('/', userRoutes);
  app.route('/', orgRoutes);
  app.route('/', meetingRoutes);
  app.route('/', scheduleRoutes);
  app.route('/', hostControlRoutes);
  app.route('/', webhookRoutes);
  app.route('/', sessionRoutes);
  app.route('/', postMeetingRoutes);
  app.route('/', diagnosticsRoutes);
  app.route('/', analyticsRoutes);
  app.route('/', agentRoutes);
  app.route('/', agentInternalRoutes);
  app.route('/', presetRoutes);

  documentMiddlewareResponses(app, isApiWrite, {
    403: errorResponse(403, 'A browser sent this write from another website (cross_site_request).'),
  });
  documentMiddlewareResponses(app, (operation) => isApiWrite(operation) && takesJsonBody(operation.path), {
    413: errorResponse(413, `The body is larger than ${JSON_BODY_LIMIT_BYTES / 1024} KB (payload_too_large).`),
    415: errorResponse(415, 'The body is not sent as application/json (unsupported_media_type).'),
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The access token from /api/auth/login, /register or /refresh (15 minutes).',
  });
  addReferenceRoutes(app);

  app.notFound((c) => c.json(envelope('not_found', `No route for ${c.req.method} ${c.req.path}.`), 404));
  app.onError(handleError);
  return app;
}
