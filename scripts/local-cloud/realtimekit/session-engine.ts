// What happens inside a RealtimeKit meeting, as state changes + webhooks: a session starts with the first join
// (and, as the meeting asks, its recording and livestream) and ends when the last peer leaves (or on kick-all);
// then its recordings and livestreams stop and its chat, transcript and summary are published. Recordings,
// livestreams and those files have engines of their own (recording-engine.ts, livestream-engine.ts,
// session-artifacts.ts); all share one EngineContext (engine-context.ts).
import { randomUUID } from 'node:crypto';
import type { Meeting, Peer, Session } from '../state/rtk-records.ts';
import { type EngineContext, isoAt, type Moment } from './engine-context.ts';
import type { LivestreamEngine } from './livestream-engine.ts';
import type { RecordingEngine } from './recording-engine.ts';
import { RtkApiError } from './rtk-envelope.ts';
import type { SessionArtifacts } from './session-artifacts.ts';
import * as payloads from './webhook-payloads.ts';

const minutesBetween = (a: string, b: string) => Math.max(0, (Date.parse(b) - Date.parse(a)) / 60_000);
const present = (peers: Peer[]) => peers.filter((p) => !p.left_at);

export class SessionEngine {
  readonly context: EngineContext;
  readonly recordings: RecordingEngine;
  readonly livestreams: LivestreamEngine;
  readonly artifacts: SessionArtifacts;

  constructor(engines: {
    context: EngineContext;
    recordings: RecordingEngine;
    livestreams: LivestreamEngine;
    artifacts: SessionArtifacts;
  }) {
    this.context = engines.context;
    this.recordings = engines.recordings;
    this.livestreams = engines.livestreams;
    this.artifacts = engines.artifacts;
  }

  liveSession(meetingId: string): Session | null {
    return this.context.liveSession(meetingId);
  }

  /** A participant (added through the REST API) joins as a new peer; starts the session if none is live. */
  join(
    meetingId: string,
    participantId: string,
    { at, peerId }: { at?: Moment; peerId?: string } = {},
  ): { session: Session; peer: Peer } {
    const when = isoAt(at);
    const { meeting } = this.context.context(meetingId);
    if (meeting.status === 'INACTIVE') throw new RtkApiError(403, 'Meeting is inactive; joins are blocked.');
    const participant = this.context
      .rtk()
      .participants.find((p) => p.id === participantId && p.meeting_id === meetingId);
    if (!participant) throw new RtkApiError(404, `Participant ${participantId} not found in meeting ${meetingId}`);
    const live = this.liveSession(meetingId);
    const session = live ?? this.#startSession(meeting, when);
    const peer: Peer = {
      peer_id: peerId ?? randomUUID(),
      participant_id: participant.id,
      custom_participant_id: participant.custom_participant_id,
      display_name: participant.name ?? participant.custom_participant_id,
      preset_name: participant.preset_name,
      joined_at: when,
      left_at: null,
    };
    const joined = this.context.update('sessions', session.id, (s) => {
      s.peers.push(peer);
      s.updated_at = when;
      s.max_concurrent_participants = Math.max(s.max_concurrent_participants, present(s.peers).length);
    });
    const ctx = this.context.context(meetingId, joined.id);
    if (!live) this.context.emit(meeting.app_id, payloads.meetingStarted(ctx));
    this.context.emit(meeting.app_id, payloads.participantJoined(ctx, peer));
    if (!live) this.#startAsConfigured(meeting, when);
    return { session: joined, peer };
  }

  #startSession(meeting: Meeting, when: string): Session {
    const session: Session = {
      id: randomUUID(),
      app_id: meeting.app_id,
      meeting_id: meeting.id,
      meeting_display_name: meeting.title ?? null,
      status: 'LIVE',
      type: 'meeting',
      created_at: when,
      started_at: when,
      updated_at: when,
      ended_at: null,
      max_concurrent_participants: 0,
      peers: [],
      chat: [],
      transcript: [],
      summary: null,
      artifacts: {},
    };
    this.context.store.transact((s) => {
      s.rtk.sessions.push(session);
    });
    return session;
  }

  /** record_on_start, live_stream_on_start. */
  #startAsConfigured(meeting: Meeting, when: string) {
    if (meeting.record_on_start)
      this.recordings.start(
        meeting.app_id,
        { meeting_id: meeting.id, ...(meeting.recording_config ?? {}) },
        { at: when, reason: 'RECORD_ON_START' },
      );
    if (meeting.live_stream_on_start) this.livestreams.start(meeting.id, {}, { at: when });
  }

  /** A peer leaves. When the last one leaves, the session ends (ALL_PARTICIPANTS_LEFT) unless `endIfEmpty` is false. */
  leave(
    meetingId: string,
    peerId: string,
    { at, endIfEmpty = true }: { at?: Moment; endIfEmpty?: boolean } = {},
  ): Peer {
    const when = isoAt(at);
    const live = this.liveSession(meetingId);
    if (!live) throw new RtkApiError(404, 'The meeting has no active session.');
    const index = live.peers.findIndex((p) => p.peer_id === peerId && !p.left_at);
    const leaving = live.peers[index];
    if (!leaving) throw new RtkApiError(404, `Peer ${peerId} is not in the session.`);
    const peer = { ...leaving, left_at: when };
    const session = this.context.update('sessions', live.id, (s) => {
      s.peers[index] = { ...peer };
      s.updated_at = when;
    });
    const ctx = this.context.context(meetingId, live.id);
    this.context.emit(ctx.meeting.app_id, payloads.participantLeft(ctx, peer));
    if (!present(session.peers).length && endIfEmpty)
      this.endSession(meetingId, { at: when, reason: 'ALL_PARTICIPANTS_LEFT' });
    return peer;
  }

  /** Removes peers (kick). Returns the kicked peers. */
  kick(
    meetingId: string,
    { participantIds = [], customIds = [] }: { participantIds?: string[]; customIds?: string[] },
    { at }: { at?: Moment } = {},
  ): Peer[] {
    const live = this.liveSession(meetingId);
    if (!live) throw new RtkApiError(404, 'The meeting has no active session.');
    const targets = present(live.peers).filter(
      (p) => participantIds.includes(p.participant_id) || customIds.includes(p.custom_participant_id),
    );
    return targets.map((p) => this.leave(meetingId, p.peer_id, { at }));
  }

  /**
   * Ends the live session: remaining peers leave, recordings and livestreams stop, meeting.ended fires, then the
   * post-meeting files are published (unless `publish` is false; the player publishes them itself).
   */
  endSession(
    meetingId: string,
    {
      at,
      reason = 'HOST_ENDED_MEETING',
      publish = true,
      finishRecordings = false,
    }: { at?: Moment; reason?: payloads.MeetingEndReason; publish?: boolean; finishRecordings?: boolean } = {},
  ): Session | null {
    const when = isoAt(at);
    const live = this.liveSession(meetingId);
    if (!live) return null;
    for (const peer of present(live.peers)) this.leave(meetingId, peer.peer_id, { at: when, endIfEmpty: false });
    this.recordings.stopAll(meetingId, {
      at: when,
      reason: reason === 'ALL_PARTICIPANTS_LEFT' ? 'ALL_PEERS_LEFT' : 'API_CALL',
      finish: finishRecordings,
    });
    this.livestreams.stopAll(meetingId, { at: when });
    const ended = this.context.update('sessions', live.id, (s) => {
      s.status = 'ENDED';
      s.ended_at = when;
      s.updated_at = when;
    });
    const ctx = this.context.context(meetingId, live.id);
    this.context.emit(ctx.meeting.app_id, payloads.meetingEnded(ctx, reason));
    if (publish) this.artifacts.publish(live.id);
    return ended;
  }
}

/** A session as RTK's REST API shows it. */
export function sessionView(session: Session) {
  const end = session.ended_at ?? new Date().toISOString();
  const minutes = session.peers.reduce((sum, p) => sum + minutesBetween(p.joined_at, p.left_at ?? end), 0);
  return {
    id: session.id,
    associated_id: session.meeting_id,
    status: session.status,
    type: session.type,
    live_participants: present(session.peers).length,
    max_concurrent_participants: session.max_concurrent_participants,
    minutes_consumed: Math.round(minutes * 100) / 100,
    meeting_display_name: session.meeting_display_name ?? null,
    organization_id: session.app_id,
    created_at: session.created_at,
    started_at: session.started_at,
    updated_at: session.updated_at,
    breakout_rooms: [],
    ...(session.ended_at ? { ended_at: session.ended_at } : {}),
  };
}
