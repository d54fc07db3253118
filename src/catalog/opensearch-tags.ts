// The OpenSearch catalog's tag edits (opensearch.ts delegates to it): a person's edit of many
// images, and a tag renamed or removed on every image of an owner. What an edit means is
// domain/tag-edits.ts's; here is how it reaches the index without a transaction: read with
// versions, decide everything, then one versioned `_bulk`, re-reading only what a concurrent
// writer changed. Touches only the catalog's index, through DocumentStore.
import { ImageChangedConcurrently, ImageNotFound, TagLimitReached } from '../domain/errors.js';
import type { ImageRecord, TagCount } from '../domain/image.js';
import {
  editTags,
  hasTag,
  MAX_USER_TAGS,
  renameTag,
  type TagEdit,
  type TagState,
} from '../domain/tag-edits.js';
import { stateOf, tagStateOf, toDoc, toRecord, type ImageDoc } from './opensearch-documents.js';
import type { DocumentStore, Versioned } from './opensearch-store.js';

/** Rounds of re-reading what a concurrent writer changed before giving up. */
const MAX_ROUNDS = 3;
/** Documents per page of a rename or removal (and per `_bulk`). */
const PAGE = 500;

type Change = (state: TagState) => TagState | undefined;

export class OpenSearchTagWrites {
  constructor(private readonly store: DocumentStore) {}

  /**
   * Every id is read and checked, and every edit computed, before anything is written, so a
   * foreign id or a full image changes nothing. A version conflict (a retag or another edit in
   * between) re-reads those images and applies the edit to what they hold now. If a later round
   * fails (an image deleted or full meanwhile, or OpenSearch down), the images already written are
   * put back as they were, so the edit is all or nothing here too.
   */
  async editTags(owner: string, ids: string[], edit: TagEdit): Promise<ImageRecord[]> {
    const unique = [...new Set(ids)];
    const edited = new Map<string, ImageDoc>();
    /** The first read of each image written: what a rollback restores. */
    const before = new Map<string, ImageDoc>();
    let pending = unique;
    try {
      for (let round = 1; pending.length > 0; round += 1) {
        if (round > MAX_ROUNDS) throw new ImageChangedConcurrently(pending[0]!);
        const found = await this.store.readMany(pending);
        const writes = found.map((read, k) => {
          const id = pending[k]!;
          if (read === undefined || read.doc.ownerId !== owner)
            throw new ImageNotFound(`Image ${id}`);
          const after = editTags(tagStateOf(read.doc), edit);
          if (after === undefined) throw new TagLimitReached(id, MAX_USER_TAGS);
          if (!before.has(id)) before.set(id, read.doc);
          return {
            doc: toDoc(read.doc, { ...stateOf(read.doc), tags: after }),
            version: read.version,
          };
        });
        const conflicts = await this.store.writeVersioned(writes);
        for (const write of writes)
          if (!conflicts.has(write.doc.id)) edited.set(write.doc.id, write.doc);
        pending = pending.filter((id) => conflicts.has(id));
      }
    } catch (error) {
      await this.undo(edited, before);
      throw error;
    }
    return ids.map((id) => toRecord(edited.get(id)!));
  }

  /**
   * Gives the written images their tags from before the edit, each on condition that it still
   * holds what the edit wrote: a writer who came after wins, and its image is left alone. Best
   * effort: the edit's own error is what the caller is told.
   */
  private async undo(edited: Map<string, ImageDoc>, before: Map<string, ImageDoc>): Promise<void> {
    if (edited.size === 0) return;
    try {
      const now = await this.store.readMany([...edited.keys()]);
      const writes = now
        .filter((read): read is Versioned => read !== undefined)
        .filter((read) => sameTags(read.doc, edited.get(read.doc.id)!))
        .map((read) => ({
          doc: toDoc(read.doc, {
            ...stateOf(read.doc),
            tags: tagStateOf(before.get(read.doc.id)!),
          }),
          version: read.version,
        }));
      await this.store.writeVersioned(writes);
    } catch (error) {
      // OpenSearch failing again: the edit's own error is what the caller is told (and may retry
      // on), but the images it wrote are said here, since they keep the edit.
      process.emitWarning(
        `A failed tag edit could not be undone on ${edited.size} image(s) (${[...edited.keys()].join(', ')}): ${String(error)}`,
      );
    }
  }

  /** `into`'s image count afterwards: the images that had it plus those that had `from`. */
  async renameTag(owner: string, from: string, into: string): Promise<TagCount> {
    const states = await this.onEveryImageWith(owner, [from, into], (state) =>
      hasTag(state, from) ? renameTag(state, from, into) : undefined,
    );
    const count = [...states.values()].filter((state) => hasTag(state, into)).length;
    return { name: into, count };
  }

  /** How many of the owner's images carried `name`. */
  async removeTag(owner: string, name: string): Promise<number> {
    const states = await this.onEveryImageWith(owner, [name], (state) =>
      editTags(state, { add: [], remove: [name] }),
    );
    return states.size;
  }

  /**
   * Pages through the owner's images that carry one of `names` (in id order, so rewriting a page
   * does not move the next one), rewrites those `change` changes (undefined: leave it) and answers
   * every image's tags afterwards.
   */
  private async onEveryImageWith(
    owner: string,
    names: string[],
    change: Change,
  ): Promise<Map<string, TagState>> {
    const states = new Map<string, TagState>();
    let after: string | undefined;
    for (;;) {
      const body = await this.store.search({
        size: PAGE,
        query: { bool: { filter: [{ term: { ownerId: owner } }, { terms: { tagNames: names } }] } },
        sort: [{ id: { order: 'asc' } }],
        ...(after === undefined ? {} : { search_after: [after] }),
        seq_no_primary_term: true,
        track_total_hits: false,
      });
      const hits = body.hits.hits;
      const page: Versioned[] = hits.map((hit) => ({
        doc: hit._source,
        version: { if_seq_no: hit._seq_no!, if_primary_term: hit._primary_term! },
      }));
      await this.rewrite(owner, page, change, states);
      if (hits.length < PAGE) return states;
      after = hits.at(-1)!._source.id;
    }
  }

  /** Writes the page's changes; a conflicting image is re-read and changed from what it holds. */
  private async rewrite(
    owner: string,
    page: Versioned[],
    change: Change,
    states: Map<string, TagState>,
  ): Promise<void> {
    let reads = page;
    for (let round = 1; reads.length > 0; round += 1) {
      if (round > MAX_ROUNDS) throw new ImageChangedConcurrently(reads[0]!.doc.id);
      const writes: Versioned[] = [];
      for (const { doc, version } of reads) {
        const before = tagStateOf(doc);
        const after = change(before);
        states.set(doc.id, after ?? before);
        if (after === undefined || after === before) continue;
        writes.push({ doc: toDoc(doc, { ...stateOf(doc), tags: after }), version });
      }
      const conflicts = await this.store.writeVersioned(writes);
      if (conflicts.size === 0) return;
      const again = await this.store.readMany([...conflicts]);
      // An image deleted or no longer the owner's meanwhile needs nothing more.
      reads = again.filter((read): read is Versioned => read?.doc.ownerId === owner);
      for (const id of conflicts) if (!reads.some((read) => read.doc.id === id)) states.delete(id);
    }
  }
}

const sameTags = (a: ImageDoc, b: ImageDoc) =>
  JSON.stringify(tagStateOf(a)) === JSON.stringify(tagStateOf(b));
