import { errorResponses } from '../http/errors';
import { defineRoute } from '../auth/define-route';
import { createRouter } from '../http/router';
import {
  MeetingParams,
  SessionDetailSchema,
  SessionListQuerySchema,
  SessionListSchema,
  SessionParams,
} from './schemas';
import { getSessionDetail, listMeetingSessions } from './service';

const tags = ['Sessions'];

const listRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/meetings/{meetingId}/sessions',
  operationId: 'listSessions',
  tags,
  summary: 'Sessions of a meeting (newest first)',
  description: 'Any org member. Numbers come from RTK webhooks and polling.',
  request: { params: MeetingParams, query: SessionListQuerySchema },
  responses: {
    200: { description: 'A page of sessions', content: { 'application/json': { schema: SessionListSchema } } },
    ...errorResponses(404),
  },
});

const detailRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/meetings/{meetingId}/sessions/{sessionId}',
  operationId: 'getSession',
  tags,
  summary: 'One session: header metadata, and for hosts/admins the participation analytics',
  request: { params: SessionParams },
  responses: {
    200: { description: 'The session', content: { 'application/json': { schema: SessionDetailSchema } } },
    ...errorResponses(404),
  },
});

export const sessionRoutes = createRouter()
  .openapi(listRoute, async (c) =>
    c.json(
      await listMeetingSessions(c.env.DB, c.get('auth'), c.req.valid('param').meetingId, c.req.valid('query')),
      200,
    ),
  )
  .openapi(detailRoute, async (c) => {
    const { meetingId, sessionId } = c.req.valid('param');
    return c.json(await getSessionDetail(c.env.DB, c.get('auth'), meetingId, sessionId), 200);
  });
