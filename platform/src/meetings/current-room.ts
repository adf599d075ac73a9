import { type RtkActiveSession, type RtkClient, type RtkErrorCode, RtkError } from '@castio/shared/rtk';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { callRealtimeKit, rtkFailure } from '../realtimekit/client';
import { currentOccurrence, type MeetingRow } from './queries';

/** The RTK room a meeting runs in right now; for a series, the running occurrence's own room. */
export interface CurrentRoom {
  rtkMeetingId: string;
  occurrenceId: string | null;
}

const notRunning = () =>
  new ApiError(
    'meeting_not_running',
    'This meeting is not running right now, so there is nothing to control. Start or join it first.',
  );

/** The room host controls act on, or 409 when none is open (not started, ended, or an idle permanent room). */
export async function currentRoom(env: Env, meeting: MeetingRow, now = Date.now()): Promise<CurrentRoom> {
  if (meeting.scheduling_type === 'recurring') {
    const occurrence = await currentOccurrence(env.DB, meeting.id, now, 0);
    if (occurrence?.status !== 'active' || !occurrence.rtk_meeting_id) throw notRunning();
    return { rtkMeetingId: occurrence.rtk_meeting_id, occurrenceId: occurrence.id };
  }
  const open = meeting.status === 'active' && (meeting.is_permanent === 0 || meeting.room_state === 'active');
  if (!open || !meeting.rtk_meeting_id) throw notRunning();
  return { rtkMeetingId: meeting.rtk_meeting_id, occurrenceId: null };
}

/** The room's live session: RTK has one only while someone is connected. */
export async function liveSessionOf(rtk: RtkClient, room: CurrentRoom): Promise<RtkActiveSession | null> {
  const session = await callRealtimeKit('look up the live session', () => rtk.activeSession.get(room.rtkMeetingId));
  return session && session.status !== 'ENDED' ? session : null;
}

export async function requireLiveSession(rtk: RtkClient, room: CurrentRoom): Promise<RtkActiveSession> {
  const session = await liveSessionOf(rtk, room);
  if (!session) throw new ApiError('nobody_in_meeting', 'Nobody is connected to the meeting right now.');
  return session;
}

/**
 * Like callRealtimeKit, but some RTK refusals are answers rather than failures (a participant that is not in the
 * room, a recording already running): those become the caller's own error instead of a 502.
 */
export async function callRealtimeKitExpecting<T>(
  what: string,
  expected: Partial<Record<RtkErrorCode, () => ApiError>>,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const answer = error instanceof RtkError ? expected[error.code] : undefined;
    throw answer ? answer() : rtkFailure(what, error);
  }
}

/** For actions whose goal is already reached when RTK no longer knows the thing (kicking someone who left). */
export async function unlessGone(call: () => Promise<void>): Promise<void> {
  await call().catch((error: unknown) => {
    if (!(error instanceof RtkError && error.code === 'not_found')) throw error;
  });
}
