import type { RtkPage, RtkSessionParticipant } from '@castio/shared/rtk';
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { orgPresetScope } from '../presets/org-preset-scope';
import { participantPresetName } from '../presets/preset-scope';
import { callRealtimeKit, realtimeKit } from '../realtimekit/client';
import { findOrgUsersByIds } from '../users/queries';
import { managedMeeting } from './access';
import { currentRoom, liveSessionOf } from './current-room';
import { latestPresetsOf } from './queries';
import type { RoomParticipant } from './host-control-schemas';
import { parseCustomParticipantId } from './participant-identity';

/** Who is connected to a running meeting (§7.2), as RTK's live session sees them and as we know them. */
const PAGE_SIZE = 100;
/** 10 000 peers: far beyond any meeting's cap, so a paging bug cannot loop forever. */
const MAX_PAGES = 100;

async function allPages<T>(load: (page: number) => Promise<RtkPage<T>>): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { items } = await load(page);
    all.push(...items);
    if (items.length < PAGE_SIZE) break;
  }
  return all;
}

/** Our person behind an RTK participant: the join flow sets `user:<id>` or `guest:<id>`. */
export function identityOf(customParticipantId: string | null) {
  const { userId, guestTokenId } = parseCustomParticipantId(customParticipantId);
  return { userId: userId ?? null, guestTokenId: guestTokenId ?? null };
}

/** One row per RTK participant still connected (several tabs are several peers), with its first join. */
function connectedParticipants(peers: RtkSessionParticipant[]) {
  const earliest = new Map<string, RtkSessionParticipant>();
  for (const peer of peers) {
    if (peer.left_at || !peer.user_id) continue;
    const seen = earliest.get(peer.user_id);
    if (!seen || (peer.joined_at ?? '') < (seen.joined_at ?? '')) earliest.set(peer.user_id, peer);
  }
  return [...earliest.entries()];
}

async function rolesOf(db: D1Database, orgId: string, userIds: string[]) {
  return new Map((await findOrgUsersByIds(db, orgId, userIds)).map((user) => [user.id, user.role]));
}

/** GET /api/meetings/:id/participants: everyone connected to the meeting's current room right now. */
export async function listRoomParticipants(env: Env, auth: AuthContext, meetingId: string) {
  const meeting = await managedMeeting(env, auth, meetingId);
  const room = await currentRoom(env, meeting);
  const rtk = realtimeKit(env);
  const session = await liveSessionOf(rtk, room);
  if (!session) return { items: [] };
  const peers = await callRealtimeKit('list who is in the meeting', () =>
    allPages((page) => rtk.sessions.participants(session.id, { page, perPage: PAGE_SIZE })),
  );
  const connected = connectedParticipants(peers);
  const people = connected.map(([participantId, peer]) => ({
    participantId,
    peer,
    ...identityOf(peer.custom_participant_id),
  }));
  const [presets, roles, scope] = await Promise.all([
    latestPresetsOf(
      env.DB,
      meeting.id,
      people.map((person) => person.participantId),
    ),
    rolesOf(
      env.DB,
      auth.orgId,
      people.flatMap((person) => (person.userId ? [person.userId] : [])),
    ),
    orgPresetScope(env, meeting.org_id),
  ]);
  const items: RoomParticipant[] = people.map(({ participantId, peer, userId, guestTokenId }) => ({
    participantId,
    userId,
    guestTokenId,
    displayName: peer.display_name,
    presetName: presets.get(participantId) ?? participantPresetName(scope, peer.preset_name),
    role: guestTokenId ? 'guest' : userId ? (roles.get(userId) ?? null) : null,
    joinedAt: peer.joined_at,
  }));
  return { items: items.sort((a, b) => (a.joinedAt ?? '').localeCompare(b.joinedAt ?? '')) };
}
