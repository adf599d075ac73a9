// What happens inside a RealtimeKit meeting, as state changes + webhooks: sessions start with the first join and
// end when the last peer leaves (or on kick-all), recordings walk INVOKED → RECORDING → UPLOADING → UPLOADED
// (or ERRORED), livestreams go LIVE and back, and after a session chat, transcript and summary become
// downloadable. Every method takes the moment it happens (`at`), so the session player can lay out a whole
// meeting in simulated time; REST calls pass "now".
import { randomUUID } from 'node:crypto';
import { RtkApiError } from './rtk-envelope.ts';
import * as payloads from './webhook-payloads.mjs';

export const RECORDING_URL_TTL_SECONDS = 7 * 24 * 3600;
export const ARTIFACT_URL_TTL_SECONDS = 3600;

const iso = (at) => (at instanceof Date ? at : new Date(at ?? Date.now())).toISOString();
const minutesBetween = (a, b) => Math.max(0, (Date.parse(b) - Date.parse(a)) / 60_000);

export class SessionEngine {
  /**
   * @param {{ store: any, downloads: import('./downloads.mjs').DownloadLinks, emit: (appId: string, body: any) => void }} deps
   */
  constructor({ store, downloads, emit }) {
    this.store = store;
    this.downloads = downloads;
    /** Where webhook bodies go; the session player swaps it to perturb deliveries. */
    this.emit = emit;
    this.urlTtlSeconds = ARTIFACT_URL_TTL_SECONDS;
    /** Delays for recordings started through the REST API: INVOKED → RECORDING, UPLOADING → UPLOADED. */
    this.autoAdvance = { recordingStartMs: 300, uploadMs: 600 };
    this.timers = new Set();
  }

  #later(ms, fn) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        fn();
      } catch {
        // the recording moved on meanwhile
      }
    }, ms);
    this.timers.add(timer);
  }

  close() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ---------------------------------------------------------------------------------------------- lookups
  rtk() {
    return this.store.data.rtk;
  }

  context(meetingId, sessionId) {
    const rtk = this.rtk();
    const meeting = rtk.meetings.find((m) => m.id === meetingId);
    if (!meeting) throw new RtkApiError(404, `Meeting ${meetingId} not found`);
    const app = rtk.apps.find((a) => a.id === meeting.app_id);
    const session = sessionId ? rtk.sessions.find((s) => s.id === sessionId) : this.liveSession(meetingId);
    return { meeting, app, session };
  }

  liveSession(meetingId) {
    return this.rtk().sessions.find((s) => s.meeting_id === meetingId && s.status === 'LIVE') ?? null;
  }

  #send(appId, body) {
    this.emit(appId, body);
  }

  // ------------------------------------------------------------------------------------ joins and leaves
  /**
   * A participant (added through the REST API) joins as a new peer; starts the session if none is live.
   * @returns {{ session: any, peer: any }}
   */
  join(meetingId, participantId, { at, peerId } = {}) {
    const when = iso(at);
    const { meeting } = this.context(meetingId);
    if (meeting.status === 'INACTIVE') throw new RtkApiError(403, 'Meeting is inactive; joins are blocked.');
    const participant = this.rtk().participants.find((p) => p.id === participantId && p.meeting_id === meetingId);
    if (!participant) throw new RtkApiError(404, `Participant ${participantId} not found in meeting ${meetingId}`);
    let started = false;
    const result = this.store.transact((s) => {
      let session = s.rtk.sessions.find((x) => x.meeting_id === meetingId && x.status === 'LIVE');
      if (!session) {
        started = true;
        session = {
          id: randomUUID(),
          app_id: meeting.app_id,
          meeting_id: meetingId,
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
        s.rtk.sessions.push(session);
      }
      const peer = {
        peer_id: peerId ?? randomUUID(),
        participant_id: participant.id,
        custom_participant_id: participant.custom_participant_id,
        display_name: participant.name ?? participant.custom_participant_id,
        preset_name: participant.preset_name,
        joined_at: when,
        left_at: null,
      };
      session.peers.push(peer);
      session.updated_at = when;
      session.max_concurrent_participants = Math.max(
        session.max_concurrent_participants,
        session.peers.filter((p) => !p.left_at).length,
      );
      return { session: structuredClone(session), peer };
    });
    const ctx = this.context(meetingId, result.session.id);
    if (started) this.#send(meeting.app_id, payloads.meetingStarted(ctx));
    this.#send(meeting.app_id, payloads.participantJoined(ctx, result.peer));
    if (started) this.#autoStart(meeting, result.session, when);
    return result;
  }

  #autoStart(meeting, session, when) {
    if (meeting.record_on_start)
      this.startRecording(
        meeting.app_id,
        { meeting_id: meeting.id, ...(meeting.recording_config ?? {}) },
        { at: when, reason: 'RECORD_ON_START' },
      );
    if (meeting.live_stream_on_start) this.startLivestream(meeting.id, {}, { at: when });
    void session;
  }

  /**
   * A peer leaves. When the last one leaves, the session ends (ALL_PARTICIPANTS_LEFT) unless `endIfEmpty` is false.
   */
  leave(meetingId, peerId, { at, endIfEmpty = true } = {}) {
    const when = iso(at);
    const live = this.liveSession(meetingId);
    if (!live) throw new RtkApiError(404, 'The meeting has no active session.');
    const result = this.store.transact((s) => {
      const session = s.rtk.sessions.find((x) => x.id === live.id);
      const peer = session.peers.find((p) => p.peer_id === peerId && !p.left_at);
      if (!peer) throw new RtkApiError(404, `Peer ${peerId} is not in the session.`);
      peer.left_at = when;
      session.updated_at = when;
      return { peer: structuredClone(peer), remaining: session.peers.filter((p) => !p.left_at).length };
    });
    const ctx = this.context(meetingId, live.id);
    this.#send(ctx.meeting.app_id, payloads.participantLeft(ctx, result.peer));
    if (result.remaining === 0 && endIfEmpty) this.endSession(meetingId, { at: when, reason: 'ALL_PARTICIPANTS_LEFT' });
    return result.peer;
  }

  /** Removes peers (kick). Returns the kicked peers. */
  kick(meetingId, { participantIds = [], customIds = [] }, { at } = {}) {
    const live = this.liveSession(meetingId);
    if (!live) throw new RtkApiError(404, 'The meeting has no active session.');
    const targets = live.peers.filter(
      (p) => !p.left_at && (participantIds.includes(p.participant_id) || customIds.includes(p.custom_participant_id)),
    );
    return targets.map((p) => this.leave(meetingId, p.peer_id, { at }));
  }

  /**
   * Ends the live session: remaining peers leave, recordings and livestreams stop, meeting.ended fires, then the
   * post-meeting artifacts are published (unless `publish` is false; the player publishes them itself).
   * @param {'HOST_ENDED_MEETING' | 'ALL_PARTICIPANTS_LEFT'} reason
   */
  endSession(meetingId, { at, reason = 'HOST_ENDED_MEETING', publish = true, finishRecordings = false } = {}) {
    const when = iso(at);
    const live = this.liveSession(meetingId);
    if (!live) return null;
    for (const peer of live.peers.filter((p) => !p.left_at))
      this.leave(meetingId, peer.peer_id, { at: when, endIfEmpty: false });
    for (const rec of this.rtk().recordings.filter(
      (r) => r.meeting_id === meetingId && ['INVOKED', 'RECORDING', 'PAUSED'].includes(r.status),
    )) {
      this.stopRecording(rec.id, {
        at: when,
        reason: reason === 'ALL_PARTICIPANTS_LEFT' ? 'ALL_PEERS_LEFT' : 'API_CALL',
        finish: finishRecordings,
      });
    }
    for (const ls of this.rtk().livestreams.filter((l) => l.meeting_id === meetingId && l.status === 'LIVE'))
      this.stopLivestream(meetingId, { at: when, livestreamId: ls.id });
    this.store.transact((s) => {
      const session = s.rtk.sessions.find((x) => x.id === live.id);
      session.status = 'ENDED';
      session.ended_at = when;
      session.updated_at = when;
    });
    const ctx = this.context(meetingId, live.id);
    this.#send(ctx.meeting.app_id, payloads.meetingEnded(ctx, reason));
    if (publish) this.publishPostMeeting(live.id);
    return this.rtk().sessions.find((s) => s.id === live.id);
  }

  // -------------------------------------------------------------------------------------- session content
  addChatMessage(sessionId, peerId, text, { at } = {}) {
    this.store.transact((s) => {
      const session = s.rtk.sessions.find((x) => x.id === sessionId);
      const peer = session.peers.find((p) => p.peer_id === peerId);
      session.chat.push({
        id: randomUUID(),
        peer_id: peerId,
        participant_id: peer.participant_id,
        display_name: peer.display_name,
        custom_participant_id: peer.custom_participant_id,
        text,
        created_at: iso(at),
        pinned: false,
        is_edited: false,
        type: 'text',
      });
    });
  }

  addTranscriptLine(sessionId, peerId, text, { at } = {}) {
    this.store.transact((s) => {
      const session = s.rtk.sessions.find((x) => x.id === sessionId);
      const peer = session.peers.find((p) => p.peer_id === peerId);
      session.transcript.push({
        id: randomUUID(),
        name: peer.display_name,
        peerId,
        userId: peer.participant_id,
        customParticipantId: peer.custom_participant_id,
        transcript: text,
        isPartialTranscript: false,
        timestamp: Date.parse(iso(at)),
      });
    });
  }

  /** Whether a session's meeting transcribes (transcribe_on_end, or a joined peer's preset has transcription on). */
  transcribes(session) {
    const rtk = this.rtk();
    const meeting = rtk.meetings.find((m) => m.id === session.meeting_id);
    if (meeting?.transcribe_on_end || meeting?.summarize_on_end) return true;
    const presetNames = new Set(session.peers.map((p) => p.preset_name));
    return rtk.presets.some(
      (p) => p.app_id === session.app_id && presetNames.has(p.name) && p.permissions?.transcription_enabled,
    );
  }

  /**
   * Makes chat, transcript and summary available and fires their webhooks (chatSynced, transcript, summary).
   * @param {{ chat?: boolean, transcript?: boolean, summary?: boolean }} [which] default: what the meeting asks for
   */
  publishPostMeeting(sessionId, which) {
    const rtk = this.rtk();
    const session = rtk.sessions.find((s) => s.id === sessionId);
    const meeting = rtk.meetings.find((m) => m.id === session.meeting_id);
    const want = which ?? {
      chat: session.chat.length > 0,
      transcript: this.transcribes(session),
      summary: Boolean(meeting.summarize_on_end),
    };
    const ctx = this.context(meeting.id, sessionId);
    if (want.chat) {
      this.#markArtifact(sessionId, 'chat');
      this.#send(
        meeting.app_id,
        payloads.chatSynced(ctx, this.downloads.create('chat', sessionId, this.urlTtlSeconds)),
      );
    }
    if (want.transcript || want.summary) {
      if (!session.transcript.length) this.#synthesiseTranscript(session);
      this.#markArtifact(sessionId, 'transcript');
      this.#send(
        meeting.app_id,
        payloads.transcriptReady(
          this.context(meeting.id, sessionId),
          this.downloads.create('transcript', sessionId, this.urlTtlSeconds, 'JSON'),
        ),
      );
    }
    if (want.summary) this.summarise(sessionId);
  }

  /** Generates the summary from the transcript and fires meeting.summary. */
  summarise(sessionId) {
    const session = this.rtk().sessions.find((s) => s.id === sessionId);
    if (!session.artifacts?.transcript) throw new RtkApiError(400, 'No transcript is available for this session yet.');
    const meeting = this.rtk().meetings.find((m) => m.id === session.meeting_id);
    const speakers = [...new Set(session.transcript.map((t) => t.name))];
    const summary = `# Summary of ${meeting.title ?? 'the meeting'}\n\n- ${speakers.length} speaker(s): ${speakers.join(', ')}\n- ${session.transcript.length} transcript line(s)\n- Key point: ${session.transcript[0]?.transcript ?? 'nothing was said'}\n`;
    this.store.transact((s) => {
      const target = s.rtk.sessions.find((x) => x.id === sessionId);
      target.summary = summary;
      target.artifacts.summary = new Date().toISOString();
    });
    const ctx = this.context(meeting.id, sessionId);
    this.#send(
      meeting.app_id,
      payloads.summaryReady(ctx, this.downloads.create('summary', sessionId, this.urlTtlSeconds)),
    );
  }

  #synthesiseTranscript(session) {
    let t = Date.parse(session.started_at);
    for (const peer of session.peers) {
      t += 5000;
      this.addTranscriptLine(session.id, peer.peer_id, `Hello, this is ${peer.display_name}.`, {
        at: new Date(Math.min(t, Date.parse(session.ended_at ?? new Date().toISOString()))),
      });
    }
  }

  #markArtifact(sessionId, kind) {
    this.store.transact((s) => {
      const target = s.rtk.sessions.find((x) => x.id === sessionId);
      target.artifacts ??= {};
      target.artifacts[kind] = new Date().toISOString();
    });
  }

  // ------------------------------------------------------------------------------------------- recordings
  /**
   * Starts a composite recording (status INVOKED; `advanceRecording` moves it on).
   * @param {'API_CALL' | 'RECORD_ON_START'} reason
   */
  startRecording(appId, body, { at, reason = 'API_CALL', managed = false } = {}) {
    const when = iso(at);
    const { meeting, session } = this.context(body.meeting_id);
    if (meeting.app_id !== appId) throw new RtkApiError(404, `Meeting ${body.meeting_id} not found`);
    if (!session) throw new RtkApiError(400, 'The meeting has no active session to record.');
    const active = this.rtk().recordings.filter(
      (r) => r.meeting_id === meeting.id && ['INVOKED', 'RECORDING', 'PAUSED'].includes(r.status),
    );
    if (active.length && !body.allow_multiple_recordings)
      throw new RtkApiError(409, 'A recording is already running for this meeting.');
    const storage = body.storage_config ? redactStorage(body.storage_config) : null;
    const recording = this.store.transact((s) => {
      const rec = {
        id: randomUUID(),
        app_id: appId,
        meeting_id: meeting.id,
        session_id: session.id,
        type: 'composite',
        status: 'INVOKED',
        invoked_time: when,
        started_time: null,
        stopped_time: null,
        recording_duration: null,
        file_size: null,
        output_file_name: null,
        download_url: null,
        audio_download_url: null,
        download_url_expiry: null,
        file_name_prefix: body.file_name_prefix ?? null,
        max_seconds: body.max_seconds ?? null,
        video_config: { codec: 'H264', width: 1280, height: 720, export_file: true, ...(body.video_config ?? {}) },
        audio_config: { codec: 'AAC', channel: 'stereo', export_file: true, ...(body.audio_config ?? {}) },
        storage_config: storage,
        realtimekit_bucket_config: body.realtimekit_bucket_config ?? { enabled: true },
        rtmp_out_config: body.rtmp_out_config ?? null,
        start_reason: { reason, caller: { type: 'ORGANIZATION', name: 'API', user_Id: null } },
        stop_reason: null,
        history: [{ status: 'INVOKED', at: when }],
        managed,
      };
      s.rtk.recordings.push(rec);
      return rec;
    });
    if (!managed)
      this.#later(this.autoAdvance.recordingStartMs, () => {
        if (this.rtk().recordings.find((r) => r.id === recording.id)?.status === 'INVOKED')
          this.setRecordingStatus(recording.id, 'RECORDING');
      });
    return recording;
  }

  /**
   * Moves a recording to its next status (INVOKED → RECORDING; UPLOADING → UPLOADED, or ERRORED) and fires
   * recording.statusUpdate.
   * @param {'RECORDING' | 'PAUSED' | 'UPLOADING' | 'UPLOADED' | 'ERRORED'} status
   */
  setRecordingStatus(recordingId, status, { at } = {}) {
    const when = iso(at);
    const updated = this.store.transact((s) => {
      const rec = s.rtk.recordings.find((r) => r.id === recordingId);
      if (!rec) throw new RtkApiError(404, `Recording ${recordingId} not found`);
      rec.status = status;
      rec.history.push({ status, at: when });
      if (status === 'RECORDING' && !rec.started_time) rec.started_time = when;
      if (status === 'UPLOADING' && !rec.stopped_time) rec.stopped_time = when;
      if (status === 'UPLOADED' || status === 'ERRORED') {
        rec.stopped_time ??= when;
        const seconds = rec.started_time
          ? Math.max(1, Math.round((Date.parse(rec.stopped_time) - Date.parse(rec.started_time)) / 1000))
          : 0;
        rec.recording_duration = seconds;
      }
      if (status === 'UPLOADED') {
        const meeting = s.rtk.meetings.find((m) => m.id === rec.meeting_id);
        rec.file_size = fakeRecordingSize(rec.recording_duration);
        rec.output_file_name = `${rec.file_name_prefix ? `${rec.file_name_prefix}_` : ''}${payloads.roomName(meeting)}_${Date.parse(rec.started_time ?? when)}.mp4`;
        const video = this.downloads.create('recording', rec.id, RECORDING_URL_TTL_SECONDS);
        rec.download_url = video.url;
        rec.download_url_expiry = video.expiry;
        rec.audio_download_url = this.downloads.create('recording-audio', rec.id, RECORDING_URL_TTL_SECONDS).url;
      }
      return structuredClone(rec);
    });
    if (status !== 'INVOKED') {
      const ctx = this.context(updated.meeting_id, updated.session_id);
      this.#send(updated.app_id, payloads.recordingStatusUpdate(ctx, updated));
    }
    return updated;
  }

  /** Stop: RECORDING → UPLOADING (→ UPLOADED at once when `finish`). */
  stopRecording(recordingId, { at, reason = 'API_CALL', finish = false } = {}) {
    const rec = this.rtk().recordings.find((r) => r.id === recordingId);
    if (!rec) throw new RtkApiError(404, `Recording ${recordingId} not found`);
    if (!['INVOKED', 'RECORDING', 'PAUSED'].includes(rec.status))
      throw new RtkApiError(400, `Recording is ${rec.status}; it cannot be stopped.`);
    const when = iso(at);
    if (rec.status === 'INVOKED') this.setRecordingStatus(recordingId, 'RECORDING', { at: when });
    this.store.transact((s) => {
      s.rtk.recordings.find((r) => r.id === recordingId).stop_reason = {
        reason,
        caller: { type: 'ORGANIZATION', name: 'API', user_Id: null },
      };
    });
    const uploading = this.setRecordingStatus(recordingId, 'UPLOADING', { at: when });
    if (finish) return this.setRecordingStatus(recordingId, 'UPLOADED', { at: when });
    if (!rec.managed)
      this.#later(this.autoAdvance.uploadMs, () => {
        if (this.rtk().recordings.find((r) => r.id === recordingId)?.status === 'UPLOADING')
          this.setRecordingStatus(recordingId, 'UPLOADED');
      });
    return uploading;
  }

  // ------------------------------------------------------------------------------------------- livestreams
  startLivestream(meetingId, body, { at } = {}) {
    const when = iso(at);
    const { meeting, session } = this.context(meetingId);
    if (this.rtk().livestreams.some((l) => l.meeting_id === meetingId && l.status === 'LIVE'))
      throw new RtkApiError(409, 'A livestream is already running for this meeting.');
    const id = randomUUID();
    const livestream = this.store.transact((s) => {
      const ls = {
        id,
        app_id: meeting.app_id,
        meeting_id: meetingId,
        name: body.name ?? meeting.title ?? null,
        status: 'LIVE',
        ingest_server: 'rtmps://127.0.0.1:1935/live',
        stream_key: randomUUID().replace(/-/g, ''),
        playback_url: this.downloads.create('hls', id, RECORDING_URL_TTL_SECONDS).url,
        disabled: false,
        video_config: body.video_config ?? { width: 1280, height: 720 },
        created_at: when,
        updated_at: when,
        sessions: [
          {
            id: randomUUID(),
            livestream_id: id,
            meeting_session_id: session?.id ?? null,
            started_time: when,
            stopped_time: null,
            ingest_seconds: 0,
            viewer_seconds: 0,
            err_message: null,
          },
        ],
      };
      s.rtk.livestreams.push(ls);
      return ls;
    });
    this.#send(meeting.app_id, payloads.livestreamStatusUpdate(this.context(meetingId), livestream, 'LIVE'));
    return livestream;
  }

  stopLivestream(meetingId, { at, livestreamId } = {}) {
    const when = iso(at);
    const live = this.rtk().livestreams.find(
      (l) => l.meeting_id === meetingId && l.status === 'LIVE' && (!livestreamId || l.id === livestreamId),
    );
    if (!live) throw new RtkApiError(404, 'No active livestream for this meeting.');
    const stopped = this.store.transact((s) => {
      const ls = s.rtk.livestreams.find((l) => l.id === live.id);
      ls.status = 'IDLE';
      ls.updated_at = when;
      const current = ls.sessions.at(-1);
      current.stopped_time = when;
      current.ingest_seconds = Math.round((Date.parse(when) - Date.parse(current.started_time)) / 1000);
      current.viewer_seconds = current.ingest_seconds * 3;
      return ls;
    });
    const { meeting, app } = this.context(meetingId);
    this.#send(meeting.app_id, payloads.livestreamStatusUpdate({ meeting, app }, stopped, 'OFFLINE'));
    return stopped;
  }
}

export function sessionView(session) {
  const live = session.peers.filter((p) => !p.left_at).length;
  const end = session.ended_at ?? new Date().toISOString();
  const minutes = session.peers.reduce((sum, p) => sum + minutesBetween(p.joined_at, p.left_at ?? end), 0);
  const view = {
    id: session.id,
    associated_id: session.meeting_id,
    status: session.status,
    type: session.type,
    live_participants: live,
    max_concurrent_participants: session.max_concurrent_participants,
    minutes_consumed: Math.round(minutes * 100) / 100,
    meeting_display_name: session.meeting_display_name ?? null,
    organization_id: session.app_id,
    created_at: session.created_at,
    started_at: session.started_at,
    updated_at: session.updated_at,
    breakout_rooms: [],
  };
  if (session.ended_at) view.ended_at = session.ended_at;
  return view;
}

export function recordingView(rec) {
  const { history, app_id, file_name_prefix, managed, ...rest } = rec;
  void history;
  void managed;
  void app_id;
  void file_name_prefix;
  return rest;
}

function redactStorage(config) {
  const { access_key, secret, password, private_key, ...rest } = config;
  void access_key;
  void secret;
  void password;
  void private_key;
  return rest;
}

/** Bytes of the fake recording file: small, but grows with the duration. */
export const fakeRecordingSize = (seconds) => Math.min(65_536, 1024 + (seconds ?? 0) * 16);
