import { z } from 'zod';
import { ERROR_CODES } from './error-codes';

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
