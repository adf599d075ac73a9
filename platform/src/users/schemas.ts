import { z } from '@hono/zod-openapi';
import { UserSchema } from '../auth/schemas';
import { USER_ROLES } from '@castio/shared/rbac';
import { CursorQuerySchema, EmailSchema, humanName, patchBody } from '@castio/shared/schemas';

export const UserListQuerySchema = CursorQuerySchema.extend({
  role: z.enum(USER_ROLES).optional(),
  active: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Matches name or email.' }),
});

export const UserListSchema = z
  .object({ items: z.array(UserSchema), nextCursor: z.string().nullable() })
  .openapi('UserList');

export const UserPatchSchema = patchBody({
  name: humanName(100),
  role: z.enum(['admin', 'host', 'member']),
  isActive: z.boolean(),
}).openapi('UserPatch');

const INVITE_ROLES = ['admin', 'host', 'member'] as const;

export const InviteCreateSchema = z
  .object({
    email: EmailSchema,
    role: z.enum(INVITE_ROLES).default('member'),
    expiresInHours: z.number().int().min(1).max(720).default(168),
  })
  .strict()
  .openapi('InviteCreate');

export const InviteSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(INVITE_ROLES),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    invitedBy: z.string(),
    expiresAt: z.string(),
    createdAt: z.string(),
  })
  .openapi('Invite');

export const CreatedInviteSchema = z
  .object({
    invite: InviteSchema,
    token: z.string().openapi({ description: 'Shown once; the invitee registers with it.' }),
    registerPath: z.string().openapi({ description: 'Link path to send to the invitee.' }),
  })
  .openapi('CreatedInvite');

export type UserPatch = z.infer<typeof UserPatchSchema>;
export type InviteCreate = z.infer<typeof InviteCreateSchema>;
export type Invite = z.infer<typeof InviteSchema>;
