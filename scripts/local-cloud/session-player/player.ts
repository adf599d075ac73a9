// The session player: lays out a realistic meeting session in simulated time (it ends "now" and lasted
// `minutes`), drives the engines through it — joins and leaves, chat, transcript, recording
// INVOKED → RECORDING → UPLOADING → UPLOADED (or ERRORED), optional livestream — and fires the matching webhooks
// in order, optionally duplicated, reordered or dropped. Returns the ground truth.
import { randomUUID } from 'node:crypto';
import { mulberry32 } from '../faults/seeded-random.ts';
import type { RealtimeKit } from '../realtimekit/realtimekit.ts';
import type { Emit } from '../realtimekit/engine-context.ts';
import { RtkApiError } from '../realtimekit/rtk-envelope.ts';
import type { SessionEngine } from '../realtimekit/session-engine.ts';
import type { WebhookBody } from '../realtimekit/webhook-payloads.ts';
import type { Livestream, Meeting, Participant, Peer, Recording, RecordingStatus } from '../state/rtk-records.ts';
import type { StateStore } from '../state/store.ts';
import type { PlayOptions } from './play-options.ts';
import { perturb } from './perturbation.ts';

const LINES = [
  'Good morning, everyone.',
  'Can you all hear me?',
  'Let us go through the agenda.',
  'I will share my screen.',
  'Any questions so far?',
  'Thanks, that was helpful.',
  'Let us follow up by email.',
];

/** What really happened in a played session, and what was delivered. */
export interface SessionTruth {
  meetingId: string;
  sessionId: string;
  startedAt: string;
  endedAt: string | null;
  participants: {
    participantId: string;
    customParticipantId: string;
    name: string;
    peerId: string;
    joinedAt: string;
    leftAt: string | null;
  }[];
  recording: {
    id: string;
    status: RecordingStatus;
    durationSeconds: number | null;
    downloadUrl: string | null;
    statuses: RecordingStatus[];
  } | null;
  livestream: { id: string; playbackUrl: string } | null;
  chat: { messages: number };
  transcript: { lines: number } | null;
  summary: { available: true } | null;
  /** Every webhook event in the true order. */
  events: WebhookBody['event'][];
  /** In delivery order. */
  webhooks: { event: string; trueIndex: number; dropped: boolean; duplicated: boolean; deliveryIds: string[] }[];
}

/** An event the engines emitted while the session played. */
interface Captured {
  appId: string;
  body: WebhookBody;
}

/** What the timeline made, for the ground truth. */
interface Played {
  sessionId: string;
  recording: Recording | null;
  livestream: Livestream | null;
  wantTranscript: boolean;
}

export function playSession(rtk: RealtimeKit, store: StateStore, options: PlayOptions): SessionTruth {
  const { sessions, dispatcher } = rtk;
  const meeting = playableMeeting(store, sessions, options.meetingId);
  const existing = (options.participantIds ?? []).map((id) => {
    const participant = store.data.rtk.participants.find((p) => p.id === id && p.meeting_id === meeting.id);
    if (!participant) throw new RtkApiError(404, `Participant ${id} not found in meeting ${meeting.id}`);
    return participant;
  });
  const added = options.participants ?? (existing.length ? 0 : 3);
  if (added + existing.length < 1 || added + existing.length > 200)
    throw new RtkApiError(400, 'participants must be 1–200 in all');
  const people = [...existing, ...addParticipants(rtk, store, meeting, added)];

  const captured: Captured[] = [];
  const played = capturing(
    sessions,
    options,
    (event) => captured.push(event),
    () => playTimeline(sessions, meeting, people, added, options),
  );
  const order = perturb(captured, {
    drop: options.drop,
    duplicate: options.duplicate,
    reorder: options.reorder,
    seed: options.seed ?? 1,
  });
  const webhooks = order.map((item) => ({
    event: item.body.event,
    trueIndex: item.index,
    dropped: item.drop,
    duplicated: item.duplicate,
    deliveryIds: dispatcher
      .emit(item.appId, item.body, { drop: item.drop, duplicate: item.duplicate })
      .map((d) => d.id),
  }));
  return { ...groundTruth(store, meeting, played), events: captured.map((c) => c.body.event), webhooks };
}

function playableMeeting(store: StateStore, sessions: SessionEngine, meetingId: string): Meeting {
  const meeting = store.data.rtk.meetings.find((m) => m.id === meetingId);
  if (!meeting) throw new RtkApiError(404, `Meeting ${meetingId} not found`);
  if (meeting.status !== 'ACTIVE') throw new RtkApiError(400, 'The meeting is INACTIVE.');
  if (sessions.liveSession(meeting.id)) throw new RtkApiError(409, 'The meeting already has a live session.');
  return meeting;
}

/** Runs `play` with the engines' webhooks going to `capture` (and the player's URL lifetime), then undoes both. */
function capturing<T>(
  sessions: SessionEngine,
  options: PlayOptions,
  capture: (event: Captured) => void,
  play: () => T,
): T {
  const { context } = sessions;
  const realEmit = context.emit;
  const previousTtl = context.urlTtlSeconds;
  const emit: Emit = (appId, body) => capture({ appId, body });
  context.emit = emit;
  if (options.urlTtlSeconds) context.urlTtlSeconds = options.urlTtlSeconds;
  try {
    return play();
  } finally {
    context.emit = realEmit;
    context.urlTtlSeconds = previousTtl;
  }
}

/**
 * The session, laid out in simulated time: the first person joins at 0, the rest within the first 20 %; the
 * recording starts at 22 %, the livestream at 25 % (and stops at 68 %); chat and transcript fill the middle;
 * people leave in the last 30 %, the first one last, at the end.
 */
function playTimeline(
  sessions: SessionEngine,
  meeting: Meeting,
  people: Participant[],
  added: number,
  options: PlayOptions,
): Played {
  const { recordings, livestreams, artifacts } = sessions;
  const random = mulberry32(options.seed ?? 1);
  const end = Date.now();
  const span = (options.minutes ?? 10) * 60_000;
  const at = (fraction: number) => new Date(end - span + Math.round(span * fraction));
  const joins = people.map((p, i) => ({ p, i, t: i === 0 ? 0 : random() * 0.2 }));
  const leaves = joins.map((j) => ({ i: j.i, t: j.i === 0 ? 1 : 0.7 + random() * 0.29 }));

  /** The peer of each position in `people`. */
  const peers = new Map<number, Peer>();
  const peerAt = (position: number) => {
    const peer = peers.get(position);
    if (!peer) throw new Error(`player ${position} has not joined`);
    return peer;
  };
  let sessionId = '';
  for (const j of [...joins].sort((a, b) => a.t - b.t)) {
    const { session, peer } = sessions.join(meeting.id, j.p.id, { at: at(j.t) });
    sessionId = session.id;
    peers.set(j.i, peer);
  }
  let recording = options.record
    ? recordings.start(meeting.app_id, { meeting_id: meeting.id }, { at: at(0.22), managed: true })
    : null;
  if (recording) recordings.setStatus(recording.id, 'RECORDING', { at: at(0.23) });
  const livestream = options.livestream
    ? livestreams.start(meeting.id, { name: meeting.title }, { at: at(0.25) })
    : null;
  const chatCount = options.chatMessages ?? added * 2;
  for (let i = 0; i < chatCount; i++) {
    const position = Math.floor(random() * people.length);
    artifacts.addChatMessage(sessionId, peerAt(position).peer_id, `Message ${i + 1} from ${people[position]?.name}`, {
      at: at(0.3 + (0.35 * i) / Math.max(1, chatCount)),
    });
  }
  const wantTranscript = options.transcript ?? true;
  const lines = Math.max(added, 4);
  if (wantTranscript)
    for (let i = 0; i < lines; i++)
      artifacts.addTranscriptLine(sessionId, peerAt(i % people.length).peer_id, LINES[i % LINES.length] ?? '', {
        at: at(0.25 + (0.4 * i) / lines),
      });
  if (livestream) livestreams.stop(meeting.id, { at: at(0.68), livestreamId: livestream.id });
  const ordered = [...leaves].sort((a, b) => a.t - b.t);
  const last = ordered.pop();
  for (const l of ordered) sessions.leave(meeting.id, peerAt(l.i).peer_id, { at: at(l.t) });
  if (last) sessions.leave(meeting.id, peerAt(last.i).peer_id, { at: at(1), endIfEmpty: false });
  if (recording) recordings.stop(recording.id, { at: at(1), reason: 'ALL_PEERS_LEFT' });
  sessions.endSession(meeting.id, { at: at(1), reason: 'ALL_PARTICIPANTS_LEFT', publish: false });
  if (recording)
    recording = recordings.setStatus(recording.id, options.recordingOutcome ?? 'UPLOADED', {
      at: new Date(end + 1000),
    });
  artifacts.publish(sessionId, {
    chat: chatCount > 0,
    transcript: wantTranscript,
    summary: wantTranscript && (options.summary ?? true),
  });
  return { sessionId, recording, livestream, wantTranscript };
}

function groundTruth(
  store: StateStore,
  meeting: Meeting,
  { sessionId, recording, livestream, wantTranscript }: Played,
): Omit<SessionTruth, 'events' | 'webhooks'> {
  const session = store.data.rtk.sessions.find((s) => s.id === sessionId);
  if (!session) throw new RtkApiError(404, `Session ${sessionId} not found`);
  const history = store.data.rtk.recordings.find((r) => r.id === recording?.id)?.history ?? [];
  return {
    meetingId: meeting.id,
    sessionId,
    startedAt: session.started_at,
    endedAt: session.ended_at,
    participants: session.peers.map((p) => ({
      participantId: p.participant_id,
      customParticipantId: p.custom_participant_id,
      name: p.display_name,
      peerId: p.peer_id,
      joinedAt: p.joined_at,
      leftAt: p.left_at,
    })),
    recording: recording && {
      id: recording.id,
      status: recording.status,
      durationSeconds: recording.recording_duration,
      downloadUrl: recording.download_url,
      statuses: history.map((h) => h.status),
    },
    livestream: livestream && { id: livestream.id, playbackUrl: livestream.playback_url },
    chat: { messages: session.chat.length },
    transcript: wantTranscript ? { lines: session.transcript.length } : null,
    summary: session.summary ? { available: true } : null,
  };
}

/** New participants for the session, added as the REST API would add them. */
function addParticipants(rtk: RealtimeKit, store: StateStore, meeting: Meeting, count: number): Participant[] {
  if (!count) return [];
  const presets = store.data.rtk.presets.filter((p) => p.app_id === meeting.app_id);
  const preset = presets.find((p) => p.name === 'group_call_participant') ?? presets[0];
  if (!preset) throw new RtkApiError(400, 'The app has no preset.');
  const now = new Date().toISOString();
  const added = Array.from({ length: count }, (_, i) => {
    const id = randomUUID();
    return {
      id,
      app_id: meeting.app_id,
      meeting_id: meeting.id,
      custom_participant_id: `player-${i + 1}-${randomUUID().slice(0, 8)}`,
      name: `Player ${i + 1}`,
      picture: null,
      preset_id: preset.id,
      preset_name: preset.name,
      created_at: now,
      updated_at: now,
      token: rtk.tokens.issue({ participantId: id, meetingId: meeting.id, appId: meeting.app_id, presetId: preset.id }),
    };
  });
  store.transact((s) => {
    s.rtk.participants.push(...added);
  });
  return added;
}
