// The schema, one entry per version; never edit an entry that has shipped, append a new one.
export const migrations: string[] = [
  `
  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
  ) STRICT;
  `,
  // Images, their tags and the job queue. Every listing walks an index in its ORDER BY order
  // and stops after one page (keyset pagination), so a page costs the same at 1M images as
  // at 10k. owner_id has no foreign key to users: with AUTH=cognito the users live elsewhere.
  `
  CREATE TABLE images (
    id           TEXT NOT NULL PRIMARY KEY,
    owner_id     TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'tagged', 'failed')),
    created_at   TEXT NOT NULL,
    tagged_at    TEXT,
    error        TEXT
  ) STRICT, WITHOUT ROWID;

  CREATE INDEX images_by_owner_newest ON images (owner_id, created_at DESC, id DESC);

  -- owner_id and created_at are copied from the image (neither ever changes) so that a tag
  -- listing is one ordered index range per tag, never a join over all the owner's images.
  CREATE TABLE image_tags (
    image_id   TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    confidence REAL NOT NULL,
    owner_id   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (image_id, name)
  ) STRICT, WITHOUT ROWID;

  CREATE INDEX image_tags_by_owner_tag_newest
    ON image_tags (owner_id, name, created_at DESC, image_id DESC);

  -- How many of an owner's images carry each tag, kept exact by the triggers below in the
  -- same transaction as every tag write, so GET /tags never aggregates image_tags.
  CREATE TABLE tag_counts (
    owner_id TEXT NOT NULL,
    name     TEXT NOT NULL,
    count    INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (owner_id, name)
  ) STRICT, WITHOUT ROWID;

  CREATE INDEX tag_counts_by_owner_most_used ON tag_counts (owner_id, count DESC, name);

  CREATE TRIGGER image_tags_count_insert AFTER INSERT ON image_tags BEGIN
    INSERT INTO tag_counts (owner_id, name, count) VALUES (new.owner_id, new.name, 1)
      ON CONFLICT (owner_id, name) DO UPDATE SET count = count + 1;
  END;

  -- Also fires for rows removed by ON DELETE CASCADE. A tag nobody uses any more disappears.
  CREATE TRIGGER image_tags_count_delete AFTER DELETE ON image_tags BEGIN
    UPDATE tag_counts SET count = count - 1 WHERE owner_id = old.owner_id AND name = old.name;
    DELETE FROM tag_counts WHERE owner_id = old.owner_id AND name = old.name AND count <= 0;
  END;

  CREATE TRIGGER image_tags_no_update BEFORE UPDATE ON image_tags BEGIN
    SELECT RAISE (ABORT, 'image_tags rows are replaced, never updated (tag_counts)');
  END;

  -- The durable local job queue. run_after is when the job is next due: while a worker holds
  -- it, that is the lease's expiry, so a crashed worker's job simply becomes due again.
  CREATE TABLE jobs (
    key          TEXT NOT NULL PRIMARY KEY,
    run_after    INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    leased_until INTEGER,
    last_error   TEXT,
    enqueued_at  INTEGER NOT NULL
  ) STRICT;

  CREATE INDEX jobs_by_run_after ON jobs (run_after);
  `,
];
