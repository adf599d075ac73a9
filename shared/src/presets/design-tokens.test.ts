import { describe, expect, it } from 'vitest';
import {
  BRANDING_SETTINGS,
  changesBranding,
  designTokensFromOrgSettings,
  type OrgBrandingSettings,
} from './design-tokens';
import { toRtkDesignTokens } from './preset-branding';

const ACME: OrgBrandingSettings = {
  theme: 'dark',
  brandColor: '#2563EB',
  backgroundColor: '#101820',
  textColor: null,
  textOnPrimaryColor: '#FFFFFF',
  videoBgColor: null,
  fontFamily: 'Inter',
  googleFont: null,
  borderWidth: 'thin',
  borderRadius: 'rounded',
  logoUrl: '/api/org/branding/01J/01K.png',
};

/** A different valid value for each branding setting. */
const OTHER: Pick<OrgBrandingSettings, (typeof BRANDING_SETTINGS)[number]> = {
  theme: 'light',
  brandColor: '#0F766E',
  backgroundColor: '#FFFFFF',
  textColor: '#111111',
  textOnPrimaryColor: '#000000',
  videoBgColor: '#222222',
  fontFamily: 'Georgia',
  googleFont: 'Roboto',
  borderWidth: 'fat',
  borderRadius: 'sharp',
};

describe('designTokensFromOrgSettings', () => {
  it('maps the settings onto design tokens, the logo made absolute with the deployment’s URL', () => {
    expect(designTokensFromOrgSettings(ACME, 'https://meet.acme.example/')).toEqual({
      theme: 'dark',
      brandColor: '#2563EB',
      backgroundColor: '#101820',
      textColor: null,
      textOnBrandColor: '#FFFFFF',
      videoBgColor: null,
      fontFamily: 'Inter',
      googleFont: null,
      borderWidth: 'thin',
      borderRadius: 'rounded',
      logoUrl: 'https://meet.acme.example/api/org/branding/01J/01K.png',
    });
  });

  it('leaves the logo out without a public URL, or when it cannot be made absolute', () => {
    expect(designTokensFromOrgSettings(ACME).logoUrl).toBeNull();
    expect(designTokensFromOrgSettings(ACME, 'not a url').logoUrl).toBeNull();
    expect(designTokensFromOrgSettings({ ...ACME, logoUrl: null }, 'https://meet.acme.example').logoUrl).toBeNull();
  });

  it('changes the RTK tokens for every branding setting, which is why saving one re-brands', () => {
    const before = toRtkDesignTokens(designTokensFromOrgSettings(ACME));
    for (const key of BRANDING_SETTINGS) {
      const after = toRtkDesignTokens(designTokensFromOrgSettings({ ...ACME, [key]: OTHER[key] }));
      expect(after, key).not.toEqual(before);
    }
  });
});

describe('changesBranding', () => {
  it('is true for a patch naming a branding setting (even to clear it), false otherwise', () => {
    expect(changesBranding({ brandColor: '#000000' })).toBe(true);
    expect(changesBranding({ googleFont: null })).toBe(true);
    expect(changesBranding({ defaultWaitingRoom: true, orgName: 'Acme' })).toBe(false);
    expect(changesBranding({})).toBe(false);
  });
});
