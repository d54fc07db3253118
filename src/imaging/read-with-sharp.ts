// How untrusted upload bytes are opened with sharp: the one pixel cap, the one strictness and the
// same words for the user when it fails, whichever step reads them. Imports only the domain.
import type * as SharpModule from 'sharp';
import { UnprocessableImageError } from '../domain/errors.js';

// Far above any photo a person uploads, far below what would exhaust memory while decoding.
export const MAX_INPUT_PIXELS = 100_000_000;

let loaded: Promise<typeof SharpModule> | undefined;

/**
 * sharp, imported on first use: the API handler (on Lambda too) never pays for loading it, and
 * only the processing path needs it. Every imaging module gets it here.
 */
export function loadSharp(): Promise<typeof SharpModule> {
  loaded ??= import('sharp').then((module) => {
    // libvips keeps the results of recent operations (up to 50 MiB) to answer a repeat; every
    // upload is new, so the cache only holds memory.
    module.default.cache(false);
    return module;
  });
  return loaded;
}

export async function openWithSharp(bytes: Uint8Array): Promise<SharpModule.Sharp> {
  const { default: sharp } = await loadSharp();
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
