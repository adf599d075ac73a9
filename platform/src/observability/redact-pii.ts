import type { Event } from '@sentry/cloudflare';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const IPV6 = /\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\b/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;
const SECRET_PARAMS = /([?&](?:token|invite|password|secret|key|code|sig|signature)=)[^&#\s]+/gi;
const SENSITIVE_KEYS =
  /^(authorization|cookie|set-cookie|password|token|refreshtoken|accesstoken|secret|x-auth-key|cf-connecting-ip|x-forwarded-for|x-real-ip|true-client-ip|email|ip|ip_address)$/i;

export function redactText(text: string): string {
  return text
    .replace(JWT, '[token]')
    .replace(BEARER, '$1 [token]')
    .replace(SECRET_PARAMS, '$1[redacted]')
    .replace(EMAIL, '[email]')
    .replace(IPV6, '[ip]')
    .replace(IPV4, '[ip]');
}

/** Redacts strings everywhere in a value and drops sensitive keys (headers, cookies, credentials). */
function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      SENSITIVE_KEYS.test(key) ? '[redacted]' : redactValue(inner, depth + 1),
    ]),
  );
}

/**
 * Strips personal data and credentials from a Sentry event before it leaves the Worker (spec §3.2):
 * emails, IP addresses, bearer tokens/JWTs, cookies, auth headers, secret query parameters.
 */
export function redactPii<T extends Event>(event: T): T {
  const redacted = redactValue(event) as T;
  if (redacted.user) redacted.user = redacted.user.id ? { id: redacted.user.id } : {};
  if (redacted.request) {
    delete redacted.request.cookies;
    delete redacted.request.data;
  }
  return redacted;
}
