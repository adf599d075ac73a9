/**
 * Bringing an RTK app's presets to the desired ones, by name (docs/architecture.md#presets): create what is missing,
 * update what differs, leave the rest, and delete duplicates left by concurrent runs. Idempotent, and safe to
 * run twice at once. Pure apart from the RTK client it is given: no storage, no caching, no runtime.
 */
import type { RtkClient } from '../rtk/client';
import { RtkError } from '../rtk/errors';
import type { RtkPreset, RtkPresetSummary } from '../rtk/presets';
import { matchesDesired } from './matches-desired';
import { type BrandTokens, brandPreset } from './preset-branding';
import { type PresetName, presetDefinitions } from './preset-definitions';
import type { RtkPresetBody } from './preset-schema';

/** Only presets are read or written. */
type PresetsClient = Pick<RtkClient, 'presets'>;

/** One of the 13 built-ins: its name, and its body as RTK is to hold it (branded, under its RTK name). */
export interface DesiredPreset {
  name: PresetName;
  body: RtkPresetBody;
}

export interface ReconcileResult {
  created: PresetName[];
  updated: PresetName[];
  unchanged: PresetName[];
  /** Extra presets with a built-in name (left by concurrent runs against an RTK that allows that) now deleted. */
  duplicatesRemoved: number;
}

/** The 13 built-in presets carrying the branding, each under the name RTK is to hold it by. */
export function brandedPresets(tokens: BrandTokens, rtkName: (name: PresetName) => string): DesiredPreset[] {
  return presetDefinitions().map((definition) => ({
    name: definition.name,
    body: { ...brandPreset(definition, tokens), name: rtkName(definition.name) },
  }));
}

const PAGE_SIZE = 100;
/** Far more presets than an app has; stops a paging bug from looping forever. */
const MAX_PAGES = 20;

/** Every preset of the app (RTK pages its list), oldest first, so "the first with this name" is stable. */
export async function listAllPresets(rtk: PresetsClient): Promise<RtkPresetSummary[]> {
  const all: RtkPresetSummary[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { items } = await rtk.presets.list({ page, perPage: PAGE_SIZE });
    all.push(...items);
    if (items.length < PAGE_SIZE) break;
  }
  return all.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id));
}

type Outcome = 'created' | 'updated' | 'unchanged';

async function updateIfDifferent(rtk: PresetsClient, body: RtkPresetBody, current: RtkPreset): Promise<Outcome> {
  if (matchesDesired(body, current)) return 'unchanged';
  const { name: _name, ...changes } = body;
  await rtk.presets.update(current.id, changes);
  return 'updated';
}

/** One built-in by name: create it, or bring the existing one to the definition. */
async function reconcileOne(
  rtk: PresetsClient,
  body: RtkPresetBody,
  existing: RtkPresetSummary | undefined,
): Promise<Outcome> {
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

/** Deletes all but the oldest preset of each desired name; concurrent runs pick the same survivor. */
async function removeDuplicates(rtk: PresetsClient, names: Set<string>, presets: RtkPresetSummary[]) {
  const seen = new Set<string>();
  const extras = presets.filter((preset) => {
    if (!names.has(preset.name)) return false;
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

/** Only the desired presets (by their RTK names) are looked at, changed or deduplicated; others are left alone. */
export async function reconcilePresets(rtk: PresetsClient, desired: DesiredPreset[]): Promise<ReconcileResult> {
  const existing = await listAllPresets(rtk);
  const oldestByName = new Map<string, RtkPresetSummary>();
  for (const preset of existing) if (!oldestByName.has(preset.name)) oldestByName.set(preset.name, preset);
  const outcomes = await Promise.all(desired.map(({ body }) => reconcileOne(rtk, body, oldestByName.get(body.name))));
  const result: ReconcileResult = { created: [], updated: [], unchanged: [], duplicatesRemoved: 0 };
  for (const [index, outcome] of outcomes.entries()) result[outcome].push(desired[index]!.name);
  const names = new Set(desired.map(({ body }) => body.name));
  // Only a create can have raced with another run's create; otherwise the first listing is still accurate.
  const current = result.created.length ? await listAllPresets(rtk) : existing;
  result.duplicatesRemoved = await removeDuplicates(rtk, names, current);
  return result;
}
