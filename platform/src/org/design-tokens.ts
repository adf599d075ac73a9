import type { BrandTokens } from '@castio/shared/presets';
import type { OrgSettings } from './settings-schema';

/** The settings that end up in RTK presets; saving any of them re-brands the presets. */
export const BRANDING_SETTINGS = [
  'theme',
  'brandColor',
  'backgroundColor',
  'textColor',
  'textOnPrimaryColor',
  'videoBgColor',
  'fontFamily',
  'googleFont',
  'borderWidth',
  'borderRadius',
] as const satisfies readonly (keyof OrgSettings)[];

/**
 * An org's branding settings (seed §11.1) as preset design tokens. The logo is stored as a path on this
 * deployment, so it becomes absolute with the deployment's public URL; without one it stays out of the presets.
 */
export function designTokensFromOrgSettings(settings: OrgSettings, appBaseUrl?: string): BrandTokens {
  return {
    theme: settings.theme,
    brandColor: settings.brandColor,
    backgroundColor: settings.backgroundColor,
    textColor: settings.textColor,
    textOnBrandColor: settings.textOnPrimaryColor,
    videoBgColor: settings.videoBgColor,
    fontFamily: settings.fontFamily,
    googleFont: settings.googleFont,
    borderWidth: settings.borderWidth,
    borderRadius: settings.borderRadius,
    logoUrl: settings.logoUrl && appBaseUrl ? absoluteUrl(settings.logoUrl, appBaseUrl) : null,
  };
}

function absoluteUrl(path: string, base: string): string | null {
  try {
    return new URL(path, base).href;
  } catch {
    return null;
  }
}
