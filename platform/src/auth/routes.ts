import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../http/app-env';
import { errorResponses } from '../http/errors';
import { defineRoute } from './define-route';
import { createRouter } from '../http/router';
import { verifyAccessToken } from './access-token';
import { AuthSessionSchema, LoginBodySchema, MeSchema, RegisterBodySchema } from './schemas';
import { currentUser, login, logout, refresh, register, type SignedIn } from './service';

/**
 * The refresh token lives only in this cookie: HttpOnly (no script reads it), `__Host-` (no Domain, Path=/),
 * SameSite=Strict. It never appears in a response body.
 */
const REFRESH_COOKIE = 'castio_rt';
const tags = ['Auth'];
const sessionResponse = (description: string) => ({
  description: `${description}. The refresh token is set as the \`__Host-castio_rt\` cookie.`,
  content: { 'application/json': { schema: AuthSessionSchema } },
});

function sendSession(c: Context<AppEnv>, signedIn: SignedIn, status: 200 | 201) {
  setCookie(c, REFRESH_COOKIE, signedIn.refresh.token, {
    prefix: 'host',
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: Math.max(0, Math.floor((Date.parse(signedIn.refresh.expiresAt) - Date.now()) / 1000)),
  });
  return c.json(signedIn.session, status);
}

const refreshCookie = (c: Context<AppEnv>) => getCookie(c, REFRESH_COOKIE, 'host');

const registerRoute = defineRoute('public', {
  method: 'post',
  path: '/api/auth/register',
  operationId: 'register',
  tags,
  summary: 'Create an account (the first one on a new deployment creates the organisation)',
  request: { body: { required: true, content: { 'application/json': { schema: RegisterBodySchema } } } },
  responses: { 201: sessionResponse('Signed up and signed in'), ...errorResponses(403, 404, 409, 429) },
});

const loginRoute = defineRoute('public', {
  method: 'post',
  path: '/api/auth/login',
  operationId: 'login',
  tags,
  summary: 'Sign in with email and password',
  request: { body: { required: true, content: { 'application/json': { schema: LoginBodySchema } } } },
  responses: { 200: sessionResponse('Signed in'), ...errorResponses(401, 429) },
});

const refreshRoute = defineRoute('public', {
  method: 'post',
  path: '/api/auth/refresh',
  operationId: 'refreshSession',
  tags,
  summary: 'Exchange the refresh cookie for a new access token (the cookie rotates)',
  responses: { 200: sessionResponse('Refreshed'), ...errorResponses(401, 409) },
});

const logoutRoute = defineRoute('public', {
  method: 'post',
  path: '/api/auth/logout',
  operationId: 'logout',
  tags,
  summary: 'Sign out this browser; with a valid access token and `?everywhere=true`, every session',
  description:
    'The session ends at once: its refresh cookie and every access token issued for it are refused from then on.',
  request: { query: z.object({ everywhere: z.enum(['true', 'false']).optional() }) },
  responses: { 204: { description: 'Signed out (also when already signed out)' } },
});

const meRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/auth/me',
  operationId: 'getMe',
  tags,
  summary: 'The signed-in user and organisation',
  responses: { 200: { description: 'You', content: { 'application/json': { schema: MeSchema } } } },
});

export const authRoutes = createRouter()
  .openapi(registerRoute, async (c) =>
    sendSession(c, await register(c.env, c.req.valid('json'), c.req.raw.headers), 201),
  )
  .openapi(loginRoute, async (c) => sendSession(c, await login(c.env, c.req.valid('json'), c.req.raw.headers), 200))
  .openapi(refreshRoute, async (c) => sendSession(c, await refresh(c.env, refreshCookie(c)), 200))
  .openapi(logoutRoute, async (c) => {
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const claims =
      bearer && c.req.valid('query').everywhere === 'true' ? await verifyAccessToken(c.env.JWT_SECRET, bearer) : null;
    await logout(c.env, refreshCookie(c), claims?.userId);
    deleteCookie(c, REFRESH_COOKIE, { prefix: 'host', path: '/', secure: true });
    return c.body(null, 204);
  })
  .openapi(meRoute, async (c) => {
    const { orgId, userId } = c.get('auth');
    return c.json(await currentUser(c.env, orgId, userId), 200);
  });
