/** What a host can do to someone in the running meeting: change their preset (§5.5), kick them (§7.2). */
import type { RtkClient, RtkParticipant } from '@castio/shared/rtk';
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { notFound } from '../http/errors';
import { orgPresetScope } from '../presets/org-preset-scope';
import { participantPresetName } from '../presets/preset-scope';
import { callRealtimeKit, realtimeKit } from '../realtimekit/client';
import { managedMeeting } from './access';
import { type CurrentRoom, callRealtimeKitExpecting, currentRoom, unlessGone } from './current-room';
import { presetForMeetingType, presetRank } from './preset-ranks';
import { insertPresetChangeStatement, releaseSeatStatement, revokeGuestTokenStatement } from './queries';
import { identityOf } from './room-participants';

/** The RTK participant, when it belongs to this room (another room's id is simply not found). */
const participantInRoom = (rtk: RtkClient, room: CurrentRoom, participantId: string): Promise<RtkParticipant> =>
  callRealtimeKitExpecting('look up the participant', { not_found: () => notFound('The participant') }, () =>
    rtk.participants.get(room.rtkMeetingId, participantId),
  );

interface PresetChange {
  meeting: { id: string; org_id: string };
  room: CurrentRoom;
  participantId: string;
  identity: ReturnType<typeof identityOf>;
  from: string | null;
  to: string;
  change: 'promoted' | 'demoted';
  performedBy: string;
}

const presetChangeStatement = (db: D1Database, event: PresetChange) =>
  insertPresetChangeStatement(db, {
    orgId: event.meeting.org_id,
    meetingId: event.meeting.id,
    occurrenceId: event.room.occurrenceId,
    rtkParticipantId: event.participantId,
    userId: event.identity.userId,
    guestTokenId: event.identity.guestTokenId,
    change: event.change,
    from: event.from,
    to: event.to,
    performedBy: event.performedBy,
  });

/**
 * POST …/participants/:pid/preset (§5.5): RTK first, then the audit row; RTK is put back if that row fails.
 * The API, the audit log and the ranks speak the org's preset names; RTK holds them under the org's RTK names.
 */
export async function changeParticipantPreset(
  env: Env,
  auth: AuthContext,
  meetingId: string,
  participantId: string,
  presetName: string,
) {
  const meeting = await managedMeeting(env, auth, meetingId);
  const to = presetForMeetingType(meeting.meeting_type, presetName);
  const room = await currentRoom(env, meeting);
  const rtk = realtimeKit(env);
  const [participant, scope] = await Promise.all([
    participantInRoom(rtk, room, participantId),
    orgPresetScope(env, meeting.org_id),
  ]);
  const identity = identityOf(participant.custom_participant_id);
  const from = participantPresetName(scope, participant.preset_name);
  const result = { participantId, ...identity, presetFrom: from, presetTo: to };
  if (from === to) return { ...result, change: 'unchanged' as const };
  const setPreset = (rtkName: string) =>
    rtk.participants.update(room.rtkMeetingId, participantId, { presetName: rtkName });
  await callRealtimeKit('change the participant’s preset', () => setPreset(scope.toRtk(to)));
  const change = presetRank(to) > presetRank(from) ? ('promoted' as const) : ('demoted' as const);
  const event = { meeting, room, participantId, identity, from, to, change, performedBy: auth.userId };
  await presetChangeStatement(env.DB, event)
    .run()
    .catch(async (error: unknown) => {
      // Best effort: a change nobody can see in the audit log should not stay in effect.
      if (participant.preset_name) await setPreset(participant.preset_name).catch(() => undefined);
      throw error;
    });
  return { ...result, change };
}

/**
 * POST …/participants/:pid/kick: every connection of the person leaves and the RTK participant is deleted, so its
 * token cannot reconnect (docs/rtk.md#participants); then their seat is freed and a guest's token revoked.
 */
export async function kickParticipant(env: Env, auth: AuthContext, meetingId: string, participantId: string) {
  const meeting = await managedMeeting(env, auth, meetingId);
  const room = await currentRoom(env, meeting);
  const rtk = realtimeKit(env);
  const participant = await participantInRoom(rtk, room, participantId);
  const identity = identityOf(participant.custom_participant_id);
  const everyConnection = participant.custom_participant_id
    ? { customParticipantIds: [participant.custom_participant_id] }
    : { participantIds: [participantId] };
  await callRealtimeKit('remove the participant', async () => {
    // Nobody connected means no live session to kick from: the deletion alone does the job then.
    await unlessGone(() => rtk.activeSession.kick(room.rtkMeetingId, everyConnection));
    await unlessGone(() => rtk.participants.remove(room.rtkMeetingId, participantId));
  });
  const holder = { orgId: meeting.org_id, meetingId: meeting.id, occurrenceId: room.occurrenceId, ...identity };
  await env.DB.batch([
    releaseSeatStatement(env.DB, holder, 'kicked', auth.userId),
    ...(identity.guestTokenId ? [revokeGuestTokenStatement(env.DB, meeting.org_id, identity.guestTokenId)] : []),
  ]);
  return { participantId, ...identity, guestTokenRevoked: identity.guestTokenId !== null };
}
