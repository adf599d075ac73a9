import { z } from '@hono/zod-openapi';
import { USER_ROLES } from '@castio/shared/rbac';
import { EmailSchema, humanName, PasswordSchema, SlugSchema } from '@castio/shared/schemas';

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(USER_ROLES),
    isActive: z.boolean(),
    avatarUrl: z.string().nullable(),
    lastLoginAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('User');

export const OrgSummarySchema = z.object({ id: z.string(), name: z.string(), slug: z.string() }).openapi('OrgSummary');

export const RegisterBodySchema = z
  .object({
    email: EmailSchema,
    password: PasswordSchema,
    name: humanName(100),
    orgName: humanName(100)
      .optional()
      .openapi({ description: 'Creates a new organisation (first sign-up, or where org sign-up is allowed).' }),
    orgSlug: SlugSchema.optional().openapi({
      description:
        'With orgName: the address of the organisation to create (required). Otherwise the organisation to join; ' +
        'required when the deployment hosts several organisations. Not needed with inviteToken.',
    }),
    inviteToken: z.string().min(16).max(128).optional().openapi({ description: 'The token from an invitation link.' }),
  })
  .strict()
  .openapi('RegisterRequest');

export const LoginBodySchema = z
  .object({
    email: EmailSchema,
    password: z.string().min(1).max(256),
    orgSlug: SlugSchema.optional().openapi({
      description: 'Needed only when the deployment hosts several organisations.',
    }),
  })
  .strict()
  .openapi('LoginRequest');

export const AuthSessionSchema = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the access token expires.' }),
    user: UserSchema,
    org: OrgSummarySchema,
  })
  .openapi('AuthSession');

export const MeSchema = z.object({ user: UserSchema, org: OrgSummarySchema }).openapi('Me');

export type User = z.infer<typeof UserSchema>;
export type RegisterBody = z.infer<typeof RegisterBodySchema>;
export type LoginBody = z.infer<typeof LoginBodySchema>;
