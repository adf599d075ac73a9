import { CfApiError } from './cf-envelope.mjs';

/**
 * Reads a JSON body or throws a Cloudflare-style 400.
 * @param {Request} request
 * @param {{ optional?: boolean, makeError?: (message: string) => Error }} [options]
 */
export async function readJson(request, { optional = false, makeError } = {}) {
  const fail = makeError ?? ((message) => new CfApiError(400, 10026, message));
  const text = await request.text();
  if (!text.trim()) {
    if (optional) return {};
    throw fail('Request body is empty; a JSON body is required.');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw fail('Malformed JSON in request body.');
  }
}

/** @param {unknown} value */
export const isPlainObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
