// Sessions: list/get, participants, peer report, transcript, summary (get + generate), chat export.
import type { Router } from '../http/router.ts';
import type { Peer, Session } from '../state/rtk-records.ts';
import type { StateStore } from '../state/store.ts';
import type { DownloadLinks } from './downloads.ts';
import { RtkApiError, rtkOk, rtkPage } from './rtk-envelope.ts';
import { appOr404, RTK_BASE, RTK_META, sessionOr404, timeFilter } from './rtk-lookup.ts';
import type { SessionArtifacts } from './session-artifacts.ts';
import { sessionView } from './session-engine.ts';

const minutes = (a: string, b: string) => Math.round((Math.max(0, Date.parse(b) - Date.parse(a)) / 60_000) * 100) / 100;

/** The later of two date-times. */
const later = (a: string, b: string) => (Date.parse(b) > Date.parse(a) ? b : a);

const peerEvents = (p: Peer) => [
  { event_name: 'PEER_CREATED', peer_id: p.peer_id, created_at: p.joined_at },
  { event_name: 'PEER_JOINING', peer_id: p.peer_id, created_at: p.joined_at },
  ...(p.left_at ? [{ event_name: 'PEER_LEAVING', peer_id: p.peer_id, created_at: p.left_at }] : []),
];

/** Every peer of the session; `consolidated`: one row per participant (durations added up). */
function participantRows(session: Session, options: { consolidated: boolean; peerEvents: boolean }) {
  const end = session.ended_at ?? new Date().toISOString();
  const rows = session.peers.map((p) => ({
    id: p.peer_id,
    user_id: p.participant_id,
    custom_participant_id: p.custom_participant_id,
    display_name: p.display_name,
    preset_name: p.preset_name,
    joined_at: p.joined_at,
    left_at: p.left_at,
    duration: minutes(p.joined_at, p.left_at ?? end),
    created_at: p.joined_at,
    updated_at: p.left_at ?? p.joined_at,
    ...(options.peerEvents ? { peer_events: peerEvents(p) } : {}),
  }));
  if (!options.consolidated) return rows;
  const byUser = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const prev = byUser.get(r.user_id);
    if (!prev) byUser.set(r.user_id, { ...r });
    else {
      prev.duration = Math.round((prev.duration + r.duration) * 100) / 100;
      prev.left_at = !prev.left_at || !r.left_at ? null : later(prev.left_at, r.left_at);
    }
  }
  return [...byUser.values()];
}

export function registerSessionRoutes(
  router: Router,
  { store, artifacts, downloads }: { store: StateStore; artifacts: SessionArtifacts; downloads: DownloadLinks },
): void {
  const { context } = artifacts;
  const base = `${RTK_BASE}/:appId/sessions`;

  router.add('GET', `${base}/peer-report/:peerId`, RTK_META, ({ params }) => {
    appOr404(store, params.appId);
    const peer = store.data.rtk.sessions
      .filter((s) => s.app_id === params.appId)
      .flatMap((s) => s.peers)
      .find((p) => p.peer_id === params.peerId);
    if (!peer) throw new RtkApiError(404, `Peer ${params.peerId} not found`);
    return rtkOk({
      participant: {
        id: peer.peer_id,
        peer_report: {
          metadata: {
            device_info: { browser: 'Chrome', os: 'Linux', is_mobile: false },
            ip_information: { country: 'NL', city: 'Local' },
            sdk_name: 'local-cloud',
            sdk_version: '0.0.0',
            events: [],
          },
          quality: { audio_producer: [], video_producer: [], audio_consumer: [], video_consumer: [] },
        },
      },
    });
  });

  router.add('GET', base, RTK_META, ({ params, url }) => {
    appOr404(store, params.appId);
    const associated = url.searchParams.get('associated_id');
    const status = url.searchParams.get('status');
    const start = timeFilter(url.searchParams.get('start_time'), 'start_time');
    const end = timeFilter(url.searchParams.get('end_time'), 'end_time');
    if (status && !['LIVE', 'ENDED'].includes(status)) throw new RtkApiError(400, 'status must be LIVE or ENDED');
    let list = store.data.rtk.sessions
      .filter(
        (s) =>
          s.app_id === params.appId && (!associated || s.meeting_id === associated) && (!status || s.status === status),
      )
      .filter(
        (s) =>
          (start === null || Date.parse(s.started_at) >= start) && (end === null || Date.parse(s.started_at) <= end),
      )
      .map(sessionView);
    const sortBy = url.searchParams.get('sort_by') === 'minutesConsumed' ? 'minutes_consumed' : 'created_at';
    const dir = url.searchParams.get('sort_order') === 'ASC' ? 1 : -1;
    list = list.sort((a, b) => dir * (a[sortBy] < b[sortBy] ? -1 : a[sortBy] > b[sortBy] ? 1 : 0));
    const { slice, paging } = rtkPage(url, list);
    return rtkOk({ sessions: slice }, { paging });
  });

  router.add('GET', `${base}/:sessionId`, RTK_META, ({ params }) =>
    rtkOk(sessionView(sessionOr404(store, params.appId, params.sessionId))),
  );

  router.add('GET', `${base}/:sessionId/participants`, RTK_META, ({ params, url }) => {
    const session = sessionOr404(store, params.appId, params.sessionId);
    const rows = participantRows(session, {
      consolidated: url.searchParams.get('view') === 'consolidated',
      peerEvents: url.searchParams.get('include_peer_events') === 'true',
    });
    const { slice, paging } = rtkPage(url, rows);
    return rtkOk({ participants: slice }, { paging });
  });
  router.add('GET', `${base}/:sessionId/participants/:participantId`, RTK_META, ({ params }) => {
    const session = sessionOr404(store, params.appId, params.sessionId);
    const row = participantRows(session, { consolidated: false, peerEvents: true }).find(
      (r) => r.id === params.participantId || r.user_id === params.participantId,
    );
    if (!row) throw new RtkApiError(404, `Participant ${params.participantId} not found in session`);
    return rtkOk({ participant: row });
  });

  router.add('GET', `${base}/:sessionId/transcript`, RTK_META, ({ params, url }) => {
    const session = sessionOr404(store, params.appId, params.sessionId);
    if (!session.artifacts?.transcript) throw new RtkApiError(404, 'No transcript is available for this session');
    const format = (url.searchParams.get('format') ?? 'JSON').toUpperCase();
    if (!['SRT', 'VTT', 'JSON', 'CSV'].includes(format))
      throw new RtkApiError(400, 'format must be SRT, VTT, JSON or CSV');
    const link = downloads.create('transcript', session.id, context.urlTtlSeconds, format);
    return rtkOk({
      sessionId: session.id,
      transcript_download_url: link.url,
      transcript_download_url_expiry: link.expiry,
    });
  });
  router.add('GET', `${base}/:sessionId/summary`, RTK_META, ({ params }) => {
    const session = sessionOr404(store, params.appId, params.sessionId);
    if (!session.artifacts?.summary) throw new RtkApiError(404, 'No summary is available for this session');
    const link = downloads.create('summary', session.id, context.urlTtlSeconds);
    return rtkOk({ sessionId: session.id, summaryDownloadUrl: link.url, summaryDownloadUrlExpiry: link.expiry });
  });
  router.add('POST', `${base}/:sessionId/summary`, RTK_META, ({ params }) => {
    const session = sessionOr404(store, params.appId, params.sessionId);
    if (!session.artifacts?.transcript) throw new RtkApiError(400, 'A transcript is required to generate a summary');
    artifacts.summarise(session.id);
    return rtkOk({ session_id: session.id, status: 'SUCCESS' });
  });
  router.add('GET', `${base}/:sessionId/chat`, RTK_META, ({ params }) => {
    const session = sessionOr404(store, params.appId, params.sessionId);
    if (!session.artifacts?.chat) throw new RtkApiError(404, 'No chat export is available for this session');
    const link = downloads.create('chat', session.id, context.urlTtlSeconds);
    return rtkOk({ chat_download_url: link.url, chat_download_url_expiry: link.expiry });
  });
}
