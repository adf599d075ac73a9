import { z } from '@hono/zod-openapi';
import { UserSchema } from '../auth/schemas';
import { errorResponses } from '../http/errors';
import { defineRoute } from '../auth/define-route';
import { createRouter } from '../http/router';
import { PathIdSchema } from '@castio/shared/schemas';
import { createInvite, listInvites, revokeInvite } from './invites';
import {
  CreatedInviteSchema,
  InviteCreateSchema,
  InviteSchema,
  UserListQuerySchema,
  UserListSchema,
  UserPatchSchema,
} from './schemas';
import { deactivateOrgUser, getOrgUser, listOrgUsers, updateOrgUser } from './service';

const tags = ['Users'];
const userParams = z.object({ userId: PathIdSchema });
const userResponse = { description: 'The user', content: { 'application/json': { schema: UserSchema } } };

const listUsersRoute = defineRoute('users.manage', {
  method: 'get',
  path: '/api/users',
  operationId: 'listUsers',
  tags,
  summary: 'List the organisation’s users',
  request: { query: UserListQuerySchema },
  responses: { 200: { description: 'A page of users', content: { 'application/json': { schema: UserListSchema } } } },
});

const getUserRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/users/{userId}',
  operationId: 'getUser',
  tags,
  summary: 'One user (admins: anyone in the org; others: themselves)',
  request: { params: userParams },
  responses: { 200: userResponse, ...errorResponses(404) },
});

const patchUserRoute = defineRoute('authenticated', {
  method: 'patch',
  path: '/api/users/{userId}',
  operationId: 'updateUser',
  tags,
  summary: 'Rename yourself; admins also change others’ role or active flag',
  request: {
    params: userParams,
    body: { required: true, content: { 'application/json': { schema: UserPatchSchema } } },
  },
  responses: { 200: userResponse, ...errorResponses(403, 404) },
});

const deleteUserRoute = defineRoute('users.manage', {
  method: 'delete',
  path: '/api/users/{userId}',
  operationId: 'deactivateUser',
  tags,
  summary: 'Deactivate a user (they lose access at once; their history stays)',
  request: { params: userParams },
  responses: { 200: userResponse, ...errorResponses(404) },
});

const createInviteRoute = defineRoute('users.manage', {
  method: 'post',
  path: '/api/users/invites',
  operationId: 'inviteUser',
  tags,
  summary: 'Invite someone with a role',
  request: { body: { required: true, content: { 'application/json': { schema: InviteCreateSchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: CreatedInviteSchema } } },
    ...errorResponses(409),
  },
});

const listInvitesRoute = defineRoute('users.manage', {
  method: 'get',
  path: '/api/users/invites',
  operationId: 'listUserInvites',
  tags,
  summary: 'Invitations, newest first',
  responses: {
    200: {
      description: 'Invitations',
      content: { 'application/json': { schema: z.object({ items: z.array(InviteSchema) }) } },
    },
  },
});

const revokeInviteRoute = defineRoute('users.manage', {
  method: 'delete',
  path: '/api/users/invites/{inviteId}',
  operationId: 'revokeUserInvite',
  tags,
  summary: 'Revoke a pending invitation',
  request: { params: z.object({ inviteId: PathIdSchema }) },
  responses: { 204: { description: 'Revoked' }, ...errorResponses(404) },
});

// Invite routes first: `/api/users/invites` must not be taken for a user id.
export const userRoutes = createRouter()
  .openapi(createInviteRoute, async (c) => c.json(await createInvite(c.env, c.get('auth'), c.req.valid('json')), 201))
  .openapi(listInvitesRoute, async (c) => c.json(await listInvites(c.env, c.get('auth')), 200))
  .openapi(revokeInviteRoute, async (c) => {
    await revokeInvite(c.env, c.get('auth'), c.req.valid('param').inviteId);
    return c.body(null, 204);
  })
  .openapi(listUsersRoute, async (c) => c.json(await listOrgUsers(c.env, c.get('auth'), c.req.valid('query')), 200))
  .openapi(getUserRoute, async (c) => c.json(await getOrgUser(c.env, c.get('auth'), c.req.valid('param').userId), 200))
  .openapi(patchUserRoute, async (c) =>
    c.json(await updateOrgUser(c.env, c.get('auth'), c.req.valid('param').userId, c.req.valid('json')), 200),
  )
  .openapi(deleteUserRoute, async (c) =>
    c.json(await deactivateOrgUser(c.env, c.get('auth'), c.req.valid('param').userId), 200),
  );
