// INDEX=sqlite (the default): the image index in the SQLite database in DATA_DIR, which the
// local identity and job queue share. No variables of its own.
import * as z from 'zod';
import { catalogAdapter } from '../adapter-descriptor.js';

export const sqliteCatalog = catalogAdapter({
  kind: 'sqlite',
  envSchema: z.object({}),
  settings: () => ({}),
  async create(_settings, { database }) {
    const { SqliteImageCatalog } = await import('./sqlite.js');
    return new SqliteImageCatalog(await database());
  },
});
