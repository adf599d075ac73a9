import * as Sentry from '@sentry/cloudflare';
import { sha256Hex } from '@castio/shared/encoding';
import {
  brandedPresets,
  type DesiredPreset,
  designTokensFromOrgSettings,
  type OrgBrandingSettings,
  type ReconcileResult,
  reconcilePresets,
} from '@castio/shared/presets';
import type { RtkClient } from '@castio/shared/rtk';
import { isoNow } from '@castio/shared/time';
import type { Env } from '../env';
import { realtimeKit } from '../realtimekit/client';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import { orgPresetScope } from './org-preset-scope';
import { withRtkErrors } from './rtk-access';

export type ProvisionResult = ReconcileResult;

/** The org's branding settings, with their version (`updatedAt` of the org settings). */
export type VersionedBranding = OrgBrandingSettings & { updatedAt: string };

export interface ProvisioningFailure {
  at: string;
  message: string;
}

/** Re-checked at least daily even when nothing changed here, so edits made in RTK's dashboard are repaired. */
const FINGERPRINT_TTL_SECONDS = 24 * 60 * 60;
/** Keyed by app too: pointing the deployment at another RTK app must provision that app. */
const fingerprintKey = (env: Env, orgId: string) => `presets:fingerprint:${env.RTK_APP_ID}:${orgId}`;
const failureKey = (orgId: string) => `presets:provisioning-failure:${orgId}`;

/** The 13 built-in presets carrying the org's branding, named as the org's in the deployment's RTK app. */
async function desiredPresets(env: Env, orgId: string, settings: OrgBrandingSettings): Promise<DesiredPreset[]> {
  const scope = await orgPresetScope(env, orgId);
  return brandedPresets(designTokensFromOrgSettings(settings, env.APP_BASE_URL), scope.toRtk);
}

/**
 * Of the bodies as RTK holds them: the org's RTK names are part of it, so an org whose names changed (its first
 * check after migration 0003) provisions again; the first org's bodies, and so its fingerprint, stay as they were.
 */
const fingerprintOf = (desired: DesiredPreset[]) => sha256Hex(JSON.stringify(desired.map(({ body }) => body)));

async function provision(env: Env, orgId: string, rtk: RtkClient, desired: DesiredPreset[], fingerprint: string) {
  const result = await withRtkErrors(() => reconcilePresets(rtk, desired));
  // Bookkeeping only: if KV refuses (one write per key per second), the next check just provisions again.
  await Promise.all([
    env.KV_CACHE.put(fingerprintKey(env, orgId), fingerprint, { expirationTtl: FINGERPRINT_TTL_SECONDS }),
    env.KV_CACHE.delete(failureKey(orgId)),
  ]).catch(() => undefined);
  return result;
}

/**
 * Creates or updates the org's 13 built-in presets by name, branded with the given settings (ARCHITECTURE
 * item 5). Idempotent: a second run changes nothing. All orgs' presets are in the deployment's RTK app, each
 * org's under names of its own (preset-scope.ts), so one org's branding never reaches another's presets.
 */
export async function provisionPresets(
  env: Env,
  orgId: string,
  settings: OrgBrandingSettings,
): Promise<ProvisionResult> {
  const rtk = realtimeKit(env);
  const desired = await desiredPresets(env, orgId, settings);
  return provision(env, orgId, rtk, desired, await fingerprintOf(desired));
}

/** Provisions only when the branded presets differ from the last successful run (or it was a day ago). */
async function provisionIfChanged(
  env: Env,
  orgId: string,
  settings: OrgBrandingSettings,
  rtk: RtkClient,
): Promise<ProvisionResult | 'current'> {
  const desired = await desiredPresets(env, orgId, settings);
  const fingerprint = await fingerprintOf(desired);
  if ((await env.KV_CACHE.get(fingerprintKey(env, orgId))) === fingerprint) return 'current';
  return provision(env, orgId, rtk, desired, fingerprint);
}

/** Per isolate: until when the presets count as current for an (app, org, settings version). */
const confirmedCurrent = new Map<string, number>();
const CONFIRMED_FOR_MS = 60_000;

/**
 * For the join, with the org settings it already loaded. A check made in this isolate within the last minute
 * for the same settings version is trusted: no hashing or KV read on the hot path. Otherwise one KV read (plus,
 * once per isolate, the org's preset names); RTK only when the branding changed.
 */
export async function ensurePresetsProvisioned(
  env: Env,
  orgId: string,
  settings: VersionedBranding,
  now = Date.now(),
): Promise<ProvisionResult | 'current'> {
  const key = `${env.RTK_APP_ID}:${orgId}:${settings.updatedAt}`;
  if ((confirmedCurrent.get(key) ?? 0) > now) return 'current';
  const result = await provisionIfChanged(env, orgId, settings, realtimeKit(env));
  confirmedCurrent.set(key, now + CONFIRMED_FOR_MS);
  return result;
}

/** A settings save waits for RTK at most this long: a failure is recorded and retried later instead. */
const AFTER_SAVE_CLIENT = { timeoutMs: 5_000, retries: 0 };

/**
 * After branding is saved, with the saved settings: re-brand the presets (if the saved values change them),
 * never failing the save. A failure is recorded (shown with the preset list, cleared by the next success) and
 * the fingerprint dropped, so the next join or a `POST /api/presets/provision` retries it.
 */
export async function reprovisionAfterBrandingChange(
  env: Env,
  orgId: string,
  settings: OrgBrandingSettings,
): Promise<void> {
  // Not configured yet (a fresh self-deploy): nothing to brand; the first provisioning will.
  const rtk = rtkClientFromEnv(env, AFTER_SAVE_CLIENT);
  if (!rtk) return;
  try {
    await provisionIfChanged(env, orgId, settings, rtk);
  } catch (error) {
    Sentry.captureException(error, { tags: { component: 'presets' } });
    const message = error instanceof Error ? error.message : String(error);
    console.error(JSON.stringify({ level: 'error', msg: 'preset provisioning failed', name: (error as Error)?.name }));
    const failure: ProvisioningFailure = { at: isoNow(), message };
    await Promise.all([
      env.KV_CACHE.put(failureKey(orgId), JSON.stringify(failure)),
      env.KV_CACHE.delete(fingerprintKey(env, orgId)),
    ]).catch(() => undefined);
  }
}

/** The last failed re-branding, until a provisioning succeeds. */
export async function lastProvisioningFailure(env: Env, orgId: string): Promise<ProvisioningFailure | null> {
  return env.KV_CACHE.get<ProvisioningFailure>(failureKey(orgId), 'json');
}
