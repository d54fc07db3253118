// The schema, one entry per version; never edit an entry that has shipped, append a new one.
import { v7 } from './search-index.js';

/** Versions whose migration copies whole tables: db/database.ts vacuums the file after them. */
export const REBUILDING_MIGRATIONS: ReadonlySet<number> = new Set([3, 7]);

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
  // v3: a page of images with their tags is one range read of one table. Each image row carries
  // its tags (JSON, highest confidence first) and images are clustered by (owner, newest first),
  // so a listing page is a few neighbouring B-tree pages, not one random page per image plus a
  // second query for the tags. image_tags becomes pure search data kept by triggers from
  // images.tags: its primary key is the tag listing's order, so a tag page is one range of it,
  // and an AND probes each other tag by exact key. Owners are numbered (owners.n): the owner
  // leads every key, and a small integer there instead of a 36-character id is most of the
  // bytes saved. Together about two thirds of v2's bytes per image (bench/scale.ts).
  `
  CREATE TABLE owners (
    n  INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE
  ) STRICT;

  INSERT INTO owners (id) SELECT DISTINCT owner_id FROM images ORDER BY owner_id;

  CREATE TABLE images_v3 (
    owner        INTEGER NOT NULL, -- owners.n
    created_at   TEXT NOT NULL,
    id           TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'tagged', 'failed')),
    tagged_at    TEXT,
    error        TEXT,
    -- [[name, confidence], …], highest confidence first, then name; only tagged images have any.
    tags         TEXT NOT NULL DEFAULT '[]' CHECK (status = 'tagged' OR tags = '[]'),
    PRIMARY KEY (owner, created_at DESC, id DESC)
  ) STRICT, WITHOUT ROWID;

  INSERT INTO images_v3 (owner, created_at, id, filename, content_type, size, status, tagged_at,
    error, tags)
  SELECT o.n, i.created_at, i.id, i.filename, i.content_type, i.size, i.status, i.tagged_at,
    i.error,
    CASE WHEN i.status = 'tagged' THEN (
      SELECT json_group_array(json_array(t.name, t.confidence) ORDER BY t.confidence DESC, t.name)
      FROM image_tags t WHERE t.image_id = i.id)
    ELSE '[]' END
  FROM images i JOIN owners o ON o.id = i.owner_id;

  DROP TABLE image_tags; -- with its index and triggers
  DROP TABLE images;
  ALTER TABLE images_v3 RENAME TO images;

  -- get, markTagged, remove… address an image by id; its owner and created_at come with it.
  CREATE UNIQUE INDEX images_by_id ON images (id);

  CREATE TABLE image_tags (
    owner      INTEGER NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    image_id   TEXT NOT NULL,
    PRIMARY KEY (owner, name, created_at DESC, image_id DESC)
  ) STRICT, WITHOUT ROWID;

  INSERT INTO image_tags (owner, name, created_at, image_id)
  SELECT i.owner, t.value ->> 0, i.created_at, i.id FROM images i, json_each(i.tags) t;

  DROP TABLE tag_counts; -- with its index
  CREATE TABLE tag_counts (
    owner INTEGER NOT NULL,
    name  TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (owner, name)
  ) STRICT, WITHOUT ROWID;

  CREATE INDEX tag_counts_by_owner_most_used ON tag_counts (owner, count DESC, name);

  INSERT INTO tag_counts (owner, name, count)
  SELECT owner, name, count(*) FROM image_tags GROUP BY owner, name;

  CREATE TRIGGER image_tags_count_insert AFTER INSERT ON image_tags BEGIN
    INSERT INTO tag_counts (owner, name, count) VALUES (new.owner, new.name, 1)
      ON CONFLICT (owner, name) DO UPDATE SET count = count + 1;
  END;

  CREATE TRIGGER image_tags_count_delete AFTER DELETE ON image_tags BEGIN
    UPDATE tag_counts SET count = count - 1 WHERE owner = old.owner AND name = old.name;
    DELETE FROM tag_counts WHERE owner = old.owner AND name = old.name AND count <= 0;
  END;

  CREATE TRIGGER image_tags_no_update BEFORE UPDATE ON image_tags BEGIN
    SELECT RAISE (ABORT, 'image_tags rows are replaced, never updated (tag_counts)');
  END;

  -- image_tags follows images.tags. The key columns never change, which the triggers rely on.
  CREATE TRIGGER images_key_no_update BEFORE UPDATE OF owner, created_at, id ON images BEGIN
    SELECT RAISE (ABORT, 'an image keeps its owner, created_at and id');
  END;

  CREATE TRIGGER images_tags_insert AFTER INSERT ON images WHEN new.tags <> '[]' BEGIN
    INSERT INTO image_tags (owner, name, created_at, image_id)
    SELECT new.owner, t.value ->> 0, new.created_at, new.id FROM json_each(new.tags) t;
  END;

  CREATE TRIGGER images_tags_update AFTER UPDATE OF tags ON images
  WHEN old.tags <> new.tags BEGIN
    DELETE FROM image_tags
    WHERE owner = old.owner AND name IN (SELECT t.value ->> 0 FROM json_each(old.tags) t)
      AND created_at = old.created_at AND image_id = old.id;
    INSERT INTO image_tags (owner, name, created_at, image_id)
    SELECT new.owner, t.value ->> 0, new.created_at, new.id FROM json_each(new.tags) t;
  END;

  CREATE TRIGGER images_tags_delete AFTER DELETE ON images WHEN old.tags <> '[]' BEGIN
    DELETE FROM image_tags
    WHERE owner = old.owner AND name IN (SELECT t.value ->> 0 FROM json_each(old.tags) t)
      AND created_at = old.created_at AND image_id = old.id;
  END;
  `,
  // v4: owners.version, bumped in the same statement as every change to one of the owner's
  // images (insert, any update, delete), by trigger, so no write path can forget it and another
  // process writing this file is seen too. It only grows: a cached listing keyed by it
  // (http/listing-cache.ts) is current exactly while the version is the same.
  `
  ALTER TABLE owners ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

  CREATE TRIGGER owners_version_image_insert AFTER INSERT ON images BEGIN
    UPDATE owners SET version = version + 1 WHERE n = new.owner;
  END;

  CREATE TRIGGER owners_version_image_update AFTER UPDATE ON images BEGIN
    UPDATE owners SET version = version + 1 WHERE n = new.owner;
  END;

  CREATE TRIGGER owners_version_image_delete AFTER DELETE ON images BEGIN
    UPDATE owners SET version = version + 1 WHERE n = old.owner;
  END;
  `,
  // v5: search by status and for untagged images (GET /images?status=…, ?untagged=true). Each
  // is a partial index in listing order holding only the rows it finds, and covering (every
  // column of the row), so a page of the rare failed, pending or tag-less images is one key range
  // read in order, with no descent into images per image; together they copy about one image in
  // ten. The common `tagged` status walks the images range itself. Built in place from the rows.
  `
  CREATE INDEX images_pending ON images (owner, created_at DESC, id DESC, filename, content_type,
    size, status, tagged_at, error, tags) WHERE status = 'pending';
  CREATE INDEX images_failed ON images (owner, created_at DESC, id DESC, filename, content_type,
    size, status, tagged_at, error, tags) WHERE status = 'failed';
  CREATE INDEX images_untagged ON images (owner, created_at DESC, id DESC, filename, content_type,
    size, status, tagged_at, error, tags) WHERE status = 'tagged' AND tags = '[]';
  `,
  // v6: tags a person can fix (contract v2). `tags` stays the model's tags, which only a tagged
  // image has (its CHECK holds); `user_tags` holds the user's, in the same [[name, 1], …] shape so
  // the listing's `["name",` needle finds a tag in either, and they stay whatever the status, so a
  // retag never touches them. `vetoes` is the JSON array of names the user removed: the catalog
  // (domain/tag-edits.ts) keeps them out of `tags`, now and after every retag. image_tags now
  // follows both columns, and an edit rewrites only the names that changed. The partial indexes
  // are made again to cover the new columns (and `untagged` now means no tag of either kind).
  // Adding columns rewrites no row; the indexes copy about one image in ten.
  `
  ALTER TABLE images ADD COLUMN user_tags TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE images ADD COLUMN vetoes TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE images ADD COLUMN width INTEGER;
  ALTER TABLE images ADD COLUMN height INTEGER;
  ALTER TABLE images ADD COLUMN text TEXT;

  DROP TRIGGER images_tags_insert;
  DROP TRIGGER images_tags_update;
  DROP TRIGGER images_tags_delete;

  CREATE TRIGGER images_tags_insert AFTER INSERT ON images
  WHEN new.tags <> '[]' OR new.user_tags <> '[]' BEGIN
    INSERT INTO image_tags (owner, name, created_at, image_id)
    SELECT new.owner, n.name, new.created_at, new.id FROM (
      SELECT t.value ->> 0 AS name FROM json_each(new.tags) t
      UNION SELECT u.value ->> 0 FROM json_each(new.user_tags) u) n;
  END;

  CREATE TRIGGER images_tags_update AFTER UPDATE OF tags, user_tags ON images
  WHEN old.tags <> new.tags OR old.user_tags <> new.user_tags BEGIN
    DELETE FROM image_tags
    WHERE owner = old.owner AND created_at = old.created_at AND image_id = old.id AND name IN (
      SELECT t.value ->> 0 FROM json_each(old.tags) t
      UNION SELECT u.value ->> 0 FROM json_each(old.user_tags) u
      EXCEPT SELECT t.value ->> 0 FROM json_each(new.tags) t
      EXCEPT SELECT u.value ->> 0 FROM json_each(new.user_tags) u);
    INSERT INTO image_tags (owner, name, created_at, image_id)
    SELECT new.owner, n.name, new.created_at, new.id FROM (
      SELECT t.value ->> 0 AS name FROM json_each(new.tags) t
      UNION SELECT u.value ->> 0 FROM json_each(new.user_tags) u
      EXCEPT SELECT t.value ->> 0 FROM json_each(old.tags) t
      EXCEPT SELECT u.value ->> 0 FROM json_each(old.user_tags) u) n;
  END;

  CREATE TRIGGER images_tags_delete AFTER DELETE ON images
  WHEN old.tags <> '[]' OR old.user_tags <> '[]' BEGIN
    DELETE FROM image_tags
    WHERE owner = old.owner AND created_at = old.created_at AND image_id = old.id AND name IN (
      SELECT t.value ->> 0 FROM json_each(old.tags) t
      UNION SELECT u.value ->> 0 FROM json_each(old.user_tags) u);
  END;

  DROP INDEX images_pending;
  DROP INDEX images_failed;
  DROP INDEX images_untagged;
  CREATE INDEX images_pending ON images (owner, created_at DESC, id DESC, filename, content_type,
    size, status, tagged_at, error, tags, user_tags, width, height, text) WHERE status = 'pending';
  CREATE INDEX images_failed ON images (owner, created_at DESC, id DESC, filename, content_type,
    size, status, tagged_at, error, tags, user_tags, width, height, text) WHERE status = 'failed';
  CREATE INDEX images_untagged ON images (owner, created_at DESC, id DESC, filename, content_type,
    size, status, tagged_at, error, tags, user_tags, width, height, text)
    WHERE status = 'tagged' AND tags = '[]' AND user_tags = '[]';
  `,
  // v7: full-text search for q (db/search-index.ts). Every image row gains its search rowid, so
  // the file is rewritten once and vacuumed: 71 s for a million images (bench seed, this machine).
  v7,
];
