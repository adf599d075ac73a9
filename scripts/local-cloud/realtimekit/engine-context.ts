// What the session, recording and livestream engines share: the store, download links, where webhook bodies go,
// and the lookups that give a webhook payload its meeting, app and session. Every engine method takes the moment
// it happens (`at`), so the session player can lay out a whole meeting in simulated time; REST calls pass "now".
import type { RtkState, Session } from '../state/rtk-records.ts';
import type { StateStore } from '../state/store.ts';
import type { DownloadLinks } from './downloads.ts';
import { RtkApiError } from './rtk-envelope.ts';
import type { PayloadContext, SessionContext, WebhookBody } from './webhook-payloads.ts';

export const ARTIFACT_URL_TTL_SECONDS = 3600;

/** A moment: a Date, epoch milliseconds, an ISO date-time, or (absent) now. */
export type Moment = Date | number | string | undefined;

export const isoAt = (at: Moment) => (at instanceof Date ? at : new Date(at ?? Date.now())).toISOString();

export type Emit = (appId: string, body: WebhookBody) => void;

type Collection = 'sessions' | 'recordings' | 'livestreams';
const NOUNS: Record<Collection, string> = { sessions: 'Session', recordings: 'Recording', livestreams: 'Livestream' };

function findIn<K extends Collection>(rtk: RtkState, collection: K, id: string): RtkState[K][number] {
  const items: readonly { id: string }[] = rtk[collection];
  const item = items.find((x) => x.id === id);
  if (!item) throw new RtkApiError(404, `${NOUNS[collection]} ${id} not found`);
  return item as RtkState[K][number];
}

export class EngineContext {
  readonly store: StateStore;
  readonly downloads: DownloadLinks;
  /** Where webhook bodies go; the session player swaps it to perturb deliveries. */
  emit: Emit;
  /** How long post-meeting download URLs (chat, transcript, summary) last; the session player may change it. */
  urlTtlSeconds = ARTIFACT_URL_TTL_SECONDS;

  constructor({ store, downloads, emit }: { store: StateStore; downloads: DownloadLinks; emit: Emit }) {
    this.store = store;
    this.downloads = downloads;
    this.emit = emit;
  }

  rtk(): RtkState {
    return this.store.data.rtk;
  }

  /** The meeting, its app and its live session (or the session `sessionId`). */
  context(meetingId: string, sessionId?: string): PayloadContext {
    const rtk = this.rtk();
    const meeting = rtk.meetings.find((m) => m.id === meetingId);
    if (!meeting) throw new RtkApiError(404, `Meeting ${meetingId} not found`);
    const app = rtk.apps.find((a) => a.id === meeting.app_id);
    if (!app) throw new RtkApiError(404, `App ${meeting.app_id} not found`);
    const session = sessionId ? (rtk.sessions.find((s) => s.id === sessionId) ?? null) : this.liveSession(meetingId);
    return { meeting, app, session };
  }

  /** As `context`, for a session that exists. */
  sessionContext(meetingId: string, sessionId: string): SessionContext {
    const ctx = this.context(meetingId, sessionId);
    if (!ctx.session) throw new RtkApiError(404, `Session ${sessionId} not found`);
    return { ...ctx, session: ctx.session };
  }

  liveSession(meetingId: string): Session | null {
    return this.rtk().sessions.find((s) => s.meeting_id === meetingId && s.status === 'LIVE') ?? null;
  }

  /** The stored session, recording or livestream with that id, or a 404. */
  find<K extends Collection>(collection: K, id: string): RtkState[K][number] {
    return findIn(this.rtk(), collection, id);
  }

  /** Changes one stored session, recording or livestream in a transaction; returns a copy of it as changed. */
  update<K extends Collection>(
    collection: K,
    id: string,
    change: (item: RtkState[K][number], rtk: RtkState) => void,
  ): RtkState[K][number] {
    return this.store.transact((s) => {
      const item = findIn(s.rtk, collection, id);
      change(item, s.rtk);
      return structuredClone(item);
    });
  }
}
