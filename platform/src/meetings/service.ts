import { newId } from '@castio/shared/ids';
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import type { OrgSettings } from '../org/settings-schema';
import { getOrgSettings } from '../org/settings-service';
import { findOrgById } from '../org/queries';
import { callRealtimeKit, realtimeKit } from '../realtimekit/client';
import { enforceRateLimit } from '../rate-limit/limits';
import { managedMeeting, meetingOf } from './access';
import { activateMeeting, cancelMeeting, concurrentCapReached, endMeeting, rtkMeetingInput } from './lifecycle';
import { materialiseOccurrences } from './occurrences';
import {
  countActiveMeetings,
  currentOccurrence,
  discardDraftMeetingStatement,
  findMeeting,
  findMeetingBySlug,
  findPattern,
  insertMeetingStatement,
  insertPatternStatement,
  listMeetings,
  type MeetingRow,
  type NewMeetingRow,
  type NewPatternRow,
  type PATCHABLE_COLUMNS,
  patternsOf,
  toMeeting,
  updateMeetingStatement,
} from './queries';
import { expandOccurrences, instantOfLocal, parseRecurrence, RecurrenceError } from './recurrence';
import type { MeetingCreate, MeetingListQuery, MeetingPatch } from './schemas';

const SLUG_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
/** A scheduled start this far in the past still counts as "now" (clock skew, a slow form). */
const PAST_GRACE_MS = 60_000;

/** Meeting slugs (§6.4): 10 URL-safe characters, unguessable enough for a link. */
export function newMeetingSlug(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(bytes, (byte) => SLUG_ALPHABET[byte % SLUG_ALPHABET.length]).join('');
}

export async function presentMeeting(env: Env, meeting: MeetingRow) {
  const org = await findOrgById(env.DB, meeting.org_id);
  const pattern = meeting.scheduling_type === 'recurring' ? await findPattern(env.DB, meeting.id) : null;
  return toMeeting(meeting, org?.slug ?? '', pattern);
}

function newMeetingRow(auth: AuthContext, input: MeetingCreate, settings: OrgSettings): NewMeetingRow {
  const flag = (value: boolean | undefined, fallback: boolean) => ((value ?? fallback) ? 1 : 0);
  const maxParticipants = input.maxParticipants ?? settings.defaultMaxParticipants;
  if (input.maxGuests != null && input.maxGuests > maxParticipants)
    throw new ApiError('invalid_capacity', 'maxGuests cannot be larger than maxParticipants.');
  return {
    id: newId(),
    org_id: auth.orgId,
    rtk_meeting_id: null,
    title: input.title,
    slug: newMeetingSlug(),
    description: input.description ?? null,
    meeting_type: input.meetingType ?? settings.defaultMeetingType,
    scheduling_type: input.schedulingType,
    status: 'draft',
    created_by: auth.userId,
    scheduled_start: null,
    scheduled_end: null,
    actual_start: null,
    actual_end: null,
    timezone: 'UTC',
    is_permanent: 0,
    vanity_slug: null,
    room_state: 'inactive',
    guest_access: input.guestAccess ?? null,
    waiting_room_enabled: flag(input.waitingRoomEnabled, settings.defaultWaitingRoom),
    recording_auto_start: flag(input.recordingAutoStart, settings.defaultRecordingAutostart),
    transcription_enabled: flag(input.transcriptionEnabled, settings.defaultTranscriptionEnabled),
    ai_summaries_enabled: flag(input.aiSummariesEnabled, settings.defaultAiSummariesEnabled),
    chat_enabled: flag(input.chatEnabled, settings.defaultChatEnabled),
    polls_enabled: flag(input.pollsEnabled, settings.defaultPollsEnabled),
    livestream_enabled: flag(input.livestreamEnabled, settings.defaultLivestreamEnabled),
    max_participants: maxParticipants,
    max_guests: input.maxGuests ?? null,
    is_locked: 0,
  };
}

function checkScheduleTimes(start: string, end: string | null | undefined, now: number) {
  if (Date.parse(start) < now - PAST_GRACE_MS)
    throw new ApiError('start_in_past', 'The start time has already passed; choose a time in the future.');
  if (end && Date.parse(end) <= Date.parse(start))
    throw new ApiError('end_before_start', 'The end time must be after the start time.');
}

async function ensureVanitySlugFree(db: D1Database, orgId: string, slug: string, exceptMeetingId?: string) {
  const existing = await findMeetingBySlug(db, orgId, slug);
  if (existing && existing.id !== exceptMeetingId)
    throw new ApiError('slug_taken', `The room name “${slug}” is already used in your organisation. Choose another.`);
}

const isUniqueViolation = (error: unknown) => /UNIQUE constraint failed/i.test(String((error as Error)?.message));

/** Creates a meeting of any of the four scheduling types (§6.4). */
export async function createMeeting(env: Env, auth: AuthContext, input: MeetingCreate, now = Date.now()) {
  await enforceRateLimit(env, 'meetingCreatePerOrg', auth.orgId);
  const settings = await getOrgSettings(env, auth.orgId);
  const row = newMeetingRow(auth, input, settings);
  switch (input.schedulingType) {
    case 'instant':
      return presentMeeting(env, await createInstant(env, row, settings.maxConcurrentMeetings));
    case 'scheduled': {
      checkScheduleTimes(input.scheduledStart, input.scheduledEnd, now);
      const scheduled: NewMeetingRow = {
        ...row,
        status: 'scheduled',
        scheduled_start: new Date(input.scheduledStart).toISOString(),
        scheduled_end: input.scheduledEnd ? new Date(input.scheduledEnd).toISOString() : null,
        timezone: input.timezone,
      };
      await insertMeetingStatement(env.DB, scheduled).run();
      return presentMeeting(env, (await findMeeting(env.DB, auth.orgId, row.id))!);
    }
    case 'recurring':
      return presentMeeting(env, await createSeries(env, row, input, now));
    case 'permanent':
      return presentMeeting(env, await createPermanentRoom(env, row, input.vanitySlug));
  }
}

async function createInstant(env: Env, row: NewMeetingRow, maxActive: number): Promise<MeetingRow> {
  if ((await countActiveMeetings(env.DB, row.org_id)) >= maxActive) throw concurrentCapReached(maxActive);
  await insertMeetingStatement(env.DB, { ...row, status: 'draft' }).run();
  try {
    return await activateMeeting(env, (await findMeeting(env.DB, row.org_id, row.id))!, 'start', maxActive);
  } catch (error) {
    // The meeting never existed for the caller: no half-made draft is left behind when RTK or the cap refuses.
    await discardDraftMeetingStatement(env.DB, row.id).run();
    throw error;
  }
}

async function createSeries(
  env: Env,
  row: NewMeetingRow,
  input: Extract<MeetingCreate, { schedulingType: 'recurring' }>,
  now: number,
) {
  const rule = (() => {
    try {
      return parseRecurrence({ ...input.recurrence, timezone: input.timezone });
    } catch (error) {
      if (error instanceof RecurrenceError)
        throw new ApiError(error.code, error.message, { field: `recurrence.${error.field}` });
      throw error;
    }
  })();
  const [first] = expandOccurrences(rule, {
    from: new Date(instantOfLocal(rule.dtstart, rule.timezone)),
    to: '9999-12-31T00:00:00Z',
    limit: 1,
  });
  if (!first) throw new ApiError('no_occurrences', 'This rule never produces a meeting; check UNTIL and COUNT.');
  const series: NewMeetingRow = {
    ...row,
    status: 'scheduled',
    timezone: rule.timezone,
    scheduled_start: first.start,
    scheduled_end: first.end,
  };
  const pattern: NewPatternRow = {
    id: newId(),
    org_id: row.org_id,
    meeting_id: row.id,
    rrule: rule.rrule,
    dtstart: rule.dtstart,
    timezone: rule.timezone,
    duration_minutes: rule.durationMinutes,
    until_date: rule.until,
    occurrence_count: rule.count,
    exceptions: '[]',
    materialized_until: null,
  };
  await env.DB.batch([insertMeetingStatement(env.DB, series), insertPatternStatement(env.DB, pattern)]);
  await materialiseOccurrences(env.DB, pattern, now);
  return (await findMeeting(env.DB, row.org_id, row.id))!;
}

/** A permanent room gets its RTK meeting at once, kept INACTIVE until someone joins (§6.4). */
async function createPermanentRoom(env: Env, row: NewMeetingRow, vanitySlug: string): Promise<MeetingRow> {
  await ensureVanitySlugFree(env.DB, row.org_id, vanitySlug);
  const rtk = realtimeKit(env);
  const room = await callRealtimeKit('create the room', () =>
    rtk.meetings.create(rtkMeetingInput({ ...row, created_at: '', updated_at: '' })),
  );
  // A failed deactivation leaves the room ACTIVE in RTK: recorded as such, so D1 still tells the truth.
  const closed = await rtk.meetings.update(room.id, { status: 'INACTIVE' }).then(
    () => true,
    () => false,
  );
  const permanent: NewMeetingRow = {
    ...row,
    status: 'active',
    is_permanent: 1,
    vanity_slug: vanitySlug,
    rtk_meeting_id: room.id,
    room_state: closed ? 'inactive' : 'active',
  };
  try {
    await insertMeetingStatement(env.DB, permanent).run();
  } catch (error) {
    await rtk.meetings.update(room.id, { status: 'INACTIVE' }).catch(() => undefined);
    if (isUniqueViolation(error))
      throw new ApiError(
        'slug_taken',
        `The room name “${vanitySlug}” is already used in your organisation. Choose another.`,
      );
    throw error;
  }
  return (await findMeeting(env.DB, row.org_id, row.id))!;
}

export async function listOrgMeetings(env: Env, auth: AuthContext, query: MeetingListQuery) {
  const rows = await listMeetings(env.DB, auth.orgId, { ...query, createdBy: query.mine ? auth.userId : undefined });
  const page = rows.slice(0, query.limit);
  const org = await findOrgById(env.DB, auth.orgId);
  const patterns = await patternsOf(
    env.DB,
    page.filter((row) => row.scheduling_type === 'recurring').map((row) => row.id),
  );
  return {
    items: page.map((row) => toMeeting(row, org?.slug ?? '', patterns.get(row.id) ?? null)),
    nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
  };
}

export async function getMeeting(env: Env, auth: AuthContext, meetingId: string) {
  return presentMeeting(env, await meetingOf(env, auth, meetingId));
}

export async function updateMeeting(
  env: Env,
  auth: AuthContext,
  meetingId: string,
  patch: MeetingPatch,
  now = Date.now(),
) {
  const meeting = await managedMeeting(env, auth, meetingId);
  if (meeting.status === 'ended' || meeting.status === 'cancelled')
    throw new ApiError(
      'meeting_closed',
      `This meeting ${meeting.status === 'ended' ? 'has ended' : 'was cancelled'}; it can no longer be edited.`,
      {
        status: meeting.status,
      },
    );
  if (patch.vanitySlug !== undefined) {
    if (meeting.is_permanent !== 1)
      throw new ApiError('not_permanent', 'Only permanent rooms have a room name (vanitySlug).');
    await ensureVanitySlugFree(env.DB, auth.orgId, patch.vanitySlug, meeting.id);
  }
  if (patch.scheduledStart !== undefined || patch.scheduledEnd !== undefined) {
    if (meeting.scheduling_type !== 'scheduled' || meeting.status !== 'scheduled')
      throw new ApiError('not_reschedulable', 'Only a scheduled meeting that has not started can be moved.');
    const start = patch.scheduledStart ?? meeting.scheduled_start!;
    checkScheduleTimes(start, patch.scheduledEnd === undefined ? meeting.scheduled_end : patch.scheduledEnd, now);
  }
  const maxParticipants = patch.maxParticipants ?? meeting.max_participants;
  const maxGuests = patch.maxGuests === undefined ? meeting.max_guests : patch.maxGuests;
  if (maxGuests != null && maxGuests > maxParticipants)
    throw new ApiError('invalid_capacity', 'maxGuests cannot be larger than maxParticipants.');

  const entries = Object.entries(patch) as [keyof typeof PATCHABLE_COLUMNS, unknown][];
  try {
    await updateMeetingStatement(env.DB, auth.orgId, meeting.id, entries).run();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ApiError('slug_taken', 'That room name is already used in your organisation.');
    throw error;
  }
  return presentMeeting(env, (await findMeeting(env.DB, auth.orgId, meeting.id))!);
}

export async function cancelOrgMeeting(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await managedMeeting(env, auth, meetingId);
  await cancelMeeting(env, meeting);
  return presentMeeting(env, (await findMeeting(env.DB, auth.orgId, meeting.id))!);
}

/** "Start now" (§6.3): a draft or scheduled meeting becomes active before its time. */
export async function startOrgMeeting(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await managedMeeting(env, auth, meetingId);
  if (meeting.scheduling_type === 'recurring' || meeting.is_permanent === 1)
    throw new ApiError('invalid_transition', 'Series and permanent rooms start when someone joins them.');
  const settings = await getOrgSettings(env, auth.orgId);
  return presentMeeting(env, await activateMeeting(env, meeting, 'start', settings.maxConcurrentMeetings));
}

export async function endOrgMeeting(env: Env, auth: AuthContext, meetingId: string, now = Date.now()) {
  const meeting = await managedMeeting(env, auth, meetingId);
  if (meeting.scheduling_type === 'recurring') {
    const occurrence = await currentOccurrence(env.DB, meeting.id, now, 0);
    if (occurrence?.status !== 'active')
      throw new ApiError('invalid_transition', 'No occurrence of this series is running, so there is nothing to end.');
    await endMeeting(env, meeting, occurrence);
  } else {
    await endMeeting(env, meeting, null);
  }
  return presentMeeting(env, (await findMeeting(env.DB, auth.orgId, meeting.id))!);
}
