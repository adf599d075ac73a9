import { z } from '@hono/zod-openapi';
import { errorResponses } from '../http/errors';
import { jsonBody as body } from '../http/json-content';
import { defineRoute } from '../auth/define-route';
import { createRouter } from '../http/router';
import { upcomingSchedule } from './schedule';
import { InstantSchema, MEETING_TYPES, MeetingCreateSchema, MeetingPatchSchema, MeetingSchema } from './schemas';
import { cancelOrgMeeting, createMeeting, updateMeeting } from './service';

/** `/api/schedule*` (§2.2): the calendar's view of scheduled and recurring meetings, on the meetings service. */
const tags = ['Schedule'];
const scheduleParams = z.object({ scheduleId: z.string().max(64) });
const meetingResponse = { description: 'The meeting', content: { 'application/json': { schema: MeetingSchema } } };

const ScheduleCreateSchema = z
  .discriminatedUnion('schedulingType', [MeetingCreateSchema.options[1], MeetingCreateSchema.options[2]])
  .openapi('ScheduleCreate');

const ScheduleEntrySchema = z
  .object({
    meetingId: z.string(),
    occurrenceId: z.string().nullable(),
    title: z.string(),
    meetingType: z.enum(MEETING_TYPES),
    start: z.string(),
    end: z.string().nullable(),
    status: z.string(),
    joinPath: z.string(),
  })
  .openapi('ScheduleEntry');

const ScheduleQuerySchema = z.object({
  from: InstantSchema.optional(),
  to: InstantSchema.optional(),
  mine: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
});

const createRoute = defineRoute('meetings.create', {
  method: 'post',
  path: '/api/schedule',
  operationId: 'scheduleMeeting',
  tags,
  summary: 'Schedule a meeting (one-off or recurring)',
  request: { body: body(ScheduleCreateSchema) },
  responses: { 201: meetingResponse, ...errorResponses(409, 422) },
});

const listRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/schedule',
  operationId: 'listSchedule',
  tags,
  summary: 'Coming meetings and occurrences in a time range (default: the next 30 days)',
  request: { query: ScheduleQuerySchema },
  responses: {
    200: {
      description: 'The schedule',
      content: {
        'application/json': {
          schema: z.object({ from: z.string(), to: z.string(), items: z.array(ScheduleEntrySchema) }),
        },
      },
    },
    ...errorResponses(422),
  },
});

const patchRoute = defineRoute('meetings.manage.own', {
  method: 'patch',
  path: '/api/schedule/{scheduleId}',
  operationId: 'updateScheduledMeeting',
  tags,
  summary: 'Change a scheduled meeting',
  request: { params: scheduleParams, body: body(MeetingPatchSchema) },
  responses: { 200: meetingResponse, ...errorResponses(404, 409, 422) },
});

const deleteRoute = defineRoute('meetings.manage.own', {
  method: 'delete',
  path: '/api/schedule/{scheduleId}',
  operationId: 'cancelScheduledMeeting',
  tags,
  summary: 'Cancel a scheduled meeting or a whole series',
  request: { params: scheduleParams },
  responses: { 200: meetingResponse, ...errorResponses(404, 409), ...errorResponses(502, 503) },
});

export const scheduleRoutes = createRouter()
  .openapi(createRoute, async (c) => c.json(await createMeeting(c.env, c.get('auth'), c.req.valid('json')), 201))
  .openapi(listRoute, async (c) => c.json(await upcomingSchedule(c.env, c.get('auth'), c.req.valid('query')), 200))
  .openapi(patchRoute, async (c) =>
    c.json(await updateMeeting(c.env, c.get('auth'), c.req.valid('param').scheduleId, c.req.valid('json')), 200),
  )
  .openapi(deleteRoute, async (c) =>
    c.json(await cancelOrgMeeting(c.env, c.get('auth'), c.req.valid('param').scheduleId), 200),
  );
