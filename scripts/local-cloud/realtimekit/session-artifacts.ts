// What a session leaves behind: its chat, its transcript (synthesised from who was there when nothing was said)
// and a summary. After the session they become downloadable, each announced by its webhook (meeting.chatSynced,
// meeting.transcript, meeting.summary).
import { randomUUID } from 'node:crypto';
import type { Peer, Session } from '../state/rtk-records.ts';
import { type EngineContext, isoAt, type Moment } from './engine-context.ts';
import { RtkApiError } from './rtk-envelope.ts';
import * as payloads from './webhook-payloads.ts';

/** Which files to publish. */
export interface PostMeetingFiles {
  chat?: boolean;
  transcript?: boolean;
  summary?: boolean;
}

export class SessionArtifacts {
  readonly context: EngineContext;

  constructor(context: EngineContext) {
    this.context = context;
  }

  addChatMessage(sessionId: string, peerId: string, text: string, { at }: { at?: Moment } = {}): void {
    this.context.update('sessions', sessionId, (session) => {
      const peer = peerOf(session, peerId);
      session.chat.push({
        id: randomUUID(),
        peer_id: peerId,
        participant_id: peer.participant_id,
        display_name: peer.display_name,
        custom_participant_id: peer.custom_participant_id,
        text,
        created_at: isoAt(at),
        pinned: false,
        is_edited: false,
        type: 'text',
      });
    });
  }

  addTranscriptLine(sessionId: string, peerId: string, text: string, { at }: { at?: Moment } = {}): void {
    this.context.update('sessions', sessionId, (session) => {
      const peer = peerOf(session, peerId);
      session.transcript.push({
        id: randomUUID(),
        name: peer.display_name,
        peerId,
        userId: peer.participant_id,
        customParticipantId: peer.custom_participant_id,
        transcript: text,
        isPartialTranscript: false,
        timestamp: Date.parse(isoAt(at)),
      });
    });
  }

  /** Whether a session's meeting transcribes (transcribe_on_end, or a joined peer's preset has transcription on). */
  transcribes(session: Session): boolean {
    const rtk = this.context.rtk();
    const meeting = rtk.meetings.find((m) => m.id === session.meeting_id);
    if (meeting?.transcribe_on_end || meeting?.summarize_on_end) return true;
    const presetNames = new Set(session.peers.map((p) => p.preset_name));
    return rtk.presets.some(
      (p) => p.app_id === session.app_id && presetNames.has(p.name) && p.permissions.transcription_enabled,
    );
  }

  /**
   * Makes chat, transcript and summary available and fires their webhooks (chatSynced, transcript, summary).
   * `which` defaults to what the meeting asks for.
   */
  publish(sessionId: string, which?: PostMeetingFiles): void {
    const session = this.context.find('sessions', sessionId);
    const { meeting } = this.context.sessionContext(session.meeting_id, sessionId);
    const want = which ?? {
      chat: session.chat.length > 0,
      transcript: this.transcribes(session),
      summary: meeting.summarize_on_end,
    };
    const { downloads } = this.context;
    if (want.chat) {
      this.#markAvailable(sessionId, 'chat');
      const link = downloads.create('chat', sessionId, this.context.urlTtlSeconds);
      this.context.emit(meeting.app_id, payloads.chatSynced(this.context.sessionContext(meeting.id, sessionId), link));
    }
    if (want.transcript || want.summary) {
      if (!session.transcript.length) this.#synthesiseTranscript(session);
      this.#markAvailable(sessionId, 'transcript');
      const link = downloads.create('transcript', sessionId, this.context.urlTtlSeconds, 'JSON');
      this.context.emit(meeting.app_id, payloads.transcriptReady(this.context.context(meeting.id, sessionId), link));
    }
    if (want.summary) this.summarise(sessionId);
  }

  /** Generates the summary from the transcript and fires meeting.summary. */
  summarise(sessionId: string): void {
    const session = this.context.find('sessions', sessionId);
    if (!session.artifacts.transcript) throw new RtkApiError(400, 'No transcript is available for this session yet.');
    const ctx = this.context.sessionContext(session.meeting_id, sessionId);
    const speakers = [...new Set(session.transcript.map((t) => t.name))];
    const summary = `# Summary of ${ctx.meeting.title ?? 'the meeting'}\n\n- ${speakers.length} speaker(s): ${speakers.join(', ')}\n- ${session.transcript.length} transcript line(s)\n- Key point: ${session.transcript[0]?.transcript ?? 'nothing was said'}\n`;
    this.context.update('sessions', sessionId, (target) => {
      target.summary = summary;
      target.artifacts.summary = new Date().toISOString();
    });
    const link = this.context.downloads.create('summary', sessionId, this.context.urlTtlSeconds);
    this.context.emit(ctx.meeting.app_id, payloads.summaryReady(ctx, link));
  }

  /** Every peer says hello, 5 s apart from the start (within the session). */
  #synthesiseTranscript(session: Session) {
    let t = Date.parse(session.started_at);
    for (const peer of session.peers) {
      t += 5000;
      this.addTranscriptLine(session.id, peer.peer_id, `Hello, this is ${peer.display_name}.`, {
        at: new Date(Math.min(t, Date.parse(session.ended_at ?? new Date().toISOString()))),
      });
    }
  }

  #markAvailable(sessionId: string, kind: keyof Session['artifacts']) {
    this.context.update('sessions', sessionId, (target) => {
      target.artifacts[kind] = new Date().toISOString();
    });
  }
}

function peerOf(session: Session, peerId: string): Peer {
  const peer = session.peers.find((p) => p.peer_id === peerId);
  if (!peer) throw new RtkApiError(404, `Peer ${peerId} is not in session ${session.id}.`);
  return peer;
}
