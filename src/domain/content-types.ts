// The image types pixtag accepts, with the names people know them by and the file extension a
// nameless upload gets. The bytes decide what a file really is (imaging/sniff-image-type.ts).

export const ALLOWED_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;

export type ImageContentType = (typeof ALLOWED_IMAGE_TYPES)[number];

const TYPES: Record<ImageContentType, { name: string; extension: string }> = {
  'image/jpeg': { name: 'JPEG', extension: 'jpg' },
  'image/png': { name: 'PNG', extension: 'png' },
  'image/webp': { name: 'WebP', extension: 'webp' },
  'image/gif': { name: 'GIF', extension: 'gif' },
};

export function isAllowedImageType(type: string): type is ImageContentType {
  return Object.hasOwn(TYPES, type);
}

/** A short name people know the format by ("JPEG"), for messages. */
export function describeImageType(type: ImageContentType): string {
  return TYPES[type].name;
}

/** "jpg" for image/jpeg: the extension of the filename an upload without one is given. */
export function extensionOf(type: string): string {
  return isAllowedImageType(type) ? TYPES[type].extension : 'img';
}
