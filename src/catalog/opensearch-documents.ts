// The OpenSearch catalog's documents: the index mapping, and the one translation between an
// ImageRecord and its stored document (used by opensearch.ts only). Knows no client.
import type { ImageRecord, Tag } from '../domain/image.js';

/** A stored image: the record plus its tag names, the indexed twin of `tags`. */
export type ImageDoc = ImageRecord & { tagNames: string[] };
/** What the writes change; the rest of a document never changes. */
export type State = Pick<ImageRecord, 'status' | 'tags' | 'taggedAt' | 'error'>;

/** The index's mapping, exported so the tests can check what is sent. */
export const IMAGE_MAPPING = {
  // A typo in a field name fails the write instead of quietly growing the mapping.
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' }, // the listing's tie-breaker: sorting needs a field, not `_id`
    ownerId: { type: 'keyword' },
    // Shown, never searched: neither indexed nor in doc values (so no keyword length limit).
    filename: { type: 'keyword', index: false, doc_values: false },
    contentType: { type: 'keyword' },
    size: { type: 'long' },
    status: { type: 'keyword' },
    // `date` stores milliseconds, the precision of the port's timestamps (no date_nanos needed).
    createdAt: { type: 'date', format: 'strict_date_optional_time' },
    taggedAt: { type: 'date', format: 'strict_date_optional_time' },
    error: { type: 'text', index: false },
    tagNames: { type: 'keyword' },
    tags: { type: 'object', enabled: false },
  },
} as const;

export function toDoc(image: Omit<ImageRecord, keyof State>, state: State): ImageDoc {
  const { id, ownerId, filename, contentType, size, createdAt } = image;
  const tags = uniqueByName(state.tags);
  // An undefined taggedAt or error is left out of the JSON, so a rewrite clears it.
  return {
    id,
    ownerId,
    filename,
    contentType,
    size,
    createdAt,
    ...state,
    tags,
    tagNames: tags.map((t) => t.name),
  };
}

export function toRecord(doc: ImageDoc): ImageRecord {
  const { id, ownerId, filename, contentType, size, status, createdAt, taggedAt, error } = doc;
  const tags = doc.tags.map(({ name, confidence }) => ({ name, confidence }));
  const record: ImageRecord = { id, ownerId, filename, contentType, size, status, tags, createdAt };
  if (typeof taggedAt === 'string') record.taggedAt = taggedAt;
  if (typeof error === 'string') record.error = error;
  return record;
}

/** One tag per name (the highest confidence), highest confidence first, then by name. */
function uniqueByName(tags: Tag[]): Tag[] {
  const best = new Map<string, Tag>();
  for (const { name, confidence } of tags) {
    const seen = best.get(name);
    if (seen === undefined || confidence > seen.confidence) best.set(name, { name, confidence });
  }
  return [...best.values()].sort(
    (a, b) => b.confidence - a.confidence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}
