import { z } from 'zod';

/** Identifiers the client cannot work without: a missing one fails the call as `invalid_response`. */
export const rtkId = z.string().min(1);

const numericText = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;

/**
 * Every other field RTK sends: absent, null or of an unexpected type it reads as null instead of failing the
 * call, because RTK's docs and its answers disagree in places (docs/rtk.md#webhook-payloads: `fileSize` as a string).
 */
export const lenient = {
  string: z.string().nullable().catch(null),
  number: z.preprocess(numericText, z.number()).nullable().catch(null),
  boolean: z.boolean().nullable().catch(null),
  strings: z.array(z.string()).catch([]),
  object: z.record(z.string(), z.unknown()).nullable().catch(null),
};
