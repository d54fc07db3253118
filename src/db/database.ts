// Opens the local SQLite database (one file in DATA_DIR) and brings its schema up to date.
// Used by the local adapters only: identity/local.ts, catalog/sqlite.ts, jobs/job-queue.ts.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations.js';

export type Db = Database.Database;

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
  migrate(db);
  return db;
}

/** Applies, in order and each in its own transaction, the migrations the file has not seen. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  migrations.slice(current).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + index + 1}`);
    })();
  });
}
