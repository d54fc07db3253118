// Opens the local SQLite database (one file in DATA_DIR) and brings its schema up to date.
// adapters.ts opens it once, on the first local adapter's create(), and hands the one connection
// to each: identity/local-user-store.ts, catalog/sqlite.ts, jobs/job-queue.ts. Nothing on Lambda loads it.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations, REBUILDING_MIGRATIONS } from './migrations.js';
import { registerSearchFunctions } from './search-index.js';

export type Db = Database.Database;

const MMAP_BYTES = 2 ** 30;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL lets readers run while the worker writes; NORMAL sync is durable across app crashes
  // (only an OS crash can lose the last transactions) and much faster than FULL.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // The tag_counts triggers make each tag write open a statement journal: keep it off the disk.
  db.pragma('temp_store = MEMORY');
  // Read the file through a memory map rather than read() calls into SQLite's 2 MB page cache:
  // a page already in the OS cache costs no copy. Measured with the v3 layout, 5–10% off a page
  // at 10k and 1M images alike (the layout, not this, is what keeps 1M as fast as 10k).
  // Address space only; the OS pages it in and out.
  db.pragma(`mmap_size = ${MMAP_BYTES}`);
  migrate(db);
  return db;
}

/**
 * Applies, in order and each in its own transaction, the migrations the file has not seen, up to
 * `version` (all of them unless a test or a benchmark wants an older schema).
 */
export function migrate(db: Db, version = migrations.length): void {
  // The image_search triggers and statements (v7) call these functions. Every connection that
  // writes images comes through here first, so they are registered before anything needs them.
  registerSearchFunctions(db);
  const current = db.pragma('user_version', { simple: true }) as number;
  migrations.slice(current, version).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + index + 1}`);
    })();
  });
  // A migration that copies whole tables leaves the old pages free inside the file (and the new
  // ones as scattered as the copy wrote them); give them back once, after upgrading a file that
  // had data. VACUUM cannot run inside a transaction. About 1 s per 100k images.
  const rebuilt = [...REBUILDING_MIGRATIONS].some((v) => v > current && v <= version);
  if (current > 0 && rebuilt) db.exec('VACUUM');
}
