import type { PresetName } from '@castio/shared/presets';
import { designTokensFromOrgSettings, resolvePreset, toRtkDesignTokens } from '@castio/shared/presets';
import type { RtkClient } from '@castio/shared/rtk';
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError, forbidden, retryLater } from '../http/errors';
import type { OrgSettings } from '../org/settings-schema';
import { getOrgSettings } from '../org/settings-service';
import { orgPresetScope } from '../presets/org-preset-scope';
import { ensurePresetsProvisioned } from '../presets/provision';
import type { ParticipantRole } from '@castio/shared/rbac';
import { callRealtimeKit, realtimeKit } from '../realtimekit/client';
import { enforceRateLimit } from '../rate-limit/limits';
import { canManageMeeting, meetingOf, memberMayJoin } from './access';
import { activateMeeting, activateOccurrence, openPermanentRoom } from './lifecycle';
import { overrideOf } from './occurrences';
import { toCustomParticipantId } from './participant-identity';
import {
  attachParticipantStatement,
  currentOccurrence,
  findLatestJoinedSeat,
  type MeetingRow,
  nextScheduledOccurrence,
  type OccurrenceRow,
  releaseSeatStatement,
  reserveSeat,
  type SeatHolder,
} from './queries';

/** People may open a scheduled meeting's room this long before its start (and hosts any time). */
export const EARLY_JOIN_MINUTES = 15;

export interface MeetingInstance {
  rtkMeetingId: string;
  occurrence: OccurrenceRow | null;
  title: string;
}

/**
 * The RTK room a join lands in, activating what is due (§6.4): a draft or scheduled meeting (hosts may start it
 * early; others wait until EARLY_JOIN_MINUTES before the start), the current occurrence of a series, or a
 * permanent room that was idle.
 */
export async function readyInstance(
  env: Env,
  meeting: MeetingRow,
  settings: OrgSettings,
  options: { canStart: boolean; now?: number },
): Promise<MeetingInstance> {
  const now = options.now ?? Date.now();
  const max = settings.maxConcurrentMeetings;
  if (meeting.status === 'cancelled') throw new ApiError('meeting_cancelled', 'This meeting was cancelled.');
  if (meeting.status === 'ended') throw new ApiError('meeting_ended', 'This meeting has ended.');
  if (meeting.is_permanent === 1) {
    await openPermanentRoom(env, meeting, max);
    return { rtkMeetingId: meeting.rtk_meeting_id!, occurrence: null, title: meeting.title };
  }
  if (meeting.scheduling_type === 'recurring') {
    let occurrence =
      (await currentOccurrence(env.DB, meeting.id, now, EARLY_JOIN_MINUTES)) ??
      (options.canStart ? await nextScheduledOccurrence(env.DB, meeting.id, now) : null);
    if (!occurrence)
      throw notStarted(
        await nextScheduledOccurrence(env.DB, meeting.id, now).then((next) => next?.occurrence_date ?? null),
      );
    const title = overrideOf(occurrence).title ?? meeting.title;
    occurrence = await activateOccurrence(env, meeting, occurrence, title, max, now);
    return { rtkMeetingId: occurrence.rtk_meeting_id!, occurrence, title };
  }
  if (meeting.status === 'active')
    return { rtkMeetingId: meeting.rtk_meeting_id!, occurrence: null, title: meeting.title };
  const due =
    meeting.scheduled_start !== null && Date.parse(meeting.scheduled_start) <= now + EARLY_JOIN_MINUTES * 60_000;
  if (!options.canStart && !due) throw notStarted(meeting.scheduled_start);
  const active = await activateMeeting(
    env,
    meeting,
    meeting.status === 'scheduled' && due ? 'activate' : 'start',
    max,
    now,
  );
  return { rtkMeetingId: active.rtk_meeting_id!, occurrence: null, title: active.title };
}

const notStarted = (startsAt: string | null) =>
  new ApiError(
    'meeting_not_started',
    startsAt
      ? `This meeting has not started yet. You can join from ${EARLY_JOIN_MINUTES} minutes before it starts.`
      : 'This meeting has not started yet. Wait for the host to start it.',
    { startsAt },
  );

export function meetingConfig(meeting: MeetingRow, title: string, settings: OrgSettings, env: Env) {
  return {
    title,
    meetingType: meeting.meeting_type,
    waitingRoomEnabled: meeting.waiting_room_enabled === 1,
    transcriptionEnabled: meeting.transcription_enabled === 1,
    aiSummariesEnabled: meeting.ai_summaries_enabled === 1,
    chatEnabled: meeting.chat_enabled === 1,
    pollsEnabled: meeting.polls_enabled === 1,
    livestreamEnabled: meeting.livestream_enabled === 1,
    recordingAutoStart: meeting.recording_auto_start === 1,
    isLocked: meeting.is_locked === 1,
    branding: toRtkDesignTokens(designTokensFromOrgSettings(settings, env.APP_BASE_URL)) as Record<string, unknown>,
  };
}

/**
 * Seat → RTK participant (§6.5 step 4). The seat is taken first so the caps hold under concurrency; if RTK
 * refuses, the seat is given back and nothing else was written.
 */
export async function admitParticipant(
  env: Env,
  rtk: RtkClient,
  input: {
    holder: SeatHolder;
    instance: MeetingInstance;
    meeting: MeetingRow;
    /** The built-in's name as the API shows it; RTK holds the org's preset under the org's name for it. */
    presetName: PresetName;
    name: string;
    /** The org settings the join loaded: the presets are checked against their branding (and version). */
    settings: OrgSettings;
    maxGuests?: number;
  },
) {
  const { holder, instance, meeting } = input;
  const seatId = await reserveSeat(env.DB, {
    ...holder,
    presetName: input.presetName,
    maxParticipants: meeting.max_participants,
    ...(input.maxGuests === undefined ? {} : { maxGuests: input.maxGuests }),
  });
  if (!seatId)
    throw input.maxGuests === undefined
      ? retryLater(
          'capacity_reached',
          `This meeting is full (${meeting.max_participants} participants). Try again when someone leaves.`,
          30,
        )
      : retryLater(
          'capacity_reached',
          'This meeting has no more room for guests. Ask the host to invite you as a member.',
          30,
        );
  try {
    await ensurePresetsProvisioned(env, meeting.org_id, input.settings).catch(() => undefined);
    const scope = await orgPresetScope(env, meeting.org_id);
    const participant = await callRealtimeKit('add you to the meeting', () =>
      rtk.participants.add(instance.rtkMeetingId, {
        name: input.name,
        presetName: scope.toRtk(input.presetName),
        customParticipantId: toCustomParticipantId(holder),
      }),
    );
    await attachParticipantStatement(env.DB, seatId, participant.id).run();
    return participant;
  } catch (error) {
    await releaseSeatStatement(env.DB, holder, 'left').run();
    throw error;
  }
}

/** POST /api/meetings/:id/join for signed-in users (§2.9, §6.5). */
export async function joinMeeting(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await meetingOf(env, auth, meetingId);
  const settings = await getOrgSettings(env, auth.orgId);
  await enforceRateLimit(env, 'joinPerMeeting', meeting.id, settings.rateLimitJoinsPerMinute);
  const isManager = canManageMeeting(auth, meeting);
  if (!(await memberMayJoin(env, auth, meeting)))
    throw forbidden('This meeting is for invited people only. Ask the host to invite you.');
  if (meeting.is_locked === 1 && !isManager)
    throw forbidden('The host locked this meeting: nobody new can join right now.');
  const instance = await readyInstance(env, meeting, settings, { canStart: isManager });
  const role: ParticipantRole = auth.role;
  const presetName = resolvePreset(role, meeting.meeting_type, meeting.created_by === auth.userId);
  const participant = await admitParticipant(env, realtimeKit(env), {
    holder: {
      orgId: auth.orgId,
      meetingId: meeting.id,
      occurrenceId: instance.occurrence?.id ?? null,
      userId: auth.userId,
      guestTokenId: null,
    },
    instance,
    meeting,
    presetName,
    name: auth.name,
    settings,
  });
  return {
    rtkAuthToken: participant.token,
    rtkMeetingId: instance.rtkMeetingId,
    rtkParticipantId: participant.id,
    presetName,
    role,
    occurrenceId: instance.occurrence?.id ?? null,
    meetingConfig: meetingConfig(meeting, instance.title, settings, env),
  };
}

/** A fresh RTK token for the caller's latest participant in the meeting (tokens expire; rejoining would not). */
export async function refreshJoinToken(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await meetingOf(env, auth, meetingId);
  const seat = await findLatestJoinedSeat(env.DB, meeting.id, auth.userId);
  if (!seat?.rtk_meeting_id) throw new ApiError('not_joined', 'You have not joined this meeting yet; join it first.');
  const rtk = realtimeKit(env);
  const { token } = await callRealtimeKit('refresh your meeting token', () =>
    rtk.participants.refreshToken(seat.rtk_meeting_id!, seat.rtk_participant_id),
  );
  return { rtkAuthToken: token };
}
