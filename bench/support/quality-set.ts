// The labelled set of bench/quality.ts: bench/quality/labels.json, read and typed, and where
// bench/quality/fetch-set.sh put the images (PIXTAG_QUALITY_DIR, default ~/.cache/pixtag-quality).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Kind = 'photo' | 'drawing' | 'abstract' | 'diagram' | 'scan';
export type Split = 'tune' | 'heldout';

export interface LabelledImage {
  id: string;
  /** A key of the set's sources: the Debian package or npm tarball the file comes from. */
  source: string;
  /** Inside the package. */
  path: string;
  sha256: string;
  kind: Kind;
  /** Photos only. */
  split?: Split;
  /** COCO-80 objects clearly present, by the local model's names. */
  coco: string[];
  /** Broader words a person would expect (broader-words.ts parents). */
  broad: string[];
  faces: 'none' | 'one' | 'several';
  portrait: boolean;
  /** Legible words, as printed. */
  words: string[];
  /** null: a person could say either; not scored. */
  greyscale: boolean | null;
  night: boolean | null;
  /** The sky is in the photo, in any weather. */
  sky: boolean | null;
}

interface LabelsFile {
  sources: Record<string, { deb?: string; npm?: string; version: string; licence: string }>;
  images: LabelledImage[];
}

export const LABELS_FILE = join(import.meta.dirname, '..', 'quality', 'labels.json');

export function qualityDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PIXTAG_QUALITY_DIR ?? join(homedir(), '.cache', 'pixtag-quality');
}

/** The labels, and the bytes of each image; fails with the command to run if any is missing. */
export function readSet(dir: string): {
  images: LabelledImage[];
  read: (image: LabelledImage) => Buffer;
} {
  const { images } = JSON.parse(readFileSync(LABELS_FILE, 'utf8')) as LabelsFile;
  const file = (image: LabelledImage) => join(dir, 'images', image.source, image.path);
  const missing = images.filter((image) => !existsSync(file(image)));
  if (missing.length > 0) {
    throw new Error(
      `${missing.length} of the ${images.length} images are not in ${dir}/images: run bash bench/quality/fetch-set.sh first`,
    );
  }
  return { images, read: (image) => readFileSync(file(image)) };
}
