import { z } from 'zod';

/** Control, format (bidi, zero-width), surrogate, private-use and unassigned characters have no place in names. */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;

/**
 * A human-readable name: NFKC-normalised, trimmed, no control characters. Stored as text, rendered escaped.
 * The length limits apply after the transform, which hides them from the generated schema, so `.meta` states them for the OpenAPI document.
 */
export const humanName = (max: number) =>
  z
    .string()
    .transform((value) => value.normalize('NFKC').trim())
    .pipe(
      z
        .string()
        .min(1, 'Must not be empty.')
        .max(max, `Must be at most ${max} characters.`)
        .refine((value) => !INVISIBLE_OR_CONTROL.test(value), 'Must not contain control or invisible characters.'),
    )
    .meta({
      minLength: 1,
      maxLength: max,
      description: `1–${max} characters once trimmed; no control or invisible characters.`,
    });

/**
 * A PATCH body: the given fields, each optional, unknown ones refused, and at least one present. The refinement
 * is invisible to the generated schema, so `minProperties` says it there.
 */
export const patchBody = <T extends z.ZodRawShape>(shape: T, message = 'Send at least one field to change.') =>
  z
    .object(shape)
    .partial()
    .strict()
    .refine((patch) => Object.keys(patch).length > 0, message)
    .meta({ minProperties: 1 });

/**
 * A named schema or null. zod-to-openapi writes `Named.nullable()` as `allOf: [$ref, {type: [object, null]}]`, which
 * null never matches (the $ref refuses it); a union with null is written as `anyOf: [$ref, {type: null}]`.
 */
export const nullableNamed = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);

export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email('Must be a valid email address.'))
  .meta({ format: 'email', example: 'ada@example.com' });

export const PasswordSchema = z
  .string()
  .min(10, 'Use at least 10 characters.')
  .max(256, 'Use at most 256 characters.')
  .meta({ example: 'correct horse battery staple', format: 'password' });

/** Words that would collide with app routes if used as an org or room slug. */
export const RESERVED_SLUGS = new Set([
  'api',
  'admin',
  'app',
  'assets',
  'auth',
  'login',
  'logout',
  'register',
  'signup',
  'settings',
  'm',
  'meetings',
  'meeting',
  'join',
  'webhooks',
  'docs',
  'static',
  'www',
  'help',
  'support',
  'new',
  'static',
  'well-known',
  'invite',
]);

export const SlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/,
    'Use 3–40 lowercase letters, digits or hyphens, not starting or ending with a hyphen.',
  )
  .refine((slug) => !RESERVED_SLUGS.has(slug), 'This name is reserved; choose another.')
  .meta({ example: 'acme-corp' });

export const IdSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'Must be an id.');
/** Path ids: a malformed id is simply not found (404), like another org's id. */
export const PathIdSchema = z.string().max(64);

export const HexColorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'Use a hex colour like #2563EB.')
  .meta({ example: '#2563EB' });

export const CursorQuerySchema = z.object({
  cursor: z.string().max(64).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
