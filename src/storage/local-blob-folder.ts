// Where the local BlobStore keeps its objects: one file per key under <DATA_DIR>/blobs, and
// uploads in progress under blobs/.incoming until they land whole. Shared by the store (local.ts)
// and the endpoint its signed URLs point at (local-upload-endpoint.ts); knows paths and keys,
// nothing of signatures or HTTP.
import { randomUUID } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobNotFoundError } from './blob-store.js';

/** Keys are slash-separated segments of safe characters: nothing can escape the blob folder. */
const SAFE_KEY =
  /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\/){0,7}[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function isSafeKey(key: string): boolean {
  return SAFE_KEY.test(key);
}

/** The key itself, or an Error for a key that could leave the folder. */
export function checkKey(key: string): string {
  // A programming error, not a client's: keys are made by objectKey(), never taken from input
  // without this check.
  if (!isSafeKey(key)) throw new Error(`unsafe object key: ${JSON.stringify(key)}`);
  return key;
}

export class BlobFolder {
  private constructor(private readonly root: string) {}

  static async open(dataDir: string): Promise<BlobFolder> {
    const root = join(dataDir, 'blobs');
    await mkdir(join(root, '.incoming'), { recursive: true });
    return new BlobFolder(root);
  }

  pathOf(key: string): string {
    return join(this.root, checkKey(key));
  }

  /** A new file name for an upload in progress: on the same file system, so it can be renamed. */
  incomingPath(): string {
    return join(this.root, '.incoming', randomUUID());
  }

  /** The object's file, open for reading; BlobNotFoundError when there is none. */
  async openFile(key: string): Promise<FileHandle> {
    const file = this.pathOf(key);
    try {
      return await open(file, 'r');
    } catch (error) {
      throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new BlobNotFoundError(key) : error;
    }
  }
}
