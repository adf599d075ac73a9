import { z } from '@hono/zod-openapi';
import { errorResponses } from '../http/errors';
import { defineRoute } from '../auth/define-route';
import { createRouter } from '../http/router';
import { MeetingParams } from '../sessions/schemas';
import { chatCsv, generateSummary, getChat, getSummary, getTranscript, listRecordings } from './service';

const tags = ['Post-meeting'];
const SessionQuery = z.object({
  sessionId: z.string().max(64).optional().openapi({ description: 'Defaults to the latest session that has it.' }),
});

const RecordingSchema = z
  .object({
    id: z.string(),
    sessionId: z.string().nullable(),
    status: z.enum(['invoked', 'recording', 'uploading', 'uploaded', 'errored']),
    durationSeconds: z.number().nullable(),
    fileSizeBytes: z.number().nullable(),
    codec: z.string().nullable(),
    storageLocation: z.string(),
    downloadUrl: z.string().nullable().openapi({ description: 'RTK’s presigned URL while it is valid (7 days).' }),
    downloadUrlExpiry: z.string().nullable(),
    errorMessage: z.string().nullable(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    history: z.array(z.object({ status: z.string(), at: z.string() })),
  })
  .openapi('Recording');

const TranscriptSchema = z
  .object({
    sessionId: z.string(),
    language: z.string(),
    copiedAt: z.string(),
    entries: z.array(
      z.object({
        speaker: z.string().nullable(),
        peerId: z.string().nullable(),
        userId: z.string().nullable(),
        text: z.string(),
        at: z.string().nullable(),
      }),
    ),
  })
  .openapi('Transcript');

const SummarySchema = z
  .object({
    sessionId: z.string(),
    markdown: z.string(),
    summaryType: z.string().nullable(),
    copiedAt: z.string(),
  })
  .openapi('Summary');

const ChatMessageSchema = z
  .object({
    id: z.string(),
    senderUserId: z.string().nullable(),
    senderName: z.string().nullable(),
    type: z.enum(['text', 'file', 'image']),
    content: z.string().nullable(),
    fileName: z.string().nullable(),
    fileUrl: z.string().nullable(),
    isPinned: z.boolean(),
    isPrivate: z.boolean(),
    recipientUserId: z.string().nullable(),
    sentAt: z.string(),
  })
  .openapi('ChatMessage');

const recordingsRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/meetings/{meetingId}/recordings',
  operationId: 'listRecordings',
  tags,
  summary: 'Recordings of a meeting with their status history',
  request: { params: MeetingParams },
  responses: {
    200: {
      description: 'Recordings, newest first',
      content: { 'application/json': { schema: z.object({ items: z.array(RecordingSchema) }) } },
    },
    ...errorResponses(404),
  },
});

const transcriptRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/meetings/{meetingId}/transcript',
  operationId: 'getTranscript',
  tags,
  summary: 'The transcript (final entries only), from Castio’s own copy',
  request: { params: MeetingParams, query: SessionQuery },
  responses: {
    200: { description: 'The transcript', content: { 'application/json': { schema: TranscriptSchema } } },
    ...errorResponses(404),
  },
});

const summaryRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/meetings/{meetingId}/summary',
  operationId: 'getSummary',
  tags,
  summary: 'The AI summary (markdown), from Castio’s own copy',
  request: { params: MeetingParams, query: SessionQuery },
  responses: {
    200: { description: 'The summary', content: { 'application/json': { schema: SummarySchema } } },
    ...errorResponses(404),
  },
});

const generateSummaryRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/summary',
  operationId: 'generateSummary',
  tags,
  summary: 'Ask RealtimeKit to (re)generate the summary from the transcript',
  description: 'The meeting’s host or an admin. The summary arrives later through the `meeting.summary` webhook.',
  request: {
    params: MeetingParams,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ sessionId: z.string().max(64).optional() })
            .strict()
            .openapi('GenerateSummary'),
        },
      },
    },
  },
  responses: {
    202: {
      description: 'Requested',
      content: { 'application/json': { schema: z.object({ sessionId: z.string(), status: z.string() }) } },
    },
    // RealtimeKit generates the summary: it may be unreachable (502) or not configured (503).
    ...errorResponses(404, 409, 502, 503),
  },
});

const chatRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/meetings/{meetingId}/chat-export',
  operationId: 'exportChat',
  tags,
  summary: 'The chat of a session as JSON or CSV (pinned first)',
  description: 'Private messages only for their sender and recipient, and for owners/admins.',
  request: {
    params: MeetingParams,
    query: SessionQuery.extend({ format: z.enum(['json', 'csv']).default('json') }),
  },
  responses: {
    200: {
      description: 'The chat',
      content: {
        'application/json': {
          schema: z.object({ sessionId: z.string(), messages: z.array(ChatMessageSchema) }).openapi('ChatExport'),
        },
        'text/csv': { schema: z.string() },
      },
    },
    ...errorResponses(404),
  },
});

export const postMeetingRoutes = createRouter()
  .openapi(recordingsRoute, async (c) =>
    c.json(await listRecordings(c.env.DB, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(transcriptRoute, async (c) =>
    c.json(
      await getTranscript(c.env, c.get('auth'), c.req.valid('param').meetingId, c.req.valid('query').sessionId),
      200,
    ),
  )
  .openapi(summaryRoute, async (c) =>
    c.json(
      await getSummary(c.env.DB, c.get('auth'), c.req.valid('param').meetingId, c.req.valid('query').sessionId),
      200,
    ),
  )
  .openapi(generateSummaryRoute, async (c) =>
    c.json(
      await generateSummary(c.env, c.get('auth'), c.req.valid('param').meetingId, c.req.valid('json').sessionId),
      202,
    ),
  )
  .openapi(chatRoute, async (c) => {
    const { sessionId, format } = c.req.valid('query');
    const chat = await getChat(c.env.DB, c.get('auth'), c.req.valid('param').meetingId, sessionId);
    if (format === 'csv') {
      return c.body(chatCsv(chat), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="chat-${chat.sessionId}.csv"`,
      }) as never;
    }
    return c.json(chat, 200);
  });
