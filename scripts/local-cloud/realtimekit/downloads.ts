// Presigned-style download URLs for recordings, transcripts, summaries and chat exports: HMAC-signed, with an
// expiry; after it the URL answers 403 like an expired R2 presigned URL. Served at /__downloads/<token>.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a link downloads: a recording (video or audio) or livestream playlist by its id, else a session's file. */
export type DownloadKind = 'recording' | 'recording-audio' | 'hls' | 'transcript' | 'summary' | 'chat';

export interface DownloadLink {
  url: string;
  expiry: string;
}

/** A file to serve. */
export interface Rendered {
  type: string;
  body: string | Uint8Array<ArrayBuffer>;
}

export type Render = (kind: DownloadKind, id: string, format: string) => Rendered | null;

const EXTENSIONS: Record<DownloadKind, string> = {
  recording: 'mp4',
  'recording-audio': 'mp3',
  transcript: 'json',
  summary: 'md',
  chat: 'csv',
  hls: 'm3u8',
};

export class DownloadLinks {
  readonly secret: string;
  readonly baseUrl: () => string;
  readonly render: Render;

  constructor({ secret, baseUrl, render }: { secret: string; baseUrl: () => string; render: Render }) {
    this.secret = secret;
    this.baseUrl = baseUrl;
    this.render = render;
  }

  /** `format`: a transcript's (JSON, CSV, SRT, VTT), which is also its file's extension. */
  create(kind: DownloadKind, id: string, ttlSeconds: number, format = 'default'): DownloadLink {
    const expires = Date.now() + ttlSeconds * 1000;
    const payload = Buffer.from(JSON.stringify({ k: kind, i: id, f: format, e: expires })).toString('base64url');
    const sig = createHmac('sha256', this.secret).update(payload).digest('base64url');
    const extension = kind === 'transcript' && format !== 'default' ? format.toLowerCase() : EXTENSIONS[kind];
    return {
      url: `${this.baseUrl()}/__downloads/${payload}.${sig}/${kind}-${id}.${extension}`,
      expiry: new Date(expires).toISOString(),
    };
  }

  /** Handles GET /__downloads/:token/:file */
  serve(token: string): Response {
    const [payload, sig] = token.split('.');
    const expected = createHmac('sha256', this.secret)
      .update(payload ?? '')
      .digest();
    const given = Buffer.from(sig ?? '', 'base64url');
    if (!payload || given.length !== expected.length || !timingSafeEqual(given, expected))
      return xmlError(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    const { k, i, f, e } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      k: DownloadKind;
      i: string;
      f: string;
      e: number;
    };
    if (Date.now() > e) return xmlError(403, 'AccessDenied', 'Request has expired');
    const rendered = this.render(k, i, f);
    if (!rendered) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
    return new Response(rendered.body, { headers: { 'content-type': rendered.type } });
  }
}

/** An S3/R2-style XML error answer. */
export const xmlError = (status: number, code: string, message: string) =>
  new Response(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    {
      status,
      headers: { 'content-type': 'application/xml' },
    },
  );
