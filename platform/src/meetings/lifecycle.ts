/**
 * The RTK side of the lifecycle (§6.3) and the D1 write that follows it. Rule: RTK is changed first, D1 second
 * with a conditional update; when the D1 write loses a race or fails, the RTK change is compensated, so D1 and
 * RTK never disagree. A failed RTK call changes nothing in D1 and answers 502 (retry later).
 */
import { RtkError, type RtkClient, type RtkMeetingCreate } from '@castio/shared/rtk';
import type { Env } from '../env';
import { ApiError, retryLater } from '../http/errors';
import { callRealtimeKit, realtimeKit } from '../realtimekit/client';
import {
  activateMeetingStatement,
  activateOccurrenceStatement,
  cancelComingOccurrencesStatement,
  cancelMeetingStatement,
  claimPermanentRoomStatement,
  closePermanentRoomStatement,
  endMeetingStatement,
  endOccurrenceStatement,
  findMeeting,
  findOccurrence,
  listRunningOccurrences,
  type MeetingRow,
  type OccurrenceRow,
  releasePermanentRoomStatement,
  setMeetingLockedStatement,
} from './queries';
import { type MeetingEvent, refusalMessage, type TransitionResult, transition } from './state-machine';

/** The org's cap on concurrent meetings is reached: a 429, retry in a minute. */
export const concurrentCapReached = (max: number) =>
  retryLater(
    'capacity_reached',
    `Your organisation already has ${max} meetings running, its limit. End one, or ask an administrator to raise the limit.`,
    60,
  );

export function checkedTransition(status: MeetingRow['status'], event: MeetingEvent) {
  const result: TransitionResult = transition(status, event);
  if (!result.ok)
    throw new ApiError('invalid_transition', refusalMessage(status, event), { status, allowed: result.allowed });
  return result;
}

/** What RTK is told about a meeting when its room is created (§7.1 creation parameters). */
export function rtkMeetingInput(meeting: MeetingRow, title = meeting.title): RtkMeetingCreate {
  return {
    title,
    record_on_start: meeting.recording_auto_start === 1,
    persist_chat: meeting.chat_enabled === 1,
    transcribe_on_end: meeting.transcription_enabled === 1,
    summarize_on_end: meeting.ai_summaries_enabled === 1,
  };
}

/** Best effort: an RTK room that lost a race (or whose D1 row could not be written) must not take joins. */
async function deactivateOrphan(rtk: RtkClient, rtkMeetingId: string) {
  await rtk.meetings.update(rtkMeetingId, { status: 'INACTIVE' }).catch(() => undefined);
}

/** Kicks everyone and closes the room. A room without a live session has nobody to kick. */
export async function closeRtkRoom(rtk: RtkClient, rtkMeetingId: string) {
  await callRealtimeKit('end the meeting', async () => {
    await rtk.activeSession.kickAll(rtkMeetingId).catch((error: unknown) => {
      if (!(error instanceof RtkError && error.code === 'not_found')) throw error;
    });
    await rtk.meetings.update(rtkMeetingId, { status: 'INACTIVE' });
  });
}

/** draft/scheduled → active: creates the RTK meeting, then records it if the org is under its concurrency cap. */
export async function activateMeeting(
  env: Env,
  meeting: MeetingRow,
  event: 'start' | 'activate',
  maxActive: number,
  now = Date.now(),
): Promise<MeetingRow> {
  checkedTransition(meeting.status, event);
  const rtk = realtimeKit(env);
  const room = await callRealtimeKit('start the meeting', () => rtk.meetings.create(rtkMeetingInput(meeting)));
  const result = await activateMeetingStatement(env.DB, meeting, {
    fromStatus: meeting.status,
    rtkMeetingId: room.id,
    startedAt: new Date(now).toISOString(),
    maxActive,
  })
    .run()
    .catch(async (error: unknown) => {
      await deactivateOrphan(rtk, room.id);
      throw error;
    });
  if (result.meta.changes === 1) return (await findMeeting(env.DB, meeting.org_id, meeting.id))!;
  await deactivateOrphan(rtk, room.id);
  const current = (await findMeeting(env.DB, meeting.org_id, meeting.id))!;
  // Someone else (a concurrent join or cron run) activated it first: that is the room to use.
  if (current.status === 'active' && current.rtk_meeting_id) return current;
  if (current.status !== meeting.status) checkedTransition(current.status, event);
  throw concurrentCapReached(maxActive);
}

/** A scheduled occurrence of a series → active, with its own RTK meeting (§6.4). */
export async function activateOccurrence(
  env: Env,
  meeting: MeetingRow,
  occurrence: OccurrenceRow,
  title: string,
  maxActive: number,
  now = Date.now(),
): Promise<OccurrenceRow> {
  if (occurrence.status === 'active' && occurrence.rtk_meeting_id) return occurrence;
  if (occurrence.status !== 'scheduled')
    throw new ApiError('invalid_transition', `This occurrence is ${occurrence.status}, so it cannot be started.`, {
      status: occurrence.status,
    });
  const rtk = realtimeKit(env);
  const room = await callRealtimeKit('start the meeting', () => rtk.meetings.create(rtkMeetingInput(meeting, title)));
  const result = await activateOccurrenceStatement(env.DB, meeting.org_id, occurrence.id, {
    rtkMeetingId: room.id,
    startedAt: new Date(now).toISOString(),
    maxActive,
  })
    .run()
    .catch(async (error: unknown) => {
      await deactivateOrphan(rtk, room.id);
      throw error;
    });
  const current = (await findOccurrence(env.DB, meeting.id, occurrence.id))!;
  if (result.meta.changes === 1) return current;
  await deactivateOrphan(rtk, room.id);
  if (current.status === 'active' && current.rtk_meeting_id) return current;
  if (current.status !== 'scheduled')
    throw new ApiError('invalid_transition', `This occurrence is ${current.status}, so it cannot be started.`, {
      status: current.status,
    });
  throw concurrentCapReached(maxActive);
}

/**
 * A permanent room comes alive on join (§6.4): claim it in D1 under the concurrency cap, then PATCH RTK ACTIVE;
 * if RTK fails the claim is given back.
 */
export async function openPermanentRoom(env: Env, meeting: MeetingRow, maxActive: number): Promise<void> {
  if (meeting.room_state === 'active') return;
  const claim = await claimPermanentRoomStatement(env.DB, meeting, maxActive).run();
  if (claim.meta.changes === 0) {
    const now = await findMeeting(env.DB, meeting.org_id, meeting.id);
    if (now?.room_state === 'active') return;
    throw concurrentCapReached(maxActive);
  }
  const rtk = realtimeKit(env);
  try {
    await callRealtimeKit('open the room', () => rtk.meetings.update(meeting.rtk_meeting_id!, { status: 'ACTIVE' }));
  } catch (error) {
    await releasePermanentRoomStatement(env.DB, meeting.id).run();
    throw error;
  }
}

/**
 * Host ends the meeting (§6.6): kick everyone, RTK INACTIVE, then D1. Permanent rooms only close (they stay
 * joinable); a series ends its running occurrence. Post-processing follows RTK's meeting.ended webhook.
 */
export async function endMeeting(env: Env, meeting: MeetingRow, occurrence: OccurrenceRow | null): Promise<void> {
  const rtk = realtimeKit(env);
  if (occurrence) {
    if (occurrence.status !== 'active' || !occurrence.rtk_meeting_id)
      throw new ApiError('invalid_transition', 'No occurrence of this series is running, so there is nothing to end.', {
        status: occurrence.status,
      });
    await closeRtkRoom(rtk, occurrence.rtk_meeting_id);
    // A host's lock belongs to the session it was set in, not to the next occurrence of the series.
    await env.DB.batch([
      endOccurrenceStatement(env.DB, occurrence.id),
      setMeetingLockedStatement(env.DB, meeting.org_id, meeting.id, false),
    ]);
    return;
  }
  if (meeting.is_permanent === 1) {
    if (meeting.status !== 'active') checkedTransition(meeting.status, 'end');
    await closeRtkRoom(rtk, meeting.rtk_meeting_id!);
    await closePermanentRoomStatement(env.DB, meeting.id).run();
    return;
  }
  checkedTransition(meeting.status, 'end');
  await closeRtkRoom(rtk, meeting.rtk_meeting_id!);
  await endMeetingStatement(env.DB, meeting.id).run();
}

/** Any usable status → cancelled (§6.3); a series also cancels its coming occurrences and closes a running one. */
export async function cancelMeeting(env: Env, meeting: MeetingRow): Promise<void> {
  const { rtk: effect } = checkedTransition(meeting.status, 'cancel');
  const running = await listRunningOccurrences(env.DB, meeting.id);
  const rooms = [...running.map((occurrence) => occurrence.rtk_meeting_id!)];
  if (effect !== 'none' && meeting.rtk_meeting_id) rooms.push(meeting.rtk_meeting_id);
  if (rooms.length > 0) {
    const rtk = realtimeKit(env);
    for (const room of rooms) await closeRtkRoom(rtk, room);
  }
  await env.DB.batch([
    cancelMeetingStatement(env.DB, meeting.id, meeting.status),
    cancelComingOccurrencesStatement(env.DB, meeting.id),
  ]);
}
