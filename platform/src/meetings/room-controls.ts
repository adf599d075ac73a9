/** Controls over the whole room: mute everyone (§7.2), lock it against new joins (§6.8). */
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { callRealtimeKit, realtimeKit } from '../realtimekit/client';
import { managedMeeting } from './access';
import { currentRoom, requireLiveSession } from './current-room';
import { findMeeting, type MeetingRow, setMeetingLockedStatement } from './queries';
import { presentMeeting } from './service';

export async function muteEveryone(env: Env, auth: AuthContext, meetingId: string, allowUnmute = true) {
  const meeting = await managedMeeting(env, auth, meetingId);
  const room = await currentRoom(env, meeting);
  const rtk = realtimeKit(env);
  await requireLiveSession(rtk, room);
  await callRealtimeKit('mute everyone', () => rtk.activeSession.muteAll(room.rtkMeetingId, { allowUnmute }));
  return { muted: true as const, allowUnmute };
}

/**
 * Join and guest-join refuse everyone but the meeting's managers while it is locked. Only a running meeting can be
 * locked (§6.8 "once started"); unlocking works any time, so a lock left over from an earlier run never traps a room.
 */
export async function lockMeeting(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await managedMeeting(env, auth, meetingId);
  await currentRoom(env, meeting);
  return setLocked(env, meeting, true);
}

export async function unlockMeeting(env: Env, auth: AuthContext, meetingId: string) {
  return setLocked(env, await managedMeeting(env, auth, meetingId), false);
}

async function setLocked(env: Env, meeting: MeetingRow, locked: boolean) {
  await setMeetingLockedStatement(env.DB, meeting.org_id, meeting.id, locked).run();
  return presentMeeting(env, (await findMeeting(env.DB, meeting.org_id, meeting.id))!);
}
