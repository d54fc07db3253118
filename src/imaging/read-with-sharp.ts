// How untrusted upload bytes are opened with sharp: the one pixel cap, the one strictness and the
// same words for the user when it fails, whichever step reads them. Imports only the domain.
import type { Sharp } from 'sharp';
import { UnprocessableImageError } from '../domain/errors.js';

// Far above any photo a person uploads, far below what would exhaust memory while decoding.
export const MAX_INPUT_PIXELS = 100_000_000;

/**
 * sharp is imported on first use: the API handler (on Lambda too) never pays for loading it, and
 * only the processing path needs it.
 */
export async function openWithSharp(bytes: Uint8Array): Promise<Sharp> {
  const { default: sharp } = await import('sharp');
  return sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS });
}

/** Runs a sharp pipeline; a decoding failure becomes the image's `failed` reason. */
export async function withSharpErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const tooLarge = error instanceof Error && /pixel limit/i.test(error.message);
    throw new UnprocessableImageError(
      tooLarge
        ? 'The image has too many pixels to be processed.'
        : 'The file could not be read as an image.',
      { cause: error },
    );
  }
}
