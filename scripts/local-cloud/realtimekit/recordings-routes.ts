// Recordings: start (composite, with video/audio/watermark/storage config), stop/pause/resume, get, list,
// the meeting's active recording, per-track (audio) recording.
import type { Router } from '../http/router.ts';
import type { StateStore } from '../state/store.ts';
import { isActiveRecording, type RecordingEngine, recordingView } from './recording-engine.ts';
import { RtkApiError, rtkOk, rtkPage } from './rtk-envelope.ts';
import { appOr404, meetingOr404, RTK_BASE, RTK_META, timeFilter } from './rtk-lookup.ts';
import { parseBody, recordingAction, recordingStart, trackRecordingStart } from './rtk-schemas.ts';

export function registerRecordingRoutes(
  router: Router,
  { store, recordings }: { store: StateStore; recordings: RecordingEngine },
): void {
  const base = `${RTK_BASE}/:appId/recordings`;
  const find = (params: { appId: string; recordingId: string }) => {
    appOr404(store, params.appId);
    const rec = store.data.rtk.recordings.find((r) => r.id === params.recordingId && r.app_id === params.appId);
    if (!rec) throw new RtkApiError(404, `Recording ${params.recordingId} not found`);
    return rec;
  };

  router.add('POST', base, RTK_META, async ({ params, request }) => {
    const body = await parseBody(request, recordingStart);
    meetingOr404(store, params.appId, body.meeting_id);
    if (body.realtimekit_bucket_config?.enabled === false && !body.storage_config)
      throw new RtkApiError(400, 'With realtimekit_bucket_config disabled a storage_config is required.');
    return rtkOk(recordingView(recordings.start(params.appId, body)), { status: 201 });
  });
  router.add('POST', `${base}/track`, RTK_META, async ({ params, request }) => {
    const body = await parseBody(request, trackRecordingStart);
    meetingOr404(store, params.appId, body.meeting_id);
    const started = recordings.start(params.appId, {
      meeting_id: body.meeting_id,
      allow_multiple_recordings: true,
      audio_config: { codec: 'AAC', channel: 'mono', export_file: true },
    });
    const track = recordings.context.update('recordings', started.id, (r) => {
      r.type = 'track';
      r.user_ids = body.user_ids ?? [];
      r.layers = body.layers ?? { default: { media_kind: 'audio' } };
    });
    return rtkOk({ recording: recordingView(track) }, { status: 201 });
  });
  router.add('GET', base, RTK_META, ({ params, url }) => {
    appOr404(store, params.appId);
    const meetingId = url.searchParams.get('meeting_id');
    const statuses = url.searchParams.getAll('status').flatMap((s) => s.split(','));
    const start = timeFilter(url.searchParams.get('start_time'), 'start_time');
    const end = timeFilter(url.searchParams.get('end_time'), 'end_time');
    const list = store.data.rtk.recordings
      .filter(
        (r) =>
          r.app_id === params.appId &&
          (!meetingId || r.meeting_id === meetingId) &&
          (!statuses.length || statuses.includes(r.status)),
      )
      .filter(
        (r) =>
          (start === null || Date.parse(r.invoked_time) >= start) &&
          (end === null || Date.parse(r.invoked_time) <= end),
      )
      .map(recordingView);
    if (url.searchParams.get('sort_order') !== 'ASC') list.reverse();
    const { slice, paging } = rtkPage(url, list);
    return rtkOk(slice, { paging });
  });
  router.add('GET', `${base}/active-recording/:meetingId`, RTK_META, ({ params }) => {
    meetingOr404(store, params.appId, params.meetingId);
    const rec = store.data.rtk.recordings.find((r) => r.meeting_id === params.meetingId && isActiveRecording(r));
    if (!rec) throw new RtkApiError(404, 'No active recording for this meeting');
    return rtkOk(recordingView(rec));
  });
  router.add('GET', `${base}/:recordingId`, RTK_META, ({ params }) => rtkOk(recordingView(find(params))));
  router.add('PUT', `${base}/:recordingId`, RTK_META, async ({ params, request }) => {
    const rec = find(params);
    const { action } = await parseBody(request, recordingAction);
    if (action === 'stop') return rtkOk(recordingView(recordings.stop(rec.id)));
    if (action === 'pause') {
      if (rec.status !== 'RECORDING')
        throw new RtkApiError(400, `Recording is ${rec.status}; only RECORDING can be paused.`);
      return rtkOk(recordingView(recordings.setStatus(rec.id, 'PAUSED')));
    }
    if (rec.status !== 'PAUSED') throw new RtkApiError(400, `Recording is ${rec.status}; only PAUSED can be resumed.`);
    return rtkOk(recordingView(recordings.setStatus(rec.id, 'RECORDING')));
  });
}
