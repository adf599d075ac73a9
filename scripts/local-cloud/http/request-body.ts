import { CfApiError } from './cf-envelope.ts';

/** A JSON object (not null, not an array), its fields still to be checked. */
export type JsonObject = Record<string, unknown>;

/** Reads a JSON body or throws a Cloudflare-style 400. An empty body is `{}` when `optional`. */
export async function readJson(
  request: Request,
  { optional = false, makeError }: { optional?: boolean; makeError?: (message: string) => Error } = {},
): Promise<unknown> {
  const fail = makeError ?? ((message: string) => new CfApiError(400, 10026, message));
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

export const isPlainObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether `value` is one of `options`. */
export const isOneOf = <T extends string>(options: readonly T[], value: unknown): value is T =>
  options.includes(value as T);
