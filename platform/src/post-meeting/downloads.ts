import type { Env } from '../env';

/**
 * Download URLs in webhook bodies are fetched only from RTK's own hosts and R2 (docs/architecture.md#post-meeting-copies, API7):
 * https and a host under one of these suffixes, or an exact origin listed in `RTK_DOWNLOAD_ORIGINS`
 * (comma-separated; the local cloud's `http://127.0.0.1:port` is allowed only this way).
 */
const ALLOWED_HOST_SUFFIXES = ['.realtime.cloudflare.com', '.r2.cloudflarestorage.com', '.cloudflarestorage.com'];
const ALLOWED_HOSTS = new Set(['realtime.cloudflare.com', 'r2.cloudflarestorage.com']);

export const MAX_DOWNLOAD_BYTES = 25 * 1024 * 1024;

export function extraOrigins(env: Pick<Env, 'RTK_DOWNLOAD_ORIGINS'>): Set<string> {
  const origins = new Set<string>();
  for (const entry of (env.RTK_DOWNLOAD_ORIGINS ?? '').split(',')) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    try {
      origins.add(new URL(trimmed).origin);
    } catch {
      // A malformed entry allows nothing.
    }
  }
  return origins;
}

/** Whether a URL may be fetched. Pure: no I/O. */
export function isAllowedDownloadUrl(url: string, env: Pick<Env, 'RTK_DOWNLOAD_ORIGINS'>): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (extraOrigins(env).has(parsed.origin)) return true;
  if (parsed.protocol !== 'https:' || (parsed.port && parsed.port !== '443')) return false;
  const host = parsed.hostname.toLowerCase();
  return ALLOWED_HOSTS.has(host) || ALLOWED_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

export class DownloadError extends Error {
  override name = 'DownloadError';
}

/** Fetches an allowlisted URL without following redirects elsewhere, with a size cap. */
export async function download(env: Env, url: string): Promise<{ text: string; contentType: string }> {
  if (!isAllowedDownloadUrl(url, env)) throw new DownloadError('The download URL is not on the allowlist.');
  const response = await fetch(url, { redirect: 'manual' });
  if (response.status >= 300 && response.status < 400) {
    throw new DownloadError(`The download answered a redirect (${response.status}); not followed.`);
  }
  if (!response.ok) throw new DownloadError(`The download answered ${response.status}.`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_DOWNLOAD_BYTES) throw new DownloadError('The download is too large.');
  const buffer = await response.arrayBuffer();
  if (buffer.byteLength > MAX_DOWNLOAD_BYTES) throw new DownloadError('The download is too large.');
  return {
    text: new TextDecoder().decode(buffer),
    contentType: response.headers.get('content-type') ?? 'application/octet-stream',
  };
}
