// Seeds a DATA_DIR for bench/http.ts before the server opens it, through the adapters the server
// itself uses (no model, no HTTP): one user, then `count` images, each tagged `person` and three
// more. The signing key is created here too, with the server's PUBLIC_URL as issuer.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteImageCatalog } from '../../src/catalog/sqlite.js';
import { openDatabase } from '../../src/db/database.js';
import { LocalIdentityProvider } from '../../src/identity/local.js';

const TAGS = ['bus', 'car', 'bicycle', 'dog', 'traffic light', 'backpack', 'umbrella'];

/** Returns the id of the newest image. */
export async function seedImages(
  dataDir: string,
  issuer: string,
  user: { username: string; password: string },
  count: number,
): Promise<string> {
  const db = openDatabase(join(dataDir, 'pixtag.db'));
  try {
    const identity = await LocalIdentityProvider.open({ db, dataDir, issuer });
    await identity.signUp(user.username, user.password);
    const { token } = await identity.signIn(user.username, user.password);
    const payload = Buffer.from(token.split('.')[1] ?? '', 'base64url').toString();
    const owner = (JSON.parse(payload) as { sub: string }).sub;
    const catalog = new SqliteImageCatalog(db);
    const start = Date.now() - count * 1000;
    let id = '';
    for (let i = 0; i < count; i += 1) {
      id = randomUUID();
      const createdAt = new Date(start + i * 1000).toISOString();
      await catalog.insert({
        id,
        ownerId: owner,
        filename: `photo-${i}.jpg`,
        contentType: 'image/jpeg',
        size: 150_000 + i,
        status: 'pending',
        tags: [],
        createdAt,
      });
      const others = [0, 1, 2].map((k) => ({
        name: TAGS[(i + k * 3) % TAGS.length]!,
        confidence: 0.8 - k / 10,
      }));
      const tags = [{ name: 'person', confidence: 0.97 }, ...others];
      await catalog.markTagged(owner, id, { labels: tags, taggedAt: createdAt });
    }
    return id;
  } finally {
    db.close();
  }
}
