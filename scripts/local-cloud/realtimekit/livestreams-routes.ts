// Livestreams: start/stop for a meeting, the meeting's active stream, list, by id, stream sessions.
import type { Router } from '../http/router.ts';
import type { Livestream, LivestreamSession } from '../state/rtk-records.ts';
import type { StateStore } from '../state/store.ts';
import type { LivestreamEngine } from './livestream-engine.ts';
import { RtkApiError, rtkOk, rtkPage } from './rtk-envelope.ts';
import { appOr404, meetingOr404, RTK_BASE, RTK_META } from './rtk-lookup.ts';
import { livestreamStart, parseBody } from './rtk-schemas.ts';

export const livestreamView = (l: Livestream) => ({
  id: l.id,
  meeting_id: l.meeting_id,
  name: l.name,
  status: l.status,
  ingest_server: l.ingest_server,
  stream_key: l.stream_key,
  playback_url: l.playback_url,
  disabled: l.disabled,
  created_at: l.created_at,
  updated_at: l.updated_at,
});
const streamSessionView = (s: LivestreamSession) => ({ ...s, meeting_session_id: undefined });

export function registerLivestreamRoutes(
  router: Router,
  { store, livestreams }: { store: StateStore; livestreams: LivestreamEngine },
): void {
  const mbase = `${RTK_BASE}/:appId/meetings/:meetingId`;
  router.add('POST', `${mbase}/livestreams`, RTK_META, async ({ params, request }) => {
    meetingOr404(store, params.appId, params.meetingId);
    const body = await parseBody(request, livestreamStart, { optional: true });
    const ls = livestreams.start(params.meetingId, body);
    return rtkOk(
      {
        id: ls.id,
        status: ls.status,
        ingest_server: ls.ingest_server,
        stream_key: ls.stream_key,
        playback_url: ls.playback_url,
      },
      { status: 201 },
    );
  });
  router.add('POST', `${mbase}/active-livestream/stop`, RTK_META, ({ params }) => {
    meetingOr404(store, params.appId, params.meetingId);
    livestreams.stop(params.meetingId);
    return rtkOk({ message: 'Livestream stopped' });
  });
  router.add('GET', `${mbase}/active-livestream`, RTK_META, ({ params }) => {
    meetingOr404(store, params.appId, params.meetingId);
    const ls = store.data.rtk.livestreams.find((l) => l.meeting_id === params.meetingId && l.status === 'LIVE');
    if (!ls) throw new RtkApiError(404, 'No active livestream for this meeting');
    return rtkOk(livestreamView(ls));
  });

  const base = `${RTK_BASE}/:appId/livestreams`;
  const find = (params: { appId: string; livestreamId: string }) => {
    appOr404(store, params.appId);
    const ls = store.data.rtk.livestreams.find((l) => l.id === params.livestreamId && l.app_id === params.appId);
    if (!ls) throw new RtkApiError(404, `Livestream ${params.livestreamId} not found`);
    return ls;
  };
  router.add('GET', `${base}/sessions/:streamSessionId`, RTK_META, ({ params }) => {
    appOr404(store, params.appId);
    const s = store.data.rtk.livestreams
      .flatMap((l) => (l.app_id === params.appId ? l.sessions : []))
      .find((x) => x.id === params.streamSessionId);
    if (!s) throw new RtkApiError(404, `Livestream session ${params.streamSessionId} not found`);
    return rtkOk(streamSessionView(s));
  });
  router.add('GET', base, RTK_META, ({ params, url }) => {
    appOr404(store, params.appId);
    const status = url.searchParams.get('status');
    const list = store.data.rtk.livestreams
      .filter((l) => l.app_id === params.appId && (!status || l.status === status))
      .map(livestreamView);
    if (url.searchParams.get('sort_order') !== 'ASC') list.reverse();
    const { slice, paging } = rtkPage(url, list);
    return rtkOk(slice, { paging });
  });
  router.add('GET', `${base}/:livestreamId`, RTK_META, ({ params, url }) => {
    const ls = find(params);
    const { slice, paging } = rtkPage(url, ls.sessions.map(streamSessionView));
    return rtkOk({ livestream: livestreamView(ls), session: slice, paging });
  });
  router.add('GET', `${base}/:livestreamId/active-livestream-session`, RTK_META, ({ params }) => {
    const ls = find(params);
    const active = ls.sessions.find((s) => !s.stopped_time);
    if (!active) throw new RtkApiError(404, 'The livestream has no active session');
    return rtkOk({ livestream: livestreamView(ls), session: streamSessionView(active) });
  });
}
