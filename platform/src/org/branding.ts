import { newId } from '@castio/shared/ids';
import type { Env } from '../env';
import { ApiError, notFound } from '../http/errors';
import { type BrandingColumn, findBrandingUrl, setBrandingUrlStatement } from './queries';

export const BRANDING_KINDS = ['logo', 'favicon', 'watermark'] as const;
export type BrandingKind = (typeof BRANDING_KINDS)[number];

const IMAGE_TYPES = {
  png: {
    contentType: 'image/png',
    signature: (b: Uint8Array) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  jpg: { contentType: 'image/jpeg', signature: (b: Uint8Array) => startsWith(b, [0xff, 0xd8, 0xff]) },
  webp: {
    contentType: 'image/webp',
    signature: (b: Uint8Array) =>
      startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b.subarray(8), [0x57, 0x45, 0x42, 0x50]),
  },
  ico: { contentType: 'image/x-icon', signature: (b: Uint8Array) => startsWith(b, [0x00, 0x00, 0x01, 0x00]) },
} as const;
type ImageExtension = keyof typeof IMAGE_TYPES;

/** What each asset may be. SVG is never accepted: it can carry script. */
const RULES: Record<BrandingKind, { extensions: ImageExtension[]; maxBytes: number; column: BrandingColumn }> = {
  logo: { extensions: ['png', 'jpg', 'webp'], maxBytes: 2 * 1024 * 1024, column: 'logo_url' },
  favicon: { extensions: ['png', 'ico', 'webp'], maxBytes: 256 * 1024, column: 'favicon_url' },
  watermark: { extensions: ['png', 'webp'], maxBytes: 1024 * 1024, column: 'watermark_image_url' },
};

export const ASSET_FILE_NAME = /^[0-9A-HJKMNP-TV-Z]{26}\.(png|jpg|webp|ico)$/;

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((value, index) => bytes[index] === value);
}

/** The image type from the file's own bytes; the client's filename and content type are ignored. */
export function sniffImage(bytes: Uint8Array): ImageExtension | null {
  return (
    (Object.keys(IMAGE_TYPES) as ImageExtension[]).find((extension) => IMAGE_TYPES[extension].signature(bytes)) ?? null
  );
}

export const brandingKey = (orgId: string, fileName: string) => `org/${orgId}/branding/${fileName}`;
export const brandingUrl = (orgId: string, fileName: string) => `/api/org/branding/${orgId}/${fileName}`;

/** Stores an uploaded logo/favicon/watermark under a key the server chooses, and points the org setting at it. */
export async function uploadBrandingAsset(env: Env, orgId: string, kind: BrandingKind, file: File) {
  const rule = RULES[kind];
  if (file.size > rule.maxBytes) {
    throw new ApiError('payload_too_large', `The ${kind} must be at most ${Math.round(rule.maxBytes / 1024)} KB.`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const extension = sniffImage(bytes);
  if (!extension || !rule.extensions.includes(extension)) {
    throw new ApiError('unsupported_image', `Upload the ${kind} as ${rule.extensions.join(', ').toUpperCase()}.`, {
      accepted: rule.extensions,
    });
  }
  const fileName = `${newId()}.${extension}`;
  await env.R2_BRANDING.put(brandingKey(orgId, fileName), bytes, {
    httpMetadata: { contentType: IMAGE_TYPES[extension].contentType },
  });
  const url = brandingUrl(orgId, fileName);
  const previous = await findBrandingUrl(env.DB, orgId, rule.column);
  await setBrandingUrlStatement(env.DB, orgId, rule.column, url).run();
  const previousFile = previous?.url?.split('/').pop();
  if (previousFile && ASSET_FILE_NAME.test(previousFile))
    await env.R2_BRANDING.delete(brandingKey(orgId, previousFile));
  return { kind, url, contentType: IMAGE_TYPES[extension].contentType, size: bytes.length };
}

export async function readBrandingAsset(env: Env, orgId: string, fileName: string) {
  if (!ASSET_FILE_NAME.test(fileName)) throw notFound('The image');
  const object = await env.R2_BRANDING.get(brandingKey(orgId, fileName));
  if (!object) throw notFound('The image');
  return object;
}
