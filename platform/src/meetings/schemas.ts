import { z } from '@hono/zod-openapi';
import { CursorQuerySchema, humanName, patchBody, SlugSchema } from '@castio/shared/schemas';
import { isLocalDateTime, LOCAL_DATE_TIME } from './recurrence';

export const MEETING_TYPES = ['video', 'audio', 'webinar', 'livestream'] as const;
export const SCHEDULING_TYPES = ['instant', 'scheduled', 'recurring', 'permanent'] as const;
export const MEETING_STATUSES = ['draft', 'scheduled', 'active', 'ended', 'cancelled'] as const;
export const GUEST_ACCESS = ['disabled', 'link_only', 'open'] as const;

export type MeetingType = (typeof MEETING_TYPES)[number];
export type SchedulingType = (typeof SCHEDULING_TYPES)[number];
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export type GuestAccess = (typeof GUEST_ACCESS)[number];

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const TimeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, 'Use an IANA time zone such as Europe/Berlin.')
  .openapi({ example: 'Europe/Berlin' });

/** An instant with an explicit offset, e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00. */
export const InstantSchema = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-01T09:00:00Z' });
const LOCAL_TIME_MESSAGE = 'Give the local time without an offset, such as 2026-12-01T09:00.';
/**
 * A wall-clock time in the meeting's zone, for recurring series: 2026-12-01T09:00. Not an RFC 3339 `date-time`
 * (that requires an offset), so the document gives the pattern the series parser accepts.
 */
export const LocalDateTimeSchema = z
  .string()
  .regex(LOCAL_DATE_TIME, { message: LOCAL_TIME_MESSAGE, abort: true })
  .refine(isLocalDateTime, LOCAL_TIME_MESSAGE)
  .openapi({
    example: '2026-12-01T09:00',
    description: 'Wall-clock time in the series’ time zone, without offset: YYYY-MM-DDTHH:mm[:ss].',
  });

/** Per-meeting settings that override the org defaults (spec §12.2); omitted ones inherit. */
export const MeetingSettingsSchema = z.object({
  guestAccess: z.enum(GUEST_ACCESS).nullable().openapi({ description: 'null inherits the org default.' }),
  waitingRoomEnabled: z.boolean(),
  recordingAutoStart: z.boolean(),
  transcriptionEnabled: z.boolean(),
  aiSummariesEnabled: z.boolean(),
  chatEnabled: z.boolean(),
  pollsEnabled: z.boolean(),
  livestreamEnabled: z.boolean(),
  maxParticipants: z.number().int().min(2).max(10_000),
  maxGuests: z.number().int().min(0).max(10_000).nullable().openapi({ description: 'null = half of maxParticipants.' }),
});

const base = {
  title: humanName(200),
  description: z.string().trim().max(5000).optional(),
  meetingType: z.enum(MEETING_TYPES).optional().openapi({ description: 'Defaults to the org’s default meeting type.' }),
  ...MeetingSettingsSchema.partial().shape,
};

export const RecurrenceInputSchema = z
  .object({
    rrule: z
      .string()
      .trim()
      .max(500)
      .regex(
        /^(RRULE:)?FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[A-Za-z0-9,+\-:]+)*$/,
        'Use an iCalendar RRULE such as FREQ=WEEKLY;BYDAY=MO.',
      ),
    dtstart: LocalDateTimeSchema,
    durationMinutes: z.number().int().min(5).max(1440).default(60),
  })
  .strict();

export const MeetingCreateSchema = z
  .discriminatedUnion('schedulingType', [
    z.object({ schedulingType: z.literal('instant'), ...base }).strict(),
    z
      .object({
        schedulingType: z.literal('scheduled'),
        ...base,
        scheduledStart: InstantSchema,
        scheduledEnd: InstantSchema.optional(),
        timezone: TimeZoneSchema.default('UTC'),
      })
      .strict(),
    z
      .object({
        schedulingType: z.literal('recurring'),
        ...base,
        timezone: TimeZoneSchema,
        recurrence: RecurrenceInputSchema,
      })
      .strict(),
    z.object({ schedulingType: z.literal('permanent'), ...base, vanitySlug: SlugSchema }).strict(),
  ])
  .openapi('MeetingCreate');

export const MeetingPatchSchema = patchBody({
  title: humanName(200),
  description: z.string().trim().max(5000).nullable(),
  scheduledStart: InstantSchema,
  scheduledEnd: InstantSchema.nullable(),
  timezone: TimeZoneSchema,
  vanitySlug: SlugSchema,
  ...MeetingSettingsSchema.shape,
}).openapi('MeetingPatch');

export const RecurrenceSchema = z.object({
  rrule: z.string(),
  dtstart: z.string(),
  timezone: z.string(),
  durationMinutes: z.number(),
  exceptions: z.array(z.string()),
});

export const MeetingSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    meetingType: z.enum(MEETING_TYPES),
    schedulingType: z.enum(SCHEDULING_TYPES),
    status: z.enum(MEETING_STATUSES),
    roomState: z.enum(['active', 'inactive']),
    isLocked: z.boolean(),
    createdBy: z.string(),
    scheduledStart: z.string().nullable(),
    scheduledEnd: z.string().nullable(),
    actualStart: z.string().nullable(),
    actualEnd: z.string().nullable(),
    timezone: z.string(),
    vanitySlug: z.string().nullable(),
    joinPath: z.string().openapi({ description: 'Path of the join page: /{orgSlug}/m/{slug or vanity slug}.' }),
    recurrence: RecurrenceSchema.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    ...MeetingSettingsSchema.shape,
  })
  .openapi('Meeting');

export const MeetingListQuerySchema = CursorQuerySchema.extend({
  status: z.enum(MEETING_STATUSES).optional(),
  schedulingType: z.enum(SCHEDULING_TYPES).optional(),
  meetingType: z.enum(MEETING_TYPES).optional(),
  mine: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .openapi({ description: 'Only meetings you created.' }),
  from: InstantSchema.optional().openapi({ description: 'Scheduled to start at or after.' }),
  to: InstantSchema.optional().openapi({ description: 'Scheduled to start before.' }),
});

export const MeetingListSchema = z
  .object({ items: z.array(MeetingSchema), nextCursor: z.string().nullable() })
  .openapi('MeetingList');

export type MeetingCreate = z.infer<typeof MeetingCreateSchema>;
export type MeetingPatch = z.infer<typeof MeetingPatchSchema>;
export type Meeting = z.infer<typeof MeetingSchema>;
export type MeetingListQuery = z.infer<typeof MeetingListQuerySchema>;

export const MeetingParamsSchema = z.object({ meetingId: z.string().max(64) });

/** What the meeting room needs to render before the RTK SDK connects (§6.5 step 6). */
export const MeetingConfigSchema = z
  .object({
    title: z.string(),
    meetingType: z.enum(MEETING_TYPES),
    waitingRoomEnabled: z.boolean(),
    transcriptionEnabled: z.boolean(),
    aiSummariesEnabled: z.boolean(),
    chatEnabled: z.boolean(),
    pollsEnabled: z.boolean(),
    livestreamEnabled: z.boolean(),
    recordingAutoStart: z.boolean(),
    isLocked: z.boolean(),
    branding: z.record(z.string(), z.unknown()).openapi({ description: 'The org’s RTK design tokens.' }),
  })
  .openapi('MeetingConfig');

export const JoinResponseSchema = z
  .object({
    rtkAuthToken: z.string(),
    rtkMeetingId: z.string(),
    rtkParticipantId: z.string(),
    presetName: z.string(),
    role: z.enum(['owner', 'admin', 'host', 'member', 'guest']),
    occurrenceId: z.string().nullable(),
    meetingConfig: MeetingConfigSchema,
  })
  .openapi('JoinResponse');

/**
 * Guest display names (§6.8): tags stripped, 2–50 characters, no control or invisible characters. The limits apply
 * after the transform, which hides them from the generated schema, so `.openapi` states them.
 */
export const GuestNameSchema = z
  .string()
  .max(500)
  .transform((value) =>
    value
      .replace(/<[^>]*>?/g, '')
      .normalize('NFKC')
      .replace(/\s+/g, ' ')
      .trim(),
  )
  .pipe(
    z
      .string()
      .min(2, 'Use at least 2 characters (after removing any HTML).')
      .max(50, 'Use at most 50 characters.')
      .refine(
        (value) => !/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(value),
        'Must not contain control or invisible characters.',
      )
      .refine((value) => !/[<>]/.test(value), 'Must not contain < or >.'),
  )
  .openapi({
    minLength: 2,
    maxLength: 50,
    description: 'HTML tags are removed and spaces collapsed; 2–50 characters must remain, without < or >.',
  });

export const GuestJoinSchema = z
  .object({
    displayName: GuestNameSchema,
    email: z.email().max(254).optional(),
  })
  .strict()
  .openapi('GuestJoin');

export const GuestJoinResponseSchema = JoinResponseSchema.extend({
  guestToken: z
    .string()
    .openapi({ description: 'Shown once. Send it to refresh the RTK token; expires at expiresAt.' }),
  expiresAt: z.string(),
  waitingRoom: z.boolean().openapi({ description: 'The guest waits until a host admits them.' }),
}).openapi('GuestJoinResponse');

export const GuestRefreshSchema = z.object({ guestToken: z.string().min(20).max(200) }).strict();
export const TokenRefreshResponseSchema = z.object({ rtkAuthToken: z.string() }).openapi('TokenRefresh');

/** What anyone holding a meeting link may learn before joining (the join page). */
export const RoomLookupSchema = z
  .object({
    meetingId: z.string(),
    title: z.string(),
    meetingType: z.enum(MEETING_TYPES),
    status: z.enum(MEETING_STATUSES),
    scheduledStart: z.string().nullable(),
    guestsAllowed: z.boolean(),
    orgName: z.string(),
  })
  .openapi('RoomLookup');

export const OccurrenceSchema = z
  .object({
    id: z.string(),
    meetingId: z.string(),
    start: z.string(),
    end: z.string().nullable(),
    status: z.enum(['scheduled', 'active', 'ended', 'cancelled']),
    title: z.string(),
    description: z.string().nullable(),
    actualStart: z.string().nullable(),
    actualEnd: z.string().nullable(),
  })
  .openapi('Occurrence');

export const OccurrencePatchSchema = patchBody({
  title: humanName(200),
  description: z.string().trim().max(5000).nullable(),
  start: InstantSchema,
  durationMinutes: z.number().int().min(5).max(1440),
}).openapi('OccurrencePatch');

export const OccurrenceParamsSchema = MeetingParamsSchema.extend({ occurrenceId: z.string().max(64) });

export const InviteCreateSchema = z
  .object({
    userIds: z.array(z.string().max(64)).max(200).default([]),
    emails: z.array(z.email().max(254)).max(200).default([]),
  })
  .strict()
  .refine((body) => body.userIds.length + body.emails.length > 0, 'Invite at least one person.')
  // The refinement, for the document: a non-empty userIds or emails.
  .openapi({
    anyOf: [
      { required: ['userIds'], properties: { userIds: { minItems: 1 } } },
      { required: ['emails'], properties: { emails: { minItems: 1 } } },
    ],
  })
  .openapi('MeetingInviteCreate');

export const RSVP_STATUSES = ['pending', 'accepted', 'declined', 'tentative'] as const;
export const MeetingInviteSchema = z
  .object({
    id: z.string(),
    userId: z.string().nullable(),
    email: z.string().nullable(),
    rsvpStatus: z.enum(RSVP_STATUSES),
    createdAt: z.string(),
  })
  .openapi('MeetingInvite');
export const RsvpSchema = z.object({ rsvpStatus: z.enum(['accepted', 'declined', 'tentative']) }).strict();
