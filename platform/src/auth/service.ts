import { sha256Hex } from '@castio/shared/encoding';
import { newId } from '@castio/shared/ids';
import { isoNow } from '@castio/shared/time';
import type { Env } from '../env';
import { ApiError, forbidden, notFound } from '../http/errors';
import {
  anyOrgExists,
  findOrgById,
  findOrgBySlug,
  findSoleOrg,
  insertOrgStatements,
  toOrgSummary,
  findOrgPolicy,
  type OrgRow,
} from '../org/queries';
import type { UserRole } from '@castio/shared/rbac';
import { clientAddressBucket, enforceRateLimit } from '../rate-limit/limits';
import { findUserByEmail, findUserById, insertUserStatement, toUser, type UserRow } from '../users/queries';
import { ACCESS_TOKEN_TTL_SECONDS, issueAccessToken } from './access-token';
import type { LoginBody, RegisterBody } from './schemas';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password';
import {
  endAllSessionsStatements,
  endSession,
  familyOfToken,
  rotateRefreshToken,
  startRefreshFamily,
  type IssuedRefreshToken,
} from './refresh-tokens';
import {
  acceptInviteStatement,
  findOpenInvite,
  findUserForSignIn,
  recordInviteUserStatement,
  recordLoginStatement,
  rehashPasswordStatement,
  securityEventStatement,
} from './queries';
import { KNOWN_NETWORK_MS, networkHashOf, SignInLimits } from './sign-in-limits';

export interface SignedIn {
  session: {
    accessToken: string;
    tokenType: 'Bearer';
    expiresIn: number;
    user: ReturnType<typeof toUser>;
    org: ReturnType<typeof toOrgSummary>;
  };
  refresh: IssuedRefreshToken;
}

const invalidCredentials = () => new ApiError('invalid_credentials', 'The email or password is incorrect.');
const invalidRefresh = () => new ApiError('invalid_refresh_token', 'Your session has ended. Sign in again.');

/** The answer to a sign-in or refresh: an access token bound to the refresh token's session (its family). */
async function signedIn(env: Env, user: UserRow, org: OrgRow, refresh: IssuedRefreshToken): Promise<SignedIn> {
  const accessToken = await issueAccessToken(env.JWT_SECRET, {
    userId: user.id,
    orgId: org.id,
    role: user.role,
    sessionId: refresh.familyId,
  });
  return {
    session: {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      user: toUser(user),
      org: toOrgSummary(org),
    },
    refresh,
  };
}

/** Starts a session for someone who just proved their password, from the network `networkHash` names. */
const signIn = async (env: Env, user: UserRow, org: OrgRow, networkHash: string | null) =>
  signedIn(env, user, org, await startRefreshFamily(env.DB, { id: user.id, orgId: org.id }, networkHash));

/**
 * Sign-up (spec §4.3). The first registration on an empty deployment creates the org and its owner. After
 * that, people join an existing org by invitation, or freely where the org allows open registration. A new
 * org is created only where the deployment allows org sign-up, never silently.
 */
export async function register(env: Env, body: RegisterBody, headers: Headers): Promise<SignedIn> {
  const network = clientAddressBucket(headers);
  await enforceRateLimit(env, 'registerPerAddress', network);
  const networkHash = await networkHashOf(network);
  if (body.inviteToken) return registerWithInvite(env, body, body.inviteToken, networkHash);

  const soleOrg = await findSoleOrg(env.DB);
  if (!soleOrg && !(await anyOrgExists(env.DB))) return createOrgWithOwner(env, body, true, networkHash);

  if (body.orgName) {
    if (env.ALLOW_ORG_SIGNUP !== 'true') {
      throw forbidden('This deployment does not allow creating another organisation. Ask an admin for an invitation.');
    }
    return createOrgWithOwner(env, body, false, networkHash);
  }
  const org = body.orgSlug ? await findOrgBySlug(env.DB, body.orgSlug) : soleOrg;
  if (!org) throw notFound('The organisation');
  const policy = await findOrgPolicy(env.DB, org.id);
  if (policy.inviteOnlyRegistration) {
    throw new ApiError('invite_required', 'This organisation is invite-only. Ask an admin for an invitation link.');
  }
  return createMember(env, org, body, 'member', networkHash);
}

async function createOrgWithOwner(
  env: Env,
  body: RegisterBody,
  onlyIfFirst: boolean,
  networkHash: string | null,
): Promise<SignedIn> {
  if (!body.orgName || !body.orgSlug) {
    throw new ApiError('validation_failed', 'Name your organisation: orgName and orgSlug are required.', [
      ...(body.orgName ? [] : [{ path: 'orgName', message: 'Required.' }]),
      ...(body.orgSlug ? [] : [{ path: 'orgSlug', message: 'Required.' }]),
    ]);
  }
  if (await findOrgBySlug(env.DB, body.orgSlug))
    throw new ApiError('slug_taken', 'That organisation address is taken.');
  const orgId = newId();
  const user = {
    id: newId(),
    orgId,
    email: body.email,
    name: body.name,
    passwordHash: await hashPassword(body.password),
    role: 'owner' as const,
  };
  const [insertOrg, insertSettings] = insertOrgStatements(
    env.DB,
    { id: orgId, name: body.orgName, slug: body.orgSlug, ownerId: user.id, rtkAppId: env.RTK_APP_ID ?? null },
    onlyIfFirst,
  );
  try {
    await env.DB.batch([insertOrg!, insertSettings!, insertUserStatement(env.DB, user)]);
  } catch (error) {
    // The conditional org insert wrote nothing (another first sign-up won), so the user insert broke its FK.
    if (onlyIfFirst && !(await findOrgById(env.DB, orgId))) {
      throw new ApiError('org_exists', 'This deployment already has an organisation. Ask its admin for an invitation.');
    }
    if (/UNIQUE/.test(String(error))) throw new ApiError('slug_taken', 'That organisation address is taken.');
    throw error;
  }
  return signIn(env, (await findUserById(env.DB, orgId, user.id))!, (await findOrgById(env.DB, orgId))!, networkHash);
}

async function createMember(
  env: Env,
  org: OrgRow,
  body: RegisterBody,
  role: UserRole,
  networkHash: string | null,
  extra: D1PreparedStatement[] = [],
) {
  if (await findUserByEmail(env.DB, org.id, body.email)) {
    throw new ApiError('email_taken', 'An account with this email already exists. Sign in instead.');
  }
  const user = {
    id: newId(),
    orgId: org.id,
    email: body.email,
    name: body.name,
    passwordHash: await hashPassword(body.password),
    role,
  };
  try {
    await env.DB.batch([...extra, insertUserStatement(env.DB, user)]);
  } catch (error) {
    if (/UNIQUE/.test(String(error)))
      throw new ApiError('email_taken', 'An account with this email already exists. Sign in instead.');
    throw error;
  }
  return signIn(env, (await findUserById(env.DB, org.id, user.id))!, org, networkHash);
}

async function registerWithInvite(
  env: Env,
  body: RegisterBody,
  token: string,
  networkHash: string | null,
): Promise<SignedIn> {
  const invite = await findOpenInvite(env.DB, await sha256Hex(token));
  if (!invite || invite.email !== body.email) {
    throw new ApiError(
      'invalid_invite',
      'This invitation is not valid for this email, or it has expired. Ask for a new one.',
    );
  }
  const org = (await findOrgById(env.DB, invite.org_id))!;
  // Claiming the invite in the same batch as the user insert: a second use fails the whole batch.
  const claim = acceptInviteStatement(env.DB, invite.id);
  const signedIn = await createMember(env, org, body, invite.role, networkHash, [claim]);
  await recordInviteUserStatement(env.DB, invite.id, signedIn.session.user.id).run();
  return signedIn;
}

/**
 * Login answers exactly the same for "no such user" and "wrong password", and costs the same time. Every limit
 * is taken before the password is checked, so concurrent guesses cannot outrun it (sign-in-limits.ts).
 */
export async function login(env: Env, body: LoginBody, headers: Headers): Promise<SignedIn> {
  const network = clientAddressBucket(headers);
  const limits = new SignInLimits(env, network);
  await limits.admitNetwork();
  const org = body.orgSlug ? await findOrgBySlug(env.DB, body.orgSlug) : await findSoleOrg(env.DB);
  const networkHash = await networkHashOf(network);
  const user = org
    ? await findUserForSignIn(env.DB, {
        orgId: org.id,
        email: body.email,
        networkHash,
        since: isoNow(Date.now() - KNOWN_NETWORK_MS),
      })
    : null;
  // Keyed by the org the sign-in resolves to, so naming the org or leaving it out is the same account.
  await limits.admitAccount(
    `${org?.id ?? `slug:${body.orgSlug ?? '*'}`}:${body.email}`,
    user?.from_known_network === 1,
  );
  if (!org || !user?.password_hash || user.is_active !== 1) {
    await burnPasswordCheck(body.password);
    throw invalidCredentials();
  }
  const check = await verifyPassword(body.password, user.password_hash);
  if (!check.valid) throw invalidCredentials();
  await limits.succeeded();
  const updates = [recordLoginStatement(env.DB, user.id)];
  if (check.needsRehash) {
    updates.push(rehashPasswordStatement(env.DB, user.id, await hashPassword(body.password)));
    updates.push(securityEventStatement(env.DB, { orgId: org.id, userId: user.id, type: 'password_rehashed' }));
  }
  await env.DB.batch(updates);
  return signIn(env, { ...user, last_login_at: isoNow() }, org, networkHash);
}

export async function refresh(env: Env, token: string | undefined): Promise<SignedIn> {
  if (!token) throw invalidRefresh();
  const result = await rotateRefreshToken(env.DB, token);
  if (result.outcome === 'in_progress') {
    throw new ApiError(
      'refresh_in_progress',
      'This session was just refreshed by another tab. Retry with the newest session.',
    );
  }
  if (result.outcome === 'reused') {
    await securityEventStatement(env.DB, {
      orgId: result.orgId,
      userId: result.userId,
      type: 'refresh_token_reused',
    }).run();
    throw invalidRefresh();
  }
  if (result.outcome === 'invalid') throw invalidRefresh();
  const user = await findUserById(env.DB, result.orgId, result.userId);
  const org = await findOrgById(env.DB, result.orgId);
  if (user?.is_active !== 1 || !org) {
    await endSession(env.DB, result.next.familyId);
    throw invalidRefresh();
  }
  return signedIn(env, user, org, result.next);
}

/**
 * Ends this browser's session (the refresh cookie's): its refresh token and every access token issued for it stop
 * working at once. With `everywhere` and a valid access token, every session of that token's user.
 */
export async function logout(env: Env, refreshToken: string | undefined, everywhereForUserId?: string): Promise<void> {
  if (everywhereForUserId) await env.DB.batch(endAllSessionsStatements(env.DB, everywhereForUserId));
  if (!refreshToken) return;
  const familyId = await familyOfToken(env.DB, refreshToken);
  if (familyId) await endSession(env.DB, familyId);
}

export async function currentUser(env: Env, orgId: string, userId: string) {
  const [user, org] = await Promise.all([findUserById(env.DB, orgId, userId), findOrgById(env.DB, orgId)]);
  if (!user || !org) throw notFound('The user');
  return { user: toUser(user), org: toOrgSummary(org) };
}
