import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError, notFound } from '../http/errors';
import { findOrgById } from '../org/queries';
import { managedMeeting, meetingOf } from './access';
import { buildCalendarFile } from './calendar-file';
import { closeRtkRoom } from './lifecycle';
import { realtimeKit } from '../realtimekit/client';
import { type OccurrenceOverride, overrideOf, ruleOfPattern, toOccurrence } from './occurrences';
import {
  cancelOccurrenceStatement,
  findOccurrence,
  findPattern,
  listOccurrences,
  type MeetingRow,
  type RecurringPatternRow,
  setPatternExceptionsStatement,
  updateOccurrenceStatement,
} from './queries';
import { occurrenceKeyAt } from './recurrence';
import type { z } from '@hono/zod-openapi';
import type { OccurrencePatchSchema } from './schemas';

/** The occurrence key (recurrence.ts) of a materialised occurrence, exact even where DST skipped its wall time. */
function occurrenceKeyOf(pattern: RecurringPatternRow, start: string): string {
  const key = occurrenceKeyAt(ruleOfPattern(pattern), start);
  if (!key) throw new Error(`Occurrence at ${start} is not produced by its series' rule.`);
  return key;
}

async function seriesOf(env: Env, auth: AuthContext, meetingId: string, manage: boolean) {
  const meeting = manage ? await managedMeeting(env, auth, meetingId) : await meetingOf(env, auth, meetingId);
  if (meeting.scheduling_type !== 'recurring')
    throw new ApiError('not_recurring', 'Only recurring meetings have occurrences.');
  return meeting;
}

export async function listSeriesOccurrences(env: Env, auth: AuthContext, meetingId: string, now = Date.now()) {
  const meeting = await seriesOf(env, auth, meetingId, false);
  const rows = await listOccurrences(env.DB, meeting.id, new Date(now).toISOString(), 100);
  return { items: rows.map((row) => toOccurrence(row, meeting)) };
}

/** Cancels one occurrence: it becomes an EXDATE of the series, so it never comes back (§6.4 exceptions). */
export async function cancelOccurrence(env: Env, auth: AuthContext, meetingId: string, occurrenceId: string) {
  const meeting = await seriesOf(env, auth, meetingId, true);
  const occurrence = await findOccurrence(env.DB, meeting.id, occurrenceId);
  if (!occurrence) throw notFound('The occurrence');
  if (occurrence.status === 'ended' || occurrence.status === 'cancelled')
    throw new ApiError('invalid_transition', `This occurrence is ${occurrence.status} already.`, {
      status: occurrence.status,
    });
  if (occurrence.status === 'active' && occurrence.rtk_meeting_id)
    await closeRtkRoom(realtimeKit(env), occurrence.rtk_meeting_id);
  const pattern = (await findPattern(env.DB, meeting.id))!;
  const key = overrideOf(occurrence).originalKey ?? occurrenceKeyOf(pattern, occurrence.occurrence_date);
  const exceptions = new Set<string>(JSON.parse(pattern.exceptions) as string[]);
  exceptions.add(key);
  await env.DB.batch([
    cancelOccurrenceStatement(env.DB, occurrence.id),
    setPatternExceptionsStatement(env.DB, pattern.id, [...exceptions].sort()),
  ]);
  return toOccurrence((await findOccurrence(env.DB, meeting.id, occurrence.id))!, meeting);
}

/** Per-occurrence overrides: another title or description, or a moved time for just this one. */
export async function updateOccurrence(
  env: Env,
  auth: AuthContext,
  meetingId: string,
  occurrenceId: string,
  patch: z.infer<typeof OccurrencePatchSchema>,
  now = Date.now(),
) {
  const meeting = await seriesOf(env, auth, meetingId, true);
  const occurrence = await findOccurrence(env.DB, meeting.id, occurrenceId);
  if (!occurrence) throw notFound('The occurrence');
  if (occurrence.status !== 'scheduled')
    throw new ApiError(
      'invalid_transition',
      `This occurrence is ${occurrence.status}; only coming ones can be changed.`,
      {
        status: occurrence.status,
      },
    );
  const pattern = (await findPattern(env.DB, meeting.id))!;
  const override: OccurrenceOverride = { ...overrideOf(occurrence) };
  if (patch.title !== undefined) override.title = patch.title;
  if (patch.description !== undefined) override.description = patch.description;
  let start = occurrence.occurrence_date;
  let end = occurrence.occurrence_end;
  if (patch.start !== undefined || patch.durationMinutes !== undefined) {
    override.originalKey ??= occurrenceKeyOf(pattern, occurrence.occurrence_date);
    start = patch.start ? new Date(patch.start).toISOString() : start;
    if (Date.parse(start) < now - 60_000)
      throw new ApiError('start_in_past', 'The new start time has already passed; choose a time in the future.');
    const minutes =
      patch.durationMinutes ?? (Date.parse(end ?? start) - Date.parse(occurrence.occurrence_date)) / 60_000;
    end = new Date(Date.parse(start) + minutes * 60_000).toISOString();
  }
  const statements = [updateOccurrenceStatement(env.DB, occurrence.id, { start, end, override })];
  // A moved occurrence leaves its original slot, which must not be materialised again.
  if (override.originalKey) {
    const exceptions = new Set<string>(JSON.parse(pattern.exceptions) as string[]);
    exceptions.add(override.originalKey);
    statements.push(setPatternExceptionsStatement(env.DB, pattern.id, [...exceptions].sort()));
  }
  try {
    await env.DB.batch(statements);
  } catch (error) {
    if (/UNIQUE constraint failed/i.test(String((error as Error)?.message)))
      throw new ApiError('occurrence_clash', 'Another occurrence of this series already starts at that time.');
    throw error;
  }
  return toOccurrence((await findOccurrence(env.DB, meeting.id, occurrence.id))!, meeting);
}

function joinUrl(env: Env, path: string) {
  return new URL(path, env.APP_BASE_URL || 'https://castio.invalid').href;
}

/** An .ics file (RFC 5545) for a meeting or a whole series, so people can put it in their calendar. */
export async function meetingCalendarFile(env: Env, auth: AuthContext, meetingId: string, now = Date.now()) {
  const meeting = await meetingOf(env, auth, meetingId);
  const org = await findOrgById(env.DB, meeting.org_id);
  const path = `/${org?.slug ?? ''}/m/${meeting.vanity_slug ?? meeting.slug}`;
  const start = meeting.scheduled_start ?? meeting.actual_start ?? meeting.created_at;
  const end = meeting.scheduled_end ?? new Date(Date.parse(start) + 60 * 60_000).toISOString();
  const pattern = meeting.scheduling_type === 'recurring' ? await findPattern(env.DB, meeting.id) : null;
  return {
    fileName: `${meeting.slug}.ics`,
    body: buildCalendarFile({
      uid: `${meeting.id}@castio`,
      title: meeting.title,
      description: meeting.description,
      url: joinUrl(env, path),
      start,
      end,
      status: meeting.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
      sequence: sequenceOf(meeting),
      now: new Date(now),
      ...(pattern
        ? {
            timezone: pattern.timezone,
            rrule: pattern.rrule,
            dtstartLocal: pattern.dtstart,
            exdates: JSON.parse(pattern.exceptions) as string[],
          }
        : {}),
    }),
  };
}

/** Calendar clients replace their copy when SEQUENCE grows; the last edit time gives a growing number. */
const sequenceOf = (meeting: MeetingRow) =>
  Math.max(0, Math.floor((Date.parse(meeting.updated_at) - Date.parse(meeting.created_at)) / 1000));
