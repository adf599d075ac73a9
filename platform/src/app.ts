import { Scalar } from '@scalar/hono-api-reference';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { authRoutes } from './auth/routes';
import { handleError } from './http/error-handler';
import { envelope } from './http/errors';
import { jsonBodyLimit, requireJsonBody } from './http/json-body';
import { createRouter } from './http/router';
import { rejectCrossSiteWrites } from './http/same-origin';
import { orgRoutes } from './org/routes';
import { userRoutes } from './users/routes';
import { webhookRoutes } from './webhooks/routes';
import { sessionRoutes } from './sessions/routes';
import { postMeetingRoutes } from './post-meeting/routes';
import { diagnosticsRoutes } from './diagnostics/routes';
import { analyticsRoutes } from './analytics/routes';
import { agentInternalRoutes, agentRoutes } from './agents/routes';
import { presetRoutes } from './presets/routes';
import { meetingRoutes } from './meetings/routes';
import { scheduleRoutes } from './meetings/schedule-routes';
import { hostControlRoutes } from './meetings/host-control-routes';

export const SCALAR_BUNDLE_PATH = '/vendor/scalar-api-reference.js';

/** Routes that take multipart uploads: they apply their own (larger) body limit. */
const UPLOAD_PATHS = new Set(['/api/org/branding']);
/** The RTK webhook alias reads its raw body itself (signature over exact bytes, its own size limit). */
const RAW_BODY_PATHS = new Set(['/api/webhooks/rtk']);

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
    if (UPLOAD_PATHS.has(c.req.path) || RAW_BODY_PATHS.has(c.req.path)) return next();
    return jsonBodyLimit(c, async () => {
      await requireJsonBody(c, next);
    });
  });

  app.get('/api/health', (c) => c.json({ ok: true }));
  app.route('/', authRoutes);
  app.route('/', userRoutes);
  app.route('/', orgRoutes);
  app.route('/', meetingRoutes);
  app.route('/', scheduleRoutes);
  app.route('/', hostControlRoutes);
  app.route('/', webhookRoutes);
  app.route('/api', webhookRoutes);
  app.route('/', sessionRoutes);
  app.route('/', postMeetingRoutes);
  app.route('/', diagnosticsRoutes);
  app.route('/', analyticsRoutes);
  app.route('/', agentRoutes);
  app.route('/', agentInternalRoutes);
  app.route('/', presetRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The access token from /api/auth/login, /register or /refresh (15 minutes).',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Castio platform API',
      version: '0.1.0',
      description:
        'Meetings, users and organisation settings of a Castio deployment. Errors use one envelope: `{ "error": { "code", "message", "details"? } }`.',
    },
  });
  // The reference UI is served from our own assets: nothing loads from a CDN at run time.
  app.get(
    '/api/docs',
    Scalar({
      url: '/api/openapi.json',
      pageTitle: 'Castio API reference',
      cdn: SCALAR_BUNDLE_PATH,
      withDefaultFonts: false,
    }),
  );

  app.notFound((c) => c.json(envelope('not_found', `No route for ${c.req.method} ${c.req.path}.`), 404));
  app.onError(handleError);
  return app;
}
