import { z } from 'zod';
import { ERROR_CODES, ERROR_STATUSES, type ErrorStatus, errorCodesOf } from './error-codes';

/*
 * Named with zod's own `.meta({ id })`, never `.openapi()`: @castio/shared is plain zod, and its schemas can be
 * made before @hono/zod-openapi extends zod (zod-to-openapi reads `.meta()` as well).
 */

/** The one error envelope every platform route answers with; `code` is one of the table's codes. */
export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({
        description: 'Stable and machine-readable: switch on it (the message is for people and may change).',
        example: 'validation_failed',
      }),
      message: z
        .string()
        .meta({ description: 'Plain language, for people.', example: 'Some fields are missing or not valid.' }),
      details: z.unknown().optional().meta({ description: 'Specifics some codes carry, e.g. the failing fields.' }),
    }),
  })
  .meta({ id: 'Error', description: 'The error envelope: `{ "error": { "code", "message", "details"? } }`.' });

export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

/** The envelope of one status: an `Error` whose code is one of that status's codes (`Error409`, …). */
const envelopeOfStatus = (status: ErrorStatus) =>
  z.intersection(ErrorEnvelopeSchema, z.object({ error: z.object({ code: z.enum(errorCodesOf(status)) }) })).meta({
    id: `Error${status}`,
    description: `An error answered with status ${status}: its code is one of these.`,
  });

/** Per status, the envelope that status carries; the OpenAPI document names them `Error400` … `Error503`. */
export const ERROR_ENVELOPE_OF_STATUS = Object.fromEntries(
  ERROR_STATUSES.map((status) => [status, envelopeOfStatus(status)]),
) as Record<ErrorStatus, ReturnType<typeof envelopeOfStatus>>;
