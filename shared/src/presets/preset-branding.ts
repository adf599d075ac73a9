import { relativeLuminance, shiftLightness } from './colour';
import type { RtkDesignTokens, RtkPresetBody } from './preset-schema';
import type { BORDER_RADII, BORDER_WIDTHS, THEMES } from './preset-schema';

/**
 * An org's branding in Castio's words (spec §11.1): one brand colour, one background, optional overrides. RTK
 * wants whole shade scales in the preset, so brandPreset derives them here, the same way every time, so that
 * provisioning twice with the same branding sends nothing the second time.
 */
export interface BrandTokens {
  theme: (typeof THEMES)[number];
  brandColor: string;
  backgroundColor?: string | null;
  textColor?: string | null;
  textOnBrandColor?: string | null;
  videoBgColor?: string | null;
  borderRadius: (typeof BORDER_RADII)[number];
  borderWidth: (typeof BORDER_WIDTHS)[number];
  spacingBase?: number;
  /** Absolute http(s) URL; anything else is left out, since RTK's recorder could not load it. */
  logoUrl?: string | null;
  fontFamily?: string | null;
  /** Loaded by the UI kit from Google Fonts; wins over fontFamily (they are mutually exclusive). */
  googleFont?: string | null;
}

/** What each theme falls back to when the org leaves a colour unset. */
const THEME_DEFAULTS: Record<BrandTokens['theme'], { background: string; text: string; videoBg: string }> = {
  dark: { background: '#141414', text: '#EEEEEE', videoBg: '#191919' },
  darkest: { background: '#080808', text: '#EEEEEE', videoBg: '#111111' },
  light: { background: '#FFFFFF', text: '#111111', videoBg: '#E5E5E5' },
};

/** 300/400 darker and 600/700 lighter than 500, as in RTK's default palette. */
const BRAND_STEPS = { '300': -0.12, '400': -0.06, '600': 0.06, '700': 0.12 } as const;
/** Background levels step away from 1000 towards the text colour, 1.5% lightness per level. */
const BACKGROUND_STEP = 0.015;

const RTK_STATUS_COLOURS = { danger: '#FF2D2D', success: '#62A504', warning: '#FFCD07' };

function brandScale(brand: string): RtkDesignTokens['colors']['brand'] {
  return {
    '300': shiftLightness(brand, BRAND_STEPS['300']),
    '400': shiftLightness(brand, BRAND_STEPS['400']),
    '500': brand,
    '600': shiftLightness(brand, BRAND_STEPS['600']),
    '700': shiftLightness(brand, BRAND_STEPS['700']),
  };
}

function backgroundScale(base: string): RtkDesignTokens['colors']['background'] {
  const direction = relativeLuminance(base) < 0.5 ? 1 : -1;
  const level = (steps: number) => shiftLightness(base, direction * steps * BACKGROUND_STEP);
  return { '600': level(4), '700': level(3), '800': level(2), '900': level(1), '1000': base };
}

/** Light text on dark brand colours, dark text on light ones. */
const readableOn = (colour: string) => (relativeLuminance(colour) > 0.45 ? '#111111' : '#EEEEEE');

const isAbsoluteHttpUrl = (value: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** The `ui.design_tokens` RTK takes, from an org's branding. */
export function toRtkDesignTokens(tokens: BrandTokens): RtkDesignTokens {
  const defaults = THEME_DEFAULTS[tokens.theme];
  // Both always present (empty when unset): RTK merges preset updates, so a font left out would never be cleared.
  const googleFont = tokens.googleFont ?? '';
  const fontFamily = googleFont ? '' : (tokens.fontFamily ?? '');
  return {
    theme: tokens.theme,
    border_radius: tokens.borderRadius,
    border_width: tokens.borderWidth,
    spacing_base: tokens.spacingBase ?? 4,
    logo: tokens.logoUrl && isAbsoluteHttpUrl(tokens.logoUrl) ? tokens.logoUrl : '',
    font_family: fontFamily,
    google_font: googleFont,
    colors: {
      brand: brandScale(tokens.brandColor),
      background: backgroundScale(tokens.backgroundColor ?? defaults.background),
      text: tokens.textColor ?? defaults.text,
      text_on_brand: tokens.textOnBrandColor ?? readableOn(tokens.brandColor),
      video_bg: tokens.videoBgColor ?? defaults.videoBg,
      ...RTK_STATUS_COLOURS,
    },
  };
}

/** The preset with the org's design tokens in place of whatever `ui.design_tokens` it had. */
export function brandPreset<B extends RtkPresetBody>(body: B, tokens: BrandTokens): B {
  return { ...body, ui: { ...body.ui, design_tokens: toRtkDesignTokens(tokens) } };
}
