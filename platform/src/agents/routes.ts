import { z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { errorResponses } from '../http/errors';
import { defineRoute } from '../http/route';
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
  tags,
  summary: 'Attach a Realtime Agent to a meeting (groundwork, seed §2.6)',
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

/** `ALL /agentsInternal/:meetingId/*`: machine-to-machine, authenticated by the per-meeting agent token. */
export const agentInternalRoutes = new Hono<AppEnv>().all('/agentsInternal/:meetingId/*', async (c) => {
  const meetingId = c.req.param('meetingId');
  const prefix = `/agentsInternal/${meetingId}/`;
  const rest = c.req.path.startsWith(prefix) ? c.req.path.slice(prefix.length) : '';
  return forwardInternal(c.env, c.req.raw, meetingId, rest);
});
