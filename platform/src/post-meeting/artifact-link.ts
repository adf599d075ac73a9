import type { RtkClient } from '@castio/shared/rtk';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import type { Env } from '../env';
import { DownloadError } from './downloads';

/**
 * Where to fetch a post-meeting file RTK announced by webhook. Its link expires (within the hour, for RTK's
 * transcripts, summaries and chat), but an event can be processed much later: RTK's own retries, and ours after a
 * failure. RTK keeps the files for its retention period and hands out a fresh link on request ("call again once
 * expired", docs/rtk.md), so an expired link is replaced rather than given up on.
 */
export type ArtifactKind = 'transcript' | 'summary' | 'chat';

export interface ArtifactLink {
  url: string;
  expiry: string | null;
}

const expired = (expiry: string | null) => expiry !== null && Date.parse(expiry) <= Date.now();

async function freshLink(rtk: RtkClient, kind: ArtifactKind, rtkSessionId: string): Promise<ArtifactLink> {
  switch (kind) {
    case 'transcript': {
      const link = await rtk.sessions.transcript(rtkSessionId, { format: 'JSON' });
      return { url: link.transcript_download_url, expiry: link.transcript_download_url_expiry };
    }
    case 'summary': {
      const link = await rtk.sessions.summary(rtkSessionId);
      return { url: link.summaryDownloadUrl, expiry: link.summaryDownloadUrlExpiry };
    }
    case 'chat': {
      const link = await rtk.sessions.chat(rtkSessionId);
      return { url: link.chat_download_url, expiry: link.chat_download_url_expiry };
    }
  }
}

/** The announced link while it works, else a fresh one from RTK's REST API (when RTK is configured). */
export async function artifactLink(
  env: Env,
  kind: ArtifactKind,
  rtkSessionId: string,
  announced: { url: string | null; expiry: string | null },
): Promise<ArtifactLink> {
  if (announced.url && !expired(announced.expiry)) return { url: announced.url, expiry: announced.expiry };
  const rtk = rtkClientFromEnv(env);
  if (rtk) return freshLink(rtk, kind, rtkSessionId);
  if (announced.url) return { url: announced.url, expiry: announced.expiry };
  throw new DownloadError(`The ${kind} event carries no download URL.`);
}
