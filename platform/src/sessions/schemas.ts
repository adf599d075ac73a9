import { z } from '@hono/zod-openapi';
import { CursorQuerySchema, PathIdSchema } from '@castio/shared/schemas';

export const MeetingParams = z.object({ meetingId: PathIdSchema });
export const SessionParams = z.object({ meetingId: PathIdSchema, sessionId: PathIdSchema });
export const SessionListQuerySchema = CursorQuerySchema;

export const SessionSummarySchema = z
  .object({
    id: z.string(),
    meetingId: z.string(),
    occurrenceId: z.string().nullable(),
    status: z.enum(['active', 'ended']),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    durationSeconds: z.number().nullable(),
    participantCount: z.number().openapi({ description: 'Present now (0 once ended).' }),
    peakParticipantCount: z.number(),
    totalParticipants: z.number().openapi({ description: 'Distinct people who joined.' }),
    hasRecording: z.boolean(),
    hasTranscript: z.boolean(),
    hasSummary: z.boolean(),
    hasChat: z.boolean(),
  })
  .openapi('SessionSummary');

export const SessionListSchema = z
  .object({ items: z.array(SessionSummarySchema), nextCursor: z.string().nullable() })
  .openapi('SessionList');

export const SessionParticipantSchema = z
  .object({
    id: z.string(),
    userId: z.string().nullable(),
    displayName: z.string().nullable(),
    isGuest: z.boolean(),
    joinedAt: z.string().nullable(),
    leftAt: z.string().nullable(),
    durationSeconds: z.number().nullable(),
  })
  .openapi('SessionParticipant');

export const SessionDetailSchema = z
  .object({
    session: SessionSummarySchema,
    meeting: z.object({ id: z.string(), title: z.string(), meetingType: z.string() }),
    host: z.object({ id: z.string(), name: z.string() }).nullable(),
    retentionNotice: z.string(),
    analytics: z
      .object({
        participants: z.array(SessionParticipantSchema),
        averageParticipantSeconds: z.number().nullable(),
        chatMessages: z.number(),
        recordingSeconds: z.number(),
        snapshots: z.array(z.object({ at: z.string(), participantCount: z.number() })),
      })
      .nullable()
      .openapi({ description: 'Hosts, admins and owners only; null for members.' }),
  })
  .openapi('SessionDetail');
