// Presigned-style download URLs for recordings, transcripts, summaries and chat exports: HMAC-signed, with an
// expiry; after it the URL answers 403 like an expired R2 presigned URL. Served at /__downloads/<token>.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class DownloadLinks {
  /** @param {{ secret: string, baseUrl: () => string, render: (kind: string, id: string, format: string) => { body: string | Buffer, type: string } | null }} deps */
  constructor({ secret, baseUrl, render }) {
    this.secret = secret;
    this.baseUrl = baseUrl;
    this.render = render;
  }

  /** @returns {{ url: string, expiry: string }} */
  create(kind, id, ttlSeconds, format = 'default') {
    const expires = Date.now() + ttlSeconds * 1000;
    const payload = Buffer.from(JSON.stringify({ k: kind, i: id, f: format, e: expires })).toString('base64url');
    const sig = createHmac('sha256', this.secret).update(payload).digest('base64url');
    const extension =
      {
        recording: 'mp4',
        'recording-audio': 'mp3',
        transcript: format.toLowerCase() === 'default' ? 'json' : format.toLowerCase(),
        summary: 'md',
        chat: 'csv',
        hls: 'm3u8',
      }[kind] ?? 'bin';
    return {
      url: `${this.baseUrl()}/__downloads/${payload}.${sig}/${kind}-${id}.${extension}`,
      expiry: new Date(expires).toISOString(),
    };
  }

  /** Handles GET /__downloads/:token/:file */
  serve(token) {
    const [payload, sig] = String(token).split('.');
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
    const { k, i, f, e } = JSON.parse(Buffer.from(payload, 'base64url').toString());
    if (Date.now() > e) return xmlError(403, 'AccessDenied', 'Request has expired');
    const rendered = this.render(k, i, f);
    if (!rendered) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
    return new Response(rendered.body, { headers: { 'content-type': rendered.type } });
  }
}

/** An S3/R2-style XML error answer. */
export const xmlError = (status, code, message) =>
  new Response(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    {
      status,
      headers: { 'content-type': 'application/xml' },
    },
  );
