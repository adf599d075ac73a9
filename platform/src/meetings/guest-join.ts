import { randomToken, sha256Hex } from '@castio/shared/encoding';
import { newId } from '@castio/shared/ids';
import { resolvePreset } from '@castio/shared/presets';
import { isoAfter } from '@castio/shared/time';
import type { Env } from '../env';
import { ApiError, forbidden, notFound } from '../http/errors';
import type { OrgSettings } from '../org/settings-schema';
import { getOrgSettings } from '../org/settings-service';
import { callRealtimeKit, realtimeKit } from '../realtimekit/client';
import { enforceRateLimit } from '../rate-limit/limits';
import { admitParticipant, meetingConfig, readyInstance } from './join';
import {
  attachGuestParticipantStatement,
  findGuestToken,
  findMeetingInAnyOrg,
  findRoomOfInstance,
  insertGuestTokenStatement,
  listIdleWaitingGuests,
  type MeetingRow,
  releaseSeatStatement,
  revokeGuestTokenStatement,
  revokeWaitingGuestStatement,
} from './queries';
import type { GuestAccess } from './schemas';

/** Effective guest access (§6.7): the meeting's setting, else the org default; the org switch overrides both. */
export function effectiveGuestAccess(meeting: Pick<MeetingRow, 'guest_access'>, settings: OrgSettings): GuestAccess {
  if (!settings.guestAccessGlobal) return 'disabled';
  return meeting.guest_access ?? settings.defaultGuestAccess;
}

/** Guests may hold at most this many seats: the meeting's maxGuests, else half of maxParticipants (§6.8). */
export const guestCapOf = (meeting: MeetingRow) => meeting.max_guests ?? Math.floor(meeting.max_participants / 2);

/** Guests reach a meeting by its id from a link; which org it belongs to comes from the meeting itself. */
async function meetingForGuest(env: Env, meetingId: string) {
  const meeting = await findMeetingInAnyOrg(env.DB, meetingId);
  if (!meeting) throw notFound('The meeting');
  return meeting;
}

/** POST /api/meetings/:id/guest-join (§4.3, §6.7, §6.8). */
export async function guestJoin(
  env: Env,
  meetingId: string,
  input: { displayName: string; email?: string | undefined },
  addressBucket: string,
) {
  const meeting = await meetingForGuest(env, meetingId);
  const settings = await getOrgSettings(env, meeting.org_id);
  const access = effectiveGuestAccess(meeting, settings);
  if (access === 'disabled')
    throw forbidden('This meeting does not accept guests. Ask the host to invite you, or sign in.');
  // Stored with the token as the network the guest came from: the bucket the limit counts, not the exact address.
  const addressHash = await sha256Hex(`guest-ip:${addressBucket}`);
  await enforceRateLimit(env, 'guestJoinPerAddressPerMeeting', `${meeting.id}:${addressHash}`);
  await enforceRateLimit(env, 'guestJoinPerMeeting', meeting.id);
  if (meeting.is_locked === 1) throw forbidden('The host locked this meeting: nobody new can join right now.');
  const instance = await readyInstance(env, meeting, settings, { canStart: false });

  const guestTokenId = newId();
  const guestToken = randomToken(32);
  const expiresAt = isoAfter(settings.guestTokenTtlMinutes * 60_000);
  // link_only always goes through the waiting room, even when the meeting lets members skip it (§6.8).
  const waitingRoom = access === 'link_only' || meeting.waiting_room_enabled === 1;
  await insertGuestTokenStatement(env.DB, {
    id: guestTokenId,
    orgId: meeting.org_id,
    meetingId: meeting.id,
    occurrenceId: instance.occurrence?.id ?? null,
    displayName: input.displayName,
    email: input.email ?? null,
    tokenHash: await sha256Hex(guestToken),
    ipHash: addressHash,
    status: waitingRoom ? 'waiting' : 'admitted',
    expiresAt,
  }).run();
  const presetName = resolvePreset('guest', meeting.meeting_type, false);
  try {
    const participant = await admitParticipant(env, realtimeKit(env), {
      holder: {
        orgId: meeting.org_id,
        meetingId: meeting.id,
        occurrenceId: instance.occurrence?.id ?? null,
        userId: null,
        guestTokenId,
      },
      instance,
      meeting,
      presetName,
      name: input.displayName,
      settings,
      maxGuests: guestCapOf(meeting),
    });
    await attachGuestParticipantStatement(env.DB, guestTokenId, participant.id).run();
    return {
      rtkAuthToken: participant.token,
      rtkMeetingId: instance.rtkMeetingId,
      rtkParticipantId: participant.id,
      presetName,
      role: 'guest' as const,
      occurrenceId: instance.occurrence?.id ?? null,
      meetingConfig: meetingConfig(meeting, instance.title, settings, env),
      guestToken,
      expiresAt,
      waitingRoom,
    };
  } catch (error) {
    await revokeGuestTokenStatement(env.DB, meeting.org_id, guestTokenId).run();
    throw error;
  }
}

/** A fresh RTK token for a guest holding a valid (unexpired, unrevoked) guest token for this meeting. */
export async function refreshGuestToken(env: Env, meetingId: string, guestToken: string, now = Date.now()) {
  const row = await findGuestToken(env.DB, meetingId, await sha256Hex(guestToken));
  if (
    !row ||
    row.status === 'revoked' ||
    row.status === 'left' ||
    Date.parse(row.expires_at) <= now ||
    !row.rtk_participant_id
  )
    throw new ApiError('guest_token_invalid', 'This guest link has expired or was revoked. Join the meeting again.');
  const rtkMeetingId = await findRoomOfInstance(env.DB, row.meeting_id, row.occurrence_id);
  const rtk = realtimeKit(env);
  const { token } = await callRealtimeKit('refresh your meeting token', () =>
    rtk.participants.refreshToken(rtkMeetingId!.id!, row.rtk_participant_id!),
  );
  return { rtkAuthToken: token };
}

/** Guests left in the waiting room longer than this lose their token and their RTK participant (§6.8). */
export const IDLE_GUEST_MINUTES = 10;

/** Cron: revoke guests still waiting after IDLE_GUEST_MINUTES. Conditional updates make overlapping runs safe. */
export async function revokeIdleGuests(env: Env, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - IDLE_GUEST_MINUTES * 60_000).toISOString();
  const results = await listIdleWaitingGuests(env.DB, cutoff, 100);
  if (results.length === 0) return 0;
  const rtk = realtimeKit(env);
  let revoked = 0;
  for (const guest of results) {
    if (guest.rtk_meeting_id && guest.rtk_participant_id)
      await rtk.participants.remove(guest.rtk_meeting_id, guest.rtk_participant_id).catch(() => undefined);
    const [update] = await env.DB.batch([
      revokeWaitingGuestStatement(env.DB, guest.id),
      releaseSeatStatement(
        env.DB,
        {
          orgId: guest.org_id,
          meetingId: guest.meeting_id,
          occurrenceId: guest.occurrence_id,
          userId: null,
          guestTokenId: guest.id,
        },
        'rejected',
      ),
    ]);
    revoked += update?.meta.changes ?? 0;
  }
  return revoked;
}
