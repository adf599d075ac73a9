// The session player: lays out a realistic meeting session in simulated time (it ends "now" and lasted
// `minutes`), drives the session engine through it — joins and leaves, chat, transcript, recording
// INVOKED → RECORDING → UPLOADING → UPLOADED (or ERRORED), optional livestream — and fires the matching webhooks
// in order, optionally duplicated, reordered or dropped. Returns the ground truth.
import { randomUUID } from 'node:crypto';
import { mulberry32 } from '../faults/seeded-random.ts';
import { RtkApiError } from '../realtimekit/rtk-envelope.ts';
import { perturb } from './perturbation.mjs';

const LINES = [
  'Good morning, everyone.',
  'Can you all hear me?',
  'Let us go through the agenda.',
  'I will share my screen.',
  'Any questions so far?',
  'Thanks, that was helpful.',
  'Let us follow up by email.',
];

/**
 * @param {any} rtk { engine, dispatcher, tokens } from ../realtimekit/realtimekit.mjs
 * @param {any} store
 * @param {{ meetingId: string, participants?: number, participantIds?: string[], minutes?: number, record?: boolean,
 *           recordingOutcome?: 'UPLOADED' | 'ERRORED', livestream?: boolean, chatMessages?: number, transcript?: boolean,
 *           summary?: boolean, duplicate?: boolean, reorder?: boolean, drop?: boolean, seed?: number,
 *           urlTtlSeconds?: number }} options `participantIds`: participants already added to the meeting (through
 *           the REST API, as an app's join flow does) who take part first; an id listed twice joins from two
 *           devices. `participants` more are added (default 3 without `participantIds`, else 0).
 */
export async function playSession(rtk, store, options) {
  const { engine, dispatcher } = rtk;
  const existingIds = options.participantIds ?? [];
  if (!Array.isArray(existingIds) || !existingIds.every((id) => typeof id === 'string'))
    throw new RtkApiError(400, 'participantIds must be participant ids');
  const count = options.participants ?? (existingIds.length ? 0 : 3);
  const minutes = options.minutes ?? 10;
  if (!Number.isInteger(count) || count < 0 || count + existingIds.length < 1 || count + existingIds.length > 200)
    throw new RtkApiError(400, 'participants must be 1–200 in all');
  if (!(minutes > 0 && minutes <= 24 * 60)) throw new RtkApiError(400, 'minutes must be within (0, 1440]');
  const meeting = store.data.rtk.meetings.find((m) => m.id === options.meetingId);
  if (!meeting) throw new RtkApiError(404, `Meeting ${options.meetingId} not found`);
  if (meeting.status !== 'ACTIVE') throw new RtkApiError(400, 'The meeting is INACTIVE.');
  if (engine.liveSession(meeting.id)) throw new RtkApiError(409, 'The meeting already has a live session.');
  const random = mulberry32(options.seed ?? 1);
  const end = Date.now();
  const start = end - minutes * 60_000;
  const span = end - start;
  const at = (fraction) => new Date(start + Math.round(span * fraction));

  const existing = existingIds.map((id) => {
    const participant = store.data.rtk.participants.find((p) => p.id === id && p.meeting_id === meeting.id);
    if (!participant) throw new RtkApiError(404, `Participant ${id} not found in meeting ${meeting.id}`);
    return participant;
  });
  const people = [...existing, ...addParticipants(rtk, store, meeting, count)];

  // Timeline: the first joins at 0, the rest within the first 20 %; leaves in the last 30 %, the last at 1.
  const joins = people.map((p, i) => ({ p, i, t: i === 0 ? 0 : random() * 0.2 }));
  const leaves = joins.map((j) => ({ p: j.p, i: j.i, t: j.i === 0 ? 1 : 0.7 + random() * 0.29 }));
  const captured = [];
  const realEmit = engine.emit;
  engine.emit = (appId, body) => captured.push({ appId, body });
  const previousTtl = engine.urlTtlSeconds;
  if (options.urlTtlSeconds) engine.urlTtlSeconds = options.urlTtlSeconds;
  const truth = {
    meetingId: meeting.id,
    sessionId: null,
    participants: [],
    recording: null,
    livestream: null,
    chat: { messages: 0 },
    transcript: null,
    summary: null,
    webhooks: [],
  };
  try {
    /** The peer of each position in `people`. */
    const peers = new Map();
    for (const j of [...joins].sort((a, b) => a.t - b.t)) {
      const { session, peer } = engine.join(meeting.id, j.p.id, { at: at(j.t) });
      truth.sessionId = session.id;
      peers.set(j.i, peer);
    }
    let recording = null;
    if (options.record) {
      recording = engine.startRecording(meeting.app_id, { meeting_id: meeting.id }, { at: at(0.22), managed: true });
      engine.setRecordingStatus(recording.id, 'RECORDING', { at: at(0.23) });
    }
    let livestream = null;
    if (options.livestream) livestream = engine.startLivestream(meeting.id, { name: meeting.title }, { at: at(0.25) });
    const chatCount = options.chatMessages ?? count * 2;
    for (let i = 0; i < chatCount; i++) {
      const position = Math.floor(random() * people.length);
      const speaker = people[position];
      engine.addChatMessage(truth.sessionId, peers.get(position).peer_id, `Message ${i + 1} from ${speaker.name}`, {
        at: at(0.3 + (0.35 * i) / Math.max(1, chatCount)),
      });
    }
    const wantTranscript = options.transcript ?? true;
    if (wantTranscript)
      for (let i = 0; i < Math.max(count, 4); i++) {
        engine.addTranscriptLine(truth.sessionId, peers.get(i % people.length).peer_id, LINES[i % LINES.length], {
          at: at(0.25 + (0.4 * i) / Math.max(count, 4)),
        });
      }
    if (livestream) engine.stopLivestream(meeting.id, { at: at(0.68), livestreamId: livestream.id });
    const ordered = [...leaves].sort((a, b) => a.t - b.t);
    for (const l of ordered.slice(0, -1)) engine.leave(meeting.id, peers.get(l.i).peer_id, { at: at(l.t) });
    const last = ordered.at(-1);
    engine.leave(meeting.id, peers.get(last.i).peer_id, { at: at(1), endIfEmpty: false });
    if (recording) engine.stopRecording(recording.id, { at: at(1), reason: 'ALL_PEERS_LEFT' });
    engine.endSession(meeting.id, { at: at(1), reason: 'ALL_PARTICIPANTS_LEFT', publish: false });
    if (recording)
      recording = engine.setRecordingStatus(recording.id, options.recordingOutcome ?? 'UPLOADED', {
        at: new Date(end + 1000),
      });
    engine.publishPostMeeting(truth.sessionId, {
      chat: chatCount > 0,
      transcript: wantTranscript,
      summary: wantTranscript && (options.summary ?? true),
    });

    const session = store.data.rtk.sessions.find((s) => s.id === truth.sessionId);
    truth.participants = session.peers.map((p) => ({
      participantId: p.participant_id,
      customParticipantId: p.custom_participant_id,
      name: p.display_name,
      peerId: p.peer_id,
      joinedAt: p.joined_at,
      leftAt: p.left_at,
    }));
    truth.startedAt = session.started_at;
    truth.endedAt = session.ended_at;
    truth.recording = recording && {
      id: recording.id,
      status: recording.status,
      durationSeconds: recording.recording_duration,
      downloadUrl: recording.download_url,
      statuses: store.data.rtk.recordings.find((r) => r.id === recording.id).history.map((h) => h.status),
    };
    truth.livestream = livestream && { id: livestream.id, playbackUrl: livestream.playback_url };
    truth.chat = { messages: session.chat.length };
    truth.transcript = wantTranscript ? { lines: session.transcript.length } : null;
    truth.summary = session.summary ? { available: true } : null;
  } finally {
    engine.emit = realEmit;
    engine.urlTtlSeconds = previousTtl;
  }
  const order = perturb(captured, {
    drop: options.drop,
    duplicate: options.duplicate,
    reorder: options.reorder,
    seed: options.seed ?? 1,
  });
  for (const item of order) {
    const deliveries = dispatcher.emit(item.appId, item.body, { drop: item.drop, duplicate: item.duplicate });
    truth.webhooks.push({
      event: item.body.event,
      trueIndex: item.index,
      dropped: item.drop,
      duplicated: item.duplicate,
      deliveryIds: deliveries.map((d) => d.id),
    });
  }
  truth.events = captured.map((c) => c.body.event);
  return truth;
}

/** New participants for the session, added as the REST API would add them. */
function addParticipants(rtk, store, meeting, count) {
  if (!count) return [];
  const presets = store.data.rtk.presets.filter((p) => p.app_id === meeting.app_id);
  const preset = presets.find((p) => p.name === 'group_call_participant') ?? presets[0];
  if (!preset) throw new RtkApiError(400, 'The app has no preset.');
  return store.transact((s) => {
    const now = new Date().toISOString();
    return Array.from({ length: count }, (_, i) => {
      const p = {
        id: randomUUID(),
        app_id: meeting.app_id,
        meeting_id: meeting.id,
        custom_participant_id: `player-${i + 1}-${randomUUID().slice(0, 8)}`,
        name: `Player ${i + 1}`,
        picture: null,
        preset_id: preset.id,
        preset_name: preset.name,
        created_at: now,
        updated_at: now,
      };
      p.token = rtk.tokens.issue({
        participantId: p.id,
        meetingId: meeting.id,
        appId: meeting.app_id,
        presetId: preset.id,
      });
      s.rtk.participants.push(p);
      return p;
    });
  });
}
