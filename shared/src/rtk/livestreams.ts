import { z } from 'zod';
import { lenient, rtkId } from './fields';
import { pathPart, type RtkTransport } from './transport';

export const rtkLivestreamSchema = z.looseObject({
  id: rtkId,
  /** `LIVE` | `IDLE` | `ERRORED` | `INVOKED`. */
  status: lenient.string,
  /** The RTMP(S) ingest server; with `stream_key` it is where an encoder pushes to. */
  ingest_server: lenient.string,
  stream_key: lenient.string,
  /** The HLS playlist viewers play. */
  playback_url: lenient.string,
  // Only the meeting's active-livestream answer has these; the start answer does not.
  meeting_id: lenient.string,
  name: lenient.string,
  disabled: lenient.boolean,
  created_at: lenient.string,
  updated_at: lenient.string,
});
export type RtkLivestream = z.output<typeof rtkLivestreamSchema>;

export interface RtkLivestreamStart {
  name?: string;
  videoConfig?: { width?: number; height?: number };
}

export interface RtkLivestreamsApi {
  start(meetingId: string, input?: RtkLivestreamStart): Promise<RtkLivestream>;
  stop(meetingId: string): Promise<void>;
  /** Null when the meeting is not streaming (RTK answers 404). */
  active(meetingId: string): Promise<RtkLivestream | null>;
}

export function livestreamsApi(rtk: RtkTransport): RtkLivestreamsApi {
  const base = (meetingId: string) => `/meetings/${pathPart(meetingId)}`;
  return {
    start: (meetingId, input = {}) =>
      rtk.data(
        {
          method: 'POST',
          path: `${base(meetingId)}/livestreams`,
          body: { name: input.name, video_config: input.videoConfig },
          idempotent: false,
          what: `start livestreaming meeting ${meetingId}`,
        },
        rtkLivestreamSchema,
      ),
    stop: (meetingId) =>
      rtk.send({
        method: 'POST',
        path: `${base(meetingId)}/active-livestream/stop`,
        idempotent: true,
        what: `stop the livestream of meeting ${meetingId}`,
      }),
    active: (meetingId) =>
      rtk.dataOrNull(
        {
          method: 'GET',
          path: `${base(meetingId)}/active-livestream`,
          idempotent: true,
          what: `get the livestream of meeting ${meetingId}`,
        },
        rtkLivestreamSchema,
      ),
  };
}
