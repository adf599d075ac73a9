import type { Env } from '../env';
import { importRtkPublicKey, verifySignature } from './signature';

/** RTK publishes one webhook key for everyone (docs/rtk.md#webhook-signatures). */
export const DEFAULT_KEYS_BASE = 'https://api.realtime.cloudflare.com';
const CACHE_KEY = 'cache:rtk:webhook-public-key';
const CACHE_TTL_SECONDS = 3600;
/** A bad signature refetches the key at most this often, so forged deliveries cannot make us hammer RTK. */
const REFETCH_INTERVAL_MS = 60_000;
let lastRefetchAt = 0;

/** Tests only: lets the next bad signature refetch the key at once. */
export const resetKeyRefetchThrottle = () => {
  lastRefetchAt = 0;
  memory = null;
};

const keysUrl = (env: Env) =>
  `${(env.RTK_WEBHOOK_KEYS_URL || DEFAULT_KEYS_BASE).replace(/\/+$/, '')}/.well-known/webhooks.json`;

/** Fetches `{ data: { publicKey } }` from the well-known URL. */
async function fetchPublicKeyPem(env: Env): Promise<string> {
  const response = await fetch(keysUrl(env), { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`The webhook key endpoint answered ${response.status}.`);
  const body = (await response.json()) as { data?: { publicKey?: unknown } };
  const pem = body?.data?.publicKey;
  if (typeof pem !== 'string' || !pem.includes('PUBLIC KEY')) throw new Error('The webhook key endpoint sent no key.');
  return pem;
}

async function loadPem(env: Env, fresh: boolean): Promise<string> {
  if (!fresh) {
    const cached = await env.KV_CACHE.get(CACHE_KEY);
    if (cached) return cached;
  }
  const pem = await fetchPublicKeyPem(env);
  await env.KV_CACHE.put(CACHE_KEY, pem, { expirationTtl: CACHE_TTL_SECONDS });
  return pem;
}

/**
 * Verifies a delivery against RTK's public key: the cached key first (KV, 1 h), and on failure the key fetched
 * afresh, once, in case RTK rotated it. Throws only when no key can be obtained at all (the caller answers 5xx,
 * so RTK retries later); a bad signature is `false`.
 */
/** The imported key, kept in the isolate for as long as KV would keep the PEM. */
let memory: { pem: string; key: CryptoKey; until: number } | null = null;

async function importCached(pem: string) {
  if (memory?.pem === pem && memory.until > Date.now()) return memory.key;
  const key = await importRtkPublicKey(pem);
  memory = { pem, key, until: Date.now() + CACHE_TTL_SECONDS * 1000 };
  return key;
}

async function cachedPem(env: Env): Promise<string | null> {
  if (memory && memory.until > Date.now()) return memory.pem;
  try {
    return await env.KV_CACHE.get(CACHE_KEY);
  } catch {
    return null;
  }
}

export async function verifyRtkDelivery(env: Env, signature: string | undefined, rawBody: ArrayBuffer) {
  if (!signature) return false;
  const cached = await cachedPem(env);
  if (cached) {
    try {
      if (await verifySignature(await importCached(cached), signature, rawBody)) return true;
    } catch {
      // A corrupt cached key is replaced below.
    }
  }
  if (cached && Date.now() - lastRefetchAt < REFETCH_INTERVAL_MS) return false;
  lastRefetchAt = Date.now();
  const pem = await loadPem(env, true);
  if (pem === cached) return false;
  return verifySignature(await importCached(pem), signature, rawBody);
}
