// STORAGE=local (the default): files under DATA_DIR, behind URLs this app signs and serves at
// /files/* (so it also hands the store to the app as localFiles). Uploads arrive here, and the
// local job queue processes them. No variables of its own.
import * as z from 'zod';
import { storageAdapter } from '../adapter-descriptor.js';

export const localBlobStorage = storageAdapter({
  kind: 'local',
  processing: 'local',
  envSchema: z.object({}),
  settings: () => ({}),
  async create(_settings, { dataDir, publicUrl, uploadUrlTtlSeconds }) {
    const { LocalBlobStore } = await import('./local.js');
    const store = await LocalBlobStore.open({
      dataDir,
      publicUrl,
      uploadTtlSeconds: uploadUrlTtlSeconds,
      downloadTtlSeconds: uploadUrlTtlSeconds,
    });
    return { blobs: store, localFiles: store };
  },
});
