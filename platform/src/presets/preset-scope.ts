/**
 * Every org of a deployment shares its one RealtimeKit app, where preset names are unique per app, so each org's
 * presets live in RTK under names of its own: `<prefix><name>`. The deployment's first org has the prefix '' and
 * keeps the plain names it always had (migrations/platform/0003_org_preset_prefix.sql); every other org has
 * `org-<org id>-`, a pattern no org may choose a name in. An org's presets are exactly the RTK presets whose names
 * carry its prefix; the API shows and takes names without it.
 */

/** `org-`, a ULID (Crockford base32, in any case) and `-`: the start of a non-first org's RTK preset names. */
const RESERVED_PREFIX = /^org-[0-9A-HJKMNP-TV-Z]{26}-/i;

/** Whether a name lies in the space reserved for orgs' scoped names, so no org may choose it. */
export const isReservedPresetName = (name: string) => RESERVED_PREFIX.test(name);

export interface PresetScope {
  /** The RTK name of the org's preset `name`. */
  toRtk(name: string): string;
  /** The org's name for the RTK preset `rtkName`, or null when that preset is not the org's. */
  fromRtk(rtkName: string): string | null;
}

/** An org's preset names from its stored prefix (`organizations.rtk_preset_prefix`; null: the reserved one). */
export function presetScope(orgId: string, storedPrefix: string | null): PresetScope {
  const prefix = storedPrefix ?? `org-${orgId}-`;
  return {
    toRtk: (name) => prefix + name,
    fromRtk(rtkName) {
      if (!rtkName.startsWith(prefix)) return null;
      const name = rtkName.slice(prefix.length);
      return name && !isReservedPresetName(name) ? name : null;
    },
  };
}

/**
 * A participant's preset as the API shows it: the org's own name, or RTK's unchanged when the preset is not the
 * org's (someone seated before the org had names of its own), so it still says which role they hold.
 */
export const participantPresetName = (scope: PresetScope, rtkName: string | null) =>
  rtkName === null ? null : (scope.fromRtk(rtkName) ?? rtkName);
