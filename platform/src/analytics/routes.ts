import { z } from '@hono/zod-openapi';
import { errorResponses } from '../http/errors';
import { defineRoute } from '../auth/define-route';
import { createRouter } from '../http/router';
import { PathIdSchema } from '@castio/shared/schemas';
import { isValidDay } from './dates';
import { createExport, overview, perMeeting, readExport, usage } from './service';

const tags = ['Analytics'];
const Day = z
  .string()
  .refine(isValidDay, 'Use a date like 2026-11-24.')
  .openapi({ example: '2026-11-24', description: 'UTC day, inclusive.' });
const RangeQuery = z.object({ from: Day.optional(), to: Day.optional() });
const Scope = z.enum(['org', 'own']).openapi({ description: '`own`: a host sees only the meetings they created.' });
const Source = z.enum(['live', 'rollup+live']);
const MeetingTypes = z.object({ video: z.number(), audio: z.number(), webinar: z.number(), livestream: z.number() });

const OverviewSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    scope: Scope,
    source: Source,
    totals: z.object({
      sessions: z.number(),
      participants: z.number(),
      durationSeconds: z.number(),
      durationMinutes: z.number(),
      averageSessionMinutes: z.number(),
      peakConcurrentParticipants: z.number(),
      recordings: z.number(),
      recordingMinutes: z.number(),
      chatMessages: z.number(),
      transcripts: z.number(),
      summaries: z.number(),
    }),
    meetingTypes: MeetingTypes.openapi({ description: 'Sessions per meeting type.' }),
  })
  .openapi('AnalyticsOverview');

const UsageSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    granularity: z.enum(['day', 'week', 'month']),
    scope: Scope,
    source: Source,
    series: z.array(
      z.object({
        period: z.string(),
        sessions: z.number(),
        participants: z.number(),
        durationMinutes: z.number(),
        recordings: z.number(),
        chatMessages: z.number(),
        peakConcurrentParticipants: z.number(),
        meetingTypes: MeetingTypes,
      }),
    ),
  })
  .openapi('AnalyticsUsage');

const MeetingsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    scope: Scope,
    items: z.array(
      z.object({
        meetingId: z.string(),
        title: z.string(),
        meetingType: z.string(),
        hostUserId: z.string(),
        sessions: z.number(),
        participants: z.number(),
        durationMinutes: z.number(),
        averageSessionMinutes: z.number(),
        peakConcurrentParticipants: z.number(),
        sessionsWithRecording: z.number(),
        sessionsWithTranscript: z.number(),
        lastSessionAt: z.string().nullable(),
      }),
    ),
  })
  .openapi('AnalyticsMeetings');

const overviewRoute = defineRoute('analytics.view.own', {
  method: 'get',
  path: '/api/analytics/overview',
  operationId: 'getAnalyticsOverview',
  tags,
  summary: 'Dashboard totals for a date range (default: the last 30 days), with the meeting-type breakdown',
  request: { query: RangeQuery },
  responses: { 200: { description: 'Totals', content: { 'application/json': { schema: OverviewSchema } } } },
});

const usageRoute = defineRoute('analytics.view.own', {
  method: 'get',
  path: '/api/analytics/usage',
  operationId: 'getAnalyticsUsage',
  tags,
  summary: 'Usage over time (per day, week or month)',
  request: { query: RangeQuery.extend({ granularity: z.enum(['day', 'week', 'month']).default('day') }) },
  responses: { 200: { description: 'Series', content: { 'application/json': { schema: UsageSchema } } } },
});

const meetingsRoute = defineRoute('analytics.view.own', {
  method: 'get',
  path: '/api/analytics/meetings',
  operationId: 'listMeetingAnalytics',
  tags,
  summary: 'Per-meeting analytics for a date range',
  request: {
    query: RangeQuery.extend({
      limit: z.coerce.number().int().min(1).max(100).default(25),
      sort: z.enum(['sessions', 'minutes', 'participants']).default('sessions'),
    }),
  },
  responses: { 200: { description: 'Meetings', content: { 'application/json': { schema: MeetingsSchema } } } },
});

const createExportRoute = defineRoute('analytics.view.own', {
  method: 'post',
  path: '/api/analytics/exports',
  operationId: 'createAnalyticsExport',
  tags,
  summary: 'Write a CSV report to the exports bucket',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ report: z.enum(['usage', 'meetings']), from: Day.optional(), to: Day.optional() })
            .strict()
            .openapi('AnalyticsExportCreate'),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'Written',
      content: {
        'application/json': {
          schema: z.object({ id: z.string(), report: z.string(), bytes: z.number(), downloadPath: z.string() }),
        },
      },
    },
  },
});

const readExportRoute = defineRoute('analytics.view.own', {
  method: 'get',
  path: '/api/analytics/exports/{exportId}',
  operationId: 'downloadAnalyticsExport',
  tags,
  summary: 'Download a CSV report (admins: any of the org’s; hosts: their own)',
  request: { params: z.object({ exportId: PathIdSchema }) },
  responses: {
    200: { description: 'The CSV', content: { 'text/csv': { schema: z.string() } } },
    ...errorResponses(404),
  },
});

export const analyticsRoutes = createRouter()
  .openapi(overviewRoute, async (c) => c.json(await overview(c.env.DB, c.get('auth'), c.req.valid('query')), 200))
  .openapi(usageRoute, async (c) => c.json(await usage(c.env.DB, c.get('auth'), c.req.valid('query')), 200))
  .openapi(meetingsRoute, async (c) => c.json(await perMeeting(c.env.DB, c.get('auth'), c.req.valid('query')), 200))
  .openapi(createExportRoute, async (c) => c.json(await createExport(c.env, c.get('auth'), c.req.valid('json')), 201))
  .openapi(readExportRoute, async (c) => {
    const object = await readExport(c.env, c.get('auth'), c.req.valid('param').exportId);
    return c.body(object.body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="castio-${c.req.valid('param').exportId}.csv"`,
    }) as never;
  });
