import type { BrandTokens } from './preset-branding';

/**
 * An org's branding settings as the platform's org settings name them (spec §11.1): what of them reaches the
 * presets. Plain values, so the platform, the deployer and the web app can all pass their own settings objects.
 */
export interface OrgBrandingSettings {
  theme: BrandTokens['theme'];
  brandColor: string;
  backgroundColor: string | null;
  textColor: string | null;
  textOnPrimaryColor: string | null;
  videoBgColor: string | null;
  fontFamily: string | null;
  googleFont: string | null;
  borderWidth: BrandTokens['borderWidth'];
  borderRadius: BrandTokens['borderRadius'];
  /** As stored: a path on the deployment (`/api/org/branding/…`), or an absolute URL. */
  logoUrl: string | null;
}

/** The settings that end up in RTK presets; saving any of them re-brands the presets (the logo is uploaded). */
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
] as const satisfies readonly Exclude<keyof OrgBrandingSettings, 'logoUrl'>[];

/** Whether a settings change names any branding setting, so the presets must be re-branded. */
export const changesBranding = (patch: object): boolean => BRANDING_SETTINGS.some((key) => key in patch);

/**
 * An org's branding settings as preset design tokens. The logo is stored as a path on the deployment, so it
 * becomes absolute with the deployment's public URL; without one it stays out of the presets.
 */
export function designTokensFromOrgSettings(settings: OrgBrandingSettings, appBaseUrl?: string): BrandTokens {
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
