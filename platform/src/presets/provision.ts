import * as Sentry from '@sentry/cloudflare';
import { sha256Hex } from '@castio/shared/encoding';
import { brandPreset, type PresetName, presetDefinitions } from '@castio/shared/presets';
import type { RtkPresetBody } from '@castio/shared/presets';
import { type RtkClient, RtkError, type RtkPreset, type RtkPresetSummary } from '@castio/shared/rtk';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import { isoNow } from '@castio/shared/time';
import type { Env } from '../env';
import { designTokensFromOrgSettings } from '../org/design-tokens';
import { getOrgSettings } from '../org/settings-service';
import { realtimeKit } from '../realtimekit/client';
import { listAllPresets, withRtkErrors } from './rtk-access';
import { matchesDesired } from './matches-desired';
import { orgPresetScope } from './org-preset-scope';

export interface ProvisionResult {
  created: PresetName[];
  updated: PresetName[];
  unchanged: PresetName[];
  /** Extra presets with a built-in name (left by concurrent runs against an RTK that allows that) now deleted. */
  duplicatesRemoved: number;
}

export interface ProvisioningFailure {
  at: string;
  message: string;
}

/** Re-checked at least daily even when nothing changed here, so edits made in RTK's dashboard are repaired. */
const FINGERPRINT_TTL_SECONDS = 24 * 60 * 60;
/** Keyed by app too: pointing the deployment at another RTK app must provision that app. */
const fingerprintKey = (env: Env, orgId: string) => `presets:fingerprint:${env.RTK_APP_ID}:${orgId}`;
const failureKey = (orgId: string) => `presets:provisioning-failure:${orgId}`;

/** One of the org's 13 built-ins: its name, and its body as RTK is to hold it (branded, under the org's RTK name). */
interface DesiredPreset {
  name: PresetName;
  body: RtkPresetBody;
}

/** The 13 built-in presets carrying the org's branding, named as the org's in the deployment's RTK app. */
async function desiredPresets(env: Env, orgId: string): Promise<DesiredPreset[]> {
  const [settings, scope] = await Promise.all([getOrgSettings(env, orgId), orgPresetScope(env, orgId)]);
  const tokens = designTokensFromOrgSettings(settings, env.APP_BASE_URL);
  return presetDefinitions().map((definition) => ({
    name: definition.name,
    body: { ...brandPreset(definition, tokens), name: scope.toRtk(definition.name) },
  }));
}

type Outcome = 'created' | 'updated' | 'unchanged';

async function updateIfDifferent(rtk: RtkClient, body: RtkPresetBody, current: RtkPreset): Promise<Outcome> {
  if (matchesDesired(body, current)) return 'unchanged';
  const { name: _name, ...changes } = body;
  await rtk.presets.update(current.id, changes);
  return 'updated';
}

/** One built-in by name: create it, or bring the existing one to the definition. */
async function reconcile(rtk: RtkClient, body: RtkPresetBody, existing: RtkPresetSummary | undefined) {
  if (existing) return updateIfDifferent(rtk, body, await rtk.presets.get(existing.id));
  try {
    await rtk.presets.create(body);
    return 'created';
  } catch (error) {
    // Another run created it between our list and our create: theirs is ours, bring it up to date.
    if (!(error instanceof RtkError && error.code === 'conflict')) throw error;
    const theirs = (await listAllPresets(rtk)).find((preset) => preset.name === body.name);
    if (!theirs) throw error;
    return updateIfDifferent(rtk, body, await rtk.presets.get(theirs.id));
  }
}

/** Deletes all but the oldest preset of each of the org's built-in names; concurrent runs pick the same survivor. */
async function removeDuplicates(rtk: RtkClient, builtInNames: Set<string>, presets: RtkPresetSummary[]) {
  const seen = new Set<string>();
  const extras = presets.filter((preset) => {
    if (!builtInNames.has(preset.name)) return false;
    if (!seen.has(preset.name)) {
      seen.add(preset.name);
      return false;
    }
    return true;
  });
  await Promise.all(
    extras.map((preset) =>
      rtk.presets.delete(preset.id).catch((error: unknown) => {
        // A concurrent run deleted it first.
        if (!(error instanceof RtkError && error.code === 'not_found')) throw error;
      }),
    ),
  );
  return extras.length;
}

/** Only the org's own built-ins (by their RTK names) are looked at, changed or deduplicated. */
async function reconcileAll(rtk: RtkClient, desired: DesiredPreset[]): Promise<ProvisionResult> {
  const existing = await listAllPresets(rtk);
  const oldestByName = new Map<string, RtkPresetSummary>();
  for (const preset of existing) if (!oldestByName.has(preset.name)) oldestByName.set(preset.name, preset);
  const outcomes = await Promise.all(desired.map(({ body }) => reconcile(rtk, body, oldestByName.get(body.name))));
  const result: ProvisionResult = { created: [], updated: [], unchanged: [], duplicatesRemoved: 0 };
  for (const [index, outcome] of outcomes.entries()) result[outcome].push(desired[index]!.name);
  const builtInNames = new Set(desired.map(({ body }) => body.name));
  // Only a create can have raced with another run's create; otherwise the first listing is still accurate.
  const current = result.created.length ? await listAllPresets(rtk) : existing;
  result.duplicatesRemoved = await removeDuplicates(rtk, builtInNames, current);
  return result;
}

/**
 * Of the bodies as RTK holds them: the org's RTK names are part of it, so an org whose names changed (its first
 * check after migration 0003) provisions again; the first org's bodies, and so its fingerprint, stay as they were.
 */
const fingerprintOf = (desired: DesiredPreset[]) => sha256Hex(JSON.stringify(desired.map(({ body }) => body)));

async function provision(env: Env, orgId: string, rtk: RtkClient, desired: DesiredPreset[], fingerprint: string) {
  const result = await withRtkErrors(() => reconcileAll(rtk, desired));
  // Bookkeeping only: if KV refuses (one write per key per second), the next check just provisions again.
  await Promise.all([
    env.KV_CACHE.put(fingerprintKey(env, orgId), fingerprint, { expirationTtl: FINGERPRINT_TTL_SECONDS }),
    env.KV_CACHE.delete(failureKey(orgId)),
  ]).catch(() => undefined);
  return result;
}

/**
 * Creates or updates the org's 13 built-in presets by name, branded for the org (ARCHITECTURE item 5).
 * Idempotent: a second run changes nothing. All orgs' presets are in the deployment's RTK app, each org's under
 * names of its own (preset-scope.ts), so one org's branding never reaches another's presets.
 */
export async function provisionPresets(env: Env, orgId: string): Promise<ProvisionResult> {
  const rtk = realtimeKit(env);
  const desired = await desiredPresets(env, orgId);
  return provision(env, orgId, rtk, desired, await fingerprintOf(desired));
}

/** Provisions only when the branded presets differ from the last successful run (or it was a day ago). */
async function provisionIfChanged(env: Env, orgId: string, rtk: RtkClient): Promise<ProvisionResult | 'current'> {
  const desired = await desiredPresets(env, orgId);
  const fingerprint = await fingerprintOf(desired);
  if ((await env.KV_CACHE.get(fingerprintKey(env, orgId))) === fingerprint) return 'current';
  return provision(env, orgId, rtk, desired, fingerprint);
}

/** Per isolate: until when the presets count as current for an (app, org, settings version). */
const confirmedCurrent = new Map<string, number>();
const CONFIRMED_FOR_MS = 60_000;

/**
 * For the meetings code before a join. With the org settings' version (`updatedAt`), a check made in this
 * isolate within the last minute for the same branding is trusted: no settings read, hashing or KV read on
 * the hot path. Otherwise one D1 and one KV read (plus, once per isolate, the org's preset names); RTK only when
 * the branding changed.
 */
export async function ensurePresetsProvisioned(
  env: Env,
  orgId: string,
  settingsVersion?: string,
  now = Date.now(),
): Promise<ProvisionResult | 'current'> {
  const key = `${env.RTK_APP_ID}:${orgId}:${settingsVersion}`;
  if (settingsVersion && (confirmedCurrent.get(key) ?? 0) > now) return 'current';
  const result = await provisionIfChanged(env, orgId, realtimeKit(env));
  if (settingsVersion) confirmedCurrent.set(key, now + CONFIRMED_FOR_MS);
  return result;
}

/** A settings save waits for RTK at most this long: a failure is recorded and retried later instead. */
const AFTER_SAVE_CLIENT = { timeoutMs: 5_000, retries: 0 };

/**
 * After branding is saved: re-brand the presets (if the saved values change them), never failing the save. A
 * failure is recorded (shown with the preset list, cleared by the next success) and the fingerprint dropped,
 * so the next join or a `POST /api/presets/provision` retries it.
 */
export async function reprovisionAfterBrandingChange(env: Env, orgId: string): Promise<void> {
  // Not configured yet (a fresh self-deploy): nothing to brand; the first provisioning will.
  const rtk = rtkClientFromEnv(env, AFTER_SAVE_CLIENT);
  if (!rtk) return;
  try {
    await provisionIfChanged(env, orgId, rtk);
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
