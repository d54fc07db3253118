// The SQLite catalog's tag writes (sqlite.ts delegates to it): processing's model tags and a
// person's edits, each a read of the image's TagState and a write of its three tag columns inside
// one transaction, so an edit and a retag of the same image never undo each other. What the
// edits mean is domain/tag-edits.ts's; the triggers of db/migrations.ts v6 keep image_tags and
// tag_counts (the search data) in step with the columns written here.
import type { Db } from '../db/database.js';
import { ImageNotFound, TagLimitReached } from '../domain/errors.js';
import type { ImageRecord, TagCount } from '../domain/image.js';
import {
  editTags,
  MAX_USER_TAGS,
  renameTag,
  withModelTags,
  type TagEdit,
  type TagState,
} from '../domain/tag-edits.js';
import type { Processed } from './image-catalog.js';
import { OWNER } from './sqlite-list.js';
import { toTagColumns, toTagState, type TagColumns } from './sqlite-rows.js';

export const TAG_SQL = {
  tagColumns: `SELECT tags, user_tags AS userTags, vetoes FROM images
    WHERE id = @id AND owner = ${OWNER}`,
  setTagged: `
    UPDATE images SET status = 'tagged', tagged_at = @taggedAt, error = NULL, tags = @tags,
      user_tags = @userTags, vetoes = @vetoes, width = @width, height = @height, text = @text
    WHERE id = @id AND owner = ${OWNER}`,
  // Failed or pending again (a retag): the model's findings go, the user's tags stay.
  setUntagged: `
    UPDATE images SET status = @status, tagged_at = NULL, error = @error, tags = '[]', text = NULL
    WHERE id = @id AND owner = ${OWNER}`,
  setTags: `
    UPDATE images SET tags = @tags, user_tags = @userTags, vetoes = @vetoes
    WHERE id = @id AND owner = ${OWNER}`,
  /** The owner's images that carry a tag: one image_tags range. */
  imagesWith: `SELECT image_id FROM image_tags WHERE owner = ${OWNER} AND name = @name`,
  tagCount: `SELECT count FROM tag_counts WHERE owner = ${OWNER} AND name = @name`,
} as const;

type Key = { owner: string; id: string };
type Nullable<T> = { [K in keyof T]: T[K] | null };

function prepare(db: Db) {
  const s = TAG_SQL;
  return {
    tagColumns: db.prepare<Key, TagColumns>(s.tagColumns),
    setTagged: db.prepare<
      Key & TagColumns & { taggedAt: string } & Nullable<Omit<Processed, 'labels' | 'taggedAt'>>
    >(s.setTagged),
    setUntagged: db.prepare<Key & { status: 'pending' | 'failed'; error: string | null }>(
      s.setUntagged,
    ),
    setTags: db.prepare<Key & TagColumns>(s.setTags),
    imagesWith: db.prepare<{ owner: string; name: string }, string>(s.imagesWith).pluck(true),
    tagCount: db.prepare<{ owner: string; name: string }, number>(s.tagCount).pluck(true),
  };
}

export class SqliteTagWrites {
  private readonly sql: ReturnType<typeof prepare>;

  constructor(
    private readonly db: Db,
    /** The catalog's read of one image, for the edited images' answer. */
    private readonly get: (owner: string, id: string) => ImageRecord | undefined,
  ) {
    this.sql = prepare(db);
  }

  /** Does nothing when the owner has no such image (deleted while it was being tagged). */
  markTagged(owner: string, id: string, processed: Processed): void {
    this.db.transaction(() => {
      const state = this.state(owner, id);
      if (state === undefined) return;
      const { taggedAt, width, height, text } = processed;
      this.sql.setTagged.run({
        owner,
        id,
        taggedAt,
        width: width ?? null,
        height: height ?? null,
        text: text ?? null,
        ...toTagColumns(withModelTags(state, processed.labels)),
      });
    })();
  }

  /** Does nothing when the owner has no such image. */
  markUntagged(owner: string, id: string, status: 'pending' | 'failed', error?: string): void {
    this.sql.setUntagged.run({ owner, id, status, error: error ?? null });
  }

  editTags(owner: string, ids: string[], edit: TagEdit): ImageRecord[] {
    return this.db.transaction(() => {
      // Every id is checked before anything is written: one foreign id changes nothing.
      const states = ids.map((id) => {
        const state = this.state(owner, id);
        if (state === undefined) throw new ImageNotFound(`Image ${id}`);
        return state;
      });
      ids.forEach((id, k) => {
        const edited = editTags(states[k]!, edit);
        if (edited === undefined) throw new TagLimitReached(id, MAX_USER_TAGS);
        this.write(owner, id, states[k]!, edited);
      });
      return ids.map((id) => this.get(owner, id)!);
    })();
  }

  renameTag(owner: string, from: string, into: string): TagCount {
    return this.db.transaction(() => {
      this.onEveryImageWith(owner, from, (state) => renameTag(state, from, into));
      return { name: into, count: this.sql.tagCount.get({ owner, name: into }) ?? 0 };
    })();
  }

  removeTag(owner: string, name: string): number {
    return this.db.transaction(() =>
      this.onEveryImageWith(owner, name, (state) => editTags(state, { add: [], remove: [name] })),
    )();
  }

  /** Rewrites each image that carries `name`; how many there were. */
  private onEveryImageWith(
    owner: string,
    name: string,
    change: (state: TagState) => TagState | undefined,
  ): number {
    const ids = this.sql.imagesWith.all({ owner, name });
    for (const id of ids) {
      const state = this.state(owner, id)!;
      const changed = change(state);
      if (changed !== undefined) this.write(owner, id, state, changed);
    }
    return ids.length;
  }

  private state(owner: string, id: string): TagState | undefined {
    const columns = this.sql.tagColumns.get({ owner, id });
    return columns === undefined ? undefined : toTagState(columns);
  }

  private write(owner: string, id: string, before: TagState, after: TagState): void {
    if (after === before) return;
    this.sql.setTags.run({ owner, id, ...toTagColumns(after) });
  }
}
