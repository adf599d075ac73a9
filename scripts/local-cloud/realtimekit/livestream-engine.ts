// Livestreams of a meeting: one LIVE at a time, each start a new stream session; stopping makes it IDLE and
// counts its ingest and viewer seconds. Both fire livestreaming.statusUpdate (LIVE, OFFLINE).
import { randomUUID } from 'node:crypto';
import type { Livestream } from '../state/rtk-records.ts';
import { type EngineContext, isoAt, type Moment } from './engine-context.ts';
import { RECORDING_URL_TTL_SECONDS } from './recording-engine.ts';
import { RtkApiError } from './rtk-envelope.ts';
import * as payloads from './webhook-payloads.ts';

export class LivestreamEngine {
  readonly context: EngineContext;

  constructor(context: EngineContext) {
    this.context = context;
  }

  start(
    meetingId: string,
    body: { name?: string | null; video_config?: Livestream['video_config'] },
    { at }: { at?: Moment } = {},
  ): Livestream {
    const when = isoAt(at);
    const ctx = this.context.context(meetingId);
    const { meeting, session } = ctx;
    if (this.#live(meetingId)) throw new RtkApiError(409, 'A livestream is already running for this meeting.');
    const id = randomUUID();
    const livestream: Livestream = {
      id,
      app_id: meeting.app_id,
      meeting_id: meetingId,
      name: body.name ?? meeting.title ?? null,
      status: 'LIVE',
      ingest_server: 'rtmps://127.0.0.1:1935/live',
      stream_key: randomUUID().replace(/-/g, ''),
      playback_url: this.context.downloads.create('hls', id, RECORDING_URL_TTL_SECONDS).url,
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
    this.context.store.transact((s) => {
      s.rtk.livestreams.push(livestream);
    });
    this.context.emit(meeting.app_id, payloads.livestreamStatusUpdate(ctx, livestream, 'LIVE'));
    return livestream;
  }

  /** Stops the meeting's live stream (that one, given `livestreamId`). */
  stop(meetingId: string, { at, livestreamId }: { at?: Moment; livestreamId?: string } = {}): Livestream {
    const when = isoAt(at);
    const live = this.#live(meetingId, livestreamId);
    if (!live) throw new RtkApiError(404, 'No active livestream for this meeting.');
    const stopped = this.context.update('livestreams', live.id, (ls) => {
      ls.status = 'IDLE';
      ls.updated_at = when;
      const current = ls.sessions.at(-1);
      if (!current) return;
      current.stopped_time = when;
      current.ingest_seconds = Math.round((Date.parse(when) - Date.parse(current.started_time)) / 1000);
      current.viewer_seconds = current.ingest_seconds * 3;
    });
    const ctx = this.context.context(meetingId);
    this.context.emit(ctx.meeting.app_id, payloads.livestreamStatusUpdate(ctx, stopped, 'OFFLINE'));
    return stopped;
  }

  /** Stops every live stream of a meeting (its session ended). */
  stopAll(meetingId: string, { at }: { at: Moment }): void {
    const live = this.context.rtk().livestreams.filter((l) => l.meeting_id === meetingId && l.status === 'LIVE');
    for (const ls of live) this.stop(meetingId, { at, livestreamId: ls.id });
  }

  #live(meetingId: string, livestreamId?: string): Livestream | undefined {
    return this.context
      .rtk()
      .livestreams.find(
        (l) => l.meeting_id === meetingId && l.status === 'LIVE' && (!livestreamId || l.id === livestreamId),
      );
  }
}
