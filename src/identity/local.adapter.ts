// AUTH=local (the default): accounts in the SQLite database in DATA_DIR, tokens signed by this
// app with a key kept there, issued as PUBLIC_URL. No variables of its own.
import * as z from 'zod';
import { identityAdapter } from '../adapter-descriptor.js';

export const localIdentity = identityAdapter({
  kind: 'local',
  envSchema: z.object({}),
  settings: () => ({}),
  async create(_settings, { database, dataDir, publicUrl }) {
    const { LocalIdentityProvider } = await import('./local.js');
    return LocalIdentityProvider.open({ db: await database(), dataDir, issuer: publicUrl });
  },
});
