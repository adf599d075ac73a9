/**
 * Test kit (imported only by tests): the session player's ground truth (scripts/local-cloud/README.md, "Session
 * player") and the rows it implies, so the tests compare the platform's tables with what really happened.
 */

export interface PlayedParticipant {
  participantId: string;
  customParticipantId: string;
  name: string;
  peerId: string;
  joinedAt: string;
  leftAt: string;
}

/** What `POST /__local/rtk/sessions/play` answers. */
export interface PlayedSession {
  meetingId: string;
  sessionId: string;
  startedAt: string;
  endedAt: string;
  participants: PlayedParticipant[];
  recording: {
    id: string;
    status: string;
    durationSeconds: number;
    downloadUrl: string | null;
    statuses: string[];
  } | null;
  livestream: { id: string; playbackUrl: string } | null;
  chat: { messages: number };
  transcript: { lines: number } | null;
  summary: { available: boolean } | null;
  /** What RTK sent, in its order: per event, whether it was dropped or duplicated and the delivery ids. */
  webhooks: { event: string; trueIndex: number; dropped: boolean; duplicated: boolean; deliveryIds: string[] }[];
  /** The events in the order they happened. */
  events: string[];
}

export const secondsBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);

/** Most people present at once: a sweep over [join, leave) (a leave at t happens before a join at t). */
export function peakOf(intervals: { joinedAt: string; leftAt: string }[]) {
  const points = intervals.flatMap((interval) => [
    { at: Date.parse(interval.joinedAt), change: 1 },
    { at: Date.parse(interval.leftAt), change: -1 },
  ]);
  points.sort((a, b) => a.at - b.at || a.change - b.change);
  let present = 0;
  let peak = 0;
  for (const point of points) {
    present += point.change;
    peak = Math.max(peak, present);
  }
  return peak;
}

/** The `sessions` row a played session must end as. */
export const expectedSessionRow = (truth: PlayedSession) => ({
  status: 'ended',
  started_at: truth.startedAt,
  ended_at: truth.endedAt,
  duration_seconds: secondsBetween(truth.startedAt, truth.endedAt),
  total_participants: new Set(truth.participants.map((peer) => peer.customParticipantId)).size,
  peak_participant_count: peakOf(truth.participants),
  participant_count: 0,
  has_recording: truth.recording?.status === 'UPLOADED' ? 1 : 0,
  has_transcript: truth.transcript ? 1 : 0,
  has_summary: truth.summary ? 1 : 0,
  has_chat: truth.chat.messages > 0 ? 1 : 0,
});

/** Each peer's attendance, keyed by RTK peer id, as `session_participants` must hold it. */
export const expectedAttendance = (truth: PlayedSession) =>
  Object.fromEntries(
    truth.participants.map((peer) => [
      peer.peerId,
      { joinedAt: peer.joinedAt, leftAt: peer.leftAt, durationSeconds: secondsBetween(peer.joinedAt, peer.leftAt) },
    ]),
  );

/** Our user ids among the participants (`user:<id>`, as the join flow names people), sorted, each once. */
export const usersIn = (truth: PlayedSession) =>
  [
    ...new Set(
      truth.participants
        .map((peer) => /^user:(.+)$/.exec(peer.customParticipantId)?.[1])
        .filter((id): id is string => id !== undefined),
    ),
  ].sort();

/** The recording statuses RTK announced by webhook (INVOKED is never sent), as our history stores them. */
export const announcedRecordingStatuses = (truth: PlayedSession) =>
  (truth.recording?.statuses ?? []).filter((status) => status !== 'INVOKED').map((status) => status.toLowerCase());

interface DeliveredBody {
  event: string;
  participant?: { peerId: string };
  recording?: { status: string };
}

const RECORDING_RANK = ['RECORDING', 'UPLOADING', 'ERRORED', 'UPLOADED'];

/**
 * The ground truth as far as the delivered bodies tell it, for sessions where RTK dropped deliveries: a peer
 * nobody announced is unknown, a peer whose leave never came is closed at the session's end, a recording is as
 * far as its last announced status, and a transcript, summary or chat export that was never announced is absent.
 * The session's end is known either way (from `meeting.ended`, or from RTK's REST API when it was dropped).
 */
export function truthAsDelivered(truth: PlayedSession, bodies: string[]): PlayedSession {
  const delivered = bodies.map((body) => JSON.parse(body) as DeliveredBody);
  const peersOf = (event: string) =>
    new Set(delivered.filter((body) => body.event === event).map((body) => body.participant!.peerId));
  const left = peersOf('meeting.participantLeft');
  const seen = new Set([...peersOf('meeting.participantJoined'), ...left]);
  const arrived = (event: string) => delivered.some((body) => body.event === event);
  const statuses = delivered.flatMap((body) => (body.recording ? [body.recording.status] : []));
  const lastStatus = RECORDING_RANK.filter((status) => statuses.includes(status)).at(-1);
  return {
    ...truth,
    participants: truth.participants
      .filter((peer) => seen.has(peer.peerId))
      .map((peer) => (left.has(peer.peerId) ? peer : { ...peer, leftAt: truth.endedAt })),
    recording:
      truth.recording && lastStatus
        ? {
            ...truth.recording,
            status: lastStatus,
            statuses: truth.recording.statuses.filter((s) => statuses.includes(s)),
          }
        : null,
    transcript: arrived('meeting.transcript') ? truth.transcript : null,
    summary: arrived('meeting.summary') ? truth.summary : null,
    chat: { messages: arrived('meeting.chatSynced') ? truth.chat.messages : 0 },
    events: [...new Set(bodies)].map((body) => (JSON.parse(body) as DeliveredBody).event),
  };
}
