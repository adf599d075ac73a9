import { z } from '@hono/zod-openapi';
import { errorResponse, errorResponses } from '../http/errors';
import { jsonResponse } from '../http/json-content';
import { defineRoute } from '../auth/define-route';
import { createRouter } from '../http/router';
import { MeetingParams } from '../sessions/schemas';
import { deinitAgent, forwardInternal, initAgent } from './service';

const tags = ['Agents'];
const AgentStateSchema = z
  .object({ meetingId: z.string(), status: z.enum(['initialised', 'stopped']), updatedAt: z.string() })
  .openapi('AgentState');
const EmptyBody = {
  required: true,
  content: { 'application/json': { schema: z.object({}).strict().openapi('AgentRequest') } },
};

const initRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/agents/{meetingId}/init',
  operationId: 'attachAgent',
  tags,
  summary: 'Attach a Realtime Agent to a meeting (groundwork)',
  description: 'The meeting’s host or an admin. Returns the internal path and token the agent pipeline uses.',
  request: { params: MeetingParams, body: EmptyBody },
  responses: {
    200: {
      description: 'The agent state',
      content: {
        'application/json': {
          schema: AgentStateSchema.extend({ internalPath: z.string(), internalToken: z.string() }),
        },
      },
    },
    ...errorResponses(404),
  },
});

const deinitRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/agents/{meetingId}/deinit',
  operationId: 'detachAgent',
  tags,
  summary: 'Detach the meeting’s Realtime Agent',
  request: { params: MeetingParams, body: EmptyBody },
  responses: {
    200: { description: 'The agent state', content: { 'application/json': { schema: AgentStateSchema } } },
    ...errorResponses(404),
  },
});

export const agentRoutes = createRouter()
  .openapi(initRoute, async (c) => c.json(await initAgent(c.env, c.get('auth'), c.req.valid('param').meetingId), 200))
  .openapi(deinitRoute, async (c) =>
    c.json(await deinitAgent(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  );

/**
 * What the agent object serves today (realtime-agent-object.ts). Public to Castio's RBAC: no user signs in here;
 * the agent pipeline presents the meeting's agent token instead.
 */
const internalStateRoute = {
  ...defineRoute('public', {
    method: 'get',
    path: '/agentsInternal/{meetingId}/state',
    operationId: 'getAgentState',
    tags,
    summary: 'The agent pipeline reads the agent state (machine-to-machine)',
    request: { params: MeetingParams },
    responses: {
      200: jsonResponse(AgentStateSchema, 'The agent state'),
      401: errorResponse(401, 'No valid agent token for this meeting.'),
      409: errorResponse(409, 'No agent is running for this meeting.'),
    },
  }),
  security: [{ agentToken: [] }],
};

/**
 * `/agentsInternal/…`: machine-to-machine, authenticated by the per-meeting agent token. Only what the object
 * serves is routed (and documented); any other path is an unknown route.
 */
export const agentInternalRoutes = createRouter().openapi(
  internalStateRoute,
  // The object's own response, passed on as it is: its statuses are the ones declared above.
  async (c) => (await forwardInternal(c.env, c.req.raw, c.req.valid('param').meetingId, 'state')) as never,
);
agentInternalRoutes.openAPIRegistry.registerComponent('securitySchemes', 'agentToken', {
  type: 'http',
  scheme: 'bearer',
  description: 'The `internalToken` of POST /api/agents/{meetingId}/init, bound to that meeting.',
});
