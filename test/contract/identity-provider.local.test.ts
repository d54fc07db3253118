import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/database.js';
import { LocalIdentityProvider } from '../../src/identity/local.js';
import { identityProviderContract } from './identity-provider.contract.js';

identityProviderContract('local', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-identity-'));
  const db = openDatabase(join(dataDir, 'pixtag.db'));
  const identity = await LocalIdentityProvider.open({ db, dataDir, issuer: 'http://pixtag.test' });
  return {
    identity,
    close: async () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
