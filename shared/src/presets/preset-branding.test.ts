import { describe, expect, it } from 'vitest';
import { shiftLightness } from './colour';
import { type BrandTokens, brandPreset, toRtkDesignTokens } from './preset-branding';
import { presetDefinitions } from './preset-definitions';
import { RtkPresetBodySchema } from './preset-schema';

const ACME: BrandTokens = {
  theme: 'dark',
  brandColor: '#2563EB',
  backgroundColor: '#101820',
  textColor: '#F5F5F5',
  textOnBrandColor: '#FFFFFF',
  videoBgColor: '#202020',
  borderRadius: 'extra-rounded',
  borderWidth: 'fat',
  spacingBase: 6,
  logoUrl: 'https://meet.acme.example/api/org/branding/01J/logo.png',
  fontFamily: 'Inter',
};

describe('brandPreset', () => {
  it('puts the org’s tokens into ui.design_tokens and leaves permissions and config alone', () => {
    const [videoHost] = presetDefinitions();
    const branded = brandPreset(videoHost!, ACME);
    expect(branded.permissions).toEqual(videoHost!.permissions);
    expect(branded.config).toEqual(videoHost!.config);
    expect(branded.name).toBe('video_host');
    expect(branded.ui.design_tokens).toMatchObject({
      theme: 'dark',
      border_radius: 'extra-rounded',
      border_width: 'fat',
      spacing_base: 6,
      logo: 'https://meet.acme.example/api/org/branding/01J/logo.png',
      font_family: 'Inter',
      colors: {
        text: '#F5F5F5',
        text_on_brand: '#FFFFFF',
        video_bg: '#202020',
        danger: '#FF2D2D',
        success: '#62A504',
        warning: '#FFCD07',
      },
    });
    expect(branded.ui.design_tokens.colors.brand['500']).toBe('#2563EB');
    expect(branded.ui.design_tokens.colors.background['1000']).toBe('#101820');
    expect(RtkPresetBodySchema.safeParse(branded).success).toBe(true);
  });

  it('derives brand shades 300–700 from 500: darker below, lighter above, deterministically', () => {
    const { brand } = toRtkDesignTokens(ACME).colors;
    expect(brand).toEqual({
      '300': shiftLightness('#2563EB', -0.12),
      '400': shiftLightness('#2563EB', -0.06),
      '500': '#2563EB',
      '600': shiftLightness('#2563EB', 0.06),
      '700': shiftLightness('#2563EB', 0.12),
    });
    expect(brand).toEqual({ '300': '#1249c1', '400': '#1453dd', '500': '#2563EB', '600': '#4177ee', '700': '#5d8bf0' });
    expect(toRtkDesignTokens(ACME)).toEqual(toRtkDesignTokens({ ...ACME }));
  });

  it('derives background 600–900 from 1000, lighter on dark backgrounds and darker on light ones', () => {
    expect(toRtkDesignTokens({ ...ACME, backgroundColor: '#141414' }).colors.background).toEqual({
      '600': '#232323',
      '700': '#1f1f1f',
      '800': '#1c1c1c',
      '900': '#181818',
      '1000': '#141414',
    });
    expect(toRtkDesignTokens({ ...ACME, theme: 'light', backgroundColor: '#FFFFFF' }).colors.background).toEqual({
      '600': '#f0f0f0',
      '700': '#f4f4f4',
      '800': '#f7f7f7',
      '900': '#fbfbfb',
      '1000': '#FFFFFF',
    });
  });

  it('keeps shades inside black and white', () => {
    const { brand } = toRtkDesignTokens({ ...ACME, brandColor: '#FFFFFF' }).colors;
    expect(brand['700']).toBe('#ffffff');
    expect(toRtkDesignTokens({ ...ACME, brandColor: '#000000' }).colors.brand['300']).toBe('#000000');
  });

  it('falls back to the theme’s colours and readable text when the org leaves them unset', () => {
    const minimal: BrandTokens = { theme: 'light', brandColor: '#FFD500', borderRadius: 'sharp', borderWidth: 'none' };
    const tokens = toRtkDesignTokens(minimal);
    expect(tokens.colors.background['1000']).toBe('#FFFFFF');
    expect(tokens.colors.text).toBe('#111111');
    expect(tokens.colors.text_on_brand).toBe('#111111');
    expect(tokens.spacing_base).toBe(4);
    expect(tokens.logo).toBe('');
    expect(toRtkDesignTokens({ ...minimal, brandColor: '#1E3A8A' }).colors.text_on_brand).toBe('#EEEEEE');
    expect(toRtkDesignTokens({ ...minimal, theme: 'darkest' }).colors.background['1000']).toBe('#080808');
  });

  it('leaves out a logo RTK could not load, and prefers a Google font over a font family', () => {
    expect(toRtkDesignTokens({ ...ACME, logoUrl: '/api/org/branding/x/logo.png' }).logo).toBe('');
    expect(toRtkDesignTokens({ ...ACME, logoUrl: 'javascript:alert(1)' }).logo).toBe('');
    const google = toRtkDesignTokens({ ...ACME, googleFont: 'Roboto' });
    expect(google.google_font).toBe('Roboto');
    expect(google.font_family).toBe('');
    // Cleared fonts are sent as empty, so an update replaces the previous font.
    expect(toRtkDesignTokens({ ...ACME, fontFamily: null })).toMatchObject({ font_family: '', google_font: '' });
  });

  it('brands all 13 presets into valid bodies', () => {
    for (const preset of presetDefinitions()) {
      const result = RtkPresetBodySchema.safeParse(brandPreset(preset, ACME));
      expect(result.error?.issues ?? [], preset.name).toEqual([]);
    }
  });
});
